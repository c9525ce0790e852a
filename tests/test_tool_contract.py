"""The tool surface as a contract: names, namespace, annotations, and a schema snapshot."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path
from typing import Any

from plugin.server.registration import annotations_for, input_schema, output_schema
from tests.plugin_parts import IDENTITY, NAMESPACE, REGISTRY, full_name

SNAPSHOT = Path(__file__).parent / "snapshots" / "tool_schemas.json"


def current_schemas() -> dict[str, Any]:
    return {
        full_name(spec): {
            "permission": spec.permission,
            "annotations": {
                "read_only": spec.read_only,
                "destructive": spec.destructive,
                "idempotent": spec.idempotent,
                "open_world": spec.open_world,
            },
            "input": input_schema(spec, NAMESPACE),
            "output": output_schema(spec, NAMESPACE),
        }
        for spec in REGISTRY
    }


def test_every_tool_name_fits_the_claude_code_budget_and_namespace() -> None:
    for spec in REGISTRY:
        name = full_name(spec)
        assert name.startswith(NAMESPACE)
        assert len(name) <= IDENTITY.max_tool_name, f"{name} is {len(name)} characters"
        # Claude Code: mcp__plugin_<plugin>_<server>__<tool> must stay within 64 characters.
        assert IDENTITY.client_tool_prefix == "mcp__plugin_contract-intelligence_clm__"
        assert len(f"mcp__plugin_contract-intelligence_clm__{name}") <= 64


def test_names_are_unique_and_write_tools_are_not_read_only() -> None:
    names = [full_name(spec) for spec in REGISTRY]
    assert len(names) == len(set(names))
    for spec in REGISTRY:
        # A write tool (`not spec.read_only`) is announced as one and needs a write permission.
        assert annotations_for(spec).read_only_hint is spec.read_only
        assert spec.permission.startswith("write:") == (not spec.read_only), spec.name
        if spec.read_only:
            assert not spec.destructive


def test_schema_snapshot_has_not_drifted() -> None:
    """Regenerate deliberately with UPDATE_SNAPSHOTS=1 when a schema change is intended."""
    current = current_schemas()
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    recorded = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert recorded == current, "tool schemas changed: review, then rerun with UPDATE_SNAPSHOTS=1"


def _imported_modules(tree: ast.AST) -> set[str]:
    """Every module an import anywhere in `tree` names (in functions and under TYPE_CHECKING too), with `from
    package import module` read as the module."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_tool_module_imports_another_tool() -> None:
    """One tool per file: a tool's module is imported by the registry alone, so removing a tool (its module and its
    registry line) leaves every other tool whole. What tools share lives in modules that are not tools."""
    tool_modules = {spec.handler.__module__ for spec in REGISTRY}
    assert len(tool_modules) == len(REGISTRY), "each tool has a module of its own"
    package = Path(__file__).resolve().parent.parent / "tools"
    offenders = []
    for path in sorted(package.glob("*.py")):
        if path.name == "__init__.py":  # the registry
            continue
        module = f"tools.{path.stem}"
        imported = _imported_modules(ast.parse(path.read_text(encoding="utf-8"))) & tool_modules
        offenders += [f"{module} imports {other}" for other in sorted(imported - {module})]
    assert offenders == []
