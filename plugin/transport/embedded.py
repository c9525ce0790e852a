"""The embedded default: with no backend configured, the adapter's demo backend serves in-process.

Its ASGI app is called through httpx2's ASGI transport, so requests take the same path as over the
network (OAuth token, bearer auth, error mapping) without opening a port. The app comes from the
adapter (`BackendAdapter.embedded()`); the machinery does not know what it serves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2

from plugin.config.identity import Identity
from plugin.config.settings import PluginSettings
from plugin.config.state import KeyRing
from plugin.observability.logging import get_logger
from plugin.transport.adapter import EmbeddedBackend

log = get_logger(__name__)

EMBEDDED_BASE_URL = "http://embedded-backend"


@asynccontextmanager
async def embedded_transport(
    embedded: EmbeddedBackend, settings: PluginSettings, identity: Identity | None = None
) -> AsyncIterator[httpx2.ASGITransport]:
    import anyio.to_thread

    def build() -> Any:
        if embedded.stable_secret and identity is not None:
            return embedded.app(
                settings, KeyRing.for_identity(identity, settings.shared_state).installation_key("embedded-backend")
            )
        return embedded.app(settings)

    # Building (or opening the cached) demo data is blocking work: off the event loop.
    app = await anyio.to_thread.run_sync(build)
    log.info("embedded_backend_ready", backend=embedded.description)
    transport = httpx2.ASGITransport(app=app)
    try:
        yield transport
    finally:
        await transport.aclose()
