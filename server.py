"""Contract Intelligence MCP server (stdio).

    python server.py           serve MCP on stdio (the bundled sandbox CLM when CLM_BASE_URL is unset)

stdout carries the MCP protocol and nothing else: logging is configured before anything can log.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    from plugin.observability.logging import configure_logging

    configure_logging()
    from plugin.cli.commands import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
