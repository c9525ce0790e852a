"""The fake's backend adapter: implements `plugin.transport.adapter.BackendAdapter` for the items API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError

from plugin.toolkit.errors import (
    AuthenticationFailed,
    BackendError,
    BackendUnavailable,
    Conflict,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    PluginError,
)
from plugin.toolkit.untrusted import clean_inline
from plugin.transport.adapter import BackendMetadata, EmbeddedBackend
from plugin.transport.http import parse_retry_after, rate_limited

from .app import CLIENT_ID, CLIENT_SECRET, create_app
from .client import SCOPE_READ_ITEMS, SCOPE_WRITE_ITEMS, ItemsClient

if TYPE_CHECKING:
    import httpx2

    from plugin.config.settings import PluginSettings
    from plugin.transport.http import ApiSession

PERMISSION_SCOPES: dict[str, tuple[str, ...]] = {
    SCOPE_READ_ITEMS: (SCOPE_READ_ITEMS,),
    SCOPE_WRITE_ITEMS: (SCOPE_WRITE_ITEMS,),
}


class _Problem(BaseModel):
    """RFC 9457 problem+json, as far as the mapping needs it."""

    model_config = ConfigDict(extra="ignore")
    title: str | None = None
    detail: str | None = None
    code: str | None = None
    required_scope: str | None = None


def _problem(response: httpx2.Response) -> _Problem:
    try:
        return _Problem.model_validate_json(response.content)
    except ValidationError:
        return _Problem()  # a plain status (empty or non-JSON body)


def map_error(response: httpx2.Response) -> PluginError:
    """An error response of the items API as an error the model can act on; upstream text stays out."""
    status = response.status_code
    problem = _problem(response)
    request_id = response.headers.get("x-request-id")
    if status == 400:
        if problem.code == "invalid_cursor":
            return InvalidArgument("The cursor is invalid; start again without a cursor.", request_id=request_id)
        return InvalidArgument("The items API rejected a parameter of the request.", request_id=request_id)
    if status == 401:
        return AuthenticationFailed("The items API rejected the access token.", request_id=request_id)
    if status == 403:
        scope = clean_inline(problem.required_scope or "", 60) or None
        needed = f" It needs the '{scope}' scope." if scope else ""
        return PermissionDenied(
            f"The plugin's client may not do this.{needed} Ask an administrator to grant it.",
            scope=scope,
            request_id=request_id,
        )
    if status == 404:
        return NotFound("The items API has no such item; list items to find a valid id.", request_id=request_id)
    if status == 409:
        return Conflict("The items API reported a conflicting write.", request_id=request_id)
    if status == 429:
        wait = parse_retry_after(response.headers.get("retry-after"))
        after = f" Retry after {round(wait)} s." if wait is not None else " Retry shortly."
        return rate_limited(response, f"The items API is rate limiting this client.{after}")
    if status >= 500:
        return BackendUnavailable(
            f"The items API is unavailable (HTTP {status}); try again shortly.", request_id=request_id
        )
    return BackendError(f"The items API answered HTTP {status} unexpectedly.", request_id=request_id)


def _demo_app(_settings: PluginSettings) -> Any:
    return create_app()


class FakeAdapter:
    @property
    def permission_scopes(self) -> Mapping[str, tuple[str, ...]]:
        return PERMISSION_SCOPES

    def client(self, session: ApiSession) -> ItemsClient:
        return ItemsClient(session)

    def map_error(self, response: httpx2.Response) -> PluginError:
        return map_error(response)

    async def metadata(self, client: ItemsClient) -> BackendMetadata | None:
        return None  # the items API says nothing about itself: business date = today, no region

    def embedded(self) -> EmbeddedBackend:
        return EmbeddedBackend(
            app=_demo_app,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            description="the fake items API (demo)",
            auth_method="client_secret_post",
        )
