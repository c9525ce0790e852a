"""GET /v1/meta and GET /v1/healthz."""

from __future__ import annotations

from typing import Annotated, Final, Literal

from fastapi import Depends
from pydantic import BaseModel, ConfigDict

from sandbox.api_models import Meta
from sandbox.routes.common import problems
from sandbox.routes.table import RouteTable
from sandbox.store.access import EVERYTHING
from sandbox.web.security import AnyAccess
from sandbox.web.state import SandboxState, get_state

API_VERSION: Final = "2025-01"

router = RouteTable(prefix="/v1", tags=["meta"])


class Health(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ok"] = "ok"


@router.get("/meta", response_model=Meta, summary="What this CLM says about itself", responses=problems())
def meta(access: AnyAccess, state: Annotated[SandboxState, Depends(get_state)]) -> Meta:
    """`contracts` counts those the token's user sees (all of them for a client's own token)."""
    clauses, params = access.view.where()
    with state.db.read() as conn:
        if access.view is EVERYTHING or not clauses:
            contracts = conn.execute("SELECT count(*) FROM contracts").fetchone()[0]
        else:
            count_sql = f"SELECT count(*) FROM contracts AS c WHERE {' AND '.join(clauses)}"  # noqa: S608
            contracts = conn.execute(count_sql, params).fetchone()[0]
    return Meta(api_version=API_VERSION, region=state.settings.region, as_of=state.settings.as_of, contracts=contracts)


@router.get("/healthz", response_model=Health, summary="Liveness (no token needed)")
def healthz() -> Health:
    return Health()
