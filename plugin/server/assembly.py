"""Builds the MCP server from manifest.json (identity, instructions), the tool registry and the settings."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError
from pydantic import BaseModel, ConfigDict

from plugin.observability.audit import AuditConfigError, open_audit_sink
from plugin.config.controls import EnterpriseControls, apply_controls, load_controls
from plugin.toolkit.reports import REPORT_URI_TEMPLATE
from plugin.server.pipeline import PluginIdentity, Runtime, build_tool
from plugin.server.schema_cache import tool_schemas
from plugin.server.visibility import ScopedMCPServer
from plugin.config.settings import PluginSettings

ROOT = Path(__file__).resolve().parents[2]
MANIFEST_PATH = ROOT / "manifest.json"


class ServerIdentity(BaseModel):
    """The part of manifest.json the server needs at start-up (the full model is plugin.release.manifest)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str
    version: str
    display_name: str
    description: str
    instructions: str | None = None


def load_identity(path: Path = MANIFEST_PATH) -> ServerIdentity:
    return ServerIdentity.model_validate(json.loads(path.read_text(encoding="utf-8")))


def build_server(
    settings: PluginSettings, *, runtime: Runtime | None = None, controls: EnterpriseControls | None = None
) -> tuple[MCPServer[Any], Runtime]:
    """`controls` replaces manifest.json's enterprise_controls (tests; a fork's own policy)."""
    from tools import enabled_tools, full_name

    identity = load_identity()
    if runtime is None:
        settings = effective_settings(settings, controls=controls)
        specs = enabled_tools(settings)  # an unknown tool name fails here, at start-up
        runtime = Runtime(
            settings,
            PluginIdentity(identity.name, identity.version),
            audit=open_audit_sink(settings.audit),
            permissions={full_name(spec): spec.permission for spec in specs},
        )
    else:
        specs = enabled_tools(runtime.settings)
    schemas = tool_schemas(specs)
    tools = [build_tool(spec, full_name(spec), runtime, schemas[spec.name]) for spec in specs]

    @asynccontextmanager
    async def lifespan(_: MCPServer[Any]) -> AsyncIterator[dict[str, Any]]:
        try:
            yield {}
        finally:
            await runtime.aclose()

    server: MCPServer[Any] = ScopedMCPServer(
        hidden=lambda: runtime.admission.hidden,
        name=identity.name,
        title=identity.display_name,
        description=identity.description,
        version=identity.version,
        instructions=identity.instructions,
        tools=list(tools),
        lifespan=lifespan,
    )
    _add_report_resource(server, runtime)
    return server, runtime


def effective_settings(
    settings: PluginSettings, manifest: Path | None = None, *, controls: EnterpriseControls | None = None
) -> PluginSettings:
    """`settings` with the enterprise controls (default: manifest.json's) applied; raises `AuditConfigError`."""
    if controls is None:
        controls = load_controls(manifest or MANIFEST_PATH)
    effective = apply_controls(settings, controls)
    if effective.audit_required and effective.audit == "off":
        raise AuditConfigError(
            "audit is mandatory (manifest enterprise_controls.audit_logging or CLM_AUDIT_REQUIRED) but "
            "CLM_AUDIT=off; choose file[:PATH], stderr or syslog[:ADDRESS]"
        )
    return effective


def _add_report_resource(server: MCPServer[Any], runtime: Runtime) -> None:
    @server.resource(
        REPORT_URI_TEMPLATE,
        name="portfolio-report-csv",
        title="Portfolio report (CSV)",
        description="The full result of a clm__portfolio_report call, as CSV; kept for an hour.",
        mime_type="text/csv",
    )
    def report_csv(report_id: str) -> str:
        csv_text = runtime.services.reports.get(report_id)
        if csv_text is None:
            raise ResourceNotFoundError(f"No report {report_id!r}: reports are kept for an hour; run it again.")
        return csv_text
