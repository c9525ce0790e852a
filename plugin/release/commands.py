"""`python server.py manifest|identity|package …`: the release commands, which need the fork's parts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from plugin.release import identity_files
from plugin.release.manifest import ManifestError, check, write
from plugin.release.packaging import PackagingError, build_mcpb, build_plugin_zip, build_remote_plugin_zip
from plugin.server.parts import PluginParts


def release(parts: PluginParts, command: str, argv: list[str]) -> int:
    if command == "manifest":
        return _manifest(parts, argv)
    if command == "identity":
        return _identity(parts, argv)
    return _package(parts, argv)


def _manifest(parts: PluginParts, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python server.py manifest", description="manifest.json against the code")
    parser.add_argument("action", choices=["write", "check"])
    args = parser.parse_args(argv)
    path = parts.manifest_path
    if args.action == "write":
        try:
            manifest = write(parts)
        except ManifestError as exc:
            sys.stderr.write(f"{exc}\n")
            return 1
        sys.stderr.write(f"wrote {path}: {len(manifest.tools)} tools, permissions {manifest.permissions}\n")
        return 0
    problems = check(parts)
    if problems:
        sys.stderr.write(
            f"{path} disagrees with the code:\n"
            + "\n".join(f"  - {p}" for p in problems)
            + "\nRun `python server.py manifest write` and review the diff.\n"
        )
        return 1
    sys.stderr.write(f"{path.name} matches the code\n")
    return 0


def _identity(parts: PluginParts, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python server.py identity", description="the files derived from identity.toml"
    )
    parser.add_argument("action", choices=["write", "check"])
    args = parser.parse_args(argv)
    if args.action == "write":
        written = identity_files.write(parts.root, parts.identity)
        sys.stderr.write(f"wrote {', '.join(written) or 'nothing (all current)'}\n")
        return 0
    problems = identity_files.check(parts.root, parts.identity)
    if problems:
        sys.stderr.write(
            "\n".join(f"  - {p}" for p in problems) + "\nRun `python server.py identity write` and review the diff.\n"
        )
        return 1
    sys.stderr.write("the identity files match identity.toml\n")
    return 0


def _package(parts: PluginParts, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python server.py package", description="Build installable packages.")
    commands = parser.add_subparsers(dest="kind", required=True)
    zip_ = commands.add_parser("plugin-zip", help="the Claude Code / Cowork plugin zip")
    zip_.add_argument("--output", type=Path, default=None)
    remote = commands.add_parser("remote-plugin", help="the plugin variant for a central `serve` deployment")
    remote.add_argument("--url", required=True, help="the deployment's MCP endpoint, e.g. https://mcp.example.org/mcp")
    remote.add_argument("--output", type=Path, default=None)
    bundle = commands.add_parser("mcpb", help="the MCP bundle for Claude Desktop")
    bundle.add_argument("--output", type=Path, default=None)
    bundle.add_argument("--no-deps", action="store_true", help="do not bundle Python dependencies")
    bundle.add_argument(
        "--uv", action="store_true", help="manifest 0.4 `uv` server type: one bundle for every platform, no lib/"
    )
    args = parser.parse_args(argv)
    try:
        if args.kind == "plugin-zip":
            built = build_plugin_zip(parts, output=args.output)
        elif args.kind == "remote-plugin":
            built = build_remote_plugin_zip(parts, args.url, output=args.output)
        else:
            built = build_mcpb(parts, output=args.output, with_deps=not args.no_deps, uv=args.uv)
    except PackagingError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    sys.stdout.write(f"built {built}\n")
    return 0
