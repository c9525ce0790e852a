"""Builds what admins install: the Claude plugin zip (Claude Code / Cowork) and the MCP bundle (Claude Desktop).

    python -m plugin.release.packaging plugin-zip [--output PATH]
        build/contract-intelligence-<version>.zip: the plugin root (.claude-plugin/, .mcp.json,
        skills/, server.py, ...) for a Cowork admin to upload or a marketplace to host.
    python -m plugin.release.packaging mcpb [--no-deps] [--output PATH]
        build/mcpb/ (manifest.json + server/) and build/contract-intelligence-<version>.mcpb; with
        dependencies (default) `pip install --target server/lib` for this platform and Python.

Both refuse to build when manifest.json disagrees with the code, or when a manifest.sig is present
but no longer matches the files (shipping a broken signature is worse than none).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from plugin.release.manifest import Manifest, check, load_manifest
from plugin.release.shipped import ROOT, SIGNATURE_NAME, shipped_files
from plugin.release.signing import verify

META_KEY = "contract-intelligence"  # where this project's own fields live in the MCPB manifest's _meta
MCPB_MANIFEST_VERSION = "0.3"
# A fixed timestamp, so two builds of the same files are byte-identical archives.
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


class PackagingError(Exception):
    pass


def preflight(root: Path = ROOT) -> Manifest:
    """The manifest, once it agrees with the code and any signature still matches the files."""
    problems = check(root / "manifest.json")
    if problems:
        raise PackagingError(
            "manifest.json disagrees with the code (run `python -m plugin.release.manifest write`):\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    if (root / SIGNATURE_NAME).exists():
        result = verify(root)
        if not result.ok:
            raise PackagingError(
                f"{SIGNATURE_NAME} no longer matches the files; re-sign (python -m plugin.release.signing sign) "
                "or delete it:\n" + "\n".join(f"  - {p}" for p in result.problems)
            )
    return load_manifest(root / "manifest.json")


def package_files(root: Path) -> list[str]:
    names = shipped_files(root)
    if (root / SIGNATURE_NAME).exists():
        names.append(SIGNATURE_NAME)
    return sorted(names)


def _zip(entries: Sequence[tuple[Path, str]], output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for source, arcname in sorted(entries, key=lambda entry: entry[1]):
            info = zipfile.ZipInfo(arcname, date_time=_ZIP_TIME)
            info.external_attr = ((0o755 if source.stat().st_mode & 0o111 else 0o644) << 16) | 0
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, source.read_bytes())
    tmp.replace(output)
    return output


def build_plugin_zip(root: Path = ROOT, output: Path | None = None) -> Path:
    manifest = preflight(root)
    output = output or root / "build" / f"{manifest.name}-{manifest.version}.zip"
    return _zip([(root / name, name) for name in package_files(root)], output)


# -- MCP bundle ----------------------------------------------------------------------------------------


class _Mcpb(BaseModel):
    """The subset of the MCPB manifest (v0.3) we write; the schema is strict, so no extra keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class McpbAuthor(_Mcpb):
    name: str
    email: str | None = Field(default=None, exclude_if=lambda value: value is None)
    url: str | None = Field(default=None, exclude_if=lambda value: value is None)


class McpbMcpConfig(_Mcpb):
    command: str
    args: list[str]
    env: dict[str, str]
    platform_overrides: dict[str, dict[str, str]] = Field(default_factory=dict)


class McpbServer(_Mcpb):
    type: Literal["python"] = "python"
    entry_point: str
    mcp_config: McpbMcpConfig


class McpbTool(_Mcpb):
    name: str
    description: str


class McpbUserOption(_Mcpb):
    type: Literal["string", "boolean"]
    title: str
    description: str
    required: bool = False
    sensitive: bool = Field(default=False, exclude_if=lambda value: value is False)
    default: str | bool | None = Field(default=None, exclude_if=lambda value: value is None)


class McpbCompatibility(_Mcpb):
    platforms: list[Literal["darwin", "win32", "linux"]]
    runtimes: dict[str, str]


class McpbManifest(_Mcpb):
    manifest_version: str = MCPB_MANIFEST_VERSION
    name: str
    display_name: str
    version: str
    description: str
    long_description: str
    author: McpbAuthor
    server: McpbServer
    tools: list[McpbTool]
    tools_generated: bool = False
    keywords: list[str]
    compatibility: McpbCompatibility
    user_config: dict[str, McpbUserOption]
    meta: dict[str, dict[str, object]] = Field(serialization_alias="_meta")


# The user configuration a Claude Desktop user fills in, and the CLM_* variable each one sets. The
# same options as userConfig in .claude-plugin/plugin.json. Empty = unset (the bundled demo sandbox).
USER_OPTIONS: dict[str, tuple[str, McpbUserOption]] = {
    "clm_base_url": (
        "CLM_BASE_URL",
        McpbUserOption(
            type="string",
            title="CLM API base URL",
            description="Base URL of your CLM's REST API. Leave empty to try the plugin on the bundled demo sandbox.",
            default="",
        ),
    ),
    "clm_token_url": (
        "CLM_TOKEN_URL",
        McpbUserOption(
            type="string",
            title="OAuth token endpoint",
            description="OAuth 2.0 token endpoint of the CLM (client credentials). Required with a base URL.",
            default="",
        ),
    ),
    "clm_client_id": (
        "CLM_CLIENT_ID",
        McpbUserOption(
            type="string", title="OAuth client id", description="Client id issued for this plugin.", default=""
        ),
    ),
    "clm_client_secret": (
        "CLM_CLIENT_SECRET",
        McpbUserOption(
            type="string",
            title="OAuth client secret",
            description="Client secret for that client id (kept in the OS secret store).",
            sensitive=True,
        ),
    ),
    "clm_acting_user": (
        "CLM_ACTING_USER",
        McpbUserOption(
            type="string",
            title="Acting user",
            description="Your user name or e-mail in the CLM, recorded in the audit trail.",
            default="",
        ),
    ),
}

_PLATFORMS: dict[str, Literal["darwin", "win32", "linux"]] = {
    "darwin": "darwin",
    "win32": "win32",
    "linux": "linux",
}


def mcpb_manifest(manifest: Manifest, *, with_deps: bool) -> McpbManifest:
    env = {variable: f"${{user_config.{key}}}" for key, (variable, _) in USER_OPTIONS.items()}
    if with_deps:
        env["PYTHONPATH"] = "${__dirname}/server/lib"
    major, minor = sys.version_info[:2]
    if with_deps:
        # Compiled dependencies (pydantic-core, cryptography) are built for this platform and Python.
        platforms = [_PLATFORMS[sys.platform]] if sys.platform in _PLATFORMS else ["linux"]
        python = f">={major}.{minor},<{major}.{minor + 1}"
        deps_note = f"Dependencies are bundled for {platforms[0]} and Python {major}.{minor}."
    else:
        platforms = ["darwin", "win32", "linux"]
        python = ">=3.11"
        deps_note = "Dependencies are not bundled: `pip install -r server/requirements.txt` first."
    return McpbManifest(
        name=manifest.name,
        display_name=manifest.display_name,
        version=manifest.version,
        description=manifest.description,
        long_description=f"{manifest.instructions or manifest.description}\n\n{deps_note}",
        author=McpbAuthor(name=manifest.author.name, email=manifest.author.email, url=manifest.author.url),
        server=McpbServer(
            entry_point="server/server.py",
            mcp_config=McpbMcpConfig(
                command="python3",
                args=["${__dirname}/server/server.py"],
                env=env,
                platform_overrides={"win32": {"command": "python"}},
            ),
        ),
        tools=[McpbTool(name=tool.name, description=tool.description) for tool in manifest.tools],
        keywords=["contracts", "clm", "legal", manifest.category],
        compatibility=McpbCompatibility(platforms=platforms, runtimes={"python": python}),
        user_config={key: option for key, (_, option) in USER_OPTIONS.items()},
        meta={
            META_KEY: {
                "category": manifest.category,
                "permissions": manifest.permissions,
                "authentication": manifest.authentication.model_dump(mode="json"),
                "enterprise_controls": manifest.enterprise_controls.model_dump(mode="json"),
            }
        },
    )


def stage_mcpb(root: Path, staging: Path, *, with_deps: bool) -> McpbManifest:
    """Lay the bundle out in `staging`: manifest.json (MCPB) and server/ (the plugin root)."""
    manifest = preflight(root)
    if staging.exists():
        shutil.rmtree(staging)
    server = staging / "server"
    for name in package_files(root):
        target = server / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
    bundle = mcpb_manifest(manifest, with_deps=with_deps)
    (staging / "manifest.json").write_text(bundle.model_dump_json(indent=2, by_alias=True) + "\n", encoding="utf-8")
    if with_deps:
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-compile", "--only-binary=:all:"]
        command += ["--target", str(server / "lib"), "-r", str(root / "requirements.txt")]
        completed = subprocess.run(command, check=False, stdout=sys.stderr)  # noqa: S603 - fixed argv
        if completed.returncode != 0:
            raise PackagingError(f"pip could not install the dependencies into {server / 'lib'}")
    return bundle


def build_mcpb(
    root: Path = ROOT, output: Path | None = None, *, staging: Path | None = None, with_deps: bool = True
) -> Path:
    staging = staging or root / "build" / "mcpb"
    bundle = stage_mcpb(root, staging, with_deps=with_deps)
    output = output or root / "build" / f"{bundle.name}-{bundle.version}.mcpb"
    files = [path for path in staging.rglob("*") if path.is_file() and "__pycache__" not in path.parts]
    return _zip([(path, path.relative_to(staging).as_posix()) for path in files], output)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m plugin.release.packaging", description="Build installable packages."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    zip_ = commands.add_parser("plugin-zip", help="the Claude Code / Cowork plugin zip")
    zip_.add_argument("--output", type=Path, default=None)
    bundle = commands.add_parser("mcpb", help="the MCP bundle for Claude Desktop")
    bundle.add_argument("--output", type=Path, default=None)
    bundle.add_argument("--no-deps", action="store_true", help="do not bundle Python dependencies")
    args = parser.parse_args(argv)
    try:
        if args.command == "plugin-zip":
            built = build_plugin_zip(output=args.output)
        else:
            built = build_mcpb(output=args.output, with_deps=not args.no_deps)
    except PackagingError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    sys.stdout.write(f"built {built}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
