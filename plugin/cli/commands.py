"""Command line of `server.py`.

    python server.py                         serve MCP on stdio (every message goes to stderr)
    python server.py doctor                  check configuration, token, scopes, CLM, residency, signature
    python server.py audit-report [--file F] per-tool calls, error rates, latency, abandoned sessions

`doctor` and `audit-report` are reports for a person at a terminal, so they write to stdout; they
never start the MCP server, whose stdout is reserved for the protocol.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from plugin.observability.logging import configure_logging, get_logger

if TYPE_CHECKING:
    from plugin.config.settings import PluginSettings

log = get_logger(__name__)

CONNECT_HELP = """\
contract-intelligence: this is an MCP server speaking JSON-RPC on stdin/stdout; it is waiting for a client.
Connect one instead of typing here, e.g.:
  npx @modelcontextprotocol/inspector python server.py                         (MCP Inspector, web UI)
  npx @modelcontextprotocol/inspector --cli python server.py --method tools/list
  claude plugin marketplace add ./ && claude plugin install contract-intelligence   (Claude Code)
Press Ctrl-D or Ctrl-C to quit. `python server.py doctor` checks the configuration.
"""


def _fail(message: str) -> int:
    sys.stderr.write(f"contract-intelligence: {message}\n")
    return 2


USAGE = "usage: python server.py [doctor | audit-report [--file FILE]]"


def run(argv: list[str]) -> int:
    from plugin.config.settings import SettingsError, load_settings

    if argv[:1] == ["doctor"]:
        return doctor(argv[1:])
    if argv[:1] == ["audit-report"]:
        return audit_report(argv[1:])
    if argv:
        return _fail(f"unknown command {argv[0]!r}; {USAGE}")
    if os.environ.get("CLM_REQUIRE_SIGNATURE", "").strip():  # cryptography is imported only when asked for
        from plugin.release.signing import verify_installation

        if (problem := verify_installation()) is not None:
            return _fail(problem)
    try:
        settings = load_settings()
    except SettingsError as exc:
        return _fail(str(exc))
    configure_logging(settings.log_level)
    return serve(settings)


def doctor(argv: list[str]) -> int:
    import anyio

    from plugin.cli.doctor import Check, Status, run_checks

    if argv:
        return _fail(f"doctor takes no arguments; {USAGE}")
    configure_logging("ERROR")  # the check lines say it all; library warnings would only repeat them

    def emit(check: Check) -> None:
        sys.stdout.write(check.line() + "\n")
        sys.stdout.flush()

    checks = anyio.run(lambda: run_checks(emit=emit))
    failed = [c.name for c in checks if c.status is Status.FAIL]
    sys.stdout.write(f"{len(checks) - len(failed)}/{len(checks)} checks passed or skipped")
    sys.stdout.write(f"; FAILED: {', '.join(failed)}\n" if failed else "; all good\n")
    return 1 if failed else 0


def audit_report(argv: list[str]) -> int:
    import argparse
    from pathlib import Path

    from plugin.observability.audit import parse_destination
    from plugin.observability.audit_report import render, report_file

    parser = argparse.ArgumentParser(prog="python server.py audit-report")
    parser.add_argument("--file", type=Path, help="audit JSON-lines file (default: the configured audit file)")
    args = parser.parse_args(argv)
    path: Path | None = args.file
    if path is None:
        from plugin.server.assembly import effective_settings
        from plugin.config.settings import SettingsError, load_settings

        try:
            settings = effective_settings(load_settings())
        except (SettingsError, ValueError) as exc:
            return _fail(str(exc))
        where = parse_destination(settings.audit or "off")
        if where.kind != "file" or where.path is None:
            return _fail(f"the audit trail goes to {where.describe()}, not a file; pass --file FILE")
        path = where.path
    try:
        report = report_file(path)
    except OSError as exc:
        return _fail(f"cannot read the audit file {path}: {exc.strerror or exc}")
    for line in render(report, str(path)):
        sys.stdout.write(line + "\n")
    return 0


def serve(settings: PluginSettings) -> int:
    from plugin.server.assembly import build_server
    from plugin.observability.audit import AuditConfigError
    from plugin.config.controls import ControlsError
    from tools import UnknownToolError

    try:
        server, _runtime = build_server(settings)
    except (UnknownToolError, AuditConfigError, ControlsError, OSError) as exc:
        return _fail(str(exc))
    if sys.stdin.isatty():
        sys.stderr.write(CONNECT_HELP)
    if settings.embedded:
        sys.stderr.write(
            "contract-intelligence: no CLM configured (CLM_BASE_URL unset): tool calls are served by the "
            "bundled sandbox CLM in-process, with demo data.\n"
        )
    try:
        server.run("stdio")
    except KeyboardInterrupt:
        return 130
    return 0
