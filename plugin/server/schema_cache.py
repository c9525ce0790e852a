"""Tool JSON schemas, cached on disk under a key that changes whenever the code that defines them does.

Generating every tool's input and output schemas with pydantic is the largest piece of start-up work
the plugin adds to a bare MCP server. The schemas are a pure function of the plugin's Python source,
its identity and the pydantic version, so the first start writes them to the user cache directory
and later starts read them back. Any edit to those files changes the key; a missing, unreadable or
corrupt cache only means they are generated again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import platformdirs
import pydantic

from plugin.observability.logging import get_logger
from plugin.server.parts import PluginParts
from plugin.server.registration import input_schema, output_schema
from plugin.toolkit.spec import ToolSpec

log = get_logger(__name__)

_NOT_SOURCES = frozenset({"tests", "bench", "build", "dist"})  # development only: never define a served tool

Schemas = dict[str, dict[str, dict[str, Any]]]  # tool name -> {"input": schema, "output": schema}


def code_key(root: Path) -> str:
    """A digest of every Python package at the plugin root that can define a tool's models, and the identity."""
    digest = hashlib.sha256(pydantic.VERSION.encode())
    identity = root / "identity.toml"
    digest.update(identity.read_bytes() if identity.is_file() else b"")
    for folder in sorted(p for p in root.iterdir() if (p / "__init__.py").is_file() and p.name not in _NOT_SOURCES):
        for path in sorted(folder.rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def generate(parts: PluginParts, specs: Sequence[ToolSpec[Any, Any]]) -> Schemas:
    namespace = parts.identity.namespace
    return {
        spec.name: {"input": input_schema(spec, namespace), "output": output_schema(spec, namespace)} for spec in specs
    }


def cache_dir(parts: PluginParts) -> Path:
    override = os.environ.get(parts.identity.env("cache_dir"))
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir(parts.identity.name))


def tool_schemas(parts: PluginParts, specs: Sequence[ToolSpec[Any, Any]], directory: Path | None = None) -> Schemas:
    """Schemas of `specs`, from the cache when the code is unchanged, else generated and cached."""
    path = (directory or cache_dir(parts)) / f"tool-schemas-{code_key(parts.root)}.json"
    names = {spec.name for spec in specs}
    try:
        cached: Schemas = json.loads(path.read_text(encoding="utf-8"))
        if names <= set(cached):
            return {name: cached[name] for name in names}
    except (OSError, ValueError):
        pass
    schemas = generate(parts, specs)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as handle:
            json.dump(schemas, handle)
        Path(handle.name).replace(path)  # atomic: a concurrent start never reads half a file
    except OSError as exc:
        log.info("schema_cache_not_written", error=type(exc).__name__)
    return schemas
