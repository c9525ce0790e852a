"""Command line of `server.py`: serve MCP on stdio (default). Every message goes to stderr."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from plugin.logging import configure_logging, get_logger

if TYPE_CHECKING:
    from plugin.settings import PluginSettings

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


def run(argv: list[str]) -> int:
    from plugin.settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        return _fail(str(exc))
    configure_logging(settings.log_level)
    if argv:
        return _fail(f"unknown command {argv[0]!r}; usage: python server.py")
    return serve(settings)


def serve(settings: PluginSettings) -> int:
    from plugin.app import build_server
    from tools import UnknownToolError

    try:
        server, _runtime = build_server(settings)
    except (UnknownToolError, OSError) as exc:
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
