"""The command line of `server.py`.

    python server.py                         serve MCP on stdio (every message goes to stderr)
    python server.py serve [--host H] [--port P]  serve MCP over streamable HTTP (remote mode, OAuth resource server)
    python server.py doctor                  check configuration, token, scopes, backend, residency, signature
    python server.py audit-report [--file F] per-tool calls, error rates, latency, abandoned sessions
    python server.py manifest write|check    regenerate / check manifest.json against the code
    python server.py identity write|check    regenerate / check the files derived from identity.toml
    python server.py package plugin-zip|remote-plugin|mcpb  build the installable packages

`doctor`, `audit-report` and the release commands are for a person at a terminal, so they write to
stdout; they never start the MCP server, whose stdout is reserved for the protocol.

Each command imports what it runs inside its function: serving stdio must not pay for doctor,
packaging or cryptography, and `--help` for none of them (start-up is measured in bench/core_server.py).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from plugin.bootstrap import collect_from_now_on
from plugin.config.demo_process import in_child
from plugin.observability.logging import configure_logging

if TYPE_CHECKING:
    from plugin.config.settings import PluginSettings
    from plugin.server.parts import PluginParts
    from plugin.transport.adapter import EmbeddedBackend
    from plugin.transport.backend_process import BackendProcess

PartsFactory = Callable[[], "PluginParts"]


def _fail(parts: PluginParts | None, message: str) -> int:
    name = parts.identity.name if parts is not None else "server.py"
    sys.stderr.write(f"{name}: {message}\n")
    return 2


USAGE = (
    "usage: python server.py [--help | --version | serve [--host H] [--port P] | doctor | audit-report [--file FILE] "
    "| review-pack [...] "
    "| manifest write|check | identity write|check | package plugin-zip|remote-plugin|mcpb [...]]"
)


def _print(text: str) -> int:
    return _closed_pipe_safe(lambda: sys.stdout.write(text) and 0)


def _closed_pipe_safe(command: Callable[[], int]) -> int:
    """Run a command that reports on stdout; a reader that went away (`| head`) ends it quietly, status 1."""
    try:
        status = command()
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        # Point stdout at devnull so the interpreter's own flush at exit does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def connect_help(parts: PluginParts) -> str:
    identity = parts.identity
    return (
        f"{identity.name}: this is an MCP server speaking JSON-RPC on stdin/stdout; it is waiting for a client.\n"
        "Connect one instead of typing here, e.g.:\n"
        "  npx @modelcontextprotocol/inspector python server.py                         (MCP Inspector, web UI)\n"
        "  npx @modelcontextprotocol/inspector --cli python server.py --method tools/list\n"
        f"  claude plugin marketplace add ./ && claude plugin install {identity.name}   (Claude Code)\n"
        "Press Ctrl-D or Ctrl-C to quit. `python server.py doctor` checks the configuration.\n"
    )


def run(argv: list[str], make_parts: PartsFactory, entry: Path | None = None) -> int:
    """Run the command in `argv`. `entry`: the composition root's file, given when this process may start the
    embedded demo backend's child before loading its parts (stdio serving; see `BackendProcess.start_at_spawn`)."""
    early = _start_at_spawn(entry) if entry is not None and not argv else None
    try:
        return _run(argv, make_parts, early)
    finally:
        if early is not None:
            early.close()


def _start_at_spawn(entry: Path) -> BackendProcess | None:
    from plugin.bootstrap import identity_names  # standard library only, like what it starts
    from plugin.transport.backend_process import BackendProcess

    return BackendProcess.start_at_spawn(entry, identity_names(entry.parent)[1])


def _run(argv: list[str], make_parts: PartsFactory, early: BackendProcess | None) -> int:
    from plugin.config.identity import IdentityError
    from plugin.config.settings import SettingsError, load_settings

    if not argv or argv[0] == "serve":
        gc.disable()  # until the server is built: see plugin.bootstrap.collect_from_now_on
    try:
        parts = make_parts()
    except IdentityError as exc:
        return _fail(None, str(exc))
    command, rest = (argv[0], argv[1:]) if argv else (None, [])
    if command in {"--help", "-h", "help", "--version"}:
        from plugin.cli.usage import help_text, version_text

        return _print(version_text(parts) if command == "--version" else help_text(parts))
    if command == "doctor":
        return _closed_pipe_safe(lambda: doctor(parts, rest))
    if command == "review-pack":
        from plugin.release.review_pack import review_pack

        return _closed_pipe_safe(lambda: review_pack(parts, rest))
    if command == "audit-report":
        return audit_report(parts, rest)
    if command in {"manifest", "identity", "package"}:
        from plugin.release.commands import release

        return release(parts, command, rest)
    if command not in {None, "serve"}:
        return _fail(parts, f"unknown command {command!r}; {USAGE}")
    if os.environ.get(parts.identity.env("require_signature"), "").strip():  # cryptography only when asked for
        from plugin.release.signing import verify_installation

        if (problem := verify_installation(parts.root, parts.identity)) is not None:
            return _fail(parts, problem)
    try:
        settings = load_settings(parts.identity)
    except SettingsError as exc:
        return _fail(parts, str(exc))
    configure_logging(settings.log_level)
    if command == "serve":
        return serve_remote(parts, settings, rest)
    return serve(parts, settings, early)


def serve_remote(parts: PluginParts, settings: PluginSettings, argv: list[str]) -> int:
    """`serve`: streamable HTTP under uvicorn (plugin.server.remote); imported only here, stdio never pays for it."""
    import argparse

    parser = argparse.ArgumentParser(prog="python server.py serve")
    identity = parts.identity
    parser.add_argument("--host", default=None, help=f"address to listen on (default {identity.env('serve_host')})")
    parser.add_argument("--port", type=int, default=None, help=f"TCP port (default {identity.env('serve_port')})")
    args = parser.parse_args(argv)
    from plugin.cli.remote import run_remote

    host = args.host if args.host is not None else settings.serve_host
    port = args.port if args.port is not None else settings.serve_port
    collect_from_now_on()
    return run_remote(parts, settings, host, port)


def doctor(parts: PluginParts, argv: list[str]) -> int:
    import anyio

    from plugin.cli.doctor import Check, Status, run_checks

    if argv:
        return _fail(parts, f"doctor takes no arguments; {USAGE}")
    configure_logging("ERROR")  # the check lines say it all; library warnings would only repeat them

    def emit(check: Check) -> None:
        sys.stdout.write(check.line() + "\n")
        sys.stdout.flush()

    checks = anyio.run(lambda: run_checks(parts, emit=emit))
    failed = [c.name for c in checks if c.status is Status.FAIL]
    sys.stdout.write(f"{len(checks) - len(failed)}/{len(checks)} checks passed or skipped")
    sys.stdout.write(f"; FAILED: {', '.join(failed)}\n" if failed else "; all good\n")
    return 1 if failed else 0


def audit_report(parts: PluginParts, argv: list[str]) -> int:
    import argparse
    from pathlib import Path

    from plugin.observability.audit import parse_destination
    from plugin.observability.audit_report import render, report_file

    parser = argparse.ArgumentParser(prog="python server.py audit-report")
    parser.add_argument("--file", type=Path, help="audit JSON-lines file (default: the configured audit file)")
    args = parser.parse_args(argv)
    path: Path | None = args.file
    if path is None:
        from plugin.config.settings import SettingsError, load_settings
        from plugin.server.assembly import effective_settings

        try:
            settings = effective_settings(parts, load_settings(parts.identity))
        except (SettingsError, ValueError) as exc:
            return _fail(parts, str(exc))
        where = parse_destination(settings.audit or "off", parts.identity, demo=settings.embedded)
        if where.kind != "file" or where.path is None:
            return _fail(parts, f"the audit trail goes to {where.describe()}, not a file; pass --file FILE")
        path = where.path
    try:
        report = report_file(path)
    except OSError as exc:
        return _fail(parts, f"cannot read the audit file {path}: {exc.strerror or exc}")
    for line in render(report, str(path)):
        sys.stdout.write(line + "\n")
    return 0


def serve(parts: PluginParts, settings: PluginSettings, early: BackendProcess | None = None) -> int:
    """Serve MCP on stdio. `early`: the demo backend's child, already started at spawn (its owner stops it)."""
    embedded = parts.adapter.embedded() if settings.embedded else None
    if settings.embedded and embedded is None:
        return _fail(
            parts,
            f"no {parts.identity.backend_label} is configured and this plugin has no embedded demo backend; set "
            f"{parts.identity.env('base_url')}, {parts.identity.env('token_url')}, "
            f"{parts.identity.env('client_id')} and {parts.identity.env('client_secret')}",
        )
    # Before the server's own imports (the SDK's are the bulk of a cold start): the demo backend builds in its
    # own process, on another core, meanwhile.
    started = None if early is not None else _start_embedded(parts, settings, embedded)
    process = early if embedded is not None and early is not None else started
    from plugin.config.controls import ControlsError
    from plugin.observability.audit import AuditConfigError
    from plugin.server.assembly import build_server
    from plugin.server.parts import UnknownToolError

    try:
        try:
            server, _runtime = build_server(parts, settings, embedded_process=process)
        except (UnknownToolError, AuditConfigError, ControlsError, OSError) as exc:
            return _fail(parts, str(exc))
        if sys.stdin.isatty():
            sys.stderr.write(connect_help(parts))
        if embedded is not None:
            sys.stderr.write(
                f"{parts.identity.name}: no {parts.identity.backend_label} configured "
                f"({parts.identity.env('base_url')} unset): tool calls are served by {embedded.description}.\n"
            )
        collect_from_now_on()
        try:
            server.run("stdio")
        except KeyboardInterrupt:
            return 130
        return 0
    finally:
        if started is not None:
            started.close()


def _start_embedded(
    parts: PluginParts, settings: PluginSettings, embedded: EmbeddedBackend | None
) -> BackendProcess | None:
    """The embedded demo backend started in a child process (None: not embedded, asked for in-process, or it
    cannot be started that way; the server then builds it in-process)."""
    if embedded is None or not in_child(settings.demo_process):
        return None
    from plugin.transport.backend_process import BackendProcess
    from plugin.transport.embedded import embedded_secret

    try:
        secret = embedded_secret(embedded, settings, parts.identity)
    except (OSError, ValueError, RuntimeError):  # an unusable key ring: the in-process build reports it
        return None
    return BackendProcess.start(embedded, settings, secret)
