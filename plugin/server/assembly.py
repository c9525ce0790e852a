"""Builds the MCP server from the parts (identity, tool registry, adapter) and the settings."""

from __future__ import annotations

import inspect
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio
from mcp.server.caching import CacheHint
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError
from mcp_types import CallToolResult, Completion, CompletionArgument, ResourceTemplateReference, TextContent
from mcp_types import Resource as MCPResource

from plugin.config.controls import EnterpriseControls, apply_controls, load_controls
from plugin.config.settings import PluginSettings
from plugin.observability.audit import AuditConfigError, open_audit_sink
from plugin.observability.logging import get_logger
from plugin.server.parts import PluginParts
from plugin.server.pipeline import Runtime
from plugin.server.registration import build_tool
from plugin.server.schema_cache import tool_schemas
from plugin.server.visibility import Lifecycle, ScopedMCPServer
from plugin.toolkit.spec import ResourceSpec, ToolSpec, expand_tool_references

if TYPE_CHECKING:
    # A type only: the child-process module is imported when a child is started (not on the default path).
    from plugin.transport.backend_process import BackendProcess

log = get_logger(__name__)

# The tool list of a connection is fixed (plugin.server.visibility): clients may cache it for the session.
CACHE_HINTS = {"tools/list": CacheHint(ttl_ms=3_600_000, scope="private")}
MAX_COMPLETIONS = 100


def build_server(
    parts: PluginParts,
    settings: PluginSettings,
    *,
    runtime: Runtime | None = None,
    controls: EnterpriseControls | None = None,
    auth: Any = None,
    token_verifier: Any = None,
    embedded_process: BackendProcess | None = None,
) -> tuple[MCPServer[Any], Runtime]:
    """`controls` replaces manifest.json's enterprise_controls (tests; an organisation's own policy).

    `auth` / `token_verifier` (remote mode only): the SDK's `AuthSettings` and `TokenVerifier`, which make
    the streamable HTTP app a resource server (plugin.server.remote). `embedded_process`: the embedded demo
    backend, already started in a child process (the caller stops it)."""
    identity = parts.identity
    if runtime is None:
        settings = effective_settings(parts, settings, controls=controls)
        audit = open_audit_sink(settings.audit, identity, demo=settings.embedded)
        runtime = Runtime(parts, settings, audit=audit, embedded_process=embedded_process)
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

    async def listed() -> list[MCPResource]:
        return await _listed_resources(runtime, [r for spec in specs for r in spec.resources])

    server: MCPServer[Any] = ScopedMCPServer(
        hidden=runtime.hidden_tools,
        listed=listed,
        cache_hints=CACHE_HINTS,
        lifecycle=Lifecycle(
            unknown_tool=runtime.unknown_tool,
            refused=runtime.refused,
            drain=runtime.drain,
            max_in_flight=runtime.settings.max_in_flight,
            limit_setting=identity.env("max_in_flight"),
            shutdown_grace=runtime.settings.shutdown_grace,
            on_initialized=runtime.start_warm_up_soon,
            on_listed=runtime.start_warm_up,
        ),
        name=identity.name,
        title=identity.display_name,
        description=identity.description,
        version=identity.version,
        instructions=identity.instructions,
        tools=list(tools),
        lifespan=lifespan,
        auth=auth,
        token_verifier=token_verifier,
    )
    for spec in specs:
        for resource in spec.resources:
            _add_resource(server, runtime, spec, resource)
    _add_completions(server, runtime, specs)
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


def _uri(runtime: Runtime, resource: ResourceSpec) -> str:
    return f"{runtime.identity.report_scheme}://{resource.uri_template}"


async def _listed_resources(runtime: Runtime, resources: list[ResourceSpec]) -> list[MCPResource]:
    listed: list[MCPResource] = []
    # Only what this caller made (remote mode: several people share the server's store).
    services = runtime.services_for(runtime.current_user())
    if services is None:
        return listed
    for resource in resources:
        if resource.listing is None:
            continue
        items = resource.listing(services)
        if inspect.isawaitable(items):
            items = await items
        for item in items:
            listed.append(
                MCPResource(
                    uri=item.uri,
                    name=item.name,
                    title=item.title,
                    description=item.description,
                    mime_type=item.mime_type,
                    size=item.size,
                )
            )
    return listed


def _text_of(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


def _add_resource(server: MCPServer[Any], runtime: Runtime, spec: ToolSpec[Any, Any], resource: ResourceSpec) -> None:
    namespace = runtime.identity.namespace
    full_name = runtime.parts.full_name(spec)
    tool_arguments = resource.tool_arguments

    async def read(ctx: Context, **parameters: str) -> str:
        if tool_arguments is not None:
            # Served by the owning tool: the same validation, scopes, audit, sanitising and budget as a call.
            try:
                result = await runtime.invoke(spec, full_name, dict(tool_arguments(**parameters)), ctx)
            except ToolError as exc:
                raise ResourceError(str(exc)) from None
            if not isinstance(result, CallToolResult):
                raise ResourceError(f"{resource.title} cannot be read without a question to the user.")
            return _text_of(result)
        assert resource.read is not None
        # Read from what this caller made only: another person's report is "not found", like a forged id.
        services = runtime.services_for(runtime.current_user())
        text = None if services is None else resource.read(services, **parameters)
        if inspect.isawaitable(text):
            text = await text
        if text is None:
            raise ResourceNotFoundError(
                f"{resource.title} {parameters} has expired, was dropped to keep the store within its size cap, or "
                "never existed on this installation; make it again."
            )
        return text

    # The SDK matches URI parameters to the function's signature: give it the template's parameter names
    # (a `{?name}` query parameter is optional and defaults to "").
    names = re.findall(r"\{(\w+)\}", resource.uri_template)
    optional = [name for group in re.findall(r"\{\?([\w,]+)\}", resource.uri_template) for name in group.split(",")]
    parameters = [inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=Context)]
    parameters += [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=str) for name in names]
    parameters += [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=str, default="") for name in optional
    ]
    read.__signature__ = inspect.Signature(parameters, return_annotation=str)  # type: ignore[attr-defined]
    read.__annotations__ = {"ctx": Context, **dict.fromkeys([*names, *optional], str), "return": str}
    server.resource(
        _uri(runtime, resource),
        name=resource.name,
        title=resource.title,
        description=expand_tool_references(resource.description, namespace),
        mime_type=resource.mime_type,
    )(read)


def _add_completions(server: MCPServer[Any], runtime: Runtime, specs: list[ToolSpec[Any, Any]]) -> None:
    """`completion/complete` for the URI parameters resources declare completers for (e.g. ids, names)."""
    completers = {
        (_uri(runtime, resource), name): (spec, complete)
        for spec in specs
        for resource in spec.resources
        for name, complete in resource.complete.items()
    }
    if not completers:
        return

    async def complete(ref: Any, argument: CompletionArgument, _context: Any) -> Completion | None:
        if not isinstance(ref, ResourceTemplateReference):
            return None
        found = completers.get((ref.uri, argument.name))
        if found is None:
            return None
        spec, completer = found
        # As the caller, audited; a failure offers nothing (a completion is a hint: never an error in the user's face).
        values = await runtime.complete(runtime.parts.full_name(spec), argument.name, argument.value[:100], completer)
        return Completion(values=values[:MAX_COMPLETIONS], has_more=len(values) > MAX_COMPLETIONS)

    server.completion()(complete)  # type: ignore[no-untyped-call]  # the SDK's decorator is untyped
