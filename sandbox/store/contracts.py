"""Contract queries: filtered keyset pages, one contract's full record, its document."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Final

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sandbox.api_models import (
    ID_PATTERN,
    OTHER_TYPE,
    AnyContractType,
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
    SearchMatch,
    SectionRef,
    SortKey,
    Term,
    Termination,
)
from sandbox.store.access import ContractView
from sandbox.store.documents import DocumentCache, load_document
from sandbox.store.paging import KeysetOrder, Position, Slice, split_page, where_sql
from sandbox.store.text import find_hit, fts_query, hit_pattern, like_contains, parse_query, snippet

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
        default=None,
        max_length=200,
        description='Words that must all appear in the title, counterparty or text (word* = prefix); a "quoted '
        'phrase" must appear as that phrase (case, accents and punctuation between its words aside)',
    )
    counterparty: str | None = Field(
        default=None, max_length=200, description="Counterparty name contains (case- and accent-insensitive)"
    )
    counterparty_id: list[Annotated[str, StringConstraints(pattern=ID_PATTERN)]] = Field(
        default_factory=list,
        max_length=50,
        description="Any of these counterparties (repeatable): the ids GET /v1/counterparties?q= resolved a name to",
    )
    type: list[AnyContractType] = Field(default_factory=list, description="Any of these types (repeatable)")
    status: list[ContractStatus] = Field(default_factory=list, description="Any of these statuses (repeatable)")
    effective_after: date | None = None
    effective_before: date | None = None
    expires_after: date | None = None
    expires_before: date | None = None
    renewal_notice_after: date | None = None
    renewal_notice_before: date | None = None
    renewal_after: date | None = Field(default=None, description="Auto-renewing, and renews on or after this date")
    renewal_before: date | None = Field(default=None, description="Auto-renewing, and renews on or before this date")
    signed_after: date | None = Field(default=None, description="Executed (signed) on or after this date")
    signed_before: date | None = Field(default=None, description="Executed (signed) on or before this date")
    currency: list[str] = Field(
        default_factory=list, description="Any of these ISO 4217 currencies (repeatable)", max_length=20
    )
    auto_renew: bool | None = None
    parent_id: str | None = Field(default=None, pattern=ID_PATTERN)
    source: str | None = Field(default=None, pattern="^(generated|imported)$", description="generated or imported")

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
        if self.counterparty_id:
            clauses.append(f"c.counterparty_id IN ({', '.join('?' * len(self.counterparty_id))})")
            params.extend(self.counterparty_id)
        if self.parent_id is not None:
            clauses.append("c.parent_id = ?")
            params.append(self.parent_id)
        if self.source is not None:
            clauses.append("c.source = ?")
            params.append(self.source)
        lists: tuple[tuple[str, list[str]], ...] = (
            ("type", [str(t) for t in self.type]),
            ("status", [s.value for s in self.status]),
            ("currency", [c.upper() for c in self.currency]),
        )
        for column, values in lists:
            if values:
                clauses.append(f"c.{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        for column, low, high in (
            ("effective_date", self.effective_after, self.effective_before),
            ("expiration_date", self.expires_after, self.expires_before),
            ("renewal_notice_date", self.renewal_notice_after, self.renewal_notice_before),
            ("execution_date", self.signed_after, self.signed_before),
        ):
            if low is not None:
                clauses.append(f"c.{column} >= ?")
                params.append(low.isoformat())
            if high is not None:
                clauses.append(f"c.{column} <= ?")
                params.append(high.isoformat())
        if self.renewal_after is not None or self.renewal_before is not None:
            # renewal_date is virtual (CASE WHEN auto_renew THEN expiration_date): asked on its parts, the range
            # is read off an index of expiration_date that covers the aggregation, not off the table rows.
            clauses.append("c.auto_renew = 1")
            for op, bound in ((">=", self.renewal_after), ("<=", self.renewal_before)):
                if bound is not None:
                    clauses.append(f"c.expiration_date {op} ?")
                    params.append(bound.isoformat())
        if self.auto_renew is not None:
            clauses.append("c.auto_renew = ?")
            params.append(int(self.auto_renew))
        return clauses, params


@dataclass(frozen=True)
class KnownTotal:
    """A total counted for an earlier page, valid while the contracts table is unchanged.

    Contracts are only ever appended (never updated or deleted), so max(seq) - an O(1) lookup on
    the rowid - tells whether any was added since: if not, the count still holds.
    """

    total: int
    version: int


def table_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(seq), 0) FROM contracts").fetchone()[0])


def list_contracts(
    conn: sqlite3.Connection,
    filters: ContractFilters,
    sort: SortKey,
    after: Position | None,
    limit: int,
    known: KnownTotal | None = None,
    *,
    view: ContractView,
) -> tuple[Slice[ContractSummary], KnownTotal]:
    """One page and its total (of the contracts `view` sees); counted only when `known` is missing or stale."""
    order = ORDERS[sort]
    version = table_version(conn)
    total = known.total if known is not None and known.version == version else _count(conn, filters, view)
    # Many text matches: walk the sort index and test each row (stops after one page). Few: start
    # from the matches and sort them. Either way the same rows in the same order.
    page_clauses, page_params = filters.where(probe_text=total > PROBE_TEXT_ABOVE)
    key_clauses, key_params = _sort_key_range(filters, order)
    page_clauses.extend(key_clauses)
    page_params.extend(key_params)
    view_clauses, view_params = view.where()
    page_clauses.extend(view_clauses)
    page_params.extend(view_params)
    if after is not None:
        keyset_sql, keyset_params = order.after(after)
        page_clauses.append(keyset_sql)
        page_params.extend(keyset_params)
    rows = conn.execute(
        f"{_SELECT} {where_sql(page_clauses)} ORDER BY {order.order_by()} LIMIT ?",
        [*page_params, limit + 1],
    ).fetchall()
    rows, next_position = split_page(rows, limit, _SORT_COLUMN[sort])
    page = Slice(rows=[summary_from_row(r) for r in rows], next_position=next_position, total=total)
    return page, KnownTotal(total=total, version=version)


def with_matches(
    conn: sqlite3.Connection, documents: DocumentCache, rows: list[ContractSummary], q: str, view: ContractView
) -> list[ContractSummary]:
    """The rows, each with where `q` first hits it (a snippet of the text and its section)."""
    pattern = hit_pattern(parse_query(q))
    if pattern is None:
        return rows
    return [row.model_copy(update={"match": _first_match(conn, documents, row, pattern, view)}) for row in rows]


def _first_match(
    conn: sqlite3.Connection,
    documents: DocumentCache,
    row: ContractSummary,
    pattern: re.Pattern[str],
    view: ContractView,
) -> SearchMatch | None:
    document = load_document(conn, documents, row.id, view)
    if document is not None and document.text:
        hit = find_hit(document.text, pattern)
        if hit is not None:
            start, end = hit
            return SearchMatch(
                field="body",
                snippet=snippet(document.text, start, end),
                start=start,
                end=end,
                section=section_at(conn, document.seq, start),
            )
    for field, value in (("title", row.title), ("counterparty", row.counterparty.name)):
        if find_hit(value, pattern) is not None:
            return SearchMatch(field=field, snippet=value, start=None, end=None, section=None)
    return None


def section_at(conn: sqlite3.Connection, seq: int, offset: int) -> SectionRef | None:
    """The innermost section holding `offset` (sections nest: the one starting last)."""
    row = conn.execute(
        "SELECT number, heading FROM sections WHERE contract_seq = ? AND start <= ? AND end_ > ?"
        " ORDER BY start DESC LIMIT 1",
        (seq, offset, offset),
    ).fetchone()
    return SectionRef(number=row["number"], heading=row["heading"]) if row is not None else None


def _sort_key_range(filters: ContractFilters, order: KeysetOrder) -> tuple[list[str], list[str]]:
    """A date window restated on the sort key it is sorted by (implied by the window, so the rows are the same).

    The sort key is coalesce(date, far future), which SQLite does not equate with the date: without this it reads
    every contract in the window off the date's index and sorts them; with it, it walks the sort index in order
    and stops after one page (at 100,000 contracts a year's expiries: ~60 ms -> ~0.1 ms).
    """
    bounds = {
        "c.sort_expiration": (filters.expires_after, filters.expires_before),
        "c.sort_renewal_notice": (filters.renewal_notice_after, filters.renewal_notice_before),
        "c.sort_effective": (filters.effective_after, filters.effective_before),
    }.get(order.key, (None, None))
    clauses: list[str] = []
    params: list[str] = []
    for op, bound in zip((">=", "<="), bounds, strict=True):
        if bound is not None:
            clauses.append(f"{order.key} {op} ?")
            params.append(bound.isoformat())
    return clauses, params


def _count(conn: sqlite3.Connection, filters: ContractFilters, view: ContractView) -> int:
    match = fts_query(filters.q) if filters.q is not None else None
    others = set(ContractFilters.model_fields) - {"q"}
    if match is not None and view.everything and not filters.model_dump(include=others, exclude_defaults=True):
        # Text search alone: the FTS index counts its matches without touching the contracts.
        text_only = "SELECT count(*) FROM contracts_fts WHERE contracts_fts MATCH ?"
        return int(conn.execute(text_only, (match,)).fetchone()[0])
    # A restricted view counts from its own index and tests text matches per row (probe_text).
    clauses, params = filters.where(probe_text=not view.everything)
    view_clauses, view_params = view.where()
    clauses.extend(view_clauses)
    params.extend(view_params)
    count_sql = f"SELECT count(*) FROM contracts AS c {where_sql(clauses)}"  # noqa: S608 - trusted SQL fragments
    return int(conn.execute(count_sql, params).fetchone()[0])


def summary_from_row(row: sqlite3.Row) -> ContractSummary:
    return ContractSummary(**_summary_fields(row))


def _summary_fields(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "number": row["number"],
        "title": row["title"],
        "type": _type(row["type"]),
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
        "source": row["source"],
        "term": _term(row),
    }


def _term(row: sqlite3.Row) -> Term:
    return Term(
        initial_term_months=row["initial_term_months"],
        auto_renew=bool(row["auto_renew"]),
        renewal_term_months=row["renewal_term_months"],
        renewal_notice_days=row["renewal_notice_days"],
        current_term_end=_date(row["expiration_date"]),
    )


def _type(value: str) -> AnyContractType:
    return OTHER_TYPE if value == OTHER_TYPE else ContractType(value)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def contract_seq(conn: sqlite3.Connection, contract_id: str, view: ContractView) -> int | None:
    """The contract's row number, or None when there is no such contract or `view` does not see it."""
    clauses, params = view.where()
    row = conn.execute(
        f"SELECT c.seq FROM contracts AS c {where_sql(['c.id = ?', *clauses])}",  # noqa: S608 - trusted SQL
        [contract_id, *params],
    ).fetchone()
    return int(row[0]) if row is not None else None


def get_contract(conn: sqlite3.Connection, contract_id: str, view: ContractView) -> ContractDetail | None:
    clauses, params = view.where()
    row = conn.execute(f"{_SELECT} {where_sql(['c.id = ?', *clauses])}", [contract_id, *params]).fetchone()
    if row is None:
        return None
    document = conn.execute(
        "SELECT total_chars, sha256, has_text, scanned, source_mime_type FROM documents WHERE contract_seq = ?",
        (row["seq"],),
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
        termination=Termination(
            for_convenience=bool(row["termination_for_convenience"]),
            convenience_party=row["convenience_party"],
            convenience_notice_days=row["convenience_notice_days"],
            for_cause_cure_days=row["cure_days"],
        ),
        payment_terms_days=row["payment_terms_days"],
        governing_law=row["governing_law"],
        liability_cap=cap,
        related=_related(conn, row, view),
        document=DocumentInfo(
            total_chars=document["total_chars"],
            sha256=document["sha256"],
            has_text=bool(document["has_text"]),
            scanned=bool(document["scanned"]),
            source_mime_type=document["source_mime_type"],
        ),
        tags=json.loads(row["tags"]),
        source_file=row["source_file"],
        derived_fields=json.loads(row["derived_fields"]) if row["derived_fields"] else [],
    )


def _related(conn: sqlite3.Connection, row: sqlite3.Row, view: ContractView) -> list[RelatedContract]:
    """Parent (or the contract amended) first, then children and amendments, in number order (those visible)."""
    related: list[RelatedContract] = []
    clauses, params = view.where()
    if row["parent_id"] is not None:
        parent = conn.execute(
            "SELECT c.id, c.number, c.title, c.type, c.status FROM contracts AS c"  # noqa: S608 - trusted SQL
            f" {where_sql(['c.id = ?', *clauses])}",
            [row["parent_id"], *params],
        ).fetchone()
        if parent is not None:
            relation = Relation.AMENDS if row["amends_id"] == parent["id"] else Relation.PARENT
            related.append(_related_from_row(parent, relation))
    children = conn.execute(
        "SELECT c.id, c.number, c.title, c.type, c.status, c.amends_id FROM contracts AS c"  # noqa: S608
        f" {where_sql(['c.parent_id = ?', *clauses])} ORDER BY c.number, c.id LIMIT ?",
        [row["id"], *params, MAX_RELATED],
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
        type=_type(row["type"]),
        status=ContractStatus(row["status"]),
    )
