"""The outermost layer of every request (pure ASGI, so it can also misbehave on purpose).

In order: request id, injected faults (test mode), bearer-token lookup and the per-client rate
limit, then the app. On the way out it stamps `X-Request-Id`, `X-CLM-Region` and `RateLimit-*`
on the response, turns an unhandled exception into a 500 problem (never a traceback), and
records the request for the test endpoints.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import Mapping
from typing import Any, Final

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.api_models import ErrorCode
from sandbox.web.faults import ConnectionResetFault, FaultMode, inject
from sandbox.web.problems import problem_response
from sandbox.web.security import REALM, bearer_token
from sandbox.web.state import SandboxState

logger = logging.getLogger("sandbox")

TOKEN_PATH: Final = "/oauth/token"  # noqa: S105 - a path, not a secret
TEST_PREFIX: Final = "/_sandbox/"
MAX_BODY_BYTES: Final = 1_000_000
_SANE_REQUEST_ID: Final = re.compile(r"[A-Za-z0-9._:\-]{1,128}")


class SandboxMiddleware:
    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        offered = headers.get("x-request-id", "")
        request_id = offered if _SANE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        request_state: dict[str, Any] = scope.setdefault("state", {})
        request_state["request_id"] = request_id
        extra_headers: dict[str, str] = {
            "X-Request-Id": request_id,
            "X-CLM-Region": self.state.settings.region,
        }
        status: list[int] = []

        async def send_stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
                response_headers = MutableHeaders(scope=message)
                for name, value in extra_headers.items():
                    response_headers[name] = value
            await send(message)

        try:
            await self._dispatch(scope, receive, send_stamped, headers, extra_headers)
        except ConnectionResetFault:
            raise
        except Exception:
            if status:
                raise  # the response has started: all that is left is to drop the connection
            logger.exception("unhandled error in %s %s (request %s)", scope["method"], scope["path"], request_id)
            response = problem_response(
                request_id, 500, "internal error; quote the request id", code=ErrorCode.INTERNAL
            )
            await response(scope, receive, send_stamped)
        finally:
            if not scope["path"].startswith(TEST_PREFIX):
                self._record(scope, status[0] if status else 500, request_state, request_id)

    async def _dispatch(
        self, scope: Scope, receive: Receive, send: Send, headers: Headers, extra_headers: dict[str, str]
    ) -> None:
        path: str = scope["path"]
        request_state: dict[str, Any] = scope["state"]
        if path == TOKEN_PATH:
            self.state.observer.token_request()
        if self.state.settings.test_endpoints and not path.startswith(TEST_PREFIX):
            target = "token" if path == TOKEN_PATH else "api" if path.startswith("/v1/") else None
            if target is not None:
                latency_ms, fault = self.state.faults.take(target, path)
                if latency_ms:
                    await asyncio.sleep(latency_ms / 1000)
                if fault is not None and fault.mode is FaultMode.HEADERS:
                    extra_headers.update(fault.headers)  # stamped on the normal answer below
                elif fault is not None:
                    await inject(fault, target, scope, receive, send, realm=REALM)
                    return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            response = problem_response(request_state["request_id"], 413, f"request body over {MAX_BODY_BYTES} bytes")
            await response(scope, receive, send)
            return
        token = bearer_token(headers.get("authorization"))
        if token is not None:
            principal = self.state.tokens.lookup(token)
            request_state["principal"] = principal
            if principal is not None:
                request_state["client_id"] = principal.client_id
                request_state["user"] = principal.user
                decision = self.state.limiter.take(principal.client_id)
                extra_headers.update(decision.headers())
                if not decision.allowed:
                    response = problem_response(
                        request_state["request_id"],
                        429,
                        f"rate limit of {decision.limit} requests per minute exceeded",
                        retry_after=decision.retry_after,
                    )
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    def _record(self, scope: Scope, status: int, request_state: Mapping[str, Any], request_id: str) -> None:
        route = scope.get("route")
        route_path = getattr(route, "path", None)
        method: str = scope["method"]
        endpoint = f"{method} {route_path}" if isinstance(route_path, str) else None
        if not self.state.observer.keeps_log:
            self.state.observer.count_request(method, endpoint)  # a counter, nothing else
            return
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        client_id = request_state.get("client_id")
        user = request_state.get("user")
        self.state.observer.record_request(
            method=method,
            path=raw_path.decode("latin-1"),
            query=bytes(scope.get("query_string", b"")).decode("latin-1"),
            endpoint=endpoint,
            status=status,
            client_id=client_id if isinstance(client_id, str) else None,
            request_id=request_id,
            user=user if isinstance(user, str) else None,
        )
