"""Test-only endpoints under /_sandbox (mounted only when settings.test_endpoints is on)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from pydantic import BaseModel, ConfigDict

from sandbox.routes.table import RouteTable
from sandbox.web.faults import ActiveFaults, FaultSpec
from sandbox.web.observe import CountersReport, RequestRecord
from sandbox.web.state import SandboxState, get_state

router = RouteTable(prefix="/_sandbox", include_in_schema=False)

State = Annotated[SandboxState, Depends(get_state)]


class Affected(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tokens: int


@router.post("/faults", response_model=ActiveFaults, status_code=201)
def add_fault(spec: FaultSpec, state: State) -> ActiveFaults:
    state.faults.add(spec)
    return state.faults.active()


@router.get("/faults", response_model=ActiveFaults)
def list_faults(state: State) -> ActiveFaults:
    return state.faults.active()


@router.delete("/faults", response_model=ActiveFaults)
def clear_faults(state: State) -> ActiveFaults:
    state.faults.clear()
    return state.faults.active()


@router.post("/tokens/revoke-all", response_model=Affected)
def revoke_all_tokens(state: State) -> Affected:
    return Affected(tokens=state.tokens.revoke_all())


@router.post("/tokens/expire-all", response_model=Affected)
def expire_all_tokens(state: State) -> Affected:
    return Affected(tokens=state.tokens.expire_all())


@router.get("/counters", response_model=CountersReport)
def counters(state: State) -> CountersReport:
    return state.observer.report()


@router.get("/requests", response_model=list[RequestRecord])
def requests(state: State, since: Annotated[int, Query(ge=0, le=2**53)] = 0) -> list[RequestRecord]:
    return state.observer.requests_since(since)


@router.post("/reset", response_model=CountersReport)
def reset(state: State) -> CountersReport:
    """Clear counters, the request log, faults and rate-limit buckets (not tokens, not data)."""
    state.observer.reset()
    state.faults.clear()
    state.limiter.reset()
    return state.observer.report()
