"""The embedded default: with no CLM configured, the bundled sandbox CLM serves demo data in-process.

The sandbox's ASGI app is called through httpx2's ASGI transport, so requests take the same path as
over the network (OAuth token, bearer auth, problem+json errors) without opening a port. This is
the only place the plugin imports `sandbox`, and only when no CLM is configured.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx2

from plugin.transport.connection import Connection
from plugin.observability.logging import get_logger
from plugin.config.settings import PluginSettings

log = get_logger(__name__)

DEMO_CLIENT_ID = "demo-client"
DEMO_CLIENT_SECRET = "demo-secret"  # the sandbox's published demo credential, not a secret  # noqa: S105
_BASE = "http://embedded-sandbox"


@asynccontextmanager
async def embedded_sandbox(settings: PluginSettings) -> AsyncIterator[Connection]:
    import anyio.to_thread

    from sandbox.app import create_app
    from sandbox.settings import SandboxSettings

    sandbox_settings = SandboxSettings(contracts=settings.demo_contracts)
    # Building (or opening the cached) demo database is blocking work: off the event loop.
    app = await anyio.to_thread.run_sync(create_app, sandbox_settings)
    log.info("embedded_sandbox_ready", contracts=sandbox_settings.contracts, as_of=str(sandbox_settings.as_of))
    transport = httpx2.ASGITransport(app=app)
    try:
        yield Connection(
            base_url=_BASE,
            token_url=f"{_BASE}/oauth/token",
            client_id=DEMO_CLIENT_ID,
            client_secret=DEMO_CLIENT_SECRET,
            auth_method="client_secret_basic",
            transport=transport,
        )
    finally:
        await transport.aclose()
