"""Creates the process's single HTTP client, token cache and API client, for a real backend or the embedded one."""

from __future__ import annotations

import dataclasses
import ssl
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx2

from plugin.config.identity import Identity
from plugin.config.settings import PluginSettings
from plugin.observability.logging import get_logger
from plugin.transport.adapter import BackendAdapter
from plugin.transport.embedded import embedded_transport
from plugin.transport.http import ApiSession, ResponseCheck
from plugin.transport.oauth import ClientCredentialsFetcher, TokenCache, TokenKey, TokenSource
from plugin.transport.shared_tokens import SharedTokens

if TYPE_CHECKING:
    # A type only: the child-process module is imported when a child is started (not on the default path).
    from plugin.transport.backend_process import BackendProcess

log = get_logger(__name__)


TokenCacheFactory = Callable[[ClientCredentialsFetcher, PluginSettings], TokenSource]


class NoBackendConfigured(ValueError):
    """No base URL is set and the adapter has no embedded demo backend."""


@dataclass(frozen=True)
class Connection:
    """Where and as whom to reach the backend."""

    base_url: str
    token_url: str
    client_id: str
    client_secret: str
    auth_method: str
    transport: httpx2.AsyncBaseTransport | None = None  # None = real network (loopback or remote)


@dataclass(frozen=True)
class Backend:
    api: Any  # the adapter's client
    session: ApiSession
    tokens: TokenSource
    http: httpx2.AsyncClient
    connection: Connection


def connection_from_settings(settings: PluginSettings) -> Connection:
    assert settings.base_url is not None and settings.token_url is not None
    assert settings.client_id is not None and settings.client_secret is not None
    return Connection(
        base_url=str(settings.base_url).rstrip("/"),
        token_url=str(settings.token_url),
        client_id=settings.client_id,
        client_secret=settings.client_secret.get_secret_value(),
        auth_method=settings.token_auth_method,
    )


def _session(
    http: httpx2.AsyncClient,
    tokens: TokenSource,
    key: TokenKey,
    adapter: BackendAdapter[Any],
    settings: PluginSettings,
    label: str,
    response_check: ResponseCheck | None = None,
) -> ApiSession:
    return ApiSession(
        response_check=response_check,
        label=label,
        client=http,
        tokens=tokens,
        token_key=key,
        error_mapper=adapter.map_error,
        acting_user=settings.acting_user,
        max_retries=settings.max_retries,
        max_retry_after=settings.max_retry_after,
        user_mode="exchange" if settings.token_exchange else "acting_user",
    )


def rescoped(
    backend: Backend, adapter: BackendAdapter[Any], settings: PluginSettings, scopes: tuple[str, ...]
) -> Backend:
    """The same HTTP client and token cache, requesting `scopes` from now on (least privilege)."""
    key = dataclasses.replace(backend.session.token_key, scopes=scopes)
    session = _session(
        backend.http, backend.tokens, key, adapter, settings, backend.session.label, backend.session.response_check
    )
    return dataclasses.replace(backend, api=adapter.client(session), session=session)


@asynccontextmanager
async def open_backend(
    settings: PluginSettings,
    adapter: BackendAdapter[Any],
    scopes: Sequence[str],
    connection: Connection | None = None,
    *,
    identity: Identity | None = None,
    response_check: ResponseCheck | None = None,
    token_cache: TokenCacheFactory | None = None,
    shared_tokens: SharedTokens | None = None,
    embedded_process: BackendProcess | None = None,
) -> AsyncIterator[Backend]:
    """`identity` names the backend and the settings in error messages (generic words without it).

    `response_check` runs on every backend response (the server's data-residency guard).
    `token_cache(fetcher, settings)` makes the token cache (default: the in-process `TokenCache`);
    `shared_tokens` gives the default cache its shared tier (Redis under STATE_URL, for replicas:
    plugin.transport.shared_tokens). `embedded_process`: the embedded demo backend, already started in a child.
    """
    label = identity.backend_label if identity is not None else "backend"
    hint = (
        (identity.env("token_url"), identity.env("client_id"), identity.env("client_secret"))
        if identity is not None
        else ("the token URL", "the client id", "the client secret")
    )
    async with _connection(settings, adapter, connection, identity, embedded_process) as conn:
        verify = True if conn.transport is not None else await _shared_tls_context()
        timeout = httpx2.Timeout(settings.read_timeout, connect=settings.connect_timeout)
        limits = httpx2.Limits(
            max_connections=settings.max_connections, max_keepalive_connections=settings.max_connections
        )
        fetcher = ClientCredentialsFetcher(
            token_url=conn.token_url,
            client_id=conn.client_id,
            client_secret=conn.client_secret,
            auth_method=conn.auth_method,
            timeout=timeout,
            transport=conn.transport,
            verify=verify,
            label=label,
            settings_hint=hint,
        )
        tokens = (
            TokenCache(
                fetcher,
                refresh_margin=settings.token_refresh_margin,
                shared=shared_tokens,
                shared_wait=settings.call_deadline,
            )
            if token_cache is None
            else token_cache(fetcher, settings)
        )
        key = TokenKey(
            token_url=conn.token_url, client_id=conn.client_id, scopes=tuple(scopes), acting_user=settings.acting_user
        )
        async with httpx2.AsyncClient(
            base_url=conn.base_url, timeout=timeout, limits=limits, transport=conn.transport, verify=verify
        ) as http:
            session = _session(http, tokens, key, adapter, settings, label, response_check)
            try:
                yield Backend(api=adapter.client(session), session=session, tokens=tokens, http=http, connection=conn)
            finally:
                await tokens.aclose()


async def _shared_tls_context() -> ssl.SSLContext:
    """The TLS context of the token and API clients: one for both, built off the event loop.

    Each client would otherwise build its own from the system's CA bundle (43-60 ms each, measured), on the
    loop, when the backend is opened. The same defaults as theirs (`SSL_CERT_FILE`/`SSL_CERT_DIR` honoured)."""
    import anyio.to_thread  # ~7 ms that `import anyio` defers: paid when a real backend is opened, not at start

    return await anyio.to_thread.run_sync(httpx2.create_ssl_context)


@asynccontextmanager
async def _connection(
    settings: PluginSettings,
    adapter: BackendAdapter[Any],
    connection: Connection | None,
    identity: Identity | None = None,
    process: BackendProcess | None = None,
) -> AsyncIterator[Connection]:
    if connection is not None:
        yield connection
        return
    if not settings.embedded:
        yield connection_from_settings(settings)
        return
    embedded = adapter.embedded()
    if embedded is None:
        raise NoBackendConfigured("no backend is configured and this plugin has no embedded demo backend")
    opened = embedded_transport(embedded, settings, identity, process)
    async with opened as (base_url, transport):
        yield Connection(
            base_url=base_url,
            token_url=f"{base_url}{embedded.token_path}",
            client_id=embedded.client_id,
            client_secret=embedded.client_secret,
            auth_method=embedded.auth_method,
            transport=transport,
        )
