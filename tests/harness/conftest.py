"""Prints the fault matrix (cells passed / total) and the fuzz case count at the end of a run."""

from __future__ import annotations

import pytest

from tests.harness.matrix import FUZZ_OUTCOMES, MATRIX, render


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if MATRIX:
        terminalreporter.section("fault matrix")
        for line in render(MATRIX):
            terminalreporter.write_line(line)
    if FUZZ_OUTCOMES:
        terminalreporter.section("fuzz")
        total = sum(FUZZ_OUTCOMES.values())
        by_outcome: dict[str, int] = {}
        for key, count in FUZZ_OUTCOMES.items():
            outcome = key.split(":", 2)[-1]
            by_outcome[outcome] = by_outcome.get(outcome, 0) + count
        terminalreporter.write_line(f"fuzz: {total} cases run; outcomes: {dict(sorted(by_outcome.items()))}")
