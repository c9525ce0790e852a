"""OAuth 2.0 access tokens: fetched with authlib, held in a session cache, one request per lifetime.

- Single flight: however many calls need a token at once, one token request is made per cache key.
- Proactive refresh: once a token enters the last `refresh_margin` of its lifetime, the next caller
  starts a background refresh and keeps using the still-valid token, so steady-state calls never wait.
- On 401 the caller drops exactly the token it used (`invalidate`) and asks again: one new request.

The grant is behind `TokenFetcher`, so private_key_jwt (authlib's `PrivateKeyJWT` client auth) or
another grant slots in without touching the cache.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import httpx2
from cachetools import TLRUCache

from plugin.observability.logging import get_logger
from plugin.observability.redaction import SECRETS
from plugin.toolkit.errors import AuthenticationFailed, BackendError, BackendUnavailable, PermissionDenied, PluginError

if TYPE_CHECKING:
    from authlib.integrations.httpx_client import AsyncOAuth2Client

log = get_logger(__name__)


@dataclass(frozen=True)
class TokenKey:
    """What a token is valid for; two calls share a token only when all four agree."""

    token_url: str
    client_id: str
    scopes: tuple[str, ...]
    acting_user: str | None


@dataclass(frozen=True)
class AccessToken:
    value: str = field(repr=False)
    granted_scopes: frozenset[str]
    lifetime: float
    expires_at: float  # on the cache's clock

    def remaining(self, now: float) -> float:
        return self.expires_at - now


class TokenFetcher(Protocol):
    async def fetch(self, scopes: tuple[str, ...]) -> tuple[str, float, frozenset[str]]:
        """Return (access token, lifetime in seconds, granted scopes)."""
        ...

    async def aclose(self) -> None: ...


class ClientCredentialsFetcher:
    """RFC 6749 §4.4 with client_secret_basic or client_secret_post, through authlib."""

    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        auth_method: str,
        timeout: httpx2.Timeout,
        transport: httpx2.AsyncBaseTransport | None = None,
        label: str = "backend",
        settings_hint: tuple[str, str, str] = ("the token URL", "the client id", "the client secret"),
    ) -> None:
        self._label = label  # what messages call the backend
        self._hint = settings_hint  # the variables that set the token URL, client id and secret
        self._token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._auth_method = auth_method
        self._timeout = timeout
        self._transport = transport
        self._client: AsyncOAuth2Client | None = None
        SECRETS.add(client_secret)

    def _oauth_client(self) -> AsyncOAuth2Client:
        if self._client is None:
            # Imported on first use: authlib is not needed to answer initialize or tools/list.
            from authlib.integrations.httpx_client import AsyncOAuth2Client

            self._client = AsyncOAuth2Client(
                client_id=self._client_id,
                client_secret=self._client_secret,
                token_endpoint_auth_method=self._auth_method,
                timeout=self._timeout,
                transport=self._transport,
            )
        return self._client

    async def fetch(self, scopes: tuple[str, ...]) -> tuple[str, float, frozenset[str]]:
        from authlib.integrations.base_client import OAuthError

        client = self._oauth_client()
        try:
            token = await client.fetch_token(self._token_url, grant_type="client_credentials", scope=" ".join(scopes))
        except OAuthError as exc:
            raise self._oauth_error(exc.error, scopes) from None
        except httpx2.HTTPStatusError as exc:
            status = exc.response.status_code
            log.warning("token_endpoint_error", status=status)
            if status >= 500 or status == 429:
                raise BackendUnavailable(
                    f"The {self._label}'s token endpoint failed (HTTP {status}); try again shortly."
                ) from None
            raise BackendError(f"The {self._label}'s token endpoint answered HTTP {status} without a token.") from None
        except httpx2.TimeoutException:
            raise BackendUnavailable(f"The {self._label}'s token endpoint did not answer in time; try again.") from None
        except httpx2.TransportError as exc:
            log.warning("token_endpoint_unreachable", error=type(exc).__name__)
            raise BackendUnavailable(
                f"The {self._label}'s token endpoint cannot be reached; check {self._hint[0]} and that the "
                f"{self._label} is up."
            ) from None
        except (ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
            log.warning("token_response_malformed", error=type(exc).__name__)
            raise BackendError(f"The {self._label}'s token endpoint returned a malformed response.") from None
        value = token.get("access_token")
        if not isinstance(value, str) or not value:
            raise BackendError(f"The {self._label}'s token endpoint returned no access token.")
        SECRETS.add(value)
        lifetime = float(token.get("expires_in") or 300)
        granted = token.get("scope")
        granted_scopes = frozenset(granted.split()) if isinstance(granted, str) else frozenset(scopes)
        return value, lifetime, granted_scopes

    def _oauth_error(self, error: str | None, scopes: tuple[str, ...]) -> PluginError:
        label = self._label
        if error == "invalid_scope":
            return PermissionDenied(
                f"The {label} refused the requested scopes ({' '.join(scopes)}); ask an administrator to grant "
                "them to this client or disable the tools that need them."
            )
        if error in {"invalid_client", "unauthorized_client", "invalid_grant"}:
            return AuthenticationFailed(
                f"The {label} rejected the plugin's client credentials ({error}). Check {self._hint[1]} and "
                f"{self._hint[2]} in the plugin configuration; the secret itself is never shown."
            )
        return AuthenticationFailed(f"The {label}'s token endpoint refused the request ({error}).")

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()


class TokenCache:
    """A per-process cache of access tokens keyed by `TokenKey`."""

    def __init__(
        self,
        fetcher: TokenFetcher,
        *,
        refresh_margin: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        maxsize: int = 64,
    ) -> None:
        self._fetcher = fetcher
        self._margin = refresh_margin
        self._clock = clock
        self._tokens: TLRUCache[TokenKey, AccessToken] = TLRUCache(
            maxsize=maxsize, ttu=lambda _key, token, _now: token.expires_at, timer=clock
        )
        self._inflight: dict[TokenKey, asyncio.Task[AccessToken]] = {}
        self.requests = 0  # token requests made; read by tests and benchmarks
        self.waits = 0  # calls that had to wait for a token (cold start or expiry), not served from cache

    async def get(self, key: TokenKey) -> AccessToken:
        token = self._tokens.get(key)
        if token is not None:
            if token.remaining(self._clock()) < self._margin * token.lifetime:
                self._start_fetch(key)  # refresh in the background; this token is still valid
            return token
        self.waits += 1
        # shield: a caller that hits its deadline must not cancel the fetch the others wait on.
        return await asyncio.shield(self._start_fetch(key))

    def invalidate(self, key: TokenKey, value: str) -> None:
        """Drop the token `value` if it is still the cached one (a concurrent 401 may have replaced it)."""
        token = self._tokens.get(key)
        if token is not None and token.value == value:
            del self._tokens[key]

    def granted_scopes(self, key: TokenKey) -> frozenset[str] | None:
        token = self._tokens.get(key)
        return None if token is None else token.granted_scopes

    def _start_fetch(self, key: TokenKey) -> asyncio.Task[AccessToken]:
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.create_task(self._fetch(key), name=f"token-fetch:{key.client_id}")
            self._inflight[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        return task

    def _finished(self, key: TokenKey, task: asyncio.Task[AccessToken]) -> None:
        if self._inflight.get(key) is task:
            del self._inflight[key]
        if not task.cancelled() and task.exception() is not None:
            # A failed background refresh must not go unobserved; the next caller retries.
            log.info("token_fetch_failed", error=type(task.exception()).__name__)

    async def _fetch(self, key: TokenKey) -> AccessToken:
        self.requests += 1
        started = self._clock()
        value, lifetime, granted = await self._fetcher.fetch(key.scopes)
        token = AccessToken(value=value, granted_scopes=granted, lifetime=lifetime, expires_at=started + lifetime)
        self._tokens[key] = token
        log.debug("token_fetched", client_id=key.client_id, lifetime=lifetime, scopes=sorted(granted))
        return token

    async def aclose(self) -> None:
        for task in list(self._inflight.values()):
            task.cancel()
        await self._fetcher.aclose()
