"""The output budget, one rule for every tool: no response over 40,000 characters (text, plus structured if on).

A list result that is over the budget is trimmed by the server, not by the tool: the largest number
of leading rows that fits is kept (binary search over `ToolOutput.trimmed`), and the trimmed result
carries the tool's own cursor to continue right after the last row shown. A result that cannot be
trimmed enough is `OverBudget`, a defect of the tool that the pipeline reports as an internal error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from plugin.toolkit.spec import ToolOutput

MAX_RESPONSE_CHARS = 40_000

Result = TypeVar("Result", bound=ToolOutput)
R = TypeVar("R")
S = TypeVar("S")


class OverBudget(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(f"{size} characters")
        self.size = size


def fit_to_budget(
    output: Result, measure: Callable[[Result], tuple[int, R, S]], budget: int = MAX_RESPONSE_CHARS
) -> tuple[Result, R, S]:
    """(output, rendering, structured) of the largest leading page of `output` within `budget`; `measure` gives a
    candidate's (size, rendering, structured form)."""
    size, rendered, structured = measure(output)
    if size <= budget:
        return output, rendered, structured
    rows = output.row_count()
    if rows < 2:
        raise OverBudget(size)
    best: tuple[Result, R, S] | None = None
    low, high = 1, rows - 1
    while low <= high:
        keep = (low + high) // 2
        candidate = output.trimmed(keep)
        size, rendered, structured = measure(candidate)
        if size <= budget:
            best, low = (candidate, rendered, structured), keep + 1
        else:
            high = keep - 1
    if best is None:
        raise OverBudget(size)
    return best
