"""Least privilege: tools whose scopes the backend did not grant are left out of a stable `tools/list`.

The server requests only the scopes of the enabled tools (`PluginParts.requested_scopes`). Before
the first `tools/list` answer, the server waits (bounded) for the first token, which says which
scopes were granted; a tool needing one that was not is left out, and stderr says so once. The
list is then fixed: it never changes as a side effect of another request. A tool whose missing
scope is only learnt later (token endpoint unreachable at list time) stays listed and its calls
are refused with `permission_denied`.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
from mcp.server.lowlevel.server import NotificationOptions
from mcp.server.mcpserver import Context, MCPServer
from mcp_types import CallToolResult, InputRequiredResult, JSONRPCRequest
from mcp_types import Resource as MCPResource
from mcp_types import Tool as MCPTool

from plugin.observability.logging import get_logger
from plugin.server.stdio import DEFAULT_MAX_IN_FLIGHT, InFlight, strict_stdio
from plugin.toolkit.errors import PermissionDenied

LISTED_HOOK_DELAY_SECONDS = 0.02

log = get_logger(__name__)


def ungranted(permissions: Mapping[str, tuple[str, ...]], granted: Collection[str]) -> dict[str, str]:
    """{tool name: first missing scope} for every tool that needs a scope not among the granted ones."""
    hidden: dict[str, str] = {}
    for tool, scopes in permissions.items():
        missing = [scope for scope in scopes if scope not in granted]
        if missing:
            hidden[tool] = missing[0]
    return hidden


def announce_hidden(hidden: Mapping[str, str], label: str, stream: Any = None) -> None:
    if not hidden:
        return
    scopes = sorted(set(hidden.values()))
    (stream or sys.stderr).write(
        f"the {label} did not grant {', '.join(scopes)} to this client; hiding "
        f"{', '.join(sorted(hidden))}. Ask the {label} administrator to grant the scope, or disable these tools "
        "to silence this message.\n"
    )


def refusal(tool: str, scope: str) -> PermissionDenied:
    return PermissionDenied(
        f"{tool} needs the '{scope}' scope, which the backend did not grant to this plugin's client; "
        "the tool is not available. Ask an administrator to grant it.",
        scope=scope,
    )


@dataclass(frozen=True)
class Lifecycle:
    """What the stdio loop needs from the runtime: unknown-tool errors, back-pressure and graceful shutdown."""

    unknown_tool: Callable[[str, dict[str, Any], Any], Exception]  # the (audited) error for a tool not served
    refused: Callable[[JSONRPCRequest], None]  # a request answered "busy" (audited when it names a tool)
    drain: Callable[[float], Awaitable[bool]]  # refuse new calls, wait for those in flight; True when none left
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT
    limit_setting: str = "max_in_flight"  # the variable that sets it, for the "busy" message
    shutdown_grace: float = 10.0
    on_initialized: Callable[[], None] | None = None  # e.g. warm the backend up in the background
    on_listed: Callable[[], None] | None = None  # after the first tools/list answer (e.g. warm up now)


class ScopedMCPServer(MCPServer[Any]):
    """An `MCPServer` whose `tools/list` leaves out the tools `hidden()` names (decided once), whose
    `resources/list` adds the live resources `listed()` names (e.g. reports that have not expired), which
    answers a call to a tool it does not serve through `lifecycle.unknown_tool`, and which shuts down
    gracefully on SIGTERM/SIGINT."""

    def __init__(
        self,
        *args: Any,
        hidden: Callable[[], Awaitable[Collection[str]]],
        listed: Callable[[], Awaitable[Sequence[MCPResource]]] | None = None,
        lifecycle: Lifecycle | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._hidden = hidden
        self._listed = listed
        self._lifecycle = lifecycle

    async def list_tools(self) -> list[MCPTool]:
        hidden = await self._hidden()
        listed = [tool for tool in await super().list_tools() if tool.name not in hidden]
        if self._lifecycle is not None and self._lifecycle.on_listed is not None:
            # A moment later, once this answer is on its way: clients list the tools right after initialize.
            asyncio.get_running_loop().call_later(LISTED_HOOK_DELAY_SECONDS, self._lifecycle.on_listed)
        return listed

    async def list_resources(self) -> list[MCPResource]:
        return [*await super().list_resources(), *(await self._listed() if self._listed is not None else [])]

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        if self._lifecycle is not None and self._tool_manager.get_tool(name) is None:
            raise self._lifecycle.unknown_tool(name, arguments, context)
        return await super().call_tool(name, arguments, context)

    async def run_stdio_async(self) -> None:
        """As the SDK's, answering malformed input with JSON-RPC errors and bounding unanswered requests
        (plugin.server.stdio), and shutting down gracefully on SIGTERM/SIGINT (see `_stop_on_signal`). No
        `tools.listChanged`: the tool list of a connection never changes."""
        options = self._lowlevel_server.create_initialization_options(NotificationOptions())
        life = self._lifecycle
        limit = DEFAULT_MAX_IN_FLIGHT if life is None else life.max_in_flight
        in_flight = InFlight(limit)
        async with anyio.create_task_group() as group:
            if life is not None:
                group.start_soon(_stop_on_signal, life, in_flight, group.cancel_scope)
            async with strict_stdio(
                limit,
                in_flight=in_flight,
                limit_setting="max_in_flight" if life is None else life.limit_setting,
                refused=None if life is None else life.refused,
                drain_on_eof=10.0 if life is None else life.shutdown_grace,
                on_initialized=None if life is None else life.on_initialized,
            ) as (read_stream, write_stream):
                await self._lowlevel_server.run(read_stream, write_stream, options)
            group.cancel_scope.cancel()


async def _stop_on_signal(life: Lifecycle, in_flight: InFlight, serving: anyio.CancelScope) -> None:
    """SIGTERM/SIGINT: stop accepting calls, give those in flight `shutdown_grace` seconds, then cancel them
    (each is still audited, as "cancelled"). A second signal cancels at once."""
    if sys.platform == "win32":  # no asyncio signal handlers there: the default handling stays
        return
    with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
        async with anyio.create_task_group() as draining:

            async def drain_then_stop(signum: int) -> None:
                sys.stderr.write(
                    f"{signal.Signals(signum).name}: shutting down; calls in flight get {life.shutdown_grace:g} s\n"
                )
                deadline = anyio.current_time() + life.shutdown_grace
                finished = await life.drain(life.shutdown_grace)
                # Then the answers of the calls that finished still have to reach the client.
                with anyio.move_on_after(max(0.5, deadline - anyio.current_time())):
                    await in_flight.wait_idle()
                log.info("shutdown", signal=signal.Signals(signum).name, drained=finished)
                serving.cancel()

            async for signum in signals:
                draining.start_soon(drain_then_stop, signum)
                break
            async for signum in signals:  # a second signal: no more waiting
                log.info("shutdown_forced", signal=signal.Signals(signum).name)
                serving.cancel()
                return
