"""Where the embedded demo backend is built, decided with the standard library alone.

The stdio server starts the demo backend's child process before it imports anything heavy (the SDK's import
is most of a cold start), so this decision cannot wait for the validated settings: it reads the same two
variables `PluginSettings` reads (`<PREFIX>BASE_URL`, `<PREFIX>DEMO_PROCESS`) the way it reads them (an empty
value is unset). A value the settings then reject stops the server, and the child with it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

DemoProcess = Literal["auto", "child", "in-process"]
DEFAULT: DemoProcess = "in-process"


def core_free() -> bool:
    """Does the machine have a CPU core to spare for the demo's child process? On a busy one, its build would
    only take CPU from this server's own start (and cost more in all: it imports some modules twice)."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # Windows: no load average; assume the common case, an idle core
        return True
    return load <= (os.cpu_count() or 1) - 1


def in_child(mode: str) -> bool:
    """Whether the demo backend is built in a child process under `mode` (a `DemoProcess` value)."""
    return mode == "child" or (mode == "auto" and core_free())


def child_at_spawn(env_prefix: str, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to start the demo backend's child now: no backend configured, and the mode asks for a child."""
    env = os.environ if environ is None else environ
    if env.get(f"{env_prefix}BASE_URL", "").strip():
        return False
    return in_child(env.get(f"{env_prefix}DEMO_PROCESS", "").strip() or DEFAULT)
