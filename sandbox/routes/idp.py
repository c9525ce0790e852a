"""The test authorization server's discovery: RFC 8414 metadata and the JWK set; its test controls.

`GET /.well-known/oauth-authorization-server` and `GET /oauth/jwks` are public (a resource server
fetches them to verify user tokens). Under `/_control/idp` (test endpoints only): rotate the signing
key, mint a user token with chosen times (expired, not yet valid), and the exchange counts.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from sandbox.api_models import AuthorizationServerMetadata, JsonWebKeySet, Scope
from sandbox.routes.oauth import GRANT_TYPES, PUBLIC_DEMO_CLIENT
from sandbox.routes.table import RouteTable
from sandbox.users import UserScope, permission_truth
from sandbox.web.idp import ALGORITHM
from sandbox.web.problems import ApiError
from sandbox.web.security import issuer_of
from sandbox.web.state import SandboxState, get_state

router = RouteTable(tags=["oauth"])
control = RouteTable(prefix="/_control/idp", include_in_schema=False)

State = Annotated[SandboxState, Depends(get_state)]
_CACHEABLE = {"Cache-Control": "public, max-age=300"}


@router.get(
    "/.well-known/oauth-authorization-server",
    response_model=AuthorizationServerMetadata,
    response_model_exclude_none=True,
    summary="Authorization server metadata (RFC 8414)",
)
def metadata(request: Request, state: State) -> JSONResponse:
    issuer = issuer_of(request, state.settings)
    grants = [g for g in GRANT_TYPES if g != "password" or state.settings.password_grant]
    body = AuthorizationServerMetadata(
        issuer=issuer,
        token_endpoint=f"{issuer}/oauth/token",
        jwks_uri=f"{issuer}/oauth/jwks",
        revocation_endpoint=f"{issuer}/oauth/revoke",
        grant_types_supported=grants,
        scopes_supported=[s.value for s in UserScope] + [s.value for s in Scope],
        token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post", "none"],
        response_types_supported=[],
        service_documentation=f"{issuer}/docs",
    )
    return JSONResponse(body.model_dump(exclude_none=True), headers=_CACHEABLE)


@router.get(
    "/oauth/jwks",
    response_model=JsonWebKeySet,
    summary="The public keys that sign user tokens (JWK set, RFC 7517)",
    description=f"{ALGORITHM} keys; the newest signs. A key stays here after a rotation.",
)
def jwks(state: State) -> JSONResponse:
    return JSONResponse(state.idp.keys.jwks(), headers={"Cache-Control": "public, max-age=60"})


class RotatedKey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kid: str = Field(description="The new current key")
    kids: list[str] = Field(description="Every key in the JWK set, oldest first")


@control.post("/rotate-key", response_model=RotatedKey)
def rotate_key(state: State) -> RotatedKey:
    kid = state.idp.keys.rotate()
    return RotatedKey(kid=kid, kids=state.idp.keys.kids())


class MintRequest(BaseModel):
    """A user token with chosen times, for tests of what a verifier must refuse."""

    model_config = ConfigDict(extra="forbid")

    user: str
    resource: str
    scope: list[UserScope] | None = Field(default=None, description="Default: every scope the user holds")
    lifetime_seconds: int = Field(default=3600, description="Negative: already expired")
    not_before_in_seconds: int = Field(default=0, description="Positive: not valid yet")
    client_id: str = PUBLIC_DEMO_CLIENT


class MintedToken(BaseModel):
    model_config = ConfigDict(extra="forbid")

    access_token: str
    expires_in: int


@control.post("/tokens", response_model=MintedToken)
def mint_token(spec: MintRequest, request: Request, state: State) -> MintedToken:
    user = state.settings.user(spec.user)
    if user is None:
        raise ApiError.invalid_parameter("user", "no such demo user")
    token, lifetime = state.idp.issue(
        issuer=issuer_of(request, state.settings),
        user=user,
        audience=spec.resource,
        scopes=user.scopes if spec.scope is None else frozenset(spec.scope),
        client_id=spec.client_id,
        lifetime=spec.lifetime_seconds,
        not_before=state.idp.now() + spec.not_before_in_seconds,
    )
    return MintedToken(access_token=token, expires_in=lifetime)


@control.get("/exchanges", response_model=dict[str, int])
def exchanges(state: State) -> dict[str, int]:
    """Token exchanges per user since the last POST /_sandbox/reset."""
    return state.observer.report().token_exchanges_by_user


@control.get("/visible", response_model=dict[str, list[str]])
def visible(state: State) -> dict[str, list[str]]:
    """The permission truth: each demo user's visible contract ids (from the rows, not the route SQL)."""
    with state.db.read() as conn:
        truth = permission_truth(conn, state.settings.users)
    return {user: sorted(ids) for user, ids in truth.items()}
