"""Names derived from the fake's identity, and the release checks on the fake plugin root."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from plugin.config.identity import CLIENT_TOOL_NAME_LIMIT
from plugin.config.settings import SettingsError, load_settings
from plugin.release import identity_files, manifest
from plugin.server.parts import PluginParts
from plugin.toolkit.spec import ToolSpec
from tests.template.fake.tools import REGISTRY
from tests.template.helpers import REFERENCE


def test_settings_read_the_identity_prefix(fake_root: PluginParts, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_READ_ONLY", "true")
    monkeypatch.setenv("FAKE_MAX_RETRIES", "1")
    monkeypatch.setenv(REFERENCE.env("max_retries"), "7")  # another plugin's prefix is not read
    settings = load_settings(fake_root.identity)
    assert settings.read_only is True and settings.max_retries == 1
    assert [spec.name for spec in fake_root.enabled_tools(settings)] == ["list_items"]
    monkeypatch.setenv("FAKE_BASE_URL", "https://items.example.com")
    with pytest.raises(SettingsError) as raised:
        load_settings(fake_root.identity)
    message = str(raised.value)
    assert "FAKE_TOKEN_URL" in message and "FAKE_CLIENT_SECRET" in message and REFERENCE.env_prefix not in message


def test_tool_names_fit_the_client_limit(fake_root: PluginParts) -> None:
    identity = fake_root.identity
    assert identity.client_tool_prefix == "mcp__plugin_fake-items_fakeitems__"
    assert identity.max_tool_name == CLIENT_TOOL_NAME_LIMIT - len(identity.client_tool_prefix) == 30
    for spec in REGISTRY:
        name = fake_root.full_name(spec)
        assert name.startswith("fake__") and len(name) <= identity.max_tool_name
        assert len(identity.client_tool_prefix + name) <= CLIENT_TOOL_NAME_LIMIT


def test_a_too_long_tool_name_fails_the_manifest_check(fake_root: PluginParts) -> None:
    long: ToolSpec[Any, Any] = dataclasses.replace(REGISTRY[0], name="list_every_single_item_ever")
    parts = dataclasses.replace(fake_root, tools=(long, REGISTRY[1]))
    problems = manifest.differences(parts, manifest.load_manifest(fake_root.manifest_path))
    assert any("longer than 30 characters" in problem for problem in problems), problems


def test_manifest_and_identity_files_check(fake_root: PluginParts) -> None:
    assert manifest.check(fake_root) == []
    assert identity_files.check(fake_root.root, fake_root.identity) == []
    data = json.loads(fake_root.manifest_path.read_text(encoding="utf-8"))
    assert data["name"] == "fake-items" and data["permissions"] == ["read:items", "write:items"]
    assert data["authentication"]["token_endpoint"] == "${FAKE_TOKEN_URL}"
    assert [tool["name"] for tool in data["tools"]] == ["fake__list_items", "fake__add_note"]
    mcp = json.loads((fake_root.root / ".mcp.json").read_text(encoding="utf-8"))
    assert set(mcp["mcpServers"]) == {"fakeitems"}
    assert set(mcp["mcpServers"]["fakeitems"]["env"]) == {"FAKE_BASE_URL", "FAKE_CLIENT_SECRET"}


def test_manifest_check_catches_drift(fake_root: PluginParts, tmp_path: Any) -> None:
    stale = json.loads(fake_root.manifest_path.read_text(encoding="utf-8"))
    stale["tools"] = stale["tools"][:1]
    stale["permissions"] = ["read:items"]
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(stale), encoding="utf-8")
    problems = manifest.check(fake_root, path)
    assert "tool fake__add_note is in the registry but missing from the manifest" in problems
    assert "permission write:items is used by a tool but not declared" in problems
