"""An in-memory MCP client on an event loop in a background thread, callable from synchronous code.

Hypothesis drives synchronous test functions; this keeps one server session open across all examples
instead of building a server per example.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from types import TracebackType
from typing import Any

from mcp.client import Client
from mcp_types import CallToolResult

from plugin.config.settings import PluginSettings
from tests.conftest import mcp_client


class LoopClient:
    def __init__(self, settings: PluginSettings) -> None:
        self._settings = settings
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="harness-loop", daemon=True)
        self._client: Client | None = None
        self._closing: asyncio.Event | None = None
        self._session: Future[None] | None = None

    def __enter__(self) -> LoopClient:
        self._thread.start()
        opened: Future[None] = Future()

        async def hold() -> None:
            self._closing = asyncio.Event()
            try:
                async with mcp_client(self._settings) as client:
                    self._client = client
                    opened.set_result(None)
                    await self._closing.wait()
            except BaseException as exc:
                if not opened.done():
                    opened.set_exception(exc)
                raise

        self._session = asyncio.run_coroutine_threadsafe(hold(), self._loop)
        opened.result(timeout=60)
        return self

    def call(self, name: str, arguments: dict[str, Any], timeout: float = 120) -> CallToolResult:
        assert self._client is not None
        return asyncio.run_coroutine_threadsafe(self._client.call_tool(name, arguments), self._loop).result(timeout)

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._closing is not None:
            self._loop.call_soon_threadsafe(self._closing.set)
        if self._session is not None:
            self._session.result(timeout=60)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop.close()
