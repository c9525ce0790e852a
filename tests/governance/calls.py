"""Valid and failing arguments for every tool in the registry, derived from each tool's own input schema.

New tools are covered automatically: required fields get a sample value by name or JSON-Schema type.
"""

from __future__ import annotations

from typing import Any

from plugin.toolkit.spec import ToolSpec
from tests.plugin_parts import REGISTRY, full_name


def _resolve(prop: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in prop:
        resolved: dict[str, Any] = schema["$defs"][prop["$ref"].rsplit("/", 1)[1]]
        return resolved
    for option in prop.get("anyOf", []):
        if option.get("type") != "null":
            return _resolve(option, schema)
    return prop


def _sample(name: str, prop: dict[str, Any], schema: dict[str, Any], ids: list[str]) -> Any:
    prop = _resolve(prop, schema)
    if name == "contract_id":
        return ids[0]
    if name == "contract_ids":
        return ids[:2]
    if "enum" in prop:
        return prop["enum"][0]
    kind = prop.get("type")
    if kind == "string":
        return "Governance check note"
    if kind == "integer":
        return int(prop.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    return None


def valid_arguments(spec: ToolSpec[Any, Any], ids: list[str]) -> dict[str, Any]:
    schema = spec.input_model.model_json_schema()
    props: dict[str, Any] = schema["properties"]
    args = {name: _sample(name, props[name], schema, ids) for name in schema.get("required", [])}
    if "contract_ids" in props and "contract_ids" not in args:
        args["contract_ids"] = ids[:2]  # compare-like tools need something to compare
    return args


def not_found_arguments(spec: ToolSpec[Any, Any], ids: list[str]) -> dict[str, Any] | None:
    """Arguments naming a contract that does not exist, for tools that take one."""
    args = valid_arguments(spec, ids)
    if "contract_id" in args:
        return {**args, "contract_id": "ctr-does-not-exist-0"}
    if "contract_ids" in args:
        return {**args, "contract_ids": ["ctr-does-not-exist-0", "ctr-does-not-exist-1"]}
    return None


def every_tool() -> list[tuple[str, ToolSpec[Any, Any]]]:
    return [(full_name(spec), spec) for spec in REGISTRY]
