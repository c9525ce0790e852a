"""The on-disk tool-schema cache serves exactly what the code generates, and heals when corrupt."""

from __future__ import annotations

import json
from pathlib import Path

from plugin.server.schema_cache import code_key, generate, tool_schemas
from tools import REGISTRY


def test_cached_schemas_equal_generated_ones(tmp_path: Path) -> None:
    first = tool_schemas(REGISTRY, tmp_path)
    files = list(tmp_path.glob("tool-schemas-*.json"))
    assert len(files) == 1 and code_key() in files[0].name
    assert tool_schemas(REGISTRY, tmp_path) == first == generate(REGISTRY)


def test_a_corrupt_or_partial_cache_is_regenerated(tmp_path: Path) -> None:
    path = tmp_path / f"tool-schemas-{code_key()}.json"
    path.write_text("{not json", encoding="utf-8")
    assert tool_schemas(REGISTRY, tmp_path) == generate(REGISTRY)
    path.write_text(json.dumps({"search_contracts": {"input": {}, "output": {}}}), encoding="utf-8")
    assert tool_schemas(REGISTRY, tmp_path) == generate(REGISTRY)


def test_the_key_follows_the_code(tmp_path: Path) -> None:
    for folder in ("tools", "plugin", "clm_client"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.py").write_text("x = 1\n", encoding="utf-8")
    before = code_key(tmp_path)
    (tmp_path / "tools" / "a.py").write_text("x = 2\n", encoding="utf-8")
    assert code_key(tmp_path) != before
