"""Bearer-token authorisation of /v1 endpoints, scope by scope (RFC 6750), and whose view applies.

A token from token exchange is bound to a user: that user's view of the contracts (`ContractView`)
applies to every route. A client's own token sees everything - unless the client is trusted to name
the user it acts for (`trusted_acting_user`) and does, in X-Acting-User: then that user's view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.security import OAuth2, SecurityScopes

from sandbox.api_models import ErrorCode, Scope
from sandbox.settings import SandboxSettings
from sandbox.store.access import EVERYTHING, ContractView
from sandbox.users import DemoUser
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


@dataclass(frozen=True)
class Access:
    """Who is asking (the token's principal, and the user it speaks for, if any) and what they may see."""

    principal: Principal
    user: DemoUser | None
    view: ContractView

    def require_write(self) -> None:
        """403 (a problem document) unless this user may write; a client's own token may."""
        if self.user is not None and not self.user.can_annotate:
            raise ApiError(403, ErrorCode.FORBIDDEN, f"user {self.user.user_id} is read-only: they may not annotate")


def access_of(request: Request, principal: Principal) -> Access:
    state = get_state(request)
    user_id = principal.user
    if user_id is None:
        client = state.settings.client(principal.client_id)
        named = request.headers.get("x-acting-user")
        if client is None or not client.trusted_acting_user or not named:
            return Access(principal, None, EVERYTHING)
        user_id = named.strip()
    user = state.settings.user(user_id)
    if user is None:
        # Only a trusted client's X-Acting-User can name an unknown user (exchange checks its subject).
        raise ApiError(403, ErrorCode.FORBIDDEN, "X-Acting-User names no user this CLM knows")
    return Access(principal, user, ContractView.of(user))


def _read_contracts(request: Request, principal: ReadContracts) -> Access:
    return access_of(request, principal)


def _read_documents(request: Request, principal: ReadDocuments) -> Access:
    return access_of(request, principal)


def _write_annotations(request: Request, principal: WriteAnnotations) -> Access:
    return access_of(request, principal)


def _any_token(request: Request, principal: AnyToken) -> Access:
    return access_of(request, principal)


# What routes take: the checked token and the view of the contracts that applies to it.
AnyAccess = Annotated[Access, Depends(_any_token)]
ContractsReader = Annotated[Access, Depends(_read_contracts)]
DocumentsReader = Annotated[Access, Depends(_read_documents)]
AnnotationsWriter = Annotated[Access, Depends(_write_annotations)]
