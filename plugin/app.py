"""Builds the MCP server from manifest.json (identity, instructions), the tool registry and the settings."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer
from pydantic import BaseModel, ConfigDict

from plugin.audit import AuditSink
from plugin.runtime import PluginIdentity, Runtime, build_tool
from plugin.settings import PluginSettings

ROOT = Path(__file__).resolve().parent.parent
MANIFEST_PATH = ROOT / "manifest.json"


class ServerIdentity(BaseModel):
    """The part of manifest.json the server needs at start-up (the full model is plugin.manifest)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str
    version: str
    display_name: str
    description: str
    instructions: str | None = None


def load_identity(path: Path = MANIFEST_PATH) -> ServerIdentity:
    return ServerIdentity.model_validate(json.loads(path.read_text(encoding="utf-8")))


def build_server(settings: PluginSettings, *, runtime: Runtime | None = None) -> tuple[MCPServer[Any], Runtime]:
    from tools import enabled_tools, full_name

    identity = load_identity()
    if runtime is None:
        audit = AuditSink(settings.audit_file) if settings.audit_file is not None else None
        runtime = Runtime(settings, PluginIdentity(identity.name, identity.version), audit=audit)
    tools = [build_tool(spec, full_name(spec), runtime) for spec in enabled_tools(settings)]

    @asynccontextmanager
    async def lifespan(_: MCPServer[Any]) -> AsyncIterator[dict[str, Any]]:
        try:
            yield {}
        finally:
            await runtime.aclose()

    server: MCPServer[Any] = MCPServer(
        name=identity.name,
        title=identity.display_name,
        description=identity.description,
        version=identity.version,
        instructions=identity.instructions,
        tools=list(tools),
        lifespan=lifespan,
    )
    return server, runtime
