"""How a `ToolSpec` becomes an SDK tool: its name, annotations, schemas, and a call that goes through the pipeline."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from mcp.server.mcpserver.tools.base import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp_types import ToolAnnotations
from pydantic import ConfigDict, ValidationError

from plugin.toolkit.spec import ToolSpec, expand_tool_references
from plugin.toolkit.untrusted import clean_inline

if TYPE_CHECKING:
    from plugin.server.pipeline import Runtime


def describe_validation_error(exc: ValidationError, tool: str) -> str:
    """One line per bad argument, naming it and saying what is allowed; no echo of long values."""
    parts: list[str] = []
    for error in exc.errors(include_url=False)[:6]:
        field = ".".join(str(p) for p in error["loc"]) or "arguments"
        if error["type"] == "extra_forbidden":
            parts.append(f"unknown argument '{clean_inline(field, 60)}'")
            continue
        message = error["msg"]
        ctx = error.get("ctx") or {}
        if "expected" in ctx:
            message = f"must be one of {ctx['expected']}"
        parts.append(f"'{clean_inline(field, 60)}': {clean_inline(message, 200)}")
    more = f" (+{exc.error_count() - 6} more)" if exc.error_count() > 6 else ""
    return f"Invalid arguments for {tool}: " + "; ".join(parts) + more + ". Fix them and call again."


class _NoArguments(ArgModelBase):
    """Placeholder: `PipelineTool.run` validates with the tool's own input model instead."""

    model_config = ConfigDict(extra="allow")


class PipelineTool(Tool):
    """An SDK `Tool` whose call goes through `Runtime.invoke`."""

    spec: Any = None
    runtime: Any = None

    async def run(self, arguments: dict[str, Any], context: Any, convert_result: bool = False) -> Any:
        runtime: Runtime = self.runtime
        return await runtime.invoke(self.spec, self.name, arguments, context)


def annotations_for(spec: ToolSpec[Any, Any]) -> ToolAnnotations:
    return ToolAnnotations(
        title=spec.title,
        read_only_hint=spec.read_only,
        destructive_hint=spec.destructive,
        idempotent_hint=spec.idempotent,
        open_world_hint=spec.open_world,
    )


def _expanded(schema: dict[str, Any], namespace: str) -> dict[str, Any]:
    text = json.dumps(schema)
    if "{tool:" not in text:
        return schema
    expanded: dict[str, Any] = json.loads(expand_tool_references(text, namespace))
    return expanded


def input_schema(spec: ToolSpec[Any, Any], namespace: str) -> dict[str, Any]:
    return _expanded(spec.input_model.model_json_schema(), namespace)


def output_schema(spec: ToolSpec[Any, Any], namespace: str) -> dict[str, Any]:
    return _expanded(spec.output_model.model_json_schema(), namespace)


def description(spec: ToolSpec[Any, Any], namespace: str) -> str:
    return expand_tool_references(spec.description, namespace)


def build_tool(
    spec: ToolSpec[Any, Any],
    full_name: str,
    runtime: Runtime,
    schemas: dict[str, dict[str, Any]] | None = None,
) -> PipelineTool:
    """`schemas` ({"input": ..., "output": ...}) as plugin.server.schema_cache gives them; generated when absent."""
    namespace = runtime.identity.namespace
    schemas = schemas or {"input": input_schema(spec, namespace), "output": output_schema(spec, namespace)}
    # The schema is given, not derived: PipelineTool.run validates and renders itself, so the SDK needs no
    # output adapter (building one per tool would only slow start-up).
    metadata = FuncMetadata(arg_model=_NoArguments, output_schema=schemas["output"])
    return PipelineTool(
        fn=_never_called,
        name=full_name,
        title=spec.title,
        description=description(spec, namespace),
        parameters=schemas["input"],
        fn_metadata=metadata,
        is_async=True,
        annotations=annotations_for(spec),
        meta={"permission": spec.permission},
        spec=spec,
        runtime=runtime,
    )


async def _never_called(**_: Any) -> None:
    raise AssertionError("PipelineTool.run does not call fn")
