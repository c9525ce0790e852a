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
    """The tool's hints, each said once: the title is the tool's own `title` (which clients prefer), and
    destructive/idempotent are left out of a read-only tool (the spec gives them meaning only for tools
    that write)."""
    writes = not spec.read_only
    return ToolAnnotations(
        read_only_hint=spec.read_only,
        destructive_hint=spec.destructive if writes else None,
        idempotent_hint=spec.idempotent if writes else None,
        open_world_hint=spec.open_world,
    )


def _expanded(schema: dict[str, Any], namespace: str) -> dict[str, Any]:
    text = json.dumps(schema)
    if "{tool:" not in text:
        return schema
    expanded: dict[str, Any] = json.loads(expand_tool_references(text, namespace))
    return expanded


def lean_schema(schema: Any) -> Any:
    """The JSON schema without what only repeats the property name or says "may be omitted" twice.

    `tools/list` is read by the model in every session, so every character counts: pydantic's generated
    `title` (the property name in title case), and for an optional property the `anyOf [X, null]` with
    `default: null` become plain X (not being in `required` already says it may be omitted; the tool's
    pydantic model still accepts an explicit null). Also left out: a string's regular-expression
    `pattern`, a `minLength` of 1 and `additionalProperties: false` (the character classes of ids and
    cursors tell the model nothing it can use; the tool's model still enforces all three and answers
    `[invalid_argument]`). Descriptions, enums, maximum lengths and numeric limits stay.
    """
    if isinstance(schema, list):
        return [lean_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title" and isinstance(value, str):
            continue
        if (key == "pattern" and isinstance(value, str)) or (key == "minLength" and value == 1):
            continue
        if key == "additionalProperties" and value is False:
            continue  # the tool's model refuses unknown arguments with [invalid_argument] all the same
        if key in {"properties", "$defs"} and isinstance(value, dict):
            out[key] = {name: lean_schema(sub) for name, sub in value.items()}  # names, not keywords
            continue
        out[key] = lean_schema(value)
    options = out.get("anyOf")
    if (
        isinstance(options, list)
        and len(options) == 2
        and {"type": "null"} in options
        and out.get("default", 0) is None
    ):
        (kept,) = [option for option in options if option != {"type": "null"}]
        merged = {k: v for k, v in out.items() if k not in {"anyOf", "default"}}
        out = {**kept, **merged}  # the outer description wins over the inner one
    return out


def input_schema(spec: ToolSpec[Any, Any], namespace: str) -> dict[str, Any]:
    lean: dict[str, Any] = lean_schema(spec.input_model.model_json_schema())
    return _expanded(lean, namespace)


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
    # Without structured output the result is its text alone, and a tool that declares an outputSchema must
    # send structuredContent (MCP spec): so the schema is declared only when structured output is on.
    output = schemas["output"] if runtime.settings.structured_output else None
    metadata = FuncMetadata(arg_model=_NoArguments, output_schema=output)
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
