"""Compact Markdown for tool results: tables with sanitised, bounded cells, and money."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from plugin.toolkit.untrusted import clean_inline


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
