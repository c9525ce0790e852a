"""Counterparty queries: resolve names to ids."""

from __future__ import annotations

import sqlite3
from typing import Any, Final

from sandbox.api_models import Counterparty
from sandbox.store.paging import KeysetOrder, Position, Slice, split_page, where_sql
from sandbox.store.text import like_contains

ORDER: Final = KeysetOrder("p.name_folded", "p.id")


def list_counterparties(
    conn: sqlite3.Connection, q: str | None, after: Position | None, limit: int
) -> Slice[Counterparty]:
    clauses: list[str] = []
    params: list[Any] = []
    if q is not None:
        clauses.append("p.name_folded LIKE ? ESCAPE '\\'")
        params.append(like_contains(q))
    total = conn.execute(
        f"SELECT count(*) FROM counterparties AS p {where_sql(clauses)}",  # noqa: S608 - trusted SQL fragments only
        params,
    ).fetchone()[0]
    if after is not None:
        keyset_sql, keyset_params = ORDER.after(after)
        clauses.append(keyset_sql)
        params.extend(keyset_params)
    rows = conn.execute(
        "SELECT p.id, p.name, p.name_folded, p.country,"  # noqa: S608 - trusted SQL fragments only
        " (SELECT count(*) FROM contracts AS c WHERE c.counterparty_id = p.id) AS contract_count"
        f" FROM counterparties AS p {where_sql(clauses)} ORDER BY {ORDER.order_by()} LIMIT ?",
        [*params, limit + 1],
    ).fetchall()
    rows, next_position = split_page(rows, limit, "name_folded")
    data = [
        Counterparty(id=r["id"], name=r["name"], country=r["country"], contract_count=r["contract_count"]) for r in rows
    ]
    return Slice(rows=data, next_position=next_position, total=total)
