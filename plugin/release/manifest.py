"""manifest.json: the plugin's declaration for security review - its model, generation and check.

The identity fields (name, version, display name, texts, author, category, token endpoint) come from
identity.toml; `tools`, `permissions` and `authentication.scopes` from the tool registry and the
adapter's scope table; only `enterprise_controls` is written by hand (the administrator's policy).
So the file can never claim less or more than the code does.

    python server.py manifest write    regenerate the generated fields in place
    python server.py manifest check    exit 1 and list every difference when file and code disagree
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError, model_validator

from plugin.server.parts import PluginParts
from plugin.server.registration import description, input_schema
from plugin.toolkit.spec import ToolSpec

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
    token_endpoint: str = Field(min_length=1, description="URL, or ${<ENV_PREFIX>TOKEN_URL} when set per install")


class ManifestTool(_Strict):
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    parameters: dict[str, JsonValue] = Field(description="JSON Schema identical to tools/list inputSchema")


class EnterpriseControls(_Strict):
    data_residency: str | None = Field(description="Region the backend's data stays in, or null when not pinned")
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
        if len(set(self.permissions)) != len(self.permissions):
            problems.append("permissions lists a permission twice")
        names = [tool.name for tool in self.tools]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            problems.append(f"tool(s) listed twice: {', '.join(twice)}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class ManifestError(Exception):
    """A manifest that cannot be read or does not validate; the message names each problem."""


def load_manifest(path: Path) -> Manifest:
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


def tool_entry(parts: PluginParts, spec: ToolSpec[Any, Any]) -> ManifestTool:
    namespace = parts.identity.namespace
    return ManifestTool(
        name=parts.full_name(spec), description=description(spec, namespace), parameters=input_schema(spec, namespace)
    )


def _unknown_permissions(parts: PluginParts, permissions: Sequence[str]) -> list[str]:
    return sorted(set(permissions) - set(parts.adapter.permission_scopes))


def generate(parts: PluginParts, current: Manifest) -> Manifest:
    """`current` with its generated fields recomputed from the identity, the registry and the adapter."""
    specs = parts.tools
    unknown = _unknown_permissions(parts, [s.permission for s in specs])
    if unknown:
        raise ManifestError(
            f"tool permission(s) {', '.join(unknown)} are not in the adapter's permission_scopes; "
            "add them there with the OAuth scopes they need"
        )
    identity = parts.identity
    permissions = sorted({spec.permission for spec in specs})
    author = Author(name=identity.author.name, email=identity.author.email, url=identity.author.url)
    return current.model_copy(
        update={
            "name": identity.name,
            "version": identity.version,
            "display_name": identity.display_name,
            "description": identity.description,
            "instructions": identity.instructions,
            "author": author,
            "category": identity.category,
            "permissions": permissions,
            "authentication": Authentication(
                type="oauth2",
                scopes=list(parts.scopes_for(permissions)),
                token_endpoint=f"${{{identity.env('token_url')}}}",
            ),
            "tools": [tool_entry(parts, spec) for spec in specs],
        }
    )


def render(manifest: Manifest) -> str:
    return json.dumps(manifest.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def differences(parts: PluginParts, manifest: Manifest) -> list[str]:
    """Every way the manifest disagrees with the code; empty when they agree."""
    specs = parts.tools
    identity = parts.identity
    problems: list[str] = []
    unknown = _unknown_permissions(parts, manifest.permissions)
    if unknown:
        known = ", ".join(parts.adapter.permission_scopes)
        problems.append(f"unknown permission(s) {', '.join(map(repr, unknown))}; known: {known}")
    declared = {tool.name: tool for tool in manifest.tools}
    names = {parts.full_name(s) for s in specs}
    for name in declared:
        if name not in names:
            problems.append(f"tool {name} is in the manifest but not in the tool registry")
    for spec in specs:
        name = parts.full_name(spec)
        if len(name) > identity.max_tool_name:
            problems.append(
                f"tool {name}: longer than {identity.max_tool_name} characters, so the client's name "
                f"{identity.client_tool_prefix}{name} would exceed 64"
            )
        tool = declared.get(name)
        if tool is None:
            problems.append(f"tool {name} is in the registry but missing from the manifest")
            continue
        expected = tool_entry(parts, spec)
        if tool.description != expected.description:
            problems.append(f"tool {name}: description differs from the code")
        if tool.parameters != expected.parameters:
            problems.append(f"tool {name}: parameters differ from its input schema in the code")
    if not problems and [t.name for t in manifest.tools] != [parts.full_name(s) for s in specs]:
        problems.append("tools are not in registry order")
    needed = {spec.permission for spec in specs}
    for permission in sorted(set(manifest.permissions) - needed):
        problems.append(f"permission {permission} is declared but no tool uses it (least privilege)")
    for permission in sorted(needed - set(manifest.permissions)):
        problems.append(f"permission {permission} is used by a tool but not declared")
    if not unknown and sorted(manifest.authentication.scopes) != list(parts.scopes_for(manifest.permissions)):
        problems.append(
            f"authentication.scopes {manifest.authentication.scopes} do not match the permissions "
            f"(expected {list(parts.scopes_for(manifest.permissions))})"
        )
    for field in ("name", "version", "display_name", "description", "instructions", "category"):
        if getattr(manifest, field) != getattr(identity, field):
            problems.append(f"{field} differs from identity.toml")
    return problems


def check(parts: PluginParts, path: Path | None = None) -> list[str]:
    """Problems with the manifest file (validation errors, disagreement with the code, formatting)."""
    path = path or parts.manifest_path
    try:
        manifest = load_manifest(path)
    except ManifestError as exc:
        return [str(exc)]
    problems = differences(parts, manifest)
    if not problems and path.read_text(encoding="utf-8") != render(generate(parts, manifest)):
        problems.append("the file is not in generated form (key order, layout)")
    return problems


def write(parts: PluginParts, path: Path | None = None) -> Manifest:
    path = path or parts.manifest_path
    manifest = generate(parts, load_manifest_lenient(path))
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
