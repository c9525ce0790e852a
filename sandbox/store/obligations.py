"""Obligations the CLM tracks (from the ground truth: those with a next due date)."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Annotated, Any, Final

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sandbox.api_models import ID_PATTERN, ContractStatus, CounterpartyRef, Obligation
from sandbox.corpus.models import ObligationCategory
from sandbox.store.access import ContractView
from sandbox.store.contracts import KnownTotal, table_version
from sandbox.store.paging import KeysetOrder, Position, Slice, split_page, where_sql
from sandbox.store.text import like_contains

ORDER: Final = KeysetOrder("o.due_date", "o.id")


class ObligationFilters(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    due_after: date | None = Field(default=None, description="Due on or after this date")
    due_before: date | None = Field(default=None, description="Due on or before this date")
    counterparty: str | None = Field(default=None, max_length=200, description="Counterparty name contains")
    counterparty_id: list[Annotated[str, StringConstraints(pattern=ID_PATTERN)]] = Field(
        default_factory=list, max_length=50, description="Any of these counterparties (repeatable)"
    )
    contract_id: list[Annotated[str, StringConstraints(pattern=ID_PATTERN)]] = Field(
        default_factory=list, max_length=100, description="Any of these contracts (repeatable)"
    )
    category: list[ObligationCategory] = Field(default_factory=list, description="Any of these (repeatable)")
    status: list[ContractStatus] = Field(
        default_factory=list, description="Only obligations of contracts with any of these statuses (repeatable)"
    )

    def where(self, *, joined: bool = False) -> tuple[list[str], list[Any]]:
        """Conditions on `obligations AS o` alone (contract filters as subqueries): counting needs no join.

        `joined`: the query joins each row's contract as `c` (a page): the status is tested on it.
        """
        clauses: list[str] = []
        params: list[Any] = []
        if self.due_after is not None:
            clauses.append("o.due_date >= ?")
            params.append(self.due_after.isoformat())
        if self.due_before is not None:
            clauses.append("o.due_date <= ?")
            params.append(self.due_before.isoformat())
        if self.counterparty is not None:
            clauses.append(
                "o.contract_seq IN (SELECT seq FROM contracts WHERE counterparty_id IN"
                " (SELECT id FROM counterparties WHERE name_folded LIKE ? ESCAPE '\\'))"
            )
            params.append(like_contains(self.counterparty))
        if self.counterparty_id:
            marks = ", ".join("?" * len(self.counterparty_id))
            clauses.append(f"o.contract_seq IN (SELECT seq FROM contracts WHERE counterparty_id IN ({marks}))")  # noqa: S608
            params.extend(self.counterparty_id)
        if self.contract_id:
            marks = ", ".join("?" * len(self.contract_id))
            clauses.append(f"o.contract_seq IN (SELECT seq FROM contracts WHERE id IN ({marks}))")  # noqa: S608 - placeholders
            params.extend(self.contract_id)
        if self.category:
            clauses.append(f"o.category IN ({', '.join('?' * len(self.category))})")
            params.extend(c.value for c in self.category)
        if self.status:
            marks = ", ".join("?" * len(self.status))
            if joined:  # a page walks the due-date index and tests each row's contract until it has enough
                clauses.append(f"c.status IN ({marks})")
            else:
                # Most contracts have the status asked for: the unary + keeps SQLite from driving the count from
                # every such contract; it scans the window's index (which holds contract_seq) and tests a list.
                clauses.append(f"+o.contract_seq IN (SELECT seq FROM contracts WHERE status IN ({marks}))")  # noqa: S608
            params.extend(s.value for s in self.status)
        return clauses, params


_FROM: Final = """
FROM obligations AS o
JOIN contracts AS c ON c.seq = o.contract_seq
JOIN counterparties AS p ON p.id = c.counterparty_id
"""


def list_obligations(
    conn: sqlite3.Connection,
    filters: ObligationFilters,
    after: Position | None,
    limit: int,
    known: KnownTotal | None = None,
    *,
    view: ContractView,
) -> tuple[Slice[Obligation], KnownTotal]:
    """One page of the obligations of contracts that `view` sees, and their total.

    Counted only when `known` (the previous page's count) is missing or stale: obligations are written with
    their contract only, so the contracts' data version dates the count as it does a contract search's.
    """
    clauses, params = filters.where()
    # A restricted view is a condition on the contract joined (`c`): the page walks the due-date index
    # and tests each row's contract; the count is driven from the view's index of contracts.
    view_clauses, view_params = view.where()
    clauses.extend(view_clauses)
    params.extend(view_params)
    joined = "JOIN contracts AS c ON c.seq = o.contract_seq" if view_clauses else ""
    version = table_version(conn)
    if known is not None and known.version == version:
        total = known.total
    else:
        count_sql = f"SELECT count(*) FROM obligations AS o {joined} {where_sql(clauses)}"  # noqa: S608 - trusted SQL
        total = conn.execute(count_sql, params).fetchone()[0]
    clauses, params = filters.where(joined=True)
    clauses.extend(view_clauses)
    params.extend(view_params)
    if after is not None:
        keyset_sql, keyset_params = ORDER.after(after)
        clauses.append(keyset_sql)
        params.extend(keyset_params)
    rows = conn.execute(
        "SELECT o.*, c.id AS contract_id, c.number AS contract_number, c.status AS contract_status, c.counterparty_id,"
        f" p.name AS counterparty_name {_FROM} {where_sql(clauses)} ORDER BY {ORDER.order_by()} LIMIT ?",
        [*params, limit + 1],
    ).fetchall()
    rows, next_position = split_page(rows, limit, "due_date")
    data = [
        Obligation(
            id=r["id"],
            contract_id=r["contract_id"],
            contract_number=r["contract_number"],
            contract_status=ContractStatus(r["contract_status"]),
            counterparty=CounterpartyRef(id=r["counterparty_id"], name=r["counterparty_name"]),
            category=r["category"],
            party=r["party"],
            description=r["description"],
            due_date=date.fromisoformat(r["due_date"]),
            recurrence=r["recurrence"],
            section=r["section"],
        )
        for r in rows
    ]
    return Slice(rows=data, next_position=next_position, total=total), KnownTotal(total=total, version=version)
