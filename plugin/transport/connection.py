"""Creates the process's single HTTP client, token cache and CLM client, for a real CLM or the embedded one."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx2

from clm_client.client import ClmClient
from clm_client.errors import map_error
from plugin.transport.http import ApiSession
from plugin.observability.logging import get_logger
from plugin.transport.oauth import ClientCredentialsFetcher, TokenCache, TokenKey
from plugin.config.settings import PluginSettings

log = get_logger(__name__)


@dataclass(frozen=True)
class Connection:
    """Where and as whom to reach the CLM."""

    base_url: str
    token_url: str
    client_id: str
    client_secret: str
    auth_method: str
    transport: httpx2.AsyncBaseTransport | None = None  # None = real network (loopback or remote)


@dataclass(frozen=True)
class Backend:
    clm: ClmClient
    tokens: TokenCache
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


def requested_scopes(settings: PluginSettings) -> tuple[str, ...]:
    """Exactly the scopes the enabled tools need (least privilege), unless overridden."""
    if settings.scopes is not None:
        return tuple(sorted(set(settings.scopes)))
    from tools import enabled_tools

    return tuple(sorted({spec.permission for spec in enabled_tools(settings)}))


def rescoped(backend: Backend, settings: PluginSettings, scopes: tuple[str, ...]) -> Backend:
    """The same HTTP client and token cache, requesting `scopes` from now on (least privilege)."""
    key = dataclasses.replace(backend.clm.session.token_key, scopes=scopes)
    session = ApiSession(
        client=backend.http,
        tokens=backend.tokens,
        token_key=key,
        error_mapper=map_error,
        acting_user=settings.acting_user,
        max_retries=settings.max_retries,
        max_retry_after=settings.max_retry_after,
    )
    return dataclasses.replace(backend, clm=ClmClient(session))


@asynccontextmanager
async def open_backend(
    settings: PluginSettings, connection: Connection | None = None, scopes: Sequence[str] | None = None
) -> AsyncIterator[Backend]:
    async with _connection(settings, connection) as conn:
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
        )
        tokens = TokenCache(fetcher, refresh_margin=settings.token_refresh_margin)
        key = TokenKey(
            token_url=conn.token_url,
            client_id=conn.client_id,
            scopes=tuple(scopes) if scopes is not None else requested_scopes(settings),
            acting_user=settings.acting_user,
        )
        async with httpx2.AsyncClient(
            base_url=conn.base_url, timeout=timeout, limits=limits, transport=conn.transport
        ) as http:
            session = ApiSession(
                client=http,
                tokens=tokens,
                token_key=key,
                error_mapper=map_error,
                acting_user=settings.acting_user,
                max_retries=settings.max_retries,
                max_retry_after=settings.max_retry_after,
            )
            try:
                yield Backend(clm=ClmClient(session), tokens=tokens, http=http, connection=conn)
            finally:
                await tokens.aclose()


@asynccontextmanager
async def _connection(settings: PluginSettings, connection: Connection | None) -> AsyncIterator[Connection]:
    if connection is not None:
        yield connection
    elif not settings.embedded:
        yield connection_from_settings(settings)
    else:
        from plugin.transport.embedded import embedded_sandbox

        async with embedded_sandbox(settings) as conn:
            yield conn
