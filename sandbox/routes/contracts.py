"""GET /v1/contracts, /v1/contracts/{id} and /v1/contracts/{id}/document."""

from __future__ import annotations

import sqlite3
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import Field

from sandbox.api_models import ID_PATTERN, ContractDetail, ContractSummary, DocumentChunk, Page, SortKey
from sandbox.routes.common import CursorWalk, problems, query_binding
from sandbox.store.contracts import ContractFilters, get_contract, list_contracts
from sandbox.store.documents import load_document
from sandbox.store.text import fts_query
from sandbox.web.problems import ApiError
from sandbox.web.security import ReadContracts, ReadDocuments
from sandbox.web.state import SandboxState, get_state

router = APIRouter(prefix="/v1", tags=["contracts"])

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
    query: Annotated[ContractQuery, Query()], principal: ReadContracts, state: State
) -> Page[ContractSummary]:
    if query.q is not None and fts_query(query.q) is None:
        raise ApiError.invalid_parameter("q", "must contain at least one letter or digit")
    walk = CursorWalk(state.cursors, "contracts", query_binding(query, _PAGING))
    after = walk.position(query.cursor)
    with state.db.read() as conn:
        try:
            rows = list_contracts(conn, query, query.sort, after, query.limit)
        except sqlite3.OperationalError as exc:
            if "fts5" not in str(exc):
                raise
            raise ApiError.invalid_parameter("q", "is not a valid search") from exc
    return walk.page(Page[ContractSummary], rows)


@router.get(
    "/contracts/{contract_id}",
    response_model=ContractDetail,
    summary="One contract's full record",
    responses=problems(400, 403, 404),
)
def read_contract(contract_id: ContractId, principal: ReadContracts, state: State) -> ContractDetail:
    with state.db.read() as conn:
        detail = get_contract(conn, contract_id)
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
    principal: ReadDocuments,
    state: State,
    offset: Annotated[int, Query(ge=0, le=2**53, description="Character offset to start at")] = 0,
    max_chars: Annotated[int, Query(ge=1, le=100_000)] = 20_000,
) -> DocumentChunk:
    with state.db.read() as conn:
        document = load_document(conn, state.documents, contract_id)
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
