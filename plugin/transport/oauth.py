"""OAuth 2.0 access tokens: fetched with authlib, held in a session cache, one request per lifetime.

- Single flight: however many calls need a token at once, one token request is made per cache key.
- Proactive refresh: once a token enters the last `refresh_margin` of its lifetime, the next caller
  starts a background refresh and keeps using the still-valid token, so steady-state calls never wait.
- On 401 the caller drops exactly the token it used (`invalidate`) and asks again: one new request.
- Per user (remote mode): a key with a `subject` is fetched by RFC 8693 token exchange of that user's
  verified token (`subject_token`) for a backend token bound to the user; the same single flight and
  refresh-ahead apply per (user, audience, scopes). The user's own token only ever goes to the token
  endpoint, as `subject_token`, never to the API.

Callers see the cache through `TokenSource` (get / invalidate / granted_scopes / aclose). Replicas share
it through a second tier (`shared`, plugin.transport.shared_tokens: Redis under STATE_URL): a miss or a
refresh asks there first, so the guarantees above hold across replicas, not only within one process.

The grant is behind `TokenFetcher`, so private_key_jwt (authlib's `PrivateKeyJWT` client auth) or
another grant slots in without touching the cache.

Token responses are not taken on trust: the body is capped like API bodies (`MAX_TOKEN_RESPONSE_BYTES`,
refused from its Content-Length or as soon as the stream passes the cap), only Bearer tokens are
accepted, and `expires_in` must be a finite number of seconds >= 1 (capped at `MAX_TOKEN_LIFETIME`).
With client_secret_basic the client id and secret are form-urlencoded before base64 (RFC 6749 §2.3.1).
"""

from __future__ import annotations

import asyncio
import base64
import json
import math
import time
import urllib.request
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote_plus, urlsplit

import httpx2
from cachetools import TLRUCache

from plugin.observability.logging import get_logger
from plugin.observability.redaction import SECRETS
from plugin.toolkit.errors import AuthenticationFailed, BackendError, BackendUnavailable, PermissionDenied, PluginError
from plugin.toolkit.untrusted import clean_inline
from plugin.transport.shared_tokens import SharedTokens

if TYPE_CHECKING:
    import ssl

    from plugin.transport.token_client import AsyncTokenClient

log = get_logger(__name__)

MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024  # a token response is a few hundred bytes; 1 MB is generous
DEFAULT_TOKEN_LIFETIME = 300.0  # when the response has no expires_in (RFC 6749 §5.1: RECOMMENDED, not required)
MAX_TOKEN_LIFETIME = 24 * 3600.0  # a longer (or infinite) lifetime is held for a day, then refreshed
# The error codes a token endpoint may send (RFC 6749 §5.2, §4.1.2.1; RFC 8707 §2; RFC 8693 §2.2.2). The endpoint's
# `error` is shown only when it is one of these: anything else (an echoed credential, text posing as the plugin's
# own, a 100,000-character string) is upstream text and is never shown or logged. `error_description` never is.
OAUTH_ERROR_CODES = frozenset(
    {
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
        "invalid_target",
        "access_denied",
        "server_error",
        "temporarily_unavailable",
    }
)
UNRECOGNISED_OAUTH_ERROR = "unrecognised error"


def oauth_error_code(error: object) -> str:
    """The endpoint's `error` if it is a standard code, else `UNRECOGNISED_OAUTH_ERROR`."""
    return error if isinstance(error, str) and error in OAUTH_ERROR_CODES else UNRECOGNISED_OAUTH_ERROR


class TokenResponseTooLarge(Exception):
    """The token endpoint's body passed `MAX_TOKEN_RESPONSE_BYTES` (raised while it is being read)."""


class _CappedStream(httpx2.AsyncByteStream):
    def __init__(self, inner: httpx2.AsyncByteStream, limit: int) -> None:
        self._inner = inner
        self._limit = limit

    async def __aiter__(self) -> AsyncIterator[bytes]:
        size = 0
        async for chunk in self._inner:
            size += len(chunk)
            if size > self._limit:
                raise TokenResponseTooLarge
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


class _CappedTransport(httpx2.AsyncBaseTransport):
    """Caps every response body (the token client reads bodies whole, so the cap sits under it)."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, limit: int, *, owns_inner: bool) -> None:
        self._inner = inner
        self._limit = limit
        self._owns_inner = owns_inner  # a transport handed in (the embedded backend's) is closed by its owner

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self._inner.handle_async_request(request)
        declared = response.headers.get("content-length", "")
        stream = response.stream
        assert isinstance(stream, httpx2.AsyncByteStream)
        if declared.isdigit() and int(declared) > self._limit:
            await stream.aclose()  # refused unread
            raise TokenResponseTooLarge
        return httpx2.Response(
            response.status_code,
            headers=response.headers,
            stream=_CappedStream(stream, self._limit),
            extensions=response.extensions,
            request=request,
        )

    async def aclose(self) -> None:
        if self._owns_inner:
            await self._inner.aclose()


def form_encoded_basic(client: Any, method: str, uri: str, headers: dict[str, str], body: str) -> tuple[Any, ...]:
    """client_secret_basic as RFC 6749 §2.3.1 says: id and secret form-urlencoded, then base64.

    (authlib sends them raw, so a secret with '+', '%' or ':' fails against a compliant server.)
    """
    pair = f"{quote_plus(client.client_id, safe='')}:{quote_plus(client.client_secret, safe='')}"
    headers["Authorization"] = "Basic " + base64.b64encode(pair.encode("ascii")).decode("ascii")
    return uri, headers, body


def token_lifetime(raw: object, label: str = "backend") -> float:
    """Seconds a token may be used, from `expires_in`: bounded, or a `BackendError` the model can report."""
    if raw is None:
        return DEFAULT_TOKEN_LIFETIME
    value: float | None = None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(raw.strip())
        except ValueError:
            value = None
    if value is None or math.isnan(value):
        raise BackendError(f"The {label}'s token endpoint returned a non-numeric token lifetime (expires_in).")
    if value < 1:
        # An already-expired token would be used once per request (or reused after expiry): refuse it.
        raise BackendError(
            f"The {label}'s token endpoint returned a token that is already expired (expires_in={value:g})."
        )
    return min(value, MAX_TOKEN_LIFETIME)


TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105 - RFC 8693 names, not secrets
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"  # noqa: S105


@dataclass(frozen=True)
class TokenKey:
    """What a token is valid for; two calls share a token only when all fields agree.

    `subject`/`issuer` name the verified user a per-user token is for (None: the client's own token);
    `audience` is the API the token is requested for (token exchange's `resource`).
    """

    token_url: str
    client_id: str
    scopes: tuple[str, ...]
    acting_user: str | None
    subject: str | None = None
    issuer: str | None = None
    audience: str | None = None


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


class ExchangingFetcher(TokenFetcher, Protocol):
    async def exchange(
        self, subject_token: str, scopes: tuple[str, ...], audience: str | None
    ) -> tuple[str, float, frozenset[str]]:
        """RFC 8693: a token for the user `subject_token` names; (access token, lifetime, granted scopes)."""
        ...


class TokenSource(Protocol):
    """What the HTTP pipeline needs of a token cache (in-process `TokenCache`, or a shared one)."""

    requests: int

    async def get(self, key: TokenKey, subject_token: str | None = None) -> AccessToken: ...

    def invalidate(self, key: TokenKey, value: str) -> None: ...

    def granted_scopes(self, key: TokenKey) -> frozenset[str] | None: ...

    async def aclose(self) -> None: ...


def preload_token_client() -> None:
    """Import the token client now (authlib's core, ~8 ms), at a moment this process would otherwise wait."""
    import plugin.transport.token_client  # noqa: F401


def _environment_proxy(url: str) -> str | None:
    """The proxy the environment names for `url` (`<scheme>_proxy`, `all_proxy`, `no_proxy`, either case), or None.

    The API client (an httpx2 client with no transport of its own) takes these itself; the token client gets a
    transport of ours (capped), and a client given a transport does not look them up. Without this, behind a
    mandatory egress proxy the API calls would go through it and the token requests would go direct."""
    # The environment-only check on every platform (`proxy_bypass` also reads macOS and Windows system settings,
    # which httpx2 does not); typeshed leaves it out as undocumented.
    bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
    proxies = urllib.request.getproxies_environment()
    parts = urlsplit(url)
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy or bypass(parts.hostname or "", proxies):
        return None
    return proxy


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
        verify: ssl.SSLContext | bool = True,
        label: str = "backend",
        settings_hint: tuple[str, str, str] = ("the token URL", "the client id", "the client secret"),
    ) -> None:
        """`verify`: the TLS context of the token endpoint's transport when none is given (shared with the API's)."""
        self._label = label  # what messages call the backend
        self._hint = settings_hint  # the variables that set the token URL, client id and secret
        self._token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._auth_method = auth_method
        self._timeout = timeout
        self._transport = transport
        self._client: AsyncTokenClient | None = None
        SECRETS.add_credentials(client_id, client_secret)  # and the Basic credential it is sent in
        # The token client's own transport, capped: authlib reads the whole body before we see it.
        inner = transport or httpx2.AsyncHTTPTransport(verify=verify, proxy=_environment_proxy(token_url))
        self._capped = _CappedTransport(inner, MAX_TOKEN_RESPONSE_BYTES, owns_inner=transport is None)

    def _oauth_client(self) -> AsyncTokenClient:
        if self._client is None:
            # Imported on first use (authlib's core, ~8 ms): it is not needed to answer initialize or tools/list.
            from plugin.transport.token_client import AsyncTokenClient

            self._client = AsyncTokenClient(
                client_id=self._client_id,
                client_secret=self._client_secret,
                auth_method=self._auth_method,
                timeout=self._timeout,
                transport=self._capped,
            )
            self._client.register_client_auth_method(("client_secret_basic", form_encoded_basic))
            self._client.register_compliance_hook("access_token_response", self._checked_response)
        return self._client

    def _checked_response(self, response: httpx2.Response) -> httpx2.Response:
        """A 2xx token response rewritten to exactly what we accept (Bearer, bounded lifetime), or refused."""
        if not response.is_success:
            return response  # an OAuth error: authlib raises it, `fetch` maps it
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise BackendError(f"The {self._label}'s token endpoint returned a malformed response.")
        token_type = body.get("token_type")
        if token_type is None:
            log.info("token_type_missing")  # RFC 6749 §5.1 requires it; Bearer is the only one we send
        elif not isinstance(token_type, str) or token_type.lower() != "bearer":
            shown = clean_inline(str(token_type), 20)
            raise BackendError(
                f"The {self._label}'s token endpoint issued a '{shown}' token; this plugin only sends Bearer "
                "tokens (RFC 6750). Ask an administrator to issue Bearer tokens to this client."
            )
        checked = {
            "access_token": body.get("access_token"),
            "token_type": "Bearer",
            "expires_in": token_lifetime(body.get("expires_in"), self._label),
        }
        if isinstance(body.get("scope"), str):
            checked["scope"] = body["scope"]
        return httpx2.Response(response.status_code, json=checked, request=response.request)

    async def fetch(self, scopes: tuple[str, ...]) -> tuple[str, float, frozenset[str]]:
        return await self._request(scopes, grant_type="client_credentials", scope=" ".join(scopes))

    async def exchange(
        self, subject_token: str, scopes: tuple[str, ...], audience: str | None
    ) -> tuple[str, float, frozenset[str]]:
        """RFC 8693 token exchange, authenticated as this client: the user's token goes only here."""
        extra = {"resource": audience} if audience else {}
        return await self._request(
            scopes,
            exchange=True,
            grant_type=TOKEN_EXCHANGE_GRANT,
            subject_token=subject_token,
            subject_token_type=ACCESS_TOKEN_TYPE,
            requested_token_type=ACCESS_TOKEN_TYPE,
            scope=" ".join(scopes),
            **extra,
        )

    async def _request(
        self, scopes: tuple[str, ...], *, exchange: bool = False, **form: str
    ) -> tuple[str, float, frozenset[str]]:
        from plugin.transport.token_client import TokenEndpointError

        client = self._oauth_client()
        try:
            token = await client.fetch_token(self._token_url, **form)
        except TokenEndpointError as exc:
            raise self._oauth_error(exc.error, scopes, exchange=exchange) from None
        except TokenResponseTooLarge:
            log.warning("token_response_too_large", limit=MAX_TOKEN_RESPONSE_BYTES)
            raise BackendError(
                f"The {self._label}'s token endpoint sent a response over the "
                f"{MAX_TOKEN_RESPONSE_BYTES // 1_048_576} MB limit; it was refused unread."
            ) from None
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
        lifetime = float(token["expires_in"])  # checked and bounded by `_checked_response`
        SECRETS.add(value, ttl=lifetime)
        granted = token.get("scope")
        granted_scopes = frozenset(granted.split()) if isinstance(granted, str) else frozenset(scopes)
        return value, lifetime, granted_scopes

    def _oauth_error(self, raw_error: object, scopes: tuple[str, ...], *, exchange: bool = False) -> PluginError:
        label = self._label
        error = oauth_error_code(raw_error)
        log.warning("token_endpoint_refused", error=error)
        if exchange and error in {"invalid_grant", "invalid_target", "invalid_scope", "unauthorized_client"}:
            # The user's token was verified here; the backend refuses to act for this user (or this client).
            return PermissionDenied(
                f"The {label} refused to issue a token for the signed-in user ({error}): the user may lack access "
                f"to the {label}, or this server's client may not exchange tokens for it. Ask an administrator."
            )
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
        else:
            await self._capped.aclose()


class TokenCache:
    """A per-process cache of access tokens keyed by `TokenKey`.

    With `shared` (plugin.transport.shared_tokens, when replicas share state through Redis) a miss
    or a refresh goes through the shared store first, so replicas fetch one token per lifetime
    between them; this process still serves its calls from its own tier without a round trip.
    """

    def __init__(
        self,
        fetcher: TokenFetcher,
        *,
        refresh_margin: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        maxsize: int = 4096,  # one token per (user, audience, scopes) in remote mode
        shared: SharedTokens | None = None,
        shared_wait: float = 30.0,
    ) -> None:
        self._fetcher = fetcher
        self._margin = refresh_margin
        self._clock = clock
        self._shared = shared
        self._shared_wait = shared_wait
        self._tokens: TLRUCache[TokenKey, AccessToken] = TLRUCache(
            maxsize=maxsize, ttu=lambda _key, token, _now: token.expires_at, timer=clock
        )
        self._inflight: dict[TokenKey, asyncio.Task[AccessToken]] = {}
        self._rejected: dict[TokenKey, str] = {}  # the last token the backend refused, per key (never reused)
        self.requests = 0  # token requests made; read by tests and benchmarks
        self.waits = 0  # calls that had to wait for a token (cold start or expiry), not served from cache
        self.exchanges: dict[str, int] = {}  # token exchanges per user subject; read by tests and benchmarks

    async def get(self, key: TokenKey, subject_token: str | None = None) -> AccessToken:
        """`subject_token`: the verified user token a per-user key (`key.subject`) is exchanged from."""
        if key.subject is not None and subject_token is None:
            raise ValueError("a per-user token key needs the user's subject_token")
        token = self._tokens.get(key)
        if token is not None:
            if token.remaining(self._clock()) < self._margin * token.lifetime:
                # refresh in the background; this token is still valid
                self._start_fetch(key, subject_token, min_remaining=self._margin * token.lifetime)
            return token
        self.waits += 1
        # shield: a caller that hits its deadline must not cancel the fetch the others wait on.
        return await asyncio.shield(self._start_fetch(key, subject_token))

    def invalidate(self, key: TokenKey, value: str) -> None:
        """Drop the token `value` if it is still the cached one (a concurrent 401 may have replaced it)."""
        self._rejected[key] = value  # and never take it back from the shared store
        token = self._tokens.get(key)
        if token is not None and token.value == value:
            del self._tokens[key]

    def granted_scopes(self, key: TokenKey) -> frozenset[str] | None:
        token = self._tokens.get(key)
        return None if token is None else token.granted_scopes

    def _start_fetch(
        self, key: TokenKey, subject_token: str | None = None, *, min_remaining: float = 0.0
    ) -> asyncio.Task[AccessToken]:
        task = self._inflight.get(key)
        if task is None:
            fetching = self._fetch(key, subject_token, min_remaining)
            task = asyncio.create_task(fetching, name=f"token-fetch:{key.client_id}")
            self._inflight[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        return task

    def _finished(self, key: TokenKey, task: asyncio.Task[AccessToken]) -> None:
        if self._inflight.get(key) is task:
            del self._inflight[key]
        if not task.cancelled() and task.exception() is not None:
            # A failed background refresh must not go unobserved; the next caller retries.
            log.info("token_fetch_failed", error=type(task.exception()).__name__)

    async def _fetch(self, key: TokenKey, subject_token: str | None, min_remaining: float = 0.0) -> AccessToken:
        if self._shared is not None:
            return await self._through_shared(key, subject_token, min_remaining)
        started = self._clock()
        value, lifetime, granted = await self._request(key, subject_token)
        token = AccessToken(value=value, granted_scopes=granted, lifetime=lifetime, expires_at=started + lifetime)
        self._tokens[key] = token
        log.debug(
            "token_fetched", client_id=key.client_id, subject=key.subject, lifetime=lifetime, scopes=sorted(granted)
        )
        return token

    async def _request(self, key: TokenKey, subject_token: str | None) -> tuple[str, float, frozenset[str]]:
        """One token request at the token endpoint: client credentials, or the user's token exchanged."""
        self.requests += 1
        if key.subject is not None:
            assert subject_token is not None  # checked in `get`
            exchange = getattr(self._fetcher, "exchange", None)
            if exchange is None:
                raise BackendError("This plugin's token client cannot exchange user tokens (RFC 8693).")
            self.exchanges[key.subject] = self.exchanges.get(key.subject, 0) + 1
            result: tuple[str, float, frozenset[str]] = await exchange(subject_token, key.scopes, key.audience)
            return result
        return await self._fetcher.fetch(key.scopes)

    async def _through_shared(self, key: TokenKey, subject_token: str | None, min_remaining: float) -> AccessToken:
        assert self._shared is not None

        async def fetch() -> tuple[str, float, frozenset[str]]:
            return await self._request(key, subject_token)

        shared = await self._shared.get_or_fetch(
            key, fetch, min_remaining=min_remaining, reject=self._rejected.get(key), wait=self._shared_wait
        )
        SECRETS.add(
            shared.value, ttl=shared.remaining()
        )  # a token another replica fetched is as secret here as one fetched here
        # Its expiry on this cache's clock: the shared store keeps wall-clock time.
        token = AccessToken(
            value=shared.value,
            granted_scopes=shared.granted_scopes,
            lifetime=shared.lifetime,
            expires_at=self._clock() + shared.remaining(),
        )
        self._tokens[key] = token
        log.debug(
            "token_shared", client_id=key.client_id, lifetime=shared.lifetime, scopes=sorted(token.granted_scopes)
        )
        return token

    async def aclose(self) -> None:
        for task in list(self._inflight.values()):
            task.cancel()
        await self._fetcher.aclose()
        if self._shared is not None:
            await self._shared.aclose()
