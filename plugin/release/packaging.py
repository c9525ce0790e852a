"""Builds what admins install: the Claude plugin zip (Claude Code / Cowork) and the MCP bundle (Claude Desktop).

    python server.py package plugin-zip [--output PATH]
        build/<name>-<version>.zip: the plugin root (.claude-plugin/, .mcp.json, skills/, server.py,
        ...) for a Cowork admin to upload or a marketplace to host.
    python server.py package mcpb [--no-deps] [--output PATH]
        build/mcpb/ (manifest.json + server/) and build/<name>-<version>.mcpb; with dependencies
        (default) `pip install --target server/lib` for this platform and Python.

Both refuse to build when manifest.json disagrees with the code, or when a manifest.sig is present
but no longer matches the files (shipping a broken signature is worse than none).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from plugin.bootstrap import PINNED_REQUIREMENT
from plugin.release.identity_files import remote_plugin_files, user_config_env
from plugin.release.manifest import Manifest, check, load_manifest
from plugin.release.shipped import SIGNATURE_NAME, shipped_files
from plugin.release.signing import verify
from plugin.server.parts import PluginParts

MCPB_MANIFEST_VERSION = "0.3"
# The `uv` server type (manifest 0.4, "experimental" upstream): the host runs the server with uv against
# the bundle's pyproject.toml, so one bundle serves every platform and Python version.
MCPB_UV_MANIFEST_VERSION = "0.4"
ICON_NAME = "icon.png"
# A fixed timestamp, so two builds of the same files are byte-identical archives.
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


class PackagingError(Exception):
    pass


def preflight(parts: PluginParts) -> Manifest:
    """The manifest, once it agrees with the code and any signature still matches the files."""
    root = parts.root
    problems = check(parts)
    if problems:
        raise PackagingError(
            "manifest.json disagrees with the code (run `python server.py manifest write`):\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    if (root / SIGNATURE_NAME).exists():
        result = verify(root, parts.identity)
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


def build_plugin_zip(parts: PluginParts, output: Path | None = None) -> Path:
    root = parts.root
    manifest = preflight(parts)
    output = output or root / "build" / f"{manifest.name}-{manifest.version}.zip"
    return _zip([(root / name, name) for name in package_files(root)], output)


def build_remote_plugin_zip(parts: PluginParts, url: str, output: Path | None = None) -> Path:
    """The plugin variant for a central deployment: skills and a .mcp.json pointing at `url`, no server code."""
    split = urlsplit(url)
    if split.scheme not in {"https", "http"} or not split.netloc:
        raise PackagingError(
            f"--url must be the absolute URL of the MCP endpoint, e.g. https://mcp.example.org/mcp; got {url!r}"
        )
    if split.scheme == "http" and split.hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise PackagingError("--url must use https:// (user tokens travel to it)")
    root = parts.root
    manifest = preflight(parts)
    output = output or root / "build" / f"{manifest.name}-remote-{manifest.version}.zip"
    skills = [(root / name, name) for name in package_files(root) if name.startswith("skills/")]
    with tempfile.TemporaryDirectory() as staging:
        generated = []
        for name, text in remote_plugin_files(parts.identity, url).items():
            path = Path(staging) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            generated.append((path, name))
        return _zip([*skills, *generated], output)


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
    type: Literal["python", "uv"] = "python"
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
    icon: str = ICON_NAME
    privacy_policies: list[str] = Field(default_factory=list, exclude_if=lambda value: not value)
    meta: dict[str, dict[str, object]] = Field(serialization_alias="_meta")


_PLATFORMS: dict[str, Literal["darwin", "win32", "linux"]] = {
    "darwin": "darwin",
    "win32": "win32",
    "linux": "linux",
}


def user_options(parts: PluginParts) -> dict[str, McpbUserOption]:
    identity = parts.identity
    return {
        identity.user_config_key(option): McpbUserOption(
            type="string",
            title=option.title,
            description=option.description,
            sensitive=option.sensitive,
            default=None if option.sensitive else "",
        )
        for option in identity.user_options
    }


def mcpb_manifest(parts: PluginParts, manifest: Manifest, *, with_deps: bool, uv: bool = False) -> McpbManifest:
    identity = parts.identity
    env = user_config_env(identity)
    if uv:
        with_deps = False
    if with_deps:
        env["PYTHONPATH"] = "${__dirname}/server/lib"
    major, minor = sys.version_info[:2]
    if with_deps:
        # Compiled dependencies (pydantic-core, cryptography) are built for this platform and Python.
        platforms = [_PLATFORMS[sys.platform]] if sys.platform in _PLATFORMS else ["linux"]
        python = f">={major}.{minor},<{major}.{minor + 1}"
        deps_note = f"Dependencies are bundled for {platforms[0]} and Python {major}.{minor}."
    elif uv:
        platforms = ["darwin", "win32", "linux"]
        python = ">=3.11"
        deps_note = "The host installs the pinned dependencies with uv (pyproject.toml); nothing is bundled."
    else:
        platforms = ["darwin", "win32", "linux"]
        python = ">=3.11"
        deps_note = (
            "Dependencies are not bundled: the server installs them with uv on first start when uv is available, "
            "else `pip install -r server/requirements.txt` first."
        )
    if uv:
        server = McpbServer(
            type="uv",
            entry_point="server/server.py",
            mcp_config=McpbMcpConfig(
                command="uv", args=["run", "--directory", "${__dirname}", "server/server.py"], env=env
            ),
        )
    else:
        server = McpbServer(
            entry_point="server/server.py",
            mcp_config=McpbMcpConfig(
                command="python3",
                args=["${__dirname}/server/server.py"],
                env=env,
                platform_overrides={"win32": {"command": "python"}},
            ),
        )
    return McpbManifest(
        manifest_version=MCPB_UV_MANIFEST_VERSION if uv else MCPB_MANIFEST_VERSION,
        name=manifest.name,
        display_name=manifest.display_name,
        version=manifest.version,
        description=manifest.description,
        long_description=f"{manifest.instructions or manifest.description}\n\n{deps_note}",
        author=McpbAuthor(name=manifest.author.name, email=manifest.author.email, url=manifest.author.url),
        server=server,
        tools=[McpbTool(name=tool.name, description=tool.description) for tool in manifest.tools],
        keywords=identity.keywords,
        compatibility=McpbCompatibility(platforms=platforms, runtimes={"python": python}),
        user_config=user_options(parts),
        privacy_policies=list(identity.privacy_policies),
        meta={
            identity.reverse_dns: {
                "category": manifest.category,
                "permissions": manifest.permissions,
                "authentication": manifest.authentication.model_dump(mode="json"),
                "enterprise_controls": manifest.enterprise_controls.model_dump(mode="json"),
            }
        },
    )


def icon_png(size: int = 512, rgb: tuple[int, int, int] = (38, 84, 124)) -> bytes:
    """A small solid PNG made with the standard library (no image file to keep in the repository)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size, 9))
        + chunk(b"IEND", b"")
    )


def pyproject_for_uv(parts: PluginParts) -> str:
    """The bundle's pyproject.toml for the `uv` server type: the pinned runtime set of requirements.txt."""
    pins = []
    for line in (parts.root / "requirements.txt").read_text(encoding="utf-8").splitlines():
        match = PINNED_REQUIREMENT.match(line)
        if match:
            pins.append(f'    "{match.group(1)}=={match.group(2)}",')
    identity = parts.identity
    return "\n".join(
        [
            "[project]",
            f'name = "{identity.name}"',
            f'version = "{identity.version}"',
            'requires-python = ">=3.11"',
            "dependencies = [",
            *pins,
            "]",
            "",
        ]
    )


def stage_mcpb(parts: PluginParts, staging: Path, *, with_deps: bool, uv: bool = False) -> McpbManifest:
    """Lay the bundle out in `staging`: manifest.json (MCPB) and server/ (the plugin root)."""
    root = parts.root
    manifest = preflight(parts)
    if staging.exists():
        shutil.rmtree(staging)
    server = staging / "server"
    for name in package_files(root):
        target = server / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
    bundle = mcpb_manifest(parts, manifest, with_deps=with_deps, uv=uv)
    (staging / "manifest.json").write_text(bundle.model_dump_json(indent=2, by_alias=True) + "\n", encoding="utf-8")
    (staging / ICON_NAME).write_bytes(icon_png())
    if uv:
        (staging / "pyproject.toml").write_text(pyproject_for_uv(parts), encoding="utf-8")
        return bundle
    if with_deps:
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-compile", "--only-binary=:all:"]
        command += ["--target", str(server / "lib"), "-r", str(root / "requirements.txt")]
        completed = subprocess.run(command, check=False, stdout=sys.stderr)  # noqa: S603 - fixed argv
        if completed.returncode != 0:
            raise PackagingError(f"pip could not install the dependencies into {server / 'lib'}")
        # Console scripts: their shebang is this build machine's interpreter path, and the server never runs them.
        shutil.rmtree(server / "lib" / "bin", ignore_errors=True)
    return bundle


def build_mcpb(
    parts: PluginParts,
    output: Path | None = None,
    *,
    staging: Path | None = None,
    with_deps: bool = True,
    uv: bool = False,
) -> Path:
    root = parts.root
    staging = staging or root / "build" / "mcpb"
    bundle = stage_mcpb(parts, staging, with_deps=with_deps, uv=uv)
    output = output or root / "build" / f"{bundle.name}-{bundle.version}.mcpb"
    files = [path for path in staging.rglob("*") if path.is_file() and "__pycache__" not in path.parts]
    return _zip([(path, path.relative_to(staging).as_posix()) for path in files], output)
