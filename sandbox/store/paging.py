"""Keyset pagination: ORDER BY (key, id) and 'strictly after this position' as SQL."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

KeyValue = str | int | float
RowT = TypeVar("RowT")


class Position(BaseModel):
    """Where the previous page ended: its last row's sort key value and id."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    key: KeyValue
    id: str


@dataclass(frozen=True)
class KeysetOrder:
    """A sort over a NOT NULL key column with the row id as tie-breaker (both trusted SQL names)."""

    key: str
    id: str
    descending: bool = False

    def order_by(self) -> str:
        direction = "DESC" if self.descending else "ASC"
        return f"{self.key} {direction}, {self.id} {direction}"

    def after(self, position: Position) -> tuple[str, list[KeyValue]]:
        # Row-value comparison: one index range scan, and no row is skipped or repeated.
        operator = "<" if self.descending else ">"
        return f"({self.key}, {self.id}) {operator} (?, ?)", [position.key, position.id]


@dataclass(frozen=True)
class Slice(Generic[RowT]):
    """One page of rows, where the next page starts (None at the end) and how many rows match."""

    rows: list[RowT]
    next_position: Position | None
    total: int


def where_sql(clauses: list[str]) -> str:
    return f"WHERE {' AND '.join(clauses)}" if clauses else ""


def split_page(
    rows: list[sqlite3.Row], limit: int, key_column: str, id_column: str = "id"
) -> tuple[list[sqlite3.Row], Position | None]:
    """Rows fetched with LIMIT limit+1 -> (the page, where the next page starts or None at the end)."""
    if len(rows) <= limit:
        return rows, None
    page = rows[:limit]
    return page, Position(key=page[-1][key_column], id=page[-1][id_column])
