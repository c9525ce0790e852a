"""Least privilege: tools whose scopes the backend did not grant are left out of a stable `tools/list`.

The server requests only the scopes of the enabled tools (`PluginParts.requested_scopes`). Before
the first `tools/list` answer, the server waits (bounded) for the first token, which says which
scopes were granted; a tool needing one that was not is left out, and stderr says so once. The
list is then fixed: it never changes as a side effect of another request. A tool whose missing
scope is only learnt later (token endpoint unreachable at list time) stays listed and its calls
are refused with `permission_denied`.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from typing import Any

from mcp.server.lowlevel.server import NotificationOptions
from mcp.server.mcpserver import MCPServer
from mcp_types import Resource as MCPResource
from mcp_types import Tool as MCPTool

from plugin.server.stdio import strict_stdio
from plugin.toolkit.errors import PermissionDenied


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


class ScopedMCPServer(MCPServer[Any]):
    """An `MCPServer` whose `tools/list` leaves out the tools `hidden()` names (decided once), and whose
    `resources/list` adds the live resources `listed()` names (e.g. reports that have not expired)."""

    def __init__(
        self,
        *args: Any,
        hidden: Callable[[], Awaitable[Collection[str]]],
        listed: Callable[[], Sequence[MCPResource]] = list,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._hidden = hidden
        self._listed = listed

    async def list_tools(self) -> list[MCPTool]:
        hidden = await self._hidden()
        return [tool for tool in await super().list_tools() if tool.name not in hidden]

    async def list_resources(self) -> list[MCPResource]:
        return [*await super().list_resources(), *self._listed()]

    async def run_stdio_async(self) -> None:
        """As the SDK's, answering malformed input with JSON-RPC errors (plugin.server.stdio). No
        `tools.listChanged`: the tool list of a connection never changes."""
        options = self._lowlevel_server.create_initialization_options(NotificationOptions())
        async with strict_stdio() as (read_stream, write_stream):
            await self._lowlevel_server.run(read_stream, write_stream, options)
