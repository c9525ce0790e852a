"""POST /oauth/token and POST /oauth/revoke (RFC 7009).

Grants at the token endpoint:
- `client_credentials` (RFC 6749 section 4.4): a confidential client's own token (sees every contract);
- `password` (demo/test only, `SANDBOX_PASSWORD_GRANT`): the public client `demo-mcp-client` gets a
  user's token for the resource it names (RFC 8707): a JWT signed by this sandbox, audience = resource;
- `urn:ietf:params:oauth:grant-type:token-exchange` (RFC 8693): a confidential client allowed to
  exchange (`token_exchange`) trades such a user token for a CLM token bound to that user, which sees
  only that user's contracts. See `sandbox.routes.idp` for the metadata and the JWK set.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from typing import Annotated, Any, Final
from urllib.parse import unquote_plus, urlsplit

from fastapi import Depends, Form, Header, Request
from fastapi.responses import JSONResponse, Response

from sandbox.api_models import OAuthError, Scope, TokenResponse
from sandbox.routes.table import RouteTable
from sandbox.settings import ClientConfig, SandboxSettings
from sandbox.users import DemoUser, UserScope, clm_scopes
from sandbox.web.idp import SubjectTokenError
from sandbox.web.problems import OAuthFailure
from sandbox.web.security import REALM, issuer_of
from sandbox.web.state import SandboxState, get_state

router = RouteTable(prefix="/oauth", tags=["oauth"])

State = Annotated[SandboxState, Depends(get_state)]
FormText = Annotated[str | None, Form(max_length=4096)]
_OAUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": OAuthError,
        "description": "invalid_request, unsupported_grant_type, invalid_scope, invalid_grant, invalid_target "
        "or unauthorized_client",
    },
    401: {"model": OAuthError, "description": "invalid_client"},
}
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

CLIENT_CREDENTIALS: Final = "client_credentials"
PASSWORD: Final = "password"  # noqa: S105 - a grant type name
TOKEN_EXCHANGE: Final = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105 - a grant type name
ACCESS_TOKEN_TYPE: Final = "urn:ietf:params:oauth:token-type:access_token"  # noqa: S105 - a token type URN
JWT_TOKEN_TYPE: Final = "urn:ietf:params:oauth:token-type:jwt"  # noqa: S105 - a token type URN
PUBLIC_DEMO_CLIENT: Final = "demo-mcp-client"
GRANT_TYPES: Final = (CLIENT_CREDENTIALS, PASSWORD, TOKEN_EXCHANGE)


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


def _user_scopes(user: DemoUser, requested: str | None) -> frozenset[UserScope]:
    if requested is None or not requested.strip():
        return user.scopes
    granted: set[UserScope] = set()
    for name in requested.split():
        scope = next((s for s in UserScope if s.value == name), None)
        if scope is None or scope not in user.scopes:
            raise OAuthFailure(400, "invalid_scope", f"scope {name!r} is unknown or not granted to this user")
        granted.add(scope)
    return frozenset(granted)


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not parts.fragment


def _password_grant(
    request: Request,
    state: SandboxState,
    username: str | None,
    password: str | None,
    resource: str | None,
    scope: str | None,
) -> Response:
    """The demo password grant: a user's token for `resource` (RFC 8707), for the public demo client only."""
    if not state.settings.password_grant:
        raise OAuthFailure(400, "unsupported_grant_type", "the password grant is switched off")
    if username is None or password is None:
        raise OAuthFailure(400, "invalid_request", "username and password are required")
    if resource is None or not _is_http_url(resource):
        raise OAuthFailure(400, "invalid_target", "resource must be the absolute http(s) URL of the MCP server")
    user = state.settings.user(username)
    expected = user.password.get_secret_value() if user is not None else secrets.token_urlsafe(16)
    if not hmac.compare_digest(password.encode(), expected.encode()) or user is None:
        raise OAuthFailure(400, "invalid_grant", "unknown user or wrong password")
    scopes = _user_scopes(user, scope)
    token, lifetime = state.idp.issue(
        issuer=issuer_of(request, state.settings),
        user=user,
        audience=resource,
        scopes=scopes,
        client_id=PUBLIC_DEMO_CLIENT,
    )
    state.observer.token_issued()
    body = TokenResponse(access_token=token, expires_in=lifetime, scope=" ".join(sorted(s.value for s in scopes)))
    return JSONResponse(body.model_dump(exclude_none=True), headers=_NO_STORE)


def _requested_clm_scopes(requested: str | None) -> frozenset[Scope] | None:
    """The CLM scopes asked for (CLM names, or user scope names standing for theirs); None: not asked."""
    if requested is None or not requested.strip():
        return None
    asked: set[Scope] = set()
    for name in requested.split():
        clm = next((s for s in Scope if s.value == name), None)
        user_scope = next((s for s in UserScope if s.value == name), None)
        if clm is not None:
            asked.add(clm)
        elif user_scope is not None:
            asked.update(clm_scopes(frozenset({user_scope})))
        else:
            raise OAuthFailure(400, "invalid_scope", f"scope {name!r} is unknown")
    return frozenset(asked)


def _token_exchange(
    request: Request,
    state: SandboxState,
    client: ClientConfig,
    subject_token: str | None,
    subject_token_type: str | None,
    targets: list[str],
    scope: str | None,
    requested_token_type: str | None,
) -> Response:
    """RFC 8693: the user token presented becomes a CLM token bound to its user (never wider than either)."""
    if not client.token_exchange:
        raise OAuthFailure(400, "unauthorized_client", "this client may not exchange tokens")
    if requested_token_type not in (None, ACCESS_TOKEN_TYPE):
        raise OAuthFailure(400, "invalid_request", "only an access token can be requested")
    if subject_token is None or subject_token_type is None:
        raise OAuthFailure(400, "invalid_request", "subject_token and subject_token_type are required")
    if subject_token_type not in (ACCESS_TOKEN_TYPE, JWT_TOKEN_TYPE):
        raise OAuthFailure(400, "invalid_request", "subject_token_type must be an access_token or jwt token type")
    issuer = issuer_of(request, state.settings)
    for target in targets:
        if target.rstrip("/") not in (issuer, f"{issuer}/v1"):
            raise OAuthFailure(400, "invalid_target", f"this server issues tokens only for {issuer}/v1")
    try:
        subject = state.idp.verify(subject_token, issuer=issuer)
    except SubjectTokenError as exc:
        raise OAuthFailure(400, "invalid_grant", str(exc)) from exc
    allowed = client.exchange_audiences
    if not subject.audience or not all(
        (aud in allowed) if allowed is not None else _is_http_url(aud) for aud in subject.audience
    ):
        raise OAuthFailure(400, "invalid_grant", "the subject token's audience is not one this client may exchange")
    user = state.settings.user(subject.user_id)
    if user is None:
        raise OAuthFailure(400, "invalid_grant", "the subject token's user is unknown to this CLM")
    entitled = clm_scopes(subject.scopes & user.scopes) & frozenset(client.scopes)
    asked = _requested_clm_scopes(scope)
    scopes = entitled if asked is None else entitled & asked
    if not scopes:
        raise OAuthFailure(400, "invalid_scope", "none of the scopes asked for are granted to this user and client")
    # The CLM token never outlives the user token it stands for.
    lifetime = max(1, min(state.settings.token_ttl_seconds, subject.expires_at - state.idp.now()))
    token = state.tokens.issue(client.client_id, scopes, user=user.user_id, ttl_seconds=lifetime)
    state.observer.token_issued()
    state.observer.token_exchanged(user.user_id)
    body = TokenResponse(
        access_token=token,
        expires_in=lifetime,
        scope=" ".join(sorted(s.value for s in scopes)),
        issued_token_type=ACCESS_TOKEN_TYPE,
    )
    return JSONResponse(body.model_dump(exclude_none=True), headers=_NO_STORE)


@router.post(
    "/token",
    response_model=TokenResponse,
    response_model_exclude_none=True,
    summary="Get an access token (client credentials; demo password grant; token exchange, RFC 8693)",
    description="`grant_type=client_credentials`: the client's own token. `grant_type=password` (demo only): "
    "the public client `demo-mcp-client` (no secret) gets a demo user's JWT for `resource` (RFC 8707: its "
    "`aud`). `grant_type=urn:ietf:params:oauth:grant-type:token-exchange`: a confidential client trades such a "
    "user token (`subject_token`) for a CLM token bound to that user, scopes = those asked for (default all) "
    "that both the user and the client hold; `audience`/`resource`, if given, must name this CLM (its base "
    "URL or `/v1`). Errors: invalid_grant (subject token expired, not signed by this server, or for an "
    "audience this client may not exchange), invalid_target, invalid_scope, unauthorized_client.",
    responses=_OAUTH_ERRORS,
)
def issue_token(
    request: Request,
    state: State,
    grant_type: FormText = None,
    scope: FormText = None,
    client_id: FormText = None,
    client_secret: FormText = None,
    username: FormText = None,
    password: FormText = None,
    resource: FormText = None,
    audience: FormText = None,
    subject_token: Annotated[str | None, Form(max_length=16384)] = None,
    subject_token_type: FormText = None,
    requested_token_type: FormText = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    if grant_type is None:
        raise OAuthFailure(400, "invalid_request", "grant_type is required")
    if grant_type == PASSWORD and client_id == PUBLIC_DEMO_CLIENT and client_secret is None and authorization is None:
        state.observer.token_request_by(PUBLIC_DEMO_CLIENT)
        request.state.client_id = PUBLIC_DEMO_CLIENT
        return _password_grant(request, state, username, password, resource, scope)
    presented_id, secret = presented_credentials(authorization, client_id, client_secret)
    state.observer.token_request_by(presented_id)
    client = authenticate(state.settings, presented_id, secret)
    request.state.client_id = client.client_id
    if grant_type == TOKEN_EXCHANGE:
        targets = [t for t in (audience, resource) if t is not None]
        return _token_exchange(
            request, state, client, subject_token, subject_token_type, targets, scope, requested_token_type
        )
    if grant_type != CLIENT_CREDENTIALS:
        raise OAuthFailure(
            400, "unsupported_grant_type", "grant_type must be client_credentials or token exchange for this client"
        )
    scopes = _granted_scopes(client, scope)
    token = state.tokens.issue(client.client_id, scopes)
    state.observer.token_issued()
    body = TokenResponse(
        access_token=token,
        expires_in=state.settings.token_ttl_seconds,
        scope=" ".join(sorted(s.value for s in scopes)),
    )
    return JSONResponse(body.model_dump(exclude_none=True), headers=_NO_STORE)


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
