"""The sandbox CLM as an ASGI app: `create_app(settings)`, or the lazily built module-level `app`."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.routes import annotations as annotation_routes
from sandbox.routes import contracts as contract_routes
from sandbox.routes import idp as idp_routes
from sandbox.routes import listings as listing_routes
from sandbox.routes import meta as meta_routes
from sandbox.routes import oauth as oauth_routes
from sandbox.routes.meta import API_VERSION
from sandbox.settings import SandboxSettings
from sandbox.store.build import ProgressFn
from sandbox.store.database import open_database
from sandbox.web.middleware import SandboxMiddleware
from sandbox.web.problems import install_problem_handlers
from sandbox.web.state import SandboxState

DESCRIPTION = """\
Reference contract-management (CLM) API of the Contract Intelligence plugin.

Get a token with the OAuth 2.0 client-credentials grant at `POST /oauth/token`, then call `/v1`
with `Authorization: Bearer <token>`. The sandbox is also a test authorization server
(`/.well-known/oauth-authorization-server`, `/oauth/jwks`): demo users get JWTs for an MCP server
(demo password grant), which that server exchanges (RFC 8693) for CLM tokens bound to the user; such
a token sees only the contracts that user may see, on every route. Lists page with an opaque
`cursor` (`next_cursor` of the previous page; a search counts its `total` once and carries it in
the cursor). Every error is an RFC 9457 `application/problem+json` document with a stable `code`.

`q` on `/v1/contracts` takes words and "quoted phrases" and returns where each contract matches;
`/v1/contracts/aggregate` counts and sums all matching contracts by a dimension;
`/v1/counterparties?q=` resolves a name as people write it to ranked candidates.
"""


def create_app(settings: SandboxSettings | None = None, *, progress: ProgressFn | None = None) -> FastAPI:
    """A sandbox app over its database (built, or copied from the cache, before this returns)."""
    settings = settings or SandboxSettings()
    db = open_database(
        settings.db,
        settings.corpus,
        memory=settings.is_memory_db,
        cache_dir=settings.cache_dir,
        progress=progress,
        imports=settings.import_paths,
    )
    state = SandboxState.create(settings, db)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            db.close()

    app = FastAPI(
        title="Contract Intelligence sandbox CLM",
        version=API_VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        telemetry={"tracing": False, "metrics": False, "logs": False, "auto_configure": False},
    )
    app.state.sandbox = state
    install_problem_handlers(app)
    for routes in (oauth_routes, idp_routes, meta_routes, contract_routes, annotation_routes, listing_routes):
        routes.router.add_to(app)  # built once, here (sandbox.routes.table: not again on the first request)
    if settings.test_endpoints:
        from sandbox.routes import control as control_routes  # test-only API: ~35 ms to import, not for the demo

        control_routes.router.add_to(app)
        idp_routes.control.add_to(app)
    app.add_middleware(SandboxMiddleware, state=state)
    return app


class LazyApp:
    """An ASGI app that builds the real one on first use (so importing this module costs nothing)."""

    def __init__(self, factory: Callable[[], ASGIApp]) -> None:
        self._factory = factory
        self._app: ASGIApp | None = None
        self._lock = threading.Lock()

    def _build(self) -> ASGIApp:
        with self._lock:
            if self._app is None:
                self._app = self._factory()
            return self._app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = self._app
        if app is None:
            app = await anyio.to_thread.run_sync(self._build)  # building may take a while: not on the loop
        await app(scope, receive, send)


app = LazyApp(lambda: create_app(SandboxSettings()))
