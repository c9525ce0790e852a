"""GET /v1/contracts, /v1/contracts/{id} and /v1/contracts/{id}/document."""

from __future__ import annotations

import sqlite3
from typing import Annotated

from fastapi import Depends, Path, Query
from pydantic import Field

from sandbox.api_models import (
    ID_PATTERN,
    Aggregate,
    ContractDetail,
    ContractSummary,
    DateField,
    DocumentChunk,
    GroupBy,
    Page,
    Section,
    SectionList,
    SortKey,
)
from sandbox.routes.common import CursorWalk, problems, query_binding
from sandbox.routes.table import RouteTable
from sandbox.store.aggregate import aggregate_contracts
from sandbox.store.contracts import (
    ContractFilters,
    KnownTotal,
    contract_seq,
    get_contract,
    list_contracts,
    with_matches,
)
from sandbox.store.documents import load_document
from sandbox.store.text import fts_query
from sandbox.web.problems import ApiError
from sandbox.web.security import ContractsReader, DocumentsReader
from sandbox.web.state import SandboxState, get_state

router = RouteTable(prefix="/v1", tags=["contracts"])

ContractId = Annotated[str, Path(pattern=ID_PATTERN, description="Contract id, e.g. ctr_000042")]
State = Annotated[SandboxState, Depends(get_state)]


class ContractQuery(ContractFilters):
    """Query parameters of GET /v1/contracts (unknown parameters are refused, not ignored)."""

    sort: SortKey = Field(
        default=SortKey.NUMBER,
        description="Missing dates sort as the far future (last ascending, first descending); missing values last",
    )
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=1000, description="next_cursor of the previous page")


_PAGING = {"limit", "cursor"}


@router.get(
    "/contracts",
    response_model=Page[ContractSummary],
    summary="Search contracts",
    responses=problems(400, 403),
)
def search_contracts(
    query: Annotated[ContractQuery, Query()], access: ContractsReader, state: State
) -> Page[ContractSummary]:
    if query.q is not None and fts_query(query.q) is None:
        raise ApiError.invalid_parameter("q", "must contain at least one letter or digit")
    view = access.view
    walk = CursorWalk(state.cursors, view.cursor_scope("contracts"), query_binding(query, _PAGING))
    after = walk.position(query.cursor)
    known = KnownTotal(*walk.carried) if walk.carried is not None else None
    with state.db.read() as conn:
        try:
            rows, counted = list_contracts(conn, query, query.sort, after, query.limit, known, view=view)
        except sqlite3.OperationalError as exc:
            if "fts5" not in str(exc):
                raise
            raise ApiError.invalid_parameter("q", "is not a valid search") from exc
        if query.q is not None:
            rows.rows[:] = with_matches(conn, state.documents, rows.rows, query.q, view)
    return walk.page(Page[ContractSummary], rows, (counted.total, counted.version))


class AggregateQuery(ContractFilters):
    """Query parameters of GET /v1/contracts/aggregate: the search filters, and how to group."""

    group_by: GroupBy = Field(description="type, status, counterparty, currency, or month (of `date_field`)")
    date_field: DateField | None = Field(
        default=None, description="Required with group_by=month: the date whose calendar month groups"
    )


@router.get(
    "/contracts/aggregate",
    response_model=Aggregate,
    summary="Count and sum contracts by type, status, counterparty, currency or month",
    description="Groups every contract matching the filters (the same filters as GET /v1/contracts): no "
    "paging, nothing left out. Values are summed per currency, never across currencies.",
    responses=problems(400, 403),
)
def aggregate(query: Annotated[AggregateQuery, Query()], access: ContractsReader, state: State) -> Aggregate:
    if query.q is not None and fts_query(query.q) is None:
        raise ApiError.invalid_parameter("q", "must contain at least one letter or digit")
    if query.group_by is GroupBy.MONTH and query.date_field is None:
        raise ApiError.invalid_parameter("date_field", "is required with group_by=month")
    with state.db.read() as conn:
        try:
            return aggregate_contracts(conn, query, query.group_by, query.date_field, view=access.view)
        except sqlite3.OperationalError as exc:
            if "fts5" not in str(exc):
                raise
            raise ApiError.invalid_parameter("q", "is not a valid search") from exc


@router.get(
    "/contracts/{contract_id}",
    response_model=ContractDetail,
    summary="One contract's full record",
    responses=problems(400, 403, 404),
)
def read_contract(contract_id: ContractId, access: ContractsReader, state: State) -> ContractDetail:
    with state.db.read() as conn:
        detail = get_contract(conn, contract_id, access.view)
    if detail is None:
        raise ApiError.not_found(f"contract {contract_id}")
    return detail


@router.get(
    "/contracts/{contract_id}/document",
    response_model=DocumentChunk,
    summary="The contract's document text, in chunks",
    responses=problems(400, 403, 404),
)
def read_document(
    contract_id: ContractId,
    access: DocumentsReader,
    state: State,
    offset: Annotated[int, Query(ge=0, le=2**53, description="Character offset to start at")] = 0,
    max_chars: Annotated[int, Query(ge=1, le=100_000)] = 20_000,
) -> DocumentChunk:
    with state.db.read() as conn:
        document = load_document(conn, state.documents, contract_id, access.view)
    if document is None:
        raise ApiError.not_found(f"contract {contract_id}")
    total = document.info.total_chars
    if offset > total:
        raise ApiError.invalid_parameter("offset", f"is past the end of the document ({total} characters)")
    end = min(total, offset + max_chars)
    return DocumentChunk(
        contract_id=contract_id,
        offset=offset,
        text=document.text[offset:end],
        next_offset=end if end < total else None,
        total_chars=total,
        sha256=document.info.sha256,
    )


@router.get(
    "/contracts/{contract_id}/document/sections",
    response_model=SectionList,
    summary="The numbered sections of the contract's document (number, heading, character span)",
    description="What an annotation target's `section` may name, and where each section starts and ends.",
    responses=problems(400, 403, 404),
)
def read_sections(contract_id: ContractId, access: DocumentsReader, state: State) -> SectionList:
    with state.db.read() as conn:
        seq = contract_seq(conn, contract_id, access.view)
        if seq is None:
            raise ApiError.not_found(f"contract {contract_id}")
        rows = conn.execute(
            "SELECT number, heading, start, end_ FROM sections WHERE contract_seq = ? ORDER BY start, number",
            (seq,),
        ).fetchall()
    sections = [Section(number=r["number"], heading=r["heading"], start=r["start"], end=r["end_"]) for r in rows]
    return SectionList(contract_id=contract_id, sections=sections)
