"""GET /v1/meta and GET /v1/healthz."""

from __future__ import annotations

from typing import Annotated, Final, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict

from sandbox.api_models import Meta
from sandbox.routes.common import problems
from sandbox.web.security import AnyToken
from sandbox.web.state import SandboxState, get_state

API_VERSION: Final = "2025-01"

router = APIRouter(prefix="/v1", tags=["meta"])


class Health(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ok"] = "ok"


@router.get("/meta", response_model=Meta, summary="What this CLM says about itself", responses=problems())
def meta(principal: AnyToken, state: Annotated[SandboxState, Depends(get_state)]) -> Meta:
    with state.db.read() as conn:
        contracts = conn.execute("SELECT count(*) FROM contracts").fetchone()[0]
    return Meta(api_version=API_VERSION, region=state.settings.region, as_of=state.settings.as_of, contracts=contracts)


@router.get("/healthz", response_model=Health, summary="Liveness (no token needed)")
def healthz() -> Health:
    return Health()
