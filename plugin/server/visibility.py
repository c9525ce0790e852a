"""Least privilege after the first token: tools whose scopes the backend did not grant are hidden.

The server requests only the scopes of the enabled tools (`PluginParts.requested_scopes`). The
token response says which were granted; a tool needing one that was not is removed from
`tools/list` (and refused with `permission_denied` if a client calls it from a stale list), the
client is told the list changed, and stderr says so once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Mapping
from typing import Any

from mcp.server.lowlevel.server import NotificationOptions
from mcp.server.mcpserver import MCPServer
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
    """An `MCPServer` whose `tools/list` leaves out the tools `hidden()` names."""

    def __init__(
        self,
        *args: Any,
        hidden: Callable[[], Collection[str]],
        on_initialized: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._hidden = hidden
        self._on_initialized = on_initialized

    async def list_tools(self) -> list[MCPTool]:
        hidden = self._hidden()
        return [tool for tool in await super().list_tools() if tool.name not in hidden]

    async def run_stdio_async(self) -> None:
        """As the SDK's, but declaring `tools.listChanged` (the list shrinks after the first token) and
        answering malformed input with JSON-RPC errors (plugin.server.stdio)."""
        options = self._lowlevel_server.create_initialization_options(NotificationOptions(tools_changed=True))
        async with strict_stdio(self._on_initialized) as (read_stream, write_stream):
            await self._lowlevel_server.run(read_stream, write_stream, options)
