"""Bearer-token authorisation of /v1 endpoints, scope by scope (RFC 6750)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.security import OAuth2, SecurityScopes

from sandbox.api_models import ErrorCode, Scope
from sandbox.settings import SandboxSettings
from sandbox.web.problems import ApiError
from sandbox.web.state import get_state
from sandbox.web.tokens import Principal

REALM = "clm-sandbox"

oauth2_scheme = OAuth2(
    flows=OAuthFlows(
        clientCredentials=OAuthFlowClientCredentials(
            tokenUrl="/oauth/token",
            scopes={
                Scope.READ_CONTRACTS: "Read contract metadata, counterparties, obligations and annotations",
                Scope.READ_DOCUMENTS: "Read contract document text",
                Scope.WRITE_ANNOTATIONS: "Add annotations to contracts",
            },
        )
    ),
    scheme_name="clientCredentials",
    auto_error=False,
)


def issuer_of(request: Request, settings: SandboxSettings) -> str:
    """The authorization server's issuer: the setting, else the base URL this request reached."""
    return settings.issuer or str(request.base_url).rstrip("/")


def bearer_token(authorization: str | None) -> str | None:
    if authorization is None:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def authorize(
    request: Request,
    security_scopes: SecurityScopes,
    authorization: Annotated[str | None, Depends(oauth2_scheme)],
) -> Principal:
    token = bearer_token(authorization)
    if token is None:
        raise ApiError(
            401,
            ErrorCode.INVALID_TOKEN,
            "a bearer access token is required (POST /oauth/token)",
            headers={"WWW-Authenticate": f'Bearer realm="{REALM}"'},
        )
    # The middleware already looked the token up (for rate limiting); reuse that answer.
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        principal = get_state(request).tokens.lookup(token)
    if principal is None:
        raise ApiError(
            401,
            ErrorCode.INVALID_TOKEN,
            "the access token is invalid, expired or revoked",
            headers={"WWW-Authenticate": f'Bearer realm="{REALM}", error="invalid_token"'},
        )
    for needed in security_scopes.scopes:
        if needed not in principal.scopes:
            raise ApiError(
                403,
                ErrorCode.INSUFFICIENT_SCOPE,
                f"this operation needs the scope {needed}",
                required_scope=needed,
                headers={"WWW-Authenticate": f'Bearer realm="{REALM}", error="insufficient_scope", scope="{needed}"'},
            )
    return principal


AnyToken = Annotated[Principal, Security(authorize)]
ReadContracts = Annotated[Principal, Security(authorize, scopes=[Scope.READ_CONTRACTS])]
ReadDocuments = Annotated[Principal, Security(authorize, scopes=[Scope.READ_DOCUMENTS])]
WriteAnnotations = Annotated[Principal, Security(authorize, scopes=[Scope.WRITE_ANNOTATIONS])]
