"""Counterparty queries: list them by name, or resolve a name as people type it (see `names`)."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import Any, Final

from sandbox.api_models import Counterparty, NameMatchKind
from sandbox.store.access import ContractView
from sandbox.store.names import match
from sandbox.store.paging import KeysetOrder, Position, Slice, split_page, where_sql

ORDER: Final = KeysetOrder("p.name_folded", "p.id")


def list_counterparties(
    conn: sqlite3.Connection, q: str | None, after: Position | None, limit: int, *, view: ContractView
) -> Slice[Counterparty]:
    """Without `q`: every counterparty by name. With `q`: the candidates for that name, best first.

    A restricted `view` lists only counterparties with a contract it sees, and counts only those contracts.
    """
    if q is not None:
        return _resolve(conn, q, after, limit, view)
    clauses, params = _visible(view)
    count_sql = f"SELECT count(*) FROM counterparties AS p {where_sql(clauses)}"  # noqa: S608 - trusted SQL
    total = conn.execute(count_sql, params).fetchone()[0]
    if after is not None:
        keyset_sql, keyset_params = ORDER.after(after)
        clauses.append(keyset_sql)
        params.extend(keyset_params)
    rows = conn.execute(
        f"SELECT p.id, p.name, p.name_folded, p.country FROM counterparties AS p {where_sql(clauses)}"  # noqa: S608
        f" ORDER BY {ORDER.order_by()} LIMIT ?",
        [*params, limit + 1],
    ).fetchall()
    rows, next_position = split_page(rows, limit, "name_folded")
    by_status = _counts(conn, [r["id"] for r in rows], view)
    data = [_counterparty(r, by_status.get(r["id"], {})) for r in rows]
    return Slice(rows=data, next_position=next_position, total=total)


def _visible(view: ContractView) -> tuple[list[str], list[Any]]:
    """Conditions on `counterparties AS p`: those with a contract `view` sees (none for the everything-view)."""
    visible = view.counterparty_ids()
    if visible is None:
        return [], []
    return [f"p.id IN ({visible[0]})"], list(visible[1])


def _resolve(
    conn: sqlite3.Connection, q: str, after: Position | None, limit: int, view: ContractView
) -> Slice[Counterparty]:
    # A few hundred names even at 100,000 contracts: scoring them all here is ~1 ms, and their
    # keys are memoised (names.keys), so only the query is normalised per request.
    candidates: list[tuple[float, str, str, sqlite3.Row, NameMatchKind]] = []
    clauses, params = _visible(view)
    listing = f"SELECT p.id, p.name, p.name_folded, p.country FROM counterparties AS p {where_sql(clauses)}"  # noqa: S608
    for row in conn.execute(listing, params):
        found = match(q, row["name"])
        if found is not None:
            kind = NameMatchKind(found.kind.value)
            candidates.append((-found.score, row["name_folded"], row["id"], row, kind))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    start = 0
    if after is not None and isinstance(after.key, int):
        start = after.key + 1
        ids = [c[2] for c in candidates]
        if start - 1 < len(ids) and ids[start - 1] != after.id and after.id in ids:
            start = ids.index(after.id) + 1  # the list moved (a counterparty was added): follow the id
    window = candidates[start : start + limit]
    by_status = _counts(conn, [c[2] for c in window], view)
    data = [
        _counterparty(row, by_status.get(cp_id, {}), score=-neg_score, kind=kind)
        for neg_score, _, cp_id, row, kind in window
    ]
    more = start + limit < len(candidates)
    next_position = Position(key=start + len(window) - 1, id=window[-1][2]) if more and window else None
    return Slice(rows=data, next_position=next_position, total=len(candidates))


def _counts(conn: sqlite3.Connection, ids: list[str], view: ContractView) -> dict[str, dict[str, int]]:
    """Contracts per status of these counterparties that `view` sees (one covering-index scan each)."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    if not ids:
        return counts
    view_clauses, params = view.where()
    clauses = [f"c.counterparty_id IN ({', '.join('?' * len(ids))})", *view_clauses]
    for row in conn.execute(
        "SELECT c.counterparty_id, c.status, count(*) FROM contracts AS c"  # noqa: S608 - placeholders only
        f" {where_sql(clauses)} GROUP BY c.counterparty_id, c.status",
        [*ids, *params],
    ):
        counts[row[0]][row[1]] = row[2]
    return counts


def _counterparty(
    row: sqlite3.Row, by_status: dict[str, int], *, score: float | None = None, kind: NameMatchKind | None = None
) -> Counterparty:
    return Counterparty(
        id=row["id"],
        name=row["name"],
        country=row["country"],
        contract_count=sum(by_status.values()),
        contracts_by_status=dict(sorted(by_status.items())),
        score=score,
        match=kind,
    )
