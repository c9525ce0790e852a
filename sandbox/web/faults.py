"""Fault injection (test endpoints only): make the next matching requests fail in a chosen way.

The layer is generic, so a fork's fake of its own API reuses it instead of writing its own: wrap the fake's
ASGI app in `FaultInjection` (it recognises the token endpoint and the API prefix) and mount
`fault_routes(plan, path)` for the test controls. The sandbox CLM uses the same plan and `inject` inside
its own middleware, where faults run after the request id is stamped and before authentication.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.web.problems import OAuthFailure, oauth_error_response, problem_response


class FaultMode(StrEnum):
    STATUS = "status"  # answer with `status` (problem+json, or an OAuth error on the token endpoint)
    MALFORMED_JSON = "malformed_json"  # 200, JSON content type, a body that is not JSON
    TRUNCATED_JSON = "truncated_json"  # 200, the first part of a JSON document
    HUGE_BODY = "huge_body"  # 200, a valid JSON document of `body_mb` megabytes
    RESET = "reset"  # headers sent, then the connection is dropped mid-body
    LATENCY = "latency"  # wait `latency_ms`, then answer normally
    BODY = "body"  # answer `status` (default 200) with the JSON document `body` as given: a hostile backend
    HEADERS = "headers"  # answer normally, with `headers` set on the response (e.g. another X-CLM-Region)


class FaultSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    target: Literal["api", "token"] = Field(
        default="api", description="'api': requests under the API prefix (/v1/); 'token': the token endpoint"
    )
    mode: FaultMode
    status: int | None = Field(default=None, ge=400, le=599)
    count: int = Field(default=1, ge=0, le=1_000_000, description="Matching requests affected; 0 = until cleared")
    retry_after: int | None = Field(default=None, ge=0, le=86_400, description="Retry-After seconds (status mode)")
    latency_ms: int | None = Field(default=None, ge=0, le=120_000)
    body_mb: int = Field(default=20, ge=1, le=256)
    path_prefix: str | None = Field(default=None, max_length=512, description="Only requests under this path")
    declare_length: bool = Field(default=True, description="huge_body: send Content-Length (else chunked)")
    body: Any = Field(default=None, description="The JSON document to answer with (mode 'body')")
    raw_body: str | None = Field(
        default=None, max_length=1_000_000, description="mode 'body': these exact bytes instead (e.g. 1e400)"
    )
    headers: dict[str, str] = Field(
        default_factory=dict, description="Response headers to set (modes 'body', 'headers')"
    )

    @model_validator(mode="after")
    def _complete(self) -> FaultSpec:
        if self.mode is FaultMode.STATUS and self.status is None:
            raise ValueError("mode 'status' needs a status")
        if self.mode is FaultMode.LATENCY and self.latency_ms is None:
            raise ValueError("mode 'latency' needs latency_ms")
        if self.mode is FaultMode.HEADERS and not self.headers:
            raise ValueError("mode 'headers' needs headers")
        return self

    def matches(self, target: str, path: str) -> bool:
        return self.target == target and (self.path_prefix is None or path.startswith(self.path_prefix))


class ActiveFaults(BaseModel):
    model_config = ConfigDict(extra="forbid")

    faults: list[FaultSpec]


class _Armed:
    def __init__(self, spec: FaultSpec) -> None:
        self.spec = spec
        self.remaining = spec.count  # 0 = forever


class FaultPlan:
    """What fault, if any, the next request gets. Latency faults add up; one other fault applies."""

    def __init__(self) -> None:
        self._armed: list[_Armed] = []
        self._lock = threading.Lock()

    def add(self, spec: FaultSpec) -> None:
        with self._lock:
            self._armed.append(_Armed(spec))

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def active(self) -> ActiveFaults:
        with self._lock:
            return ActiveFaults(faults=[a.spec for a in self._armed])

    def take(self, target: str, path: str) -> tuple[int, FaultSpec | None]:
        """(total latency in ms, the failure to produce or None) for one request; consumes counts."""
        latency = 0
        failure: FaultSpec | None = None
        with self._lock:
            if not self._armed:
                return 0, None
            for armed in self._armed:
                spec = armed.spec
                if not spec.matches(target, path):
                    continue
                if spec.mode is FaultMode.LATENCY:
                    latency += spec.latency_ms or 0
                elif failure is None:
                    failure = spec
                else:
                    continue
                if armed.remaining > 0:
                    armed.remaining -= 1
            self._armed = [a for a in self._armed if a.spec.count == 0 or a.remaining > 0]
        return latency, failure


# --- producing a fault ------------------------------------------------------------------------------

_OAUTH_ERRORS: Final = {400: "invalid_request", 401: "invalid_client", 403: "unauthorized_client"}


class ConnectionResetFault(Exception):
    """Raised after the response has started, so the server drops the connection mid-body."""


async def inject(
    fault: FaultSpec, target: str, scope: Scope, receive: Receive, send: Send, *, realm: str = "sandbox"
) -> None:
    """Answer this request with `fault` (any mode but latency and headers, which the caller applies)."""
    request_id: str = scope.setdefault("state", {}).setdefault("request_id", uuid.uuid4().hex)
    if fault.mode is FaultMode.STATUS:
        await _fault_status(fault, target, request_id, realm)(scope, receive, send)
    elif fault.mode is FaultMode.MALFORMED_JSON:
        body = b'{"access_token": "x" "token_type": }' if target == "token" else b'{"data": [{"id": "ctr_1",, ]}'
        await Response(body, media_type="application/json")(scope, receive, send)
    elif fault.mode is FaultMode.TRUNCATED_JSON:
        body = b'{"access_token": "abc", "token_type": "Bea' if target == "token" else b'{"data": [{"id": "ctr_0'
        await Response(body, media_type="application/json")(scope, receive, send)
    elif fault.mode is FaultMode.BODY:
        raw = fault.raw_body if fault.raw_body is not None else json.dumps(fault.body, ensure_ascii=False)
        body = raw.encode()
        await Response(body, status_code=fault.status or 200, media_type="application/json", headers=fault.headers)(
            scope, receive, send
        )
    elif fault.mode is FaultMode.HUGE_BODY:
        await _huge_body(fault.body_mb, send, declare_length=fault.declare_length)
    elif fault.mode is FaultMode.RESET:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"data": [', "more_body": True})
        raise ConnectionResetFault("injected connection reset")


def _fault_status(fault: FaultSpec, target: str, request_id: str, realm: str) -> Response:
    status = fault.status or 500
    retry_headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
    if target == "token":
        error = _OAUTH_ERRORS.get(status, "temporarily_unavailable" if status == 503 else "server_error")
        headers = dict(retry_headers)
        if status == 401:
            headers["WWW-Authenticate"] = f'Basic realm="{realm}"'
        return oauth_error_response(OAuthFailure(status, error, f"injected fault {status}", headers))
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = f'Bearer realm="{realm}", error="invalid_token"'
    return problem_response(
        request_id, status, f"injected fault {status}", retry_after=fault.retry_after, headers=headers
    )


async def _huge_body(megabytes: int, send: Send, *, declare_length: bool = True) -> None:
    head = b'{"data": [], "next_cursor": null, "total": 0, "padding": "'
    tail = b'"}'
    chunk = b"x" * 1_000_000
    length = len(head) + megabytes * len(chunk) + len(tail)
    headers = [(b"content-type", b"application/json")]
    if declare_length:
        headers.append((b"content-length", str(length).encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": head, "more_body": True})
    for _ in range(megabytes):
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": tail, "more_body": False})


# --- the reusable middleware and its test controls ----------------------------------------------------


class FaultInjection:
    """ASGI middleware: requests to the token endpoint or under the API prefix take the plan's next fault."""

    def __init__(
        self,
        app: ASGIApp,
        plan: FaultPlan,
        *,
        token_path: str = "/oauth/token",  # noqa: S107 - a path, not a secret
        api_prefix: str = "/v1/",
        realm: str = "sandbox",
    ) -> None:
        self.app, self.plan = app, plan
        self.token_path, self.api_prefix, self.realm = token_path, api_prefix, realm

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        target = "token" if path == self.token_path else "api" if path.startswith(self.api_prefix) else None
        if scope["type"] != "http" or target is None:
            await self.app(scope, receive, send)
            return
        latency_ms, fault = self.plan.take(target, path)
        if latency_ms:
            await asyncio.sleep(latency_ms / 1000)
        if fault is None:
            await self.app(scope, receive, send)
        elif fault.mode is FaultMode.HEADERS:
            await self.app(scope, receive, _with_headers(send, fault.headers))
        else:
            await inject(fault, target, scope, receive, send, realm=self.realm)


def _with_headers(send: Send, headers: dict[str, str]) -> Send:
    async def stamped(message: Message) -> None:
        if message["type"] == "http.response.start":
            response_headers = MutableHeaders(scope=message)
            for name, value in headers.items():
                response_headers[name] = value
        await send(message)

    return stamped


def fault_routes(plan: FaultPlan, path: str) -> Sequence[BaseRoute]:
    """`POST path` (a FaultSpec: arm it), `GET path` (what is armed), `DELETE path` (clear): test-only."""

    async def faults(request: Request) -> Response:
        if request.method == "POST":
            try:
                plan.add(FaultSpec.model_validate_json(await request.body()))
            except ValidationError as error:
                return JSONResponse(
                    {"detail": error.errors(include_url=False, include_input=False, include_context=False)},
                    status_code=422,
                )
        elif request.method == "DELETE":
            plan.clear()
        status = 201 if request.method == "POST" else 200
        return JSONResponse(plan.active().model_dump(mode="json"), status_code=status)

    return [Route(path, faults, methods=["GET", "POST", "DELETE"])]
