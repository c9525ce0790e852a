"""manifest.json: generated from the registry, identical to tools/list, and the check catches drift."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field, create_model

from plugin.config.identity import load_identity
from plugin.release.manifest import (
    ManifestError,
    check,
    differences,
    generate,
    load_manifest,
    render,
    write,
)
from plugin.server.parts import PluginParts
from plugin.server.registration import input_schema
from plugin.toolkit.spec import ToolSpec
from tests.packaging.conftest import copy_plugin
from tests.plugin_parts import IDENTITY, NAMESPACE, PARTS, REGISTRY, ROOT, full_name

MANIFEST_PATH = PARTS.manifest_path
PERMISSION_SCOPES = PARTS.adapter.permission_scopes


def with_tools(specs: list[ToolSpec[Any, Any]]) -> PluginParts:
    """The contract plugin's parts with another tool registry (a changed tool, a read-only fork)."""
    return dataclasses.replace(PARTS, tools=tuple(specs))


def manifest_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    return data


def write_json(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def test_repository_manifest_matches_the_code() -> None:
    assert check(PARTS) == []


def test_manifest_lists_every_registered_tool_with_its_permission_union() -> None:
    manifest = load_manifest(MANIFEST_PATH)
    assert [tool.name for tool in manifest.tools] == [full_name(spec) for spec in REGISTRY]
    assert manifest.permissions == sorted({spec.permission for spec in REGISTRY})
    assert manifest.authentication.scopes == sorted(
        {scope for spec in REGISTRY for scope in PERMISSION_SCOPES[spec.permission]}
    )
    # The identity fields are generated from identity.toml, which the server's start-up identity reads.
    assert load_identity(ROOT) == IDENTITY
    assert (manifest.name, manifest.version, manifest.display_name) == (
        IDENTITY.name,
        IDENTITY.version,
        IDENTITY.display_name,
    )


def test_tools_section_is_identical_to_what_tools_list_serves() -> None:
    """A real `python server.py` over stdio: names, descriptions and inputSchema byte-for-byte equal."""
    messages = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "1"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLM_") or k == "CLM_STATE_DIR"}
    proc = subprocess.Popen(
        [sys.executable, "server.py"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("".join(json.dumps(m) + "\n" for m in messages))
    proc.stdin.flush()
    # Close stdin (the client's shutdown signal) only once tools/list is answered: the first list waits for
    # the granted scopes (plugin.server.visibility), and closing early would abandon it.
    replies: dict[int, dict[str, Any]] = {}
    while 2 not in replies:
        line = proc.stdout.readline()
        assert line, "server exited before answering tools/list"
        message = json.loads(line)
        if "id" in message:
            replies[message["id"]] = message
    proc.stdin.close()
    proc.wait(timeout=60)
    served = {tool["name"]: tool for tool in replies[2]["result"]["tools"]}
    declared = {tool["name"]: tool for tool in manifest_data()["tools"]}
    assert served.keys() == declared.keys()
    for name, tool in declared.items():
        assert served[name]["description"] == tool["description"], name
        assert served[name]["inputSchema"] == tool["parameters"], name


def test_changed_tool_description_without_regenerating_fails() -> None:
    changed = dataclasses.replace(REGISTRY[0], description=REGISTRY[0].description + " Now also sings.")
    problems = differences(with_tools([changed, *REGISTRY[1:]]), load_manifest(MANIFEST_PATH))
    assert problems == [f"tool {full_name(changed)}: description differs from the code"]


def test_changed_tool_schema_without_regenerating_fails() -> None:
    spec = REGISTRY[1]
    wider = create_model(
        "WiderInput", __base__=spec.input_model, include_drafts=(bool, Field(default=False, description="new"))
    )
    changed = dataclasses.replace(spec, input_model=wider)
    assert input_schema(changed, NAMESPACE) != input_schema(spec, NAMESPACE)
    problems = differences(with_tools([REGISTRY[0], changed, *REGISTRY[2:]]), load_manifest(MANIFEST_PATH))
    assert problems == [f"tool {full_name(spec)}: parameters differ from its input schema in the code"]


def test_edited_file_fails_the_check_and_write_repairs_it(tmp_path: Path) -> None:
    data = manifest_data()
    data["tools"][0]["description"] = "Edited by hand."
    data["tools"][2]["parameters"]["properties"].pop(next(iter(data["tools"][2]["parameters"]["properties"])))
    path = write_json(tmp_path / "manifest.json", data)
    problems = check(PARTS, path)
    assert f"tool {data['tools'][0]['name']}: description differs from the code" in problems
    assert f"tool {data['tools'][2]['name']}: parameters differ from its input schema in the code" in problems
    write(PARTS, path)
    assert check(PARTS, path) == []
    assert path.read_text(encoding="utf-8") == MANIFEST_PATH.read_text(encoding="utf-8")


def test_permission_that_no_tool_uses_fails() -> None:
    readers = [spec for spec in REGISTRY if spec.read_only]
    assert len(readers) < len(REGISTRY), "the registry has a write tool to leave out"
    unused = sorted({spec.permission for spec in REGISTRY} - {spec.permission for spec in readers})
    problems = differences(with_tools(readers), generate(PARTS, load_manifest(MANIFEST_PATH)))
    for permission in unused:
        assert f"permission {permission} is declared but no tool uses it (least privilege)" in problems


def test_added_unused_permission_in_the_file_fails(tmp_path: Path) -> None:
    """A read-only fork's manifest, then someone adds a permission by hand: the check names it."""
    readers = [spec for spec in REGISTRY if spec.read_only]
    path = tmp_path / "manifest.json"
    fork = with_tools(readers)
    path.write_text(render(generate(fork, load_manifest(MANIFEST_PATH))), encoding="utf-8")
    assert differences(fork, load_manifest(path)) == []
    extra = sorted(set(PERMISSION_SCOPES) - {spec.permission for spec in readers})[0]
    data = json.loads(path.read_text(encoding="utf-8"))
    data["permissions"] = sorted([*data["permissions"], extra])
    data["authentication"]["scopes"] = sorted([*data["authentication"]["scopes"], *PERMISSION_SCOPES[extra]])
    problems = differences(fork, load_manifest(write_json(path, data)))
    assert problems == [f"permission {extra} is declared but no tool uses it (least privilege)"]


def test_unknown_permission_is_a_clear_error(tmp_path: Path) -> None:
    data = manifest_data()
    data["permissions"] = [*data["permissions"], "delete:everything"]
    path = write_json(tmp_path / "manifest.json", data)
    load_manifest(path)  # the file alone is well-formed: which permissions exist is the adapter's to say
    problems = check(PARTS, path)
    known = ", ".join(PERMISSION_SCOPES)
    assert f"unknown permission(s) 'delete:everything'; known: {known}" in problems


def test_tool_missing_from_the_registry_is_named(tmp_path: Path) -> None:
    data = manifest_data()
    data["tools"].append({"name": "clm__ghost_tool", "description": "Not real.", "parameters": {"type": "object"}})
    problems = check(PARTS, write_json(tmp_path / "manifest.json", data))
    assert problems == ["tool clm__ghost_tool is in the manifest but not in the tool registry"]


def test_tool_missing_from_the_manifest_is_named(tmp_path: Path) -> None:
    data = manifest_data()
    removed = data["tools"].pop()
    problems = check(PARTS, write_json(tmp_path / "manifest.json", data))
    assert f"tool {removed['name']} is in the registry but missing from the manifest" in problems


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d.pop("authentication"), "authentication: Field required"),
        (lambda d: d.update(version="one"), "version: String should match pattern"),
        (lambda d: d["authentication"].update(type="basic"), "authentication.type: Input should be 'oauth2'"),
        (lambda d: d.update(owner="me"), "owner: Extra inputs are not permitted"),
        (lambda d: d["enterprise_controls"].pop("audit_logging"), "enterprise_controls.audit_logging: Field required"),
    ],
)
def test_malformed_manifest_errors_name_the_field(tmp_path: Path, edit: Any, expected: str) -> None:
    data = manifest_data()
    edit(data)
    with pytest.raises(ManifestError) as raised:
        load_manifest(write_json(tmp_path / "manifest.json", data))
    assert expected in str(raised.value)


def test_scopes_that_do_not_match_the_permissions_are_named(tmp_path: Path) -> None:
    data = manifest_data()
    data["authentication"]["scopes"] = ["read:contracts"]
    problems = check(PARTS, write_json(tmp_path / "manifest.json", data))
    assert [
        p for p in problems if p.startswith("authentication.scopes ['read:contracts'] do not match the permissions")
    ]


def test_truncated_manifest_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(MANIFEST_PATH.read_text(encoding="utf-8")[:300], encoding="utf-8")
    assert check(PARTS, path)[0].startswith(f"{path}: not valid JSON")


def test_reformatted_file_fails_until_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest_data()), encoding="utf-8")  # same data, one line
    assert check(PARTS, path) == ["the file is not in generated form (key order, layout)"]
    assert render(load_manifest(path)) == MANIFEST_PATH.read_text(encoding="utf-8")


def test_check_command_exits_non_zero_and_lists_the_problem(tmp_path: Path) -> None:
    """`python server.py manifest check` of an installation whose manifest.json is stale, then of the repository."""
    installed = copy_plugin(tmp_path / "plugin")
    data = manifest_data()
    data["tools"][0]["description"] = "stale"
    write_json(installed / "manifest.json", data)
    failed = subprocess.run(
        [sys.executable, "server.py", "manifest", "check"],
        capture_output=True,
        text=True,
        cwd=installed,
        check=False,
        timeout=60,
    )
    assert failed.returncode == 1
    assert f"tool {data['tools'][0]['name']}: description differs from the code" in failed.stderr
    assert failed.stdout == ""
    passed = subprocess.run(
        [sys.executable, "server.py", "manifest", "check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )
    assert passed.returncode == 0, passed.stderr
    assert passed.stdout == ""
