"""Builds the MCP server from the parts (identity, tool registry, adapter) and the settings."""

from __future__ import annotations

import inspect
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError

from plugin.config.controls import EnterpriseControls, apply_controls, load_controls
from plugin.config.settings import PluginSettings
from plugin.observability.audit import AuditConfigError, open_audit_sink
from plugin.server.parts import PluginParts
from plugin.server.pipeline import Runtime
from plugin.server.registration import build_tool
from plugin.server.schema_cache import tool_schemas
from plugin.server.visibility import Lifecycle, ScopedMCPServer
from plugin.toolkit.spec import ResourceSpec, expand_tool_references


def build_server(
    parts: PluginParts,
    settings: PluginSettings,
    *,
    runtime: Runtime | None = None,
    controls: EnterpriseControls | None = None,
) -> tuple[MCPServer[Any], Runtime]:
    """`controls` replaces manifest.json's enterprise_controls (tests; an organisation's own policy)."""
    identity = parts.identity
    if runtime is None:
        settings = effective_settings(parts, settings, controls=controls)
        runtime = Runtime(parts, settings, audit=open_audit_sink(settings.audit, identity, demo=settings.embedded))
    specs = runtime.specs
    schemas = tool_schemas(parts, specs)
    tools = [build_tool(spec, parts.full_name(spec), runtime, schemas[spec.name]) for spec in specs]

    @asynccontextmanager
    async def lifespan(_: MCPServer[Any]) -> AsyncIterator[dict[str, Any]]:
        try:
            yield {}
        finally:
            # Shielded: at shutdown this runs inside a cancelled scope, and the audit sink must still close.
            with anyio.move_on_after(5, shield=True):
                await runtime.aclose()

    server: MCPServer[Any] = ScopedMCPServer(
        hidden=lambda: runtime.admission.hidden,
        lifecycle=Lifecycle(
            unknown_tool=runtime.unknown_tool,
            refused=runtime.refused,
            drain=runtime.drain,
            max_in_flight=runtime.settings.max_in_flight,
            limit_setting=identity.env("max_in_flight"),
            shutdown_grace=runtime.settings.shutdown_grace,
            on_initialized=runtime.start_warm_up,
        ),
        name=identity.name,
        title=identity.display_name,
        description=identity.description,
        version=identity.version,
        instructions=identity.instructions,
        tools=list(tools),
        lifespan=lifespan,
    )
    for spec in specs:
        for resource in spec.resources:
            _add_resource(server, runtime, resource)
    return server, runtime


def effective_settings(
    parts: PluginParts, settings: PluginSettings, *, controls: EnterpriseControls | None = None
) -> PluginSettings:
    """`settings` with the enterprise controls (default: manifest.json's) applied; raises `AuditConfigError`."""
    if controls is None:
        controls = load_controls(parts.manifest_path)
    effective = apply_controls(settings, controls)
    if effective.audit_required and effective.audit == "off":
        raise AuditConfigError(
            "audit is mandatory (manifest enterprise_controls.audit_logging or "
            f"{parts.identity.env('audit_required')}) but {parts.identity.env('audit')}=off; choose file[:PATH], "
            "stderr or syslog[:ADDRESS]"
        )
    return effective


def _add_resource(server: MCPServer[Any], runtime: Runtime, resource: ResourceSpec) -> None:
    services = runtime.services
    namespace = runtime.identity.namespace

    def read(**parameters: str) -> str:
        text = resource.read(services, **parameters)
        if text is None:
            raise ResourceNotFoundError(f"{resource.title} {parameters} has expired or never existed; make it again.")
        return text

    # The SDK matches URI parameters to the function's signature: give it the template's parameter names.
    names = re.findall(r"\{(\w+)\}", resource.uri_template)
    read.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=str) for name in names],
        return_annotation=str,
    )
    read.__annotations__ = {**dict.fromkeys(names, str), "return": str}
    server.resource(
        f"{runtime.identity.report_scheme}://{resource.uri_template}",
        name=resource.name,
        title=resource.title,
        description=expand_tool_references(resource.description, namespace),
        mime_type=resource.mime_type,
    )(read)
