"""MCP server entry point and composition root.

    python server.py           serve MCP on stdio (the embedded demo backend when none is configured)
    python server.py --help    every command and setting

This is the only module that imports both the machinery (`plugin`) and the fork's rooms (`tools`,
the backend adapter, `identity.toml`): it hands them to the machinery as `PluginParts`.
stdout carries the MCP protocol and nothing else: logging is configured before anything can log.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plugin.server.parts import PluginParts

ROOT = Path(__file__).resolve().parent


def parts() -> PluginParts:
    """The fork's rooms: identity, tool registry, backend adapter."""
    from clm_client.adapter import ClmAdapter
    from plugin.config.identity import load_identity
    from plugin.server.parts import PluginParts
    from tools import REGISTRY

    return PluginParts(root=ROOT, identity=load_identity(ROOT), tools=REGISTRY, adapter=ClmAdapter())


def main(argv: list[str]) -> int:
    from plugin.bootstrap import ensure_dependencies  # standard library only: runs before any third-party import

    if (status := ensure_dependencies(ROOT, Path(__file__).resolve(), argv)) is not None:
        return status
    from plugin.observability.logging import configure_logging

    configure_logging()
    from plugin.cli.commands import run

    return run(argv, parts)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
