"""Contract queries: filtered keyset pages, one contract's full record, its document."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field

from sandbox.api_models import (
    ID_PATTERN,
    ContractDetail,
    ContractStatus,
    ContractSummary,
    ContractType,
    CounterpartyRef,
    DocumentInfo,
    LiabilityCap,
    Owner,
    RelatedContract,
    Relation,
    SortKey,
    Term,
    Termination,
)
from sandbox.store.paging import KeysetOrder, Position, Slice, split_page, where_sql
from sandbox.store.text import fts_query, like_contains

MAX_RELATED: Final = 200
PROBE_TEXT_ABOVE: Final = 2000  # text matches above which a page scans the sort index (see list_contracts)

ORDERS: Final[dict[SortKey, KeysetOrder]] = {
    SortKey.NUMBER: KeysetOrder("c.number", "c.id"),
    SortKey.NUMBER_DESC: KeysetOrder("c.number", "c.id", descending=True),
    SortKey.EFFECTIVE: KeysetOrder("c.sort_effective", "c.id"),
    SortKey.EFFECTIVE_DESC: KeysetOrder("c.sort_effective", "c.id", descending=True),
    SortKey.EXPIRATION: KeysetOrder("c.sort_expiration", "c.id"),
    SortKey.EXPIRATION_DESC: KeysetOrder("c.sort_expiration", "c.id", descending=True),
    SortKey.RENEWAL_NOTICE: KeysetOrder("c.sort_renewal_notice", "c.id"),
    SortKey.VALUE_DESC: KeysetOrder("c.sort_value", "c.id", descending=True),
    SortKey.UPDATED_DESC: KeysetOrder("c.updated_at", "c.id", descending=True),
}
_SORT_COLUMN: Final = {key: order.key.removeprefix("c.") for key, order in ORDERS.items()}

_SELECT: Final = """
SELECT c.*, p.name AS counterparty_name
FROM contracts AS c JOIN counterparties AS p ON p.id = c.counterparty_id
"""


class ContractFilters(BaseModel):
    """The filters of GET /v1/contracts (all optional, combined with AND; date bounds inclusive)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    q: str | None = Field(
        default=None, max_length=200, description="Words that must all appear in the title, counterparty or text"
    )
    counterparty: str | None = Field(
        default=None, max_length=200, description="Counterparty name contains (case- and accent-insensitive)"
    )
    counterparty_id: str | None = Field(default=None, pattern=ID_PATTERN)
    type: list[ContractType] = Field(default_factory=list, description="Any of these types (repeatable)")
    status: list[ContractStatus] = Field(default_factory=list, description="Any of these statuses (repeatable)")
    effective_after: date | None = None
    effective_before: date | None = None
    expires_after: date | None = None
    expires_before: date | None = None
    renewal_notice_after: date | None = None
    renewal_notice_before: date | None = None
    auto_renew: bool | None = None
    parent_id: str | None = Field(default=None, pattern=ID_PATTERN)

    def where(self, *, probe_text: bool = False) -> tuple[list[str], list[Any]]:
        """SQL conditions on `contracts AS c` and their parameters.

        `probe_text`: test full-text matches row by row (while scanning a sort index) instead of
        starting from them - faster when most contracts match; see `list_contracts`.
        """
        clauses: list[str] = []
        params: list[Any] = []
        if self.q is not None:
            match = fts_query(self.q)
            if match is None:
                clauses.append("0")  # no words to search for: nothing matches
            else:
                # A unary + keeps SQLite from driving the query from the FTS results.
                seq = "+c.seq" if probe_text else "c.seq"
                clauses.append(f"{seq} IN (SELECT rowid FROM contracts_fts WHERE contracts_fts MATCH ?)")  # noqa: S608
                params.append(match)
        if self.counterparty is not None:
            clauses.append("c.counterparty_id IN (SELECT id FROM counterparties WHERE name_folded LIKE ? ESCAPE '\\')")
            params.append(like_contains(self.counterparty))
        for column, value in (("counterparty_id", self.counterparty_id), ("parent_id", self.parent_id)):
            if value is not None:
                clauses.append(f"c.{column} = ?")
                params.append(value)
        for column, values in (("type", self.type), ("status", self.status)):
            if values:
                clauses.append(f"c.{column} IN ({', '.join('?' * len(values))})")
                params.extend(v.value for v in values)
        for column, low, high in (
            ("effective_date", self.effective_after, self.effective_before),
            ("expiration_date", self.expires_after, self.expires_before),
            ("renewal_notice_date", self.renewal_notice_after, self.renewal_notice_before),
        ):
            if low is not None:
                clauses.append(f"c.{column} >= ?")
                params.append(low.isoformat())
            if high is not None:
                clauses.append(f"c.{column} <= ?")
                params.append(high.isoformat())
        if self.auto_renew is not None:
            clauses.append("c.auto_renew = ?")
            params.append(int(self.auto_renew))
        return clauses, params


def list_contracts(
    conn: sqlite3.Connection, filters: ContractFilters, sort: SortKey, after: Position | None, limit: int
) -> Slice[ContractSummary]:
    order = ORDERS[sort]
    total = _count(conn, filters)
    # Many text matches: walk the sort index and test each row (stops after one page). Few: start
    # from the matches and sort them. Either way the same rows in the same order.
    page_clauses, page_params = filters.where(probe_text=total > PROBE_TEXT_ABOVE)
    if after is not None:
        keyset_sql, keyset_params = order.after(after)
        page_clauses.append(keyset_sql)
        page_params.extend(keyset_params)
    rows = conn.execute(
        f"{_SELECT} {where_sql(page_clauses)} ORDER BY {order.order_by()} LIMIT ?",
        [*page_params, limit + 1],
    ).fetchall()
    rows, next_position = split_page(rows, limit, _SORT_COLUMN[sort])
    return Slice(rows=[summary_from_row(r) for r in rows], next_position=next_position, total=total)


def _count(conn: sqlite3.Connection, filters: ContractFilters) -> int:
    match = fts_query(filters.q) if filters.q is not None else None
    others = set(ContractFilters.model_fields) - {"q"}
    if match is not None and not filters.model_dump(include=others, exclude_defaults=True):
        # Text search alone: the FTS index counts its matches without touching the contracts.
        text_only = "SELECT count(*) FROM contracts_fts WHERE contracts_fts MATCH ?"
        return int(conn.execute(text_only, (match,)).fetchone()[0])
    clauses, params = filters.where()
    count_sql = f"SELECT count(*) FROM contracts AS c {where_sql(clauses)}"  # noqa: S608 - trusted SQL fragments
    return int(conn.execute(count_sql, params).fetchone()[0])


def summary_from_row(row: sqlite3.Row) -> ContractSummary:
    return ContractSummary(**_summary_fields(row))


def _summary_fields(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "number": row["number"],
        "title": row["title"],
        "type": ContractType(row["type"]),
        "status": ContractStatus(row["status"]),
        "counterparty": CounterpartyRef(id=row["counterparty_id"], name=row["counterparty_name"]),
        "effective_date": _date(row["effective_date"]),
        "expiration_date": _date(row["expiration_date"]),
        "auto_renew": bool(row["auto_renew"]),
        "renewal_notice_date": _date(row["renewal_notice_date"]),
        "total_value": row["total_value"],
        "annual_value": row["annual_value"],
        "currency": row["currency"],
        "parent_id": row["parent_id"],
        "updated_at": datetime.fromisoformat(row["updated_at"]),
    }


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def contract_seq(conn: sqlite3.Connection, contract_id: str) -> int | None:
    row = conn.execute("SELECT seq FROM contracts WHERE id = ?", (contract_id,)).fetchone()
    return int(row[0]) if row is not None else None


def get_contract(conn: sqlite3.Connection, contract_id: str) -> ContractDetail | None:
    row = conn.execute(f"{_SELECT} WHERE c.id = ?", (contract_id,)).fetchone()
    if row is None:
        return None
    document = conn.execute(
        "SELECT total_chars, sha256, has_text FROM documents WHERE contract_seq = ?", (row["seq"],)
    ).fetchone()
    cap = None
    if row["liability_cap_description"] is not None:
        cap = LiabilityCap(
            amount=row["liability_cap_amount"],
            currency=row["currency"] if row["liability_cap_amount"] is not None else None,
            description=row["liability_cap_description"],
        )
    return ContractDetail(
        **_summary_fields(row),
        our_entity=row["our_entity"],
        owner=Owner(name=row["owner_name"], email=row["owner_email"]),
        execution_date=_date(row["execution_date"]),
        term=Term(
            initial_term_months=row["initial_term_months"],
            auto_renew=bool(row["auto_renew"]),
            renewal_term_months=row["renewal_term_months"],
            renewal_notice_days=row["renewal_notice_days"],
            current_term_end=_date(row["expiration_date"]),
        ),
        termination=Termination(
            for_convenience=bool(row["termination_for_convenience"]),
            convenience_party=row["convenience_party"],
            convenience_notice_days=row["convenience_notice_days"],
            for_cause_cure_days=row["cure_days"],
        ),
        payment_terms_days=row["payment_terms_days"],
        governing_law=row["governing_law"],
        liability_cap=cap,
        related=_related(conn, row),
        document=DocumentInfo(
            total_chars=document["total_chars"], sha256=document["sha256"], has_text=bool(document["has_text"])
        ),
        tags=json.loads(row["tags"]),
    )


def _related(conn: sqlite3.Connection, row: sqlite3.Row) -> list[RelatedContract]:
    """Parent (or the contract amended) first, then children and amendments, in number order."""
    related: list[RelatedContract] = []
    if row["parent_id"] is not None:
        parent = conn.execute(
            "SELECT id, number, title, type, status FROM contracts WHERE id = ?", (row["parent_id"],)
        ).fetchone()
        if parent is not None:
            relation = Relation.AMENDS if row["amends_id"] == parent["id"] else Relation.PARENT
            related.append(_related_from_row(parent, relation))
    children = conn.execute(
        "SELECT id, number, title, type, status, amends_id FROM contracts"
        " WHERE parent_id = ? ORDER BY number, id LIMIT ?",
        (row["id"], MAX_RELATED),
    ).fetchall()
    for child in children:
        relation = Relation.AMENDED_BY if child["amends_id"] == row["id"] else Relation.CHILD
        related.append(_related_from_row(child, relation))
    return related


def _related_from_row(row: sqlite3.Row, relation: Relation) -> RelatedContract:
    return RelatedContract(
        id=row["id"],
        relation=relation,
        number=row["number"],
        title=row["title"],
        type=ContractType(row["type"]),
        status=ContractStatus(row["status"]),
    )
