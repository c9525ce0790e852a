"""Start-up before any third-party import: make the pinned dependencies importable, or say what to install.

`server.py` calls `ensure_dependencies` first. When the running interpreter lacks a package pinned in
`requirements.txt`, the server re-runs itself in a private environment with exactly that pinned set:

1. one already made for these pins and this Python (under the user's cache directory, keyed by a hash
   of `requirements.txt` and the Python version) is used at once;
2. else, when `uv` is available (on PATH, or importable as `python -m uv`), `uv venv` + `uv pip install -r
   requirements.txt` make it (seconds; stdout untouched, since it carries the MCP protocol);
3. else one line on stderr says what to install, and the process exits with status 2.

So a plugin installed by Claude Code (or unpacked from an MCP bundle) starts on a machine with Python 3.11+
and `uv`, with no virtual environment made by hand; an interpreter that already has the packages (a
developer's venv, the bundle's `server/lib`) starts as before. `<ENV_PREFIX>BOOTSTRAP=off` turns step 2 off.

Standard library only, and cheap when nothing is missing (one directory listing per `sys.path` entry).
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

EXIT_MISSING = 2
_MARKER = ".complete"
PINNED_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;#]+)")


def normalise(name: str) -> str:
    """PEP 503 name normalisation, with `_` as dist-info directory names spell it."""
    return re.sub(r"[-_.]+", "_", name).lower()


def pinned(requirements: Path) -> dict[str, str]:
    """{normalised name: version} of every `name==version` line (comments and options ignored)."""
    pins: dict[str, str] = {}
    for line in requirements.read_text(encoding="utf-8").splitlines():
        match = PINNED_REQUIREMENT.match(line)
        if match:
            pins[normalise(match.group(1))] = match.group(2)
    return pins


def installed(paths: list[str] | None = None) -> set[str]:
    """Normalised names of the distributions visible on `paths` (default `sys.path`), from their metadata dirs."""
    found: set[str] = set()
    for entry in sys.path if paths is None else paths:
        try:
            names = os.listdir(entry or ".")  # noqa: PTH208 - names only, the cheapest listing
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                found.add(normalise(name.split("-", 1)[0].removesuffix(".egg-info").removesuffix(".dist-info")))
    return found


def missing(root: Path) -> list[str]:
    requirements = root / "requirements.txt"
    if not requirements.is_file():
        return []
    have = installed()
    names = {
        normalise(m.group(1)): m.group(1)
        for line in requirements.read_text(encoding="utf-8").splitlines()
        if (m := PINNED_REQUIREMENT.match(line))
    }
    return sorted(names[name] for name in pinned(requirements) if name not in have)


def identity_names(root: Path) -> tuple[str, str]:
    """(name, env_prefix) from identity.toml with tomllib alone (plugin.config.identity validates it, later)."""
    try:
        data = tomllib.loads((root / "identity.toml").read_text(encoding="utf-8"))
        return str(data.get("name") or "server.py"), str(data.get("env_prefix") or "")
    except (OSError, tomllib.TOMLDecodeError):
        return "server.py", ""


def cache_home() -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def environment_dir(root: Path, name: str) -> Path:
    digest = hashlib.sha256((root / "requirements.txt").read_bytes())
    digest.update(f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}-{sys.platform}".encode())
    return cache_home() / name / f"python-env-{digest.hexdigest()[:16]}"


def _python_in(env: Path) -> Path:
    return env / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def find_uv() -> list[str] | None:
    found = shutil.which("uv")
    if found:
        return [found]
    try:
        from uv import find_uv_bin  # type: ignore[import-not-found,unused-ignore]  # the PyPI `uv` package

        return [str(find_uv_bin())]
    except (ImportError, FileNotFoundError):
        return None


def _make_environment(uv: list[str], root: Path, target: Path) -> bool:
    """Build the environment beside `target`, then move it into place (two servers may start at once)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    steps = [
        [*uv, "venv", "--quiet", "--python", sys.executable, str(staging)],
        [*uv, "pip", "install", "--quiet", "--python", str(_python_in(staging)), "-r", str(root / "requirements.txt")],
    ]
    for step in steps:
        # stdout is the MCP protocol channel: uv's output goes to stderr.
        if subprocess.run(step, stdin=subprocess.DEVNULL, stdout=sys.stderr, check=False).returncode != 0:  # noqa: S603
            shutil.rmtree(staging, ignore_errors=True)
            return False
    (staging / _MARKER).write_text("", encoding="utf-8")
    try:
        staging.rename(target)
    except OSError:  # another server finished first: use its environment
        shutil.rmtree(staging, ignore_errors=True)
    return (target / _MARKER).is_file()


def _run_in(env: Path, script: Path, argv: list[str], flag: str) -> int:  # noqa: RET503 - execv never returns
    command = [str(_python_in(env)), str(script), *argv]
    os.environ[flag] = "1"
    if sys.platform == "win32":  # no exec there: run it, hand back its status
        return subprocess.run(command, check=False).returncode  # noqa: S603
    sys.stderr.flush()
    os.execv(command[0], command)  # noqa: S606 - our own interpreter and script; does not return


def ensure_dependencies(root: Path, script: Path, argv: list[str]) -> int | None:
    """None when the dependencies are importable here; else the exit status (after running the server elsewhere)."""
    absent = missing(root)
    if not absent:
        return None
    name, prefix = identity_names(root)
    flag = f"{prefix}BOOTSTRAPPED"
    env = environment_dir(root, name)
    if os.environ.get(flag) != "1":  # never loop: the private environment itself lacked something
        if (env / _MARKER).is_file():
            return _run_in(env, script, argv, flag)
        uv = find_uv() if os.environ.get(f"{prefix}BOOTSTRAP", "").strip().lower() != "off" else None
        if uv is not None:
            sys.stderr.write(f"{name}: installing the pinned dependencies with uv into {env} (first start only)\n")
            if _make_environment(uv, root, env):
                return _run_in(env, script, argv, flag)
    sys.stderr.write(
        f"{name}: missing Python packages ({', '.join(absent)}) for {sys.executable}: install uv "
        f"(`python -m pip install uv`) and start again, or run `{Path(sys.executable).name} -m pip install -r "
        f"{root / 'requirements.txt'}`\n"
    )
    return EXIT_MISSING


def collect_from_now_on() -> None:
    """Turn the cyclic garbage collector (back) on, with everything made so far frozen out of its view.

    Start-up makes ~150,000 objects (the SDK's protocol models, the tools', the settings') that live as long as
    the process and ~1,500 that are garbage: each full collection while they are made walks them all (~60 ms
    at the end), so a serving start runs with the collector off (~40 ms of CPU saved, BENCHMARKS.md), and
    freezing them keeps every later collection from walking them again on the calls that follow.
    """
    gc.freeze()
    gc.enable()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Build long-lived objects (a demo backend: its framework, app and data) with the collector off, then
    freeze them as `collect_from_now_on` does; a collector already off stays off."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            collect_from_now_on()
