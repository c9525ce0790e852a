"""The plugin zip, the MCP bundle and the Claude plugin files: built from one file list, consistent with
manifest.json, and refusing to ship a stale manifest or a broken signature."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from plugin.config.identity import UserOption
from plugin.release.manifest import load_manifest
from plugin.release.packaging import (
    PackagingError,
    build_mcpb,
    build_plugin_zip,
    package_files,
    stage_mcpb,
    user_options,
)
from plugin.release.shipped import SIGNATURE_NAME, shipped_files
from plugin.release.signing import sign, verify
from plugin.server.parts import PluginParts
from tests.plugin_parts import IDENTITY, PARTS, ROOT

KeyPair = tuple[Ed25519PrivateKey, str]
META_KEY = IDENTITY.reverse_dns
# {user config key: (environment variable, option)}, from identity.toml's user options.
USER_OPTIONS: dict[str, tuple[str, UserOption]] = {
    IDENTITY.user_config_key(option): (IDENTITY.env(option.key), option) for option in IDENTITY.user_options
}


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_plugin_zip_holds_exactly_the_shipped_files_and_is_reproducible(
    plugin_copy: Path, copy_parts: PluginParts, tmp_path: Path
) -> None:
    first = build_plugin_zip(copy_parts, tmp_path / "a.zip")
    second = build_plugin_zip(copy_parts, tmp_path / "b.zip")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
    assert names == shipped_files(plugin_copy)
    for required in (".claude-plugin/plugin.json", ".mcp.json", "manifest.json", "identity.toml", "server.py"):
        assert required in names
    assert "skills/contract-intelligence/SKILL.md" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".db", ".pem"))]


def test_signed_zip_verifies_after_unpacking(
    plugin_copy: Path, copy_parts: PluginParts, key_pair: KeyPair, tmp_path: Path
) -> None:
    key, fingerprint = key_pair
    sign(plugin_copy, IDENTITY, key)
    built = build_plugin_zip(copy_parts, tmp_path / "signed.zip")
    unpacked = tmp_path / "installed"
    with zipfile.ZipFile(built) as archive:
        assert SIGNATURE_NAME in archive.namelist()
        archive.extractall(unpacked)
    assert verify(unpacked, IDENTITY, fingerprint).ok


def test_packaging_refuses_a_stale_manifest(plugin_copy: Path, copy_parts: PluginParts, tmp_path: Path) -> None:
    manifest = read_json(plugin_copy / "manifest.json")
    manifest["tools"][0]["description"] = "stale"
    (plugin_copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(PackagingError, match="description differs from the code"):
        build_plugin_zip(copy_parts, tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()


def test_packaging_refuses_a_signature_that_no_longer_matches(
    plugin_copy: Path, copy_parts: PluginParts, key_pair: KeyPair, tmp_path: Path
) -> None:
    sign(plugin_copy, IDENTITY, key_pair[0])
    (plugin_copy / "server.py").write_text((plugin_copy / "server.py").read_text() + "\n# edit\n", encoding="utf-8")
    with pytest.raises(PackagingError, match=re.escape("modified: server.py")):
        build_mcpb(copy_parts, tmp_path / "x.mcpb", staging=tmp_path / "stage", with_deps=False)


def test_mcpb_layout_and_manifest(
    plugin_copy: Path, copy_parts: PluginParts, key_pair: KeyPair, tmp_path: Path
) -> None:
    key, fingerprint = key_pair
    sign(plugin_copy, IDENTITY, key)
    built = build_mcpb(copy_parts, tmp_path / "ci.mcpb", staging=tmp_path / "stage", with_deps=False)
    ours = load_manifest(plugin_copy / "manifest.json")
    with zipfile.ZipFile(built) as archive:
        names = set(archive.namelist())
        bundle = json.loads(archive.read("manifest.json"))
        archive.extractall(tmp_path / "unpacked")
    assert names == {"manifest.json", "icon.png"} | {f"server/{n}" for n in package_files(plugin_copy)}
    # The plugin inside the bundle is still a verifiable, signed installation.
    assert verify(tmp_path / "unpacked" / "server", IDENTITY, fingerprint).ok

    assert bundle["manifest_version"] == "0.3"
    assert (bundle["name"], bundle["version"], bundle["display_name"]) == (ours.name, ours.version, ours.display_name)
    assert bundle["server"]["type"] == "python"
    assert bundle["server"]["entry_point"] == "server/server.py"
    assert (tmp_path / "unpacked" / bundle["server"]["entry_point"]).is_file()
    assert bundle["server"]["mcp_config"]["args"] == ["${__dirname}/server/server.py"]
    assert [t["name"] for t in bundle["tools"]] == [t.name for t in ours.tools]
    # The MCPB schema is strict: our own review fields go under _meta only.
    assert bundle["_meta"][META_KEY]["permissions"] == ours.permissions
    assert bundle["_meta"][META_KEY]["authentication"]["scopes"] == ours.authentication.scopes
    assert "permissions" not in bundle and "enterprise_controls" not in bundle
    env = bundle["server"]["mcp_config"]["env"]
    assert set(user_options(copy_parts)) == set(USER_OPTIONS) == set(bundle["user_config"])
    for key_name, (variable, _) in USER_OPTIONS.items():
        assert env[variable] == f"${{user_config.{key_name}}}"
        assert key_name in bundle["user_config"]
    assert bundle["user_config"]["clm_client_secret"]["sensitive"] is True
    assert [k for k, v in bundle["user_config"].items() if v.get("sensitive")] == ["clm_client_secret"]


def test_claude_plugin_files_agree_with_the_manifest() -> None:
    ours = load_manifest(PARTS.manifest_path)
    plugin = read_json(ROOT / ".claude-plugin" / "plugin.json")
    market = read_json(ROOT / ".claude-plugin" / "marketplace.json")
    mcp = read_json(ROOT / ".mcp.json")
    assert (plugin["name"], plugin["version"], plugin["description"]) == (ours.name, ours.version, ours.description)
    [listed] = [p for p in market["plugins"] if p["name"] == ours.name]
    assert listed["version"] == ours.version
    assert listed["source"] == "./"
    assert IDENTITY.server_key == "clm"
    server = mcp["mcpServers"]["clm"]
    assert server["args"] == ["${CLAUDE_PLUGIN_ROOT}/server.py"]
    # Same options, same variables, same secret as the MCP bundle.
    assert set(plugin["userConfig"]) == set(USER_OPTIONS)
    assert server["env"] == {variable: f"${{user_config.{key}}}" for key, (variable, _) in USER_OPTIONS.items()}
    sensitive = [key for key, option in plugin["userConfig"].items() if option.get("sensitive")]
    assert sensitive == [key for key, (_, option) in USER_OPTIONS.items() if option.sensitive] == ["clm_client_secret"]
    assert "default" not in plugin["userConfig"]["clm_client_secret"]


def test_mcpb_has_icon_privacy_policies_and_reverse_dns_meta(copy_parts: PluginParts, tmp_path: Path) -> None:
    built = build_mcpb(copy_parts, tmp_path / "b.mcpb", staging=tmp_path / "stage", with_deps=False)
    with zipfile.ZipFile(built) as archive:
        bundle = json.loads(archive.read("manifest.json"))
        icon = archive.read(bundle["icon"])
    assert icon.startswith(b"\x89PNG\r\n\x1a\n") and icon[12:16] == b"IHDR"
    assert bundle["privacy_policies"] == IDENTITY.privacy_policies and bundle["privacy_policies"]
    assert list(bundle["_meta"]) == [IDENTITY.reverse_dns]
    assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", IDENTITY.reverse_dns)


def test_uv_bundle_is_cross_platform_with_the_pinned_set(copy_parts: PluginParts, tmp_path: Path) -> None:
    import tomllib

    from plugin.bootstrap import normalise, pinned

    bundle = stage_mcpb(copy_parts, tmp_path / "stage", with_deps=False, uv=True)
    assert bundle.manifest_version == "0.4" and bundle.server.type == "uv"
    assert bundle.compatibility.platforms == ["darwin", "win32", "linux"]
    project = tomllib.loads((tmp_path / "stage" / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {normalise(d.split("==")[0]): d.split("==")[1] for d in project["dependencies"]}
    assert pins == pinned(ROOT / "requirements.txt")
    assert not (tmp_path / "stage" / "server" / "lib").exists()


def test_bundled_dependencies_carry_no_build_machine_paths(copy_parts: PluginParts, tmp_path: Path) -> None:
    import sys

    stage_mcpb(copy_parts, tmp_path / "stage", with_deps=True)
    lib = tmp_path / "stage" / "server" / "lib"
    assert lib.is_dir()
    assert not (lib / "bin").exists()  # console scripts with this interpreter's path in their shebang
    needles = {sys.prefix.encode(), sys.executable.encode(), str(tmp_path).encode()}
    offenders = [
        path.relative_to(lib).as_posix()
        for path in lib.rglob("*")
        if path.is_file() and path.suffix not in {".so", ".pyd"} and any(n in path.read_bytes() for n in needles)
    ]
    assert offenders == []
