"""POST /oauth/token (RFC 6749 section 4.4, client credentials) and POST /oauth/revoke (RFC 7009)."""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import Annotated, Any
from urllib.parse import unquote_plus

from fastapi import APIRouter, Depends, Form, Header, Request
from fastapi.responses import JSONResponse, Response

from sandbox.api_models import OAuthError, Scope, TokenResponse
from sandbox.settings import ClientConfig, SandboxSettings
from sandbox.web.problems import OAuthFailure
from sandbox.web.security import REALM
from sandbox.web.state import SandboxState, get_state

router = APIRouter(prefix="/oauth", tags=["oauth"])

State = Annotated[SandboxState, Depends(get_state)]
FormText = Annotated[str | None, Form(max_length=4096)]
_OAUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": OAuthError, "description": "invalid_request, unsupported_grant_type or invalid_scope"},
    401: {"model": OAuthError, "description": "invalid_client"},
}
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _invalid_client(description: str) -> OAuthFailure:
    return OAuthFailure(401, "invalid_client", description, {"WWW-Authenticate": f'Basic realm="{REALM}"'})


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """client_secret_basic: both parts are form-urlencoded before base64 (RFC 6749 section 2.3.1)."""
    if authorization is None:
        return None
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise _invalid_client("malformed Basic credentials") from exc
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise _invalid_client("malformed Basic credentials")
    return unquote_plus(client_id), unquote_plus(secret)


def presented_credentials(authorization: str | None, form_id: str | None, form_secret: str | None) -> tuple[str, str]:
    """(client id, secret) from client_secret_basic or client_secret_post - exactly one of them."""
    basic = _basic_credentials(authorization)
    if basic is not None and form_secret is not None:
        raise OAuthFailure(400, "invalid_request", "use one client authentication method, not both")
    if basic is not None:
        if form_id is not None and form_id != basic[0]:
            raise OAuthFailure(400, "invalid_request", "client_id differs from the Basic credentials")
        return basic
    if form_id is not None and form_secret is not None:
        return form_id, form_secret
    raise _invalid_client("client authentication required (client_secret_basic or client_secret_post)")


def authenticate(settings: SandboxSettings, client_id: str, secret: str) -> ClientConfig:
    client = settings.client(client_id)
    expected = client.client_secret.get_secret_value() if client is not None else ""
    # Compare even for unknown clients, so timing does not tell which client ids exist.
    if not hmac.compare_digest(secret.encode(), expected.encode()) or client is None:
        raise _invalid_client("unknown client or wrong secret")
    return client


def _granted_scopes(client: ClientConfig, requested: str | None) -> frozenset[Scope]:
    allowed = frozenset(client.scopes)
    if requested is None or not requested.strip():
        return allowed
    granted: set[Scope] = set()
    for name in requested.split():
        scope = next((s for s in Scope if s.value == name), None)
        if scope is None or scope not in allowed:
            raise OAuthFailure(400, "invalid_scope", f"scope {name!r} is unknown or not allowed for this client")
        granted.add(scope)
    return frozenset(granted)


@router.post(
    "/token",
    response_model=TokenResponse,
    summary="Get an access token (client credentials grant)",
    responses=_OAUTH_ERRORS,
)
def issue_token(
    request: Request,
    state: State,
    grant_type: FormText = None,
    scope: FormText = None,
    client_id: FormText = None,
    client_secret: FormText = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    if grant_type is None:
        raise OAuthFailure(400, "invalid_request", "grant_type is required")
    presented_id, secret = presented_credentials(authorization, client_id, client_secret)
    state.observer.token_request_by(presented_id)
    client = authenticate(state.settings, presented_id, secret)
    request.state.client_id = client.client_id
    if grant_type != "client_credentials":
        raise OAuthFailure(400, "unsupported_grant_type", "only client_credentials is supported")
    scopes = _granted_scopes(client, scope)
    token = state.tokens.issue(client.client_id, scopes)
    state.observer.token_issued()
    body = TokenResponse(
        access_token=token,
        expires_in=state.settings.token_ttl_seconds,
        scope=" ".join(sorted(s.value for s in scopes)),
    )
    return JSONResponse(body.model_dump(), headers=_NO_STORE)


@router.post(
    "/revoke",
    summary="Revoke an access token (RFC 7009)",
    responses={200: {"description": "Revoked (or already invalid)"}, **_OAUTH_ERRORS},
)
def revoke_token(
    request: Request,
    state: State,
    token: FormText = None,
    token_type_hint: FormText = None,
    client_id: FormText = None,
    client_secret: FormText = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    client = authenticate(state.settings, *presented_credentials(authorization, client_id, client_secret))
    request.state.client_id = client.client_id
    if token is None:
        raise OAuthFailure(400, "invalid_request", "token is required")
    if not state.tokens.revoke(token, client.client_id):
        raise OAuthFailure(400, "invalid_request", "the token was issued to another client")
    return Response(status_code=200, headers=_NO_STORE)
