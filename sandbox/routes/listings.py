"""GET /v1/counterparties and GET /v1/obligations."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from sandbox.api_models import Counterparty, Obligation, Page
from sandbox.routes.common import CursorWalk, problems, query_binding
from sandbox.routes.table import RouteTable
from sandbox.store.contracts import KnownTotal
from sandbox.store.counterparties import list_counterparties
from sandbox.store.obligations import ObligationFilters, list_obligations
from sandbox.web.security import ContractsReader
from sandbox.web.state import SandboxState, get_state

router = RouteTable(prefix="/v1")

State = Annotated[SandboxState, Depends(get_state)]
_PAGING = {"limit", "cursor"}


class CounterpartyQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(
        default=None,
        max_length=200,
        description="A name as people write it: candidates ranked by `score`, with the `match` reason. Legal "
        "forms (Inc., GmbH...), case, accents, punctuation, spacing, umlaut spellings (ue = ü), British/US "
        "spellings and small typos are tolerated; any fragment of the name also matches",
    )
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=1000)


class ObligationQuery(ObligationFilters):
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=1000)


@router.get(
    "/counterparties",
    response_model=Page[Counterparty],
    tags=["counterparties"],
    summary="Resolve counterparty names to ids",
    description="Without `q`: every counterparty, by name. With `q`: the candidates for that name, best first "
    "(`score` 0-1, `match` = exact, normalised, suffix, transliteration, contains or fuzzy); `total` counts them.",
    responses=problems(400, 403),
)
def search_counterparties(
    query: Annotated[CounterpartyQuery, Query()], access: ContractsReader, state: State
) -> Page[Counterparty]:
    walk = CursorWalk(state.cursors, access.view.cursor_scope("counterparties"), query_binding(query, _PAGING))
    after = walk.position(query.cursor)
    with state.db.read() as conn:
        rows = list_counterparties(conn, query.q, after, query.limit, view=access.view)
    return walk.page(Page[Counterparty], rows)


@router.get(
    "/obligations",
    response_model=Page[Obligation],
    tags=["obligations"],
    summary="Obligations the CLM tracks, by next due date",
    responses=problems(400, 403),
)
def search_obligations(
    query: Annotated[ObligationQuery, Query()], access: ContractsReader, state: State
) -> Page[Obligation]:
    walk = CursorWalk(state.cursors, access.view.cursor_scope("obligations"), query_binding(query, _PAGING))
    after = walk.position(query.cursor)
    known = KnownTotal(*walk.carried) if walk.carried is not None else None
    with state.db.read() as conn:
        rows, counted = list_obligations(conn, query, after, query.limit, known, view=access.view)
    return walk.page(Page[Obligation], rows, (counted.total, counted.version))
