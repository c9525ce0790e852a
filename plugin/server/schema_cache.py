"""Tool JSON schemas, cached on disk under a key that changes whenever the code that defines them does.

Generating eight input and output schemas with pydantic is the largest piece of start-up work the
plugin adds to a bare MCP server. The schemas are a pure function of the source of `tools/`,
`plugin/` and `clm_client/` and of the pydantic version, so the first start writes them to the user
cache directory and later starts read them back. Any edit to those files changes the key; a missing,
unreadable or corrupt cache only means they are generated again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pydantic

from plugin.observability.logging import get_logger
from plugin.server.pipeline import input_schema, output_schema
from plugin.toolkit.spec import ToolSpec

log = get_logger(__name__)

ROOT = Path(__file__).resolve().parents[2]
_SOURCES = ("tools", "plugin", "clm_client")

Schemas = dict[str, dict[str, dict[str, Any]]]  # tool name -> {"input": schema, "output": schema}


def code_key(root: Path = ROOT) -> str:
    digest = hashlib.sha256(pydantic.VERSION.encode())
    for folder in _SOURCES:
        for path in sorted((root / folder).rglob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def generate(specs: Sequence[ToolSpec[Any, Any]]) -> Schemas:
    return {spec.name: {"input": input_schema(spec), "output": output_schema(spec)} for spec in specs}


def cache_dir() -> Path:
    override = os.environ.get("CLM_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("contract-intelligence"))


def tool_schemas(specs: Sequence[ToolSpec[Any, Any]], directory: Path | None = None) -> Schemas:
    """Schemas of `specs`, from the cache when the code is unchanged, else generated and cached."""
    path = (directory or cache_dir()) / f"tool-schemas-{code_key()}.json"
    names = {spec.name for spec in specs}
    try:
        cached: Schemas = json.loads(path.read_text(encoding="utf-8"))
        if names <= set(cached):
            return {name: cached[name] for name in names}
    except (OSError, ValueError):
        pass
    schemas = generate(specs)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as handle:
            json.dump(schemas, handle)
        Path(handle.name).replace(path)  # atomic: a concurrent start never reads half a file
    except OSError as exc:
        log.info("schema_cache_not_written", error=type(exc).__name__)
    return schemas
