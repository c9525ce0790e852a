"""MCP server entry point and composition root.

    python server.py           serve MCP on stdio (the embedded demo backend when none is configured)
    python server.py --help    every command and setting

This is the only module that imports both the machinery (`plugin`) and the fork's rooms (`tools`,
the backend adapter, `identity.toml`): it hands them to the machinery as `PluginParts`.
stdout carries the MCP protocol and nothing else: logging is configured before anything can log.

Under <PREFIX>REQUIRE_SIGNATURE the installation is verified first, before anything else of the plugin
is imported (plugin.release.integrity, compiled from its source: stdlib and cryptography only), and the
process then imports the plugin's tree from source only, never from bytecode caches.
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from plugin.server.parts import PluginParts
    from plugin.toolkit.spec import ToolSpec

ROOT = Path(__file__).resolve().parent
VERIFIER = "plugin.release.integrity"
SERVING = (None, "serve")  # the commands that start a server, and so refuse an unverified installation
SEALED = False  # set when this process imports the tree from source only (a signature is required)


def verifier() -> ModuleType:
    """The start-up verifier, compiled from its source: the import system would trust a planted cache."""
    if (loaded := sys.modules.get(VERIFIER)) is not None:
        return loaded
    path = ROOT.joinpath(*VERIFIER.split(".")).with_suffix(".py")
    module = ModuleType(VERIFIER)
    module.__file__ = str(path)
    sys.modules[VERIFIER] = module  # dataclasses look their module up while it executes
    try:
        code = compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
        exec(code, module.__dict__)  # noqa: S102 - what a source loader does, without its bytecode cache
    except BaseException:
        del sys.modules[VERIFIER]
        raise
    return module


def signature_variable_set() -> bool:
    """Is <PREFIX>REQUIRE_SIGNATURE set to anything? Unset or empty, no signature is required and the verifier
    (~15 ms to compile from source) is not needed; any other value, even "false", is the verifier's to judge.
    An unreadable identity file counts as set: the verifier says what is wrong with it."""
    try:
        with (ROOT / "identity.toml").open("rb") as handle:
            prefix = tomllib.load(handle).get("env_prefix")
    except (OSError, ValueError):
        return True
    return not isinstance(prefix, str) or bool(os.environ.get(f"{prefix}REQUIRE_SIGNATURE", "").strip())


def verify_first(argv: list[str]) -> str | None:
    """Before the plugin is imported: why this start is refused, else None (and, when a signature is
    required, the tree imports from source only from now on)."""
    if not signature_variable_set():
        return None
    integrity = verifier()
    try:
        names = integrity.names(ROOT)
    except (OSError, ValueError):  # unreadable: plugin.config.identity reports it in full and stops the start
        return None
    if not integrity.required(names):
        return None
    integrity.seal(ROOT)
    global SEALED
    SEALED = True
    if (argv[0] if argv else None) not in SERVING:
        return None  # doctor and the release commands report the verification themselves
    refusal: str | None = integrity.refusal(ROOT, names)
    return refusal


def parts(*, tools: bool = True) -> PluginParts:
    """The fork's rooms: identity, tool registry, backend adapter. `tools=False` leaves the registry empty: the
    demo backend's child process needs only the identity and the adapter, and importing the tools costs it
    ~50 ms of CPU (measured) while this process starts beside it."""
    from clm_client.adapter import ClmAdapter
    from plugin.config.identity import load_identity
    from plugin.server.parts import PluginParts

    registry: tuple[ToolSpec[Any, Any], ...] = ()
    if tools:
        from tools import REGISTRY as registry

    return PluginParts(root=ROOT, identity=load_identity(ROOT), tools=registry, adapter=ClmAdapter())


def main(argv: list[str]) -> int:
    if (refusal := verify_first(argv)) is not None:
        sys.stderr.write(f"server.py: {refusal}\n")
        return 2
    from plugin.bootstrap import ensure_dependencies  # standard library only: runs before any third-party import

    if (status := ensure_dependencies(ROOT, Path(__file__).resolve(), argv)) is not None:
        return status
    from plugin.observability.logging import configure_logging

    configure_logging()
    from plugin.cli.commands import run

    # A sealed process starts no demo backend child at spawn: the child would import the tree from bytecode.
    return run(argv, parts, entry=None if SEALED else Path(__file__).resolve())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
