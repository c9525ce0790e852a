"""Output shaping: compact Markdown tables, opaque page cursors, and fitting pages to the budget."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from datetime import date
from typing import Self, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from plugin.toolkit.errors import InvalidArgument
from plugin.toolkit.untrusted import clean_inline

T = TypeVar("T")

# Room left for the rest of a response (headers, paging hints, structured envelope).
PAGE_BUDGET = 36_000


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], max_cell: int = 80) -> str:
    """A Markdown table; every cell sanitised (invisible characters, pipes) and bounded."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines.extend("| " + " | ".join(cell(value, max_cell) for value in row) + " |" for row in rows)
    return "\n".join(lines)


def cell(value: object, max_chars: int = 80) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return clean_inline(str(value), max_chars)


def money(amount: float | None, currency: str | None) -> str | None:
    if amount is None:
        return None
    return f"{currency or ''} {amount:,.0f}".strip()


class OpaqueCursor(BaseModel):
    """A cursor a tool hands out: its state as base64url JSON. Opaque to the model, checked on the way in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def encode(self) -> str:
        return base64.urlsafe_b64encode(self.model_dump_json().encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, value: str) -> Self:
        try:
            return cls.model_validate_json(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        except (binascii.Error, ValueError, ValidationError):
            raise InvalidArgument(
                "The cursor is not one this tool returned; call again without a cursor to start over."
            ) from None


class PageCursor(OpaqueCursor):
    """The plugin's own cursor: the CLM page it came from and how many rows of it were already shown.

    Wrapping the CLM's cursor lets a tool return fewer rows than the CLM page held (to stay inside
    the output budget) without losing or repeating a row.
    """

    c: str | None  # the CLM cursor that produced the page (None = first page)
    s: int = 0  # rows of that page already returned

    @classmethod
    def decode(cls, value: str | None) -> PageCursor:
        if value is None:
            return cls(c=None)
        cursor = cls.parse(value)
        if cursor.s < 0 or cursor.s > 1000:
            raise InvalidArgument("The cursor is corrupted; call again without a cursor to start over.")
        return cursor


def fit(items: Sequence[T], size: Callable[[Sequence[T]], int], budget: int = PAGE_BUDGET) -> int:
    """The largest n such that size(items[:n]) <= budget (at least 1 when there are items)."""
    if not items or size(items) <= budget:
        return len(items)
    low, high = 1, len(items)
    while low < high:
        mid = (low + high + 1) // 2
        if size(items[:mid]) <= budget:
            low = mid
        else:
            high = mid - 1
    return low
