"""The one HTTP pipeline every backend request goes through.

Per request: a bearer token from the cache, `X-Request-Id`, `X-Acting-User`; one retry with a fresh
token on 401; retries with backoff (stamina) for connection errors, 429 (honouring `Retry-After` up
to a bound) and 5xx, on idempotent requests only (a write is idempotent when it carries an
`Idempotency-Key`); never past the tool call's deadline; response bodies capped in size.
Turning an error response into a `PluginError` is the backend adapter's job (`ErrorMapper`).
"""

from __future__ import annotations

import contextvars
import dataclasses
import itertools
import re
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx2

from plugin.observability.logging import get_logger
from plugin.toolkit.errors import (
    AuthenticationFailed,
    BackendError,
    BackendUnavailable,
    DeadlineExceeded,
    PluginError,
    RateLimited,
)
from plugin.transport.oauth import AccessToken, TokenKey, TokenSource
from plugin.transport.users import CURRENT_USER, UserMode

log = get_logger(__name__)

MAX_RESPONSE_BYTES = 8 * 1024 * 1024
_RETRY_WAIT_MAX = 2.0
_RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
_SAFE_PATH = re.compile(r"^(/[A-Za-z0-9._~%-]+)+/?$")

ErrorMapper = Callable[[httpx2.Response], PluginError]
ResponseCheck = Callable[[httpx2.Response], None]  # may raise a PluginError (e.g. data residency)
QueryParams = Mapping[str, str | int | float | bool | Sequence[str] | None]


@dataclass
class CallScope:
    """State of one tool call, shared by every request it makes."""

    request_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    deadline: float | None = None  # time.monotonic() value
    backend_request_ids: list[str] = field(default_factory=list)
    requests: int = 0
    _seq: itertools.count[int] = field(default_factory=itertools.count)

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def next_request_id(self) -> str:
        return f"{self.request_id}-{next(self._seq)}"


CURRENT_CALL: contextvars.ContextVar[CallScope | None] = contextvars.ContextVar("tool_call", default=None)


def current_call() -> CallScope:
    scope = CURRENT_CALL.get()
    if scope is None:  # outside a tool call (doctor, tests): a scope of its own, no deadline
        scope = CallScope()
        CURRENT_CALL.set(scope)
    return scope


class _Retry(Exception):
    """Internal: an attempt worth retrying; carries the wait the server asked for, if any."""

    def __init__(self, error: PluginError, wait: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait = wait


def parse_retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        from email.utils import parsedate_to_datetime  # an HTTP-date Retry-After is rare: imported when one comes

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())


class ApiSession:
    def __init__(
        self,
        *,
        client: httpx2.AsyncClient,
        tokens: TokenSource,
        token_key: TokenKey,
        error_mapper: ErrorMapper,
        acting_user: str | None,
        max_retries: int,
        max_retry_after: float,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        label: str = "backend",
        response_check: ResponseCheck | None = None,
        user_mode: UserMode = "exchange",
    ) -> None:
        self.user_mode = user_mode  # how a verified user (remote mode) reaches the backend: plugin.transport.users
        self.label = label  # what messages call the backend (the identity's backend_label)
        self._client = client
        self._tokens = tokens
        self._key = token_key
        self._map_error = error_mapper
        self._acting_user = acting_user
        self._max_retries = max_retries
        self._max_retry_after = max_retry_after
        self._max_bytes = max_response_bytes
        self.response_check = response_check  # run on every response, success or error, before it is used

    @property
    def token_key(self) -> TokenKey:
        return self._key

    @property
    def tokens(self) -> TokenSource:
        return self._tokens

    def _identity(self) -> tuple[TokenKey, str | None, str | None]:
        """(token key, subject token to exchange, acting user) for the current call's user."""
        user = CURRENT_USER.get()
        if user is None:
            return self._key, None, self._acting_user
        if self.user_mode == "acting_user":
            # The client's own token, shared by every user; the verified subject says whom it acts for.
            return self._key, None, user.subject
        key = dataclasses.replace(
            self._key, subject=user.subject, issuer=user.issuer, acting_user=None, audience=self._audience()
        )
        return key, user.token, None

    def _audience(self) -> str:
        return str(self._client.base_url).rstrip("/")

    async def _token(self, key: TokenKey, subject_token: str | None) -> AccessToken:
        return await self._tokens.get(key, subject_token) if subject_token is not None else await self._tokens.get(key)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams | None = None,
        json: object = None,
        idempotency_key: str | None = None,
    ) -> httpx2.Response:
        """Send one logical request; return a 2xx response or raise a `PluginError`."""
        if not _SAFE_PATH.match(path) or any(part in {".", ".."} for part in path.split("/")):
            raise ValueError(f"unsafe request path {path!r}")  # a bug in the adapter, never user input
        idempotent = method in {"GET", "HEAD", "OPTIONS"} or idempotency_key is not None
        scope = current_call()
        attempts = 1 + (self._max_retries if idempotent else 0)
        timeout = scope.remaining()
        if timeout is not None and timeout <= 0:
            raise DeadlineExceeded(f"The tool call ran out of time before the {self.label} answered; try again.")
        try:
            import stamina  # on first request: not needed to answer initialize or tools/list

            async for attempt in stamina.retry_context(
                on=self._backoff,
                attempts=attempts,
                timeout=timeout,
                wait_initial=0.2,
                wait_max=_RETRY_WAIT_MAX,
                wait_jitter=0.3,
            ):
                with attempt:
                    return await self._send_authenticated(method, path, params, json, idempotency_key, scope)
        except _Retry as exc:
            raise exc.error from None
        raise AssertionError("unreachable: stamina always runs at least one attempt")

    def _backoff(self, exc: Exception) -> bool | float:
        if not isinstance(exc, _Retry):
            return False
        # No retry that could not finish inside the call's deadline: the model then gets the real cause
        # (e.g. "backend unavailable, HTTP 503") instead of a generic deadline error.
        remaining = current_call().remaining()
        if remaining is not None and remaining < (exc.wait if exc.wait is not None else _RETRY_WAIT_MAX) + 0.5:
            return False
        if exc.wait is None:
            return True
        return exc.wait

    async def _send_authenticated(
        self,
        method: str,
        path: str,
        params: QueryParams | None,
        body: object,
        idempotency_key: str | None,
        scope: CallScope,
    ) -> httpx2.Response:
        key, subject_token, acting_user = self._identity()
        token = await self._token(key, subject_token)
        response = await self._send_once(method, path, params, body, idempotency_key, token.value, scope, acting_user)
        if response.status_code == 401:
            # Drop only the token we used, fetch one new one, retry once.
            self._tokens.invalidate(key, token.value)
            token = await self._token(key, subject_token)
            response = await self._send_once(
                method, path, params, body, idempotency_key, token.value, scope, acting_user
            )
            if response.status_code == 401:
                raise AuthenticationFailed(
                    f"The {self.label} rejected a freshly issued access token; check that the plugin's client is "
                    f"allowed to call this {self.label}.",
                    request_id=response.headers.get("x-request-id"),
                )
        if response.is_success:
            return response
        error = self._map_error(response)
        if response.status_code in _RETRYABLE_STATUS:
            wait = parse_retry_after(response.headers.get("retry-after"))
            if wait is not None and wait > self._max_retry_after:
                raise error  # the server asks for longer than we may wait: tell the model now
            raise _Retry(error, wait)
        raise error

    async def _send_once(
        self,
        method: str,
        path: str,
        params: QueryParams | None,
        body: object,
        idempotency_key: str | None,
        token: str,
        scope: CallScope,
        acting_user: str | None,
    ) -> httpx2.Response:
        headers = {"Authorization": f"Bearer {token}", "X-Request-Id": scope.next_request_id()}
        if acting_user:
            headers["X-Acting-User"] = acting_user
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        clean_params = {k: v for k, v in (params or {}).items() if v is not None}
        scope.requests += 1
        started = time.monotonic()
        try:
            request = self._client.build_request(method, path, params=clean_params or None, json=body, headers=headers)
            response = await self._client.send(request, stream=True)
            try:
                content = await self._read_capped(response)
            finally:
                await response.aclose()
        except httpx2.TimeoutException:
            raise _Retry(
                BackendUnavailable(f"The {self.label} did not answer in time; try again or narrow the request."), None
            ) from None
        except httpx2.TransportError as exc:
            log.warning("backend_transport_error", error=type(exc).__name__, path=path)
            raise _Retry(
                BackendUnavailable(f"The {self.label} cannot be reached right now (connection failed); try again."),
                None,
            ) from None
        # The body read under the cap becomes the response's content, exactly as `Response.aread()` stores it
        # (rebuilding a Response around it instead cost ~0.4 ms per request, measured).
        response._content = content
        backend_id = response.headers.get("x-request-id")
        if backend_id:
            scope.backend_request_ids.append(backend_id)
        if self.response_check is not None:
            self.response_check(response)
        log.debug(
            "backend_request",
            method=method,
            path=path,
            status=response.status_code,
            ms=round((time.monotonic() - started) * 1000, 1),
            backend_request_id=backend_id,
        )
        return response

    async def _read_capped(self, response: httpx2.Response) -> bytes:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self._max_bytes:
            raise BackendError(f"The {self.label} sent a response over the {self._max_bytes // 1_048_576} MB limit.")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self._max_bytes:
                raise BackendError(
                    f"The {self.label} sent a response over the {self._max_bytes // 1_048_576} MB limit."
                )
            chunks.append(chunk)
        return b"".join(chunks)


def decode_json(response: httpx2.Response) -> Any:
    """The body as JSON, or a `BackendError` the model can understand (malformed or truncated body)."""
    try:
        return response.json()
    except ValueError:
        log.warning("backend_malformed_json", status=response.status_code, size=len(response.content))
        raise BackendError(
            "The backend returned a malformed response; try again, and report it if it persists.",
            request_id=response.headers.get("x-request-id"),
        ) from None


def rate_limited(response: httpx2.Response, message: str) -> RateLimited:
    return RateLimited(
        message,
        retry_after=parse_retry_after(response.headers.get("retry-after")),
        request_id=response.headers.get("x-request-id"),
    )
