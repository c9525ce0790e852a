"""`python server.py serve`: bind, resolve the configuration (or start the embedded default), serve until SIGTERM.

With no backend configured (`<PREFIX>BASE_URL` unset), the adapter's demo backend — for the reference
adapter the bundled sandbox with its test authorization server — is served on a second loopback port in
this process, and the server accepts the tokens that authorization server issues. stderr says how to
get a demo user's token and how to connect the MCP Inspector. Nothing is ever written to stdout.

Only the `serve` command imports this module (stdio never does), so it imports what it runs at its top.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
from collections.abc import AsyncIterator
from typing import Any

import anyio.to_thread
import uvicorn
from pydantic import AnyHttpUrl, SecretStr

from plugin.config.controls import ControlsError
from plugin.config.settings import PluginSettings
from plugin.config.state import KeyRing
from plugin.observability.audit import AuditConfigError
from plugin.server.parts import PluginParts, UnknownToolError
from plugin.server.remote import QuietServer, RemoteConfigError, bind, build_remote, plan, serve_forever


def _fail(parts: PluginParts, message: str) -> int:
    sys.stderr.write(f"{parts.identity.name}: {message}\n")
    return 2


def run_remote(parts: PluginParts, settings: PluginSettings, host: str, port: int) -> int:
    embedded = parts.adapter.embedded() if settings.embedded else None
    if settings.embedded and embedded is None:
        return _fail(
            parts,
            f"no {parts.identity.backend_label} is configured and this plugin has no embedded demo backend; set "
            f"{parts.identity.env('base_url')} and the OAuth settings (see docs/deploy.md)",
        )
    try:
        sock = bind(host, port)
    except OSError as exc:
        return _fail(parts, f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    try:
        return asyncio.run(_serve(parts, settings, sock, embedded))
    except (RemoteConfigError, UnknownToolError, AuditConfigError, ControlsError) as exc:
        return _fail(parts, str(exc))
    except KeyboardInterrupt:
        return 130
    finally:
        sock.close()


async def _serve(parts: PluginParts, settings: PluginSettings, sock: socket.socket, embedded: Any) -> int:
    host, port = sock.getsockname()[:2]
    async with _embedded_default(parts, settings, embedded) as (effective, demo_help):
        remote = build_remote(parts, effective, plan(parts, effective, host, port), demo=embedded is not None)
        identity = parts.identity
        sys.stderr.write(
            f"{identity.name}: serving MCP over streamable HTTP at {remote.plan.public_url} "
            f"(health {remote.plan.public_url.removesuffix('/mcp')}/healthz, readiness /readyz); "
            f"tokens from {remote.plan.issuer}\n"
        )
        if demo_help:
            sys.stderr.write(demo_help(remote.plan.issuer, remote.plan.public_url))
        await serve_forever(remote, sock, effective)
    return 0


@contextlib.asynccontextmanager
async def _embedded_default(
    parts: PluginParts, settings: PluginSettings, embedded: Any
) -> AsyncIterator[tuple[PluginSettings, Any]]:
    """The settings to serve with: as configured, or pointing at the demo backend served on loopback."""
    if embedded is None:
        yield settings, None
        return

    def build() -> Any:
        secret = KeyRing.for_identity(parts.identity).installation_key("embedded-backend")
        factory = embedded.remote_app or embedded.app
        return factory(settings, secret)

    sock = bind("127.0.0.1", 0)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = await anyio.to_thread.run_sync(build)  # builds (or opens the cached) demo data: blocking work
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=2)
    server = QuietServer(config, signals=False)  # stopped after the MCP server, which owns the signals
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started and not task.done():  # noqa: ASYNC110 - uvicorn offers no start-up event
        await asyncio.sleep(0.02)
    if task.done():
        task.result()  # raises why it did not start
    update: dict[str, Any] = {
        "base_url": AnyHttpUrl(url),
        "token_url": AnyHttpUrl(f"{url}{embedded.token_path}"),
        "client_id": embedded.client_id,
        "client_secret": SecretStr(embedded.client_secret),
        "token_auth_method": embedded.auth_method,
    }
    if settings.auth_issuer is None:
        update["auth_issuer"] = AnyHttpUrl(url)
    sys.stderr.write(
        f"{parts.identity.name}: no {parts.identity.backend_label} configured ({parts.identity.env('base_url')} "
        f"unset): serving {embedded.description} at {url}, with its test authorization server.\n"
    )
    try:
        yield settings.model_copy(update=update), embedded.remote_help
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 10)
        sock.close()
