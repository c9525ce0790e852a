"""Remote mode: the same tools over the SDK's streamable HTTP app, under uvicorn, as an OAuth resource server.

- Transport: `MCPServer.streamable_http_app` at `/mcp`, which serves both protocol eras the SDK speaks
  (the 2025 initialize handshake with sessions, and the 2026-07-28 per-request era, routed by the
  `MCP-Protocol-Version` header); Host and Origin checked against the allowed lists (DNS rebinding).
- Resource server: every request to `/mcp` needs a bearer token that `plugin.server.auth.JwtVerifier`
  accepts (else 401 with `WWW-Authenticate: Bearer ... resource_metadata=...`); required scopes missing
  = 403 `insufficient_scope` naming the scope. RFC 9728 metadata at
  `/.well-known/oauth-protected-resource` (and at the path-suffixed URL RFC 9728 §3.1 derives from
  PUBLIC_URL) names the authorization server.
- Per user: each tool call runs as the verified user (plugin.transport.users): token exchange, or the
  client's token with the verified subject as acting user; tools whose scopes the user's token lacks are
  left out of that user's tools/list and refused.
- `/healthz`: the process serves. `/readyz`: the backend answers (token + metadata) and the JWKS is loaded.
- SIGTERM/SIGINT: stop accepting connections, let requests in flight finish (up to SHUTDOWN_GRACE),
  close the runtime (audit flushed), exit 0.

This module (and joserfc, through plugin.server.auth) is imported only by `serve`: joserfc with the
cryptography it loads cost ~350 ms of imports under this machine's load (`python -X importtime -c "import
joserfc.jwt"` after the SDK), which the stdio start never needs (bench/cold_start.py --imports lists what the
stdio path imports). uvicorn itself is already imported by the SDK (sse_starlette), so it costs stdio nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import sys
import time
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import uvicorn
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.settings import AuthSettings
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import AnyHttpUrl
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from plugin.config.settings import PluginSettings, is_loopback
from plugin.observability.logging import get_logger
from plugin.server.assembly import build_server, effective_settings
from plugin.server.auth import JwtVerifier
from plugin.server.parts import PluginParts
from plugin.server.pipeline import Runtime
from plugin.transport.users import VerifiedUser

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

log = get_logger(__name__)

MCP_PATH = "/mcp"
READY_CACHE_SECONDS = 5.0
LOOPBACK_HOSTS = ("127.0.0.1:*", "localhost:*", "[::1]:*")
LOOPBACK_ORIGINS = ("http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*")


class RemoteConfigError(ValueError):
    """Remote mode cannot start with this configuration; the message names the setting."""


@dataclass(frozen=True)
class RemotePlan:
    """Where and how `serve` listens, resolved from the settings and the bound socket."""

    public_url: str  # canonical URL of the MCP endpoint = the audience of user tokens
    issuer: str
    jwks_url: str | None
    required_scopes: tuple[str, ...]
    allowed_hosts: tuple[str, ...]
    allowed_origins: tuple[str, ...]


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything else so PUBLIC_URL's default knows the real port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def plan(parts: PluginParts, settings: PluginSettings, host: str, port: int) -> RemotePlan:
    identity = parts.identity
    if settings.public_url is not None:
        public_url = str(settings.public_url).rstrip("/")
    elif is_loopback(host):
        shown = f"[{host}]" if ":" in host else host
        public_url = f"http://{shown}:{port}{MCP_PATH}"
    else:
        raise RemoteConfigError(
            f"{identity.env('public_url')} must be set when serving on {host!r} (not loopback): it is the canonical "
            f"URL clients connect to (e.g. https://mcp.example.org{MCP_PATH}) and the audience of their tokens"
        )
    if settings.auth_issuer is None:
        raise RemoteConfigError(
            f"{identity.env('auth_issuer')} must be set: the authorization server whose tokens this server accepts"
        )
    split = urlsplit(public_url)
    hosts = list(settings.allowed_hosts or [split.netloc, *LOOPBACK_HOSTS])
    origins = list(settings.allowed_origins or [f"{split.scheme}://{split.netloc}", *LOOPBACK_ORIGINS])
    return RemotePlan(
        public_url=public_url,
        issuer=str(settings.auth_issuer).rstrip("/"),
        jwks_url=None if settings.auth_jwks_url is None else str(settings.auth_jwks_url),
        required_scopes=tuple(settings.auth_required_scopes),
        allowed_hosts=tuple(hosts),
        allowed_origins=tuple(origins),
    )


def user_of_request() -> VerifiedUser | None:
    """The verified user of the request being served (the SDK's auth context; None when unauthenticated)."""
    access = get_access_token()
    if access is None or access.subject is None:
        return None
    issuer = (access.claims or {}).get("iss")
    return VerifiedUser(
        subject=access.subject,
        issuer=str(issuer or ""),
        scopes=frozenset(access.scopes),
        token=access.token,
        client_id=access.client_id or None,
        expires_at=access.expires_at,
    )


class _Front:
    """In front of the SDK's app: RFC 9728 metadata with the issuer spelt exactly as configured (RFC 8414
    compares issuers as strings; the SDK's URL model adds a trailing slash), and RFC 6750 `scope="..."` on
    the SDK's 403 insufficient_scope challenge (it names the scope only in prose)."""

    def __init__(self, app: ASGIApp, remote: RemotePlan, scopes_supported: list[str], name: str) -> None:
        self._app = app
        self._scope = " ".join(remote.required_scopes).encode()
        path = urlsplit(remote.public_url).path.rstrip("/")
        self._metadata_paths = {"/.well-known/oauth-protected-resource", f"/.well-known/oauth-protected-resource{path}"}
        self._metadata = {
            "resource": remote.public_url,
            "authorization_servers": [remote.issuer],
            "scopes_supported": scopes_supported,
            "bearer_methods_supported": ["header"],
            "resource_name": name,
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        if scope["path"] in self._metadata_paths and scope["method"] in {"GET", "HEAD"}:
            response = JSONResponse(self._metadata, headers={"Cache-Control": "public, max-age=3600"})
            await response(scope, receive, send)
            return
        if not self._scope:
            await self._app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and message.get("status") == 403:
                headers = [
                    (name, value + b', scope="' + self._scope + b'"')
                    if name.lower() == b"www-authenticate" and b"insufficient_scope" in value
                    else (name, value)
                    for name, value in message.get("headers", [])
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self._app(scope, receive, sending)


@dataclass
class RemoteServer:
    app: ASGIApp
    runtime: Runtime
    server: MCPServer[Any]
    verifier: JwtVerifier
    plan: RemotePlan


def build_remote(
    parts: PluginParts, settings: PluginSettings, remote: RemotePlan, *, demo: bool = False
) -> RemoteServer:
    """The ASGI app of remote mode (and its runtime and verifier, for readiness and tests).

    `demo`: the backend is the embedded demo one (served on loopback): its audit goes to the demo file."""
    verifier = JwtVerifier(
        issuer=remote.issuer, audience=remote.public_url, jwks_url=remote.jwks_url, leeway=settings.auth_leeway
    )
    auth = AuthSettings(
        issuer_url=AnyHttpUrl(remote.issuer),
        resource_server_url=AnyHttpUrl(remote.public_url),
        required_scopes=list(remote.required_scopes) or None,
        validate_token_resource=False,  # the verifier checks `aud` against the canonical URL itself
    )
    settings = effective_settings(parts, settings)
    from plugin.observability.audit import open_audit_sink

    sink = open_audit_sink(settings.audit, parts.identity, demo=demo or settings.embedded)
    runtime = Runtime(parts, settings, audit=sink)
    runtime.current_user = user_of_request
    runtime.remote = True
    server, runtime = build_server(parts, settings, runtime=runtime, auth=auth, token_verifier=verifier)
    ready = _Readiness(runtime, verifier)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok", "draining": runtime.draining})

    async def readyz(_: Request) -> Response:
        problems = await ready.check()
        body = {"status": "ready" if not problems else "not ready", "problems": problems}
        return JSONResponse(body, status_code=200 if not problems else 503)

    for path, endpoint in (("/healthz", healthz), ("/readyz", readyz)):
        server.custom_route(path, methods=["GET"], include_in_schema=False)(endpoint)

    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=list(remote.allowed_hosts),
        allowed_origins=list(remote.allowed_origins),
    )
    # Replicas on shared state (STATE_URL): no session lives in one replica's memory, so a load balancer
    # needs no stickiness (the 2025 era's Mcp-Session-Id would pin a client to the replica that issued it).
    # Without server-to-client requests the person confirms writes by the two-step token, which any
    # replica verifies (shared key ring). The 2026-07-28 era is per request either way.
    # Answers are plain JSON there (no SSE stream, so no progress notifications): nothing is sent before
    # the result, so a proxy can resend a call whose replica died mid-call to another one (writes carry
    # an idempotency key), where a stream already started could only be cut.
    stateless = settings.shared_state is not None
    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH, transport_security=security, stateless_http=stateless, json_response=stateless
    )
    user_scopes = parts.tool_user_scopes(runtime.specs).values()
    supported = sorted({*remote.required_scopes, *(scope for scopes in user_scopes for scope in scopes)})
    return RemoteServer(
        app=_Front(app, remote, supported, parts.identity.display_name),
        runtime=runtime,
        server=server,
        verifier=verifier,
        plan=remote,
    )


class _Readiness:
    """/readyz: the backend answers (token and metadata) and the issuer's JWKS is loaded; cached briefly."""

    def __init__(self, runtime: Runtime, verifier: JwtVerifier) -> None:
        self._runtime = runtime
        self._verifier = verifier
        self._checked_at = -1e18
        self._problems: list[str] = []
        self._lock = asyncio.Lock()

    async def check(self) -> list[str]:
        async with self._lock:
            if time.monotonic() - self._checked_at < READY_CACHE_SECONDS:
                return self._problems
            problems: list[str] = []
            if self._runtime.draining:
                problems.append("shutting down")
            try:
                await self._verifier.load()
            except Exception as exc:
                problems.append(f"JWKS not loaded: {exc}"[:300])
            try:
                backend = await self._runtime.backend()
                async with asyncio.timeout(5):
                    await self._runtime.parts.adapter.metadata(backend.api)
            except Exception as exc:
                problems.append(f"{self._runtime.identity.backend_label} not reachable: {type(exc).__name__}")
            self._problems = problems
            self._checked_at = time.monotonic()
            return problems


class QuietServer(uvicorn.Server):
    """uvicorn, with SIGTERM/SIGINT handled as a graceful stop that exits 0 (uvicorn re-raises the signal)."""

    def __init__(self, config: uvicorn.Config, on_stop: Any = None, *, signals: bool = True) -> None:
        super().__init__(config)
        self._on_stop = on_stop
        self._signals = signals  # False: a companion server (the embedded demo backend) that another one stops

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        loop = asyncio.get_running_loop()
        handled = (signal.SIGTERM, signal.SIGINT)
        if sys.platform == "win32" or not self._signals:  # no loop signal handlers on Windows
            yield
            return
        for sig in handled:
            loop.add_signal_handler(sig, self._stop, sig)
        try:
            yield
        finally:
            for sig in handled:
                loop.remove_signal_handler(sig)

    def _stop(self, sig: int) -> None:
        if self.should_exit:
            self.force_exit = True  # a second signal: no more waiting
            return
        sys.stderr.write(
            f"{signal.Signals(sig).name}: shutting down; requests in flight get "
            f"{self.config.timeout_graceful_shutdown or 0:g} s\n"
        )
        self.should_exit = True
        if self._on_stop is not None:
            self._on_stop()


async def serve_forever(remote: RemoteServer, sock: socket.socket, settings: PluginSettings) -> None:
    config = uvicorn.Config(
        remote.app,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=max(1, int(settings.shutdown_grace)),
        proxy_headers=False,
    )
    server = QuietServer(config, on_stop=remote.runtime.begin_draining)
    try:
        await server.serve(sockets=[sock])
    finally:
        await remote.verifier.aclose()
