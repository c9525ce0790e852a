"""The on-disk tool-schema cache serves exactly what the code generates, and heals when corrupt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plugin.server.schema_cache import cache_dir, code_key, generate, tool_schemas
from tests.plugin_parts import IDENTITY, PARTS, REGISTRY, ROOT


def test_cached_schemas_equal_generated_ones(tmp_path: Path) -> None:
    first = tool_schemas(PARTS, REGISTRY, tmp_path)
    files = list(tmp_path.glob("tool-schemas-*.json"))
    assert len(files) == 1 and code_key(ROOT) in files[0].name
    assert tool_schemas(PARTS, REGISTRY, tmp_path) == first == generate(PARTS, REGISTRY)


def test_a_corrupt_or_partial_cache_is_regenerated(tmp_path: Path) -> None:
    path = tmp_path / f"tool-schemas-{code_key(ROOT)}.json"
    path.write_text("{not json", encoding="utf-8")
    assert tool_schemas(PARTS, REGISTRY, tmp_path) == generate(PARTS, REGISTRY)
    path.write_text(json.dumps({"search_contracts": {"input": {}, "output": {}}}), encoding="utf-8")
    assert tool_schemas(PARTS, REGISTRY, tmp_path) == generate(PARTS, REGISTRY)


def test_the_key_follows_the_code(tmp_path: Path) -> None:
    for folder in ("tools", "plugin", "clm_client"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "__init__.py").write_text("", encoding="utf-8")
        (tmp_path / folder / "a.py").write_text("x = 1\n", encoding="utf-8")
    before = code_key(tmp_path)
    (tmp_path / "tools" / "a.py").write_text("x = 2\n", encoding="utf-8")
    assert code_key(tmp_path) != before
    changed = code_key(tmp_path)
    (tmp_path / "clm_client" / "a.py").write_text("x = 3\n", encoding="utf-8")
    assert code_key(tmp_path) != changed


def test_the_key_follows_the_identity(tmp_path: Path) -> None:
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "identity.toml").write_text('namespace = "clm__"\n', encoding="utf-8")
    before = code_key(tmp_path)
    (tmp_path / "identity.toml").write_text('namespace = "acme__"\n', encoding="utf-8")
    assert code_key(tmp_path) != before


def test_the_cache_directory_is_set_by_the_plugin_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert IDENTITY.env("cache_dir") == "CLM_CACHE_DIR"
    monkeypatch.setenv("CLM_CACHE_DIR", str(tmp_path / "cache"))
    assert cache_dir(PARTS) == tmp_path / "cache"
