"""manifest.json: the plugin's declaration for security review - its model, generation and check.

Hand-maintained fields (name, version, texts, author, category, token endpoint, enterprise controls)
are kept as written; the generated ones (`tools`, `permissions`, `authentication.scopes`) come from
the tool registry, so the file can never claim less or more than the code does.

    python -m plugin.release.manifest write    regenerate the generated fields in place
    python -m plugin.release.manifest check    exit 1 and list every difference when file and code disagree
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError, model_validator

from clm_client.client import SCOPE_READ_CONTRACTS, SCOPE_READ_DOCUMENTS, SCOPE_WRITE_ANNOTATIONS
from plugin.server.pipeline import input_schema
from plugin.toolkit.spec import MAX_TOOL_NAME, ToolSpec

ROOT = Path(__file__).resolve().parents[2]
MANIFEST_PATH = ROOT / "manifest.json"

# What each permission a tool may declare grants, as OAuth scopes of the CLM. A fork whose backend
# names scopes differently changes this table (and the constants in its adapter), nothing else.
PERMISSION_SCOPES: dict[str, tuple[str, ...]] = {
    SCOPE_READ_CONTRACTS: (SCOPE_READ_CONTRACTS,),
    SCOPE_READ_DOCUMENTS: (SCOPE_READ_DOCUMENTS,),
    SCOPE_WRITE_ANNOTATIONS: (SCOPE_WRITE_ANNOTATIONS,),
}

_NAME = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_SEMVER = r"^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Author(_Strict):
    name: str = Field(min_length=1)
    # Left out of the file when unset, so a fork's manifest stays short.
    email: str | None = Field(default=None, exclude_if=lambda value: value is None)
    url: str | None = Field(default=None, exclude_if=lambda value: value is None)


class Authentication(_Strict):
    type: Literal["oauth2"]
    scopes: list[str]
    token_endpoint: str = Field(min_length=1, description="URL, or ${CLM_TOKEN_URL} when set per install")


class ManifestTool(_Strict):
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    parameters: dict[str, JsonValue] = Field(description="JSON Schema identical to tools/list inputSchema")


class EnterpriseControls(_Strict):
    data_residency: str | None = Field(description="Region the CLM data stays in, or null when not pinned")
    audit_logging: bool
    user_consent_required: bool


class Manifest(_Strict):
    """The whole file. Validation checks what a manifest must satisfy on its own (e.g. in a fork)."""

    name: str = Field(pattern=_NAME, description="kebab-case plugin name")
    version: str = Field(pattern=_SEMVER)
    display_name: str = Field(min_length=1)
    description: str = Field(min_length=1, max_length=1024)
    instructions: str | None = Field(default=None, description="The MCP server's instructions")
    author: Author
    category: str = Field(min_length=1)
    permissions: list[str]
    authentication: Authentication
    tools: list[ManifestTool]
    enterprise_controls: EnterpriseControls

    @model_validator(mode="after")
    def _consistent(self) -> Manifest:
        problems: list[str] = []
        unknown = [p for p in self.permissions if p not in PERMISSION_SCOPES]
        if unknown:
            problems.append(
                f"unknown permission(s) {', '.join(map(repr, unknown))}; known: {', '.join(PERMISSION_SCOPES)}"
            )
        if len(set(self.permissions)) != len(self.permissions):
            problems.append("permissions lists a permission twice")
        expected_scopes = scopes_for(p for p in self.permissions if p in PERMISSION_SCOPES)
        if not unknown and sorted(self.authentication.scopes) != expected_scopes:
            problems.append(
                f"authentication.scopes {self.authentication.scopes} do not match the permissions "
                f"(expected {expected_scopes})"
            )
        names = [tool.name for tool in self.tools]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            problems.append(f"tool(s) listed twice: {', '.join(twice)}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class ManifestError(Exception):
    """A manifest that cannot be read or does not validate; the message names each problem."""


def scopes_for(permissions: Iterable[str]) -> list[str]:
    return sorted({scope for permission in permissions for scope in PERMISSION_SCOPES[permission]})


def load_manifest(path: Path = MANIFEST_PATH) -> Manifest:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{path}: not found") from None
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path}: not valid JSON ({exc})") from None
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        raise ManifestError(f"{path}: invalid manifest:\n" + describe(exc)) from None


def describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in error["loc"]) or "manifest"
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"  - {where}: {message}")
    return "\n".join(lines)


# -- generation ----------------------------------------------------------------------------------------


def registry() -> tuple[ToolSpec[Any, Any], ...]:
    from tools import REGISTRY

    return REGISTRY


def tool_entry(spec: ToolSpec[Any, Any]) -> ManifestTool:
    from tools import full_name

    return ManifestTool(name=full_name(spec), description=spec.description, parameters=input_schema(spec))


def generate(current: Manifest, specs: Sequence[ToolSpec[Any, Any]] | None = None) -> Manifest:
    """`current` with its generated fields recomputed from the registry (every tool the plugin ships)."""
    specs = registry() if specs is None else specs
    unknown = sorted({s.permission for s in specs} - set(PERMISSION_SCOPES))
    if unknown:
        raise ManifestError(
            f"tool permission(s) {', '.join(unknown)} are not in plugin.release.manifest.PERMISSION_SCOPES; "
            "add them there with the OAuth scopes they need"
        )
    permissions = sorted({spec.permission for spec in specs})
    return current.model_copy(
        update={
            "permissions": permissions,
            "authentication": current.authentication.model_copy(update={"scopes": scopes_for(permissions)}),
            "tools": [tool_entry(spec) for spec in specs],
        }
    )


def render(manifest: Manifest) -> str:
    return json.dumps(manifest.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def differences(manifest: Manifest, specs: Sequence[ToolSpec[Any, Any]] | None = None) -> list[str]:
    """Every way the manifest disagrees with the code; empty when they agree."""
    specs = registry() if specs is None else specs
    from tools import full_name

    problems: list[str] = []
    declared = {tool.name: tool for tool in manifest.tools}
    for name in declared:
        if name not in {full_name(s) for s in specs}:
            problems.append(f"tool {name} is in the manifest but not in the tool registry (tools.REGISTRY)")
    for spec in specs:
        name = full_name(spec)
        if len(spec.name) > MAX_TOOL_NAME:
            problems.append(f"tool {name}: name longer than {MAX_TOOL_NAME} characters")
        tool = declared.get(name)
        if tool is None:
            problems.append(f"tool {name} is in the registry but missing from the manifest")
            continue
        expected = tool_entry(spec)
        if tool.description != expected.description:
            problems.append(f"tool {name}: description differs from the code")
        if tool.parameters != expected.parameters:
            problems.append(f"tool {name}: parameters differ from its input schema in the code")
    if not problems and [t.name for t in manifest.tools] != [full_name(s) for s in specs]:
        problems.append("tools are not in registry order")
    needed = {spec.permission for spec in specs}
    for permission in sorted(set(manifest.permissions) - needed):
        problems.append(f"permission {permission} is declared but no tool uses it (least privilege)")
    for permission in sorted(needed - set(manifest.permissions)):
        problems.append(f"permission {permission} is used by a tool but not declared")
    return problems


def check(path: Path = MANIFEST_PATH) -> list[str]:
    """Problems with the file at `path` (validation errors, disagreement with the code, formatting)."""
    try:
        manifest = load_manifest(path)
    except ManifestError as exc:
        return [str(exc)]
    problems = differences(manifest)
    if not problems and path.read_text(encoding="utf-8") != render(generate(manifest)):
        problems.append("the file is not in generated form (key order, layout)")
    return problems


def write(path: Path = MANIFEST_PATH) -> Manifest:
    manifest = generate(load_manifest_lenient(path))
    path.write_text(render(manifest), encoding="utf-8")
    return manifest


def load_manifest_lenient(path: Path) -> Manifest:
    """Read the hand-maintained fields even when the generated ones are stale or wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read ({exc})") from None
    if isinstance(data, dict):
        data = {**data, "permissions": [], "tools": []}
        if isinstance(data.get("authentication"), dict):
            data["authentication"] = {**data["authentication"], "scopes": []}
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        raise ManifestError(f"{path}: invalid manifest:\n" + describe(exc)) from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m plugin.release.manifest", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["write", "check"])
    parser.add_argument("--path", type=Path, default=MANIFEST_PATH)
    args = parser.parse_args(argv)
    if args.command == "write":
        try:
            manifest = write(args.path)
        except ManifestError as exc:
            sys.stderr.write(f"{exc}\n")
            return 1
        sys.stderr.write(f"wrote {args.path}: {len(manifest.tools)} tools, permissions {manifest.permissions}\n")
        return 0
    problems = check(args.path)
    if problems:
        sys.stderr.write(
            f"{args.path} disagrees with the code:\n"
            + "\n".join(f"  - {p}" for p in problems)
            + "\nRun `python -m plugin.release.manifest write` and review the diff.\n"
        )
        return 1
    sys.stderr.write(f"{args.path} matches the code\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
