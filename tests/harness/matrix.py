"""Results collected during the run and printed at its end (see conftest.py): fault matrix, fuzz outcomes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tests.plugin_parts import NAMESPACE


@dataclass
class Cell:
    fault: str
    tool: str
    outcome: str = "not run"
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems and self.outcome != "not run"


MATRIX: list[Cell] = []
FUZZ_OUTCOMES: Counter[str] = Counter()  # 'tool:outcome' -> cases


def render(cells: list[Cell]) -> list[str]:
    """One row per fault, one column per tool: the outcome, marked FAIL when the cell failed."""
    tools = list(dict.fromkeys(cell.tool for cell in cells))
    faults = list(dict.fromkeys(cell.fault for cell in cells))
    by_key = {(c.fault, c.tool): c for c in cells}
    short = [t.removeprefix(NAMESPACE)[:14] for t in tools]
    width = max(len(f) for f in faults)
    lines = [" | ".join([" " * width, *(f"{s:<14}" for s in short)])]
    for fault in faults:
        row = []
        for tool in tools:
            cell = by_key.get((fault, tool))
            label = "-" if cell is None else (cell.outcome if cell.passed else f"FAIL:{cell.outcome}")
            row.append(f"{label[:14]:<14}")
        lines.append(" | ".join([f"{fault:<{width}}", *row]))
    passed = sum(c.passed for c in cells)
    lines.append(f"fault matrix: {passed}/{len(cells)} cells passed ({len(faults)} faults x {len(tools)} tools)")
    return lines
