"""The embedded default: with no backend configured, the adapter's demo backend serves the tools.

With `DEMO_PROCESS=child` the stdio server starts it at spawn in a child process on a loopback port
(plugin.transport.backend_process), so building it runs on another core. Otherwise (the default, or the child
could not start) its ASGI app is built here, off the event loop, and called through httpx2's ASGI
transport. Both ways requests take the same path as over the network (OAuth token, bearer auth, error
mapping). The app comes from the adapter (`BackendAdapter.embedded()`); the machinery does not know what it
serves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import httpx2

from plugin.bootstrap import collector_paused
from plugin.config.identity import Identity
from plugin.config.settings import PluginSettings
from plugin.config.state import KeyRing
from plugin.observability.logging import get_logger
from plugin.transport.adapter import EmbeddedBackend

if TYPE_CHECKING:
    # A type only: the child-process module is imported when a child is started (not on the default path).
    from plugin.transport.backend_process import BackendProcess

log = get_logger(__name__)

EMBEDDED_BASE_URL = "http://embedded-backend"


def embedded_secret(embedded: EmbeddedBackend, settings: PluginSettings, identity: Identity | None) -> bytes | None:
    """The installation's secret the demo backend signs its own state with (None unless it asks for one)."""
    if embedded.stable_secret and identity is not None:
        return KeyRing.for_identity(identity, settings.shared_state).installation_key("embedded-backend")
    return None


@asynccontextmanager
async def embedded_transport(
    embedded: EmbeddedBackend,
    settings: PluginSettings,
    identity: Identity | None = None,
    process: BackendProcess | None = None,
) -> AsyncIterator[tuple[str, httpx2.AsyncBaseTransport]]:
    """(base URL, transport) of the demo backend: the child `process` once it serves, else built in-process."""
    import anyio.to_thread  # ~7 ms that `import anyio` defers: paid at the first backend request, not at start

    if process is not None:
        limits = httpx2.Limits(
            max_connections=settings.max_connections, max_keepalive_connections=settings.max_connections
        )
        keyed = process.transport(limits)
        try:
            port = await anyio.to_thread.run_sync(process.wait_ready)
        except BaseException:
            await keyed.aclose()
            raise
        if port is not None:
            log.info("embedded_backend_ready", backend=embedded.description, process=process.pid)
            try:
                yield f"http://127.0.0.1:{port}", keyed
            finally:
                await keyed.aclose()
            return
        await keyed.aclose()
        log.warning("embedded_backend_process_failed", error=process.failure)

    def build() -> Any:
        with collector_paused():
            secret = embedded_secret(embedded, settings, identity)
            return embedded.app(settings) if secret is None else embedded.app(settings, secret)

    # Building (or opening the cached) demo data is blocking work: off the event loop.
    app = await anyio.to_thread.run_sync(build)
    log.info("embedded_backend_ready", backend=embedded.description)
    transport = httpx2.ASGITransport(app=app)
    try:
        yield EMBEDDED_BASE_URL, transport
    finally:
        await transport.aclose()
