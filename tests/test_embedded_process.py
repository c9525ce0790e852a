"""The embedded demo backend in a child process: started at spawn, served only with its access key, and gone
with the server however the server ends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx2
import pytest

from plugin.config.settings import PluginSettings
from plugin.transport.adapter import EmbeddedBackend
from plugin.transport.backend_process import KEY_HEADER, BackendProcess, app_reference
from tests.conftest import ROOT
from tests.test_stdio import INIT

CHILD_MODULE = "plugin.transport.backend_process"
PROC = Path("/proc")
needs_proc = pytest.mark.skipif(not (PROC / "self" / "task").exists(), reason="reads the process tree from /proc")


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in (PROC / str(pid) / "task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _gone(pid: int) -> bool:
    try:
        state = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"  # exited, not yet reaped by whoever adopted it


def _wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _gone(pid):
            return True
        time.sleep(0.05)
    return _gone(pid)


def _broken_app(_settings: PluginSettings) -> Any:
    raise RuntimeError("demo data unavailable")


def _demo(app: Any) -> EmbeddedBackend:
    return EmbeddedBackend(app=app, client_id="c", client_secret="s", description="a test demo")


@needs_proc
def test_the_demo_backend_serves_from_a_child_that_dies_with_a_killed_server(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLM_")}
    env |= {"CLM_AUDIT": "off", "CLM_AUDIT_REQUIRED": "false", "CLM_DEMO_SIZE": "40", "CLM_DEMO_PROCESS": "child"}
    server = subprocess.Popen(
        [sys.executable, "server.py"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert server.stdin is not None and server.stdout is not None
    call = {"name": "clm__search_contracts", "arguments": {"limit": 2}}
    try:
        for message in [
            INIT,
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
            {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": call},
        ]:
            server.stdin.write(json.dumps(message) + "\n")
        server.stdin.flush()
        reply: dict[str, Any] = {}
        while reply.get("id") != 2:
            line = server.stdout.readline()
            assert line, "the server exited before answering the call"
            reply = json.loads(line)
        assert reply["result"].get("isError") is not True, reply
        children = _children(server.pid)
        commands = {pid: (PROC / str(pid) / "cmdline").read_bytes().split(b"\0") for pid in children}
        backends = [pid for pid, argv in commands.items() if CHILD_MODULE.encode() in argv]
        assert len(backends) == 1, commands  # the call was served by the child started at spawn
        server.kill()  # SIGKILL: no clean-up code of the server runs
        server.wait(timeout=10)
        assert _wait_gone(backends[0], 10), "the demo backend outlived the server (an orphan)"
    finally:
        if server.poll() is None:
            server.kill()


def _serves_only_with_its_key(process: BackendProcess) -> None:
    port = process.wait_ready()
    assert port is not None, process.failure
    with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
        assert http.get("/v1/meta").status_code == 403
        assert http.get("/v1/meta", headers={KEY_HEADER: "a guess"}).status_code == 403
        # With the key the request reaches the demo backend, which asks for its own bearer token.
        assert http.get("/v1/meta", headers={KEY_HEADER: process._access_key}).status_code == 401


def test_the_child_refuses_requests_without_its_access_key() -> None:
    from clm_client.adapter import ClmAdapter

    process = BackendProcess.start(ClmAdapter().embedded(), PluginSettings(demo_size=20), b"k" * 32)
    assert process is not None
    try:
        _serves_only_with_its_key(process)
    finally:
        process.close()


@needs_proc
def test_the_child_exits_when_its_stdin_closes_without_the_death_signal() -> None:
    # Started off the main thread, the child arms no parent-death signal: stdin EOF alone must end it.
    started: list[BackendProcess | None] = []
    spawner = threading.Thread(
        target=lambda: started.append(BackendProcess.start(_demo(_broken_app), PluginSettings()))
    )
    spawner.start()
    spawner.join()
    process = started[0]
    assert process is not None
    assert process._proc.stdin is not None
    process._proc.stdin.close()
    process._proc.wait(timeout=10)  # raises if the child ignored the EOF


def test_a_child_that_cannot_build_reports_why_and_the_server_falls_back() -> None:
    process = BackendProcess.start(_demo(_broken_app), PluginSettings())
    assert process is not None
    try:
        assert process.wait_ready() is None
        assert process.failure == "RuntimeError: demo data unavailable"
    finally:
        process.close()


def test_factories_a_child_cannot_import_stay_in_process() -> None:
    assert app_reference(_broken_app) == f"{__name__}:_broken_app"
    assert app_reference(lambda settings: None) is None
    assert BackendProcess.start(_demo(lambda settings: None), PluginSettings()) is None


def test_the_in_process_setting_starts_no_child() -> None:
    from plugin.cli.commands import _start_embedded
    from server import parts

    plugin = parts()
    embedded = plugin.adapter.embedded()
    assert _start_embedded(plugin, PluginSettings(demo_process="in-process"), embedded) is None


def test_auto_builds_in_process_when_no_core_is_free(monkeypatch: pytest.MonkeyPatch) -> None:
    from plugin.cli import commands
    from server import parts

    plugin = parts()
    embedded = plugin.adapter.embedded()
    cores = os.cpu_count() or 1
    monkeypatch.setattr(commands.os, "getloadavg", lambda: (float(cores), 0.0, 0.0))
    assert commands._start_embedded(plugin, PluginSettings(demo_process="auto"), embedded) is None
    monkeypatch.setattr(commands.os, "getloadavg", lambda: (cores - 1.0, 0.0, 0.0))
    started = commands._start_embedded(plugin, PluginSettings(demo_size=20, demo_process="auto"), embedded)
    assert started is not None
    started.close()


def test_the_launch_never_appears_in_argv_or_the_environment() -> None:
    process = BackendProcess.start(_demo(_broken_app), PluginSettings(), b"s" * 32)
    assert process is not None
    try:
        argv = process._proc.args
        assert isinstance(argv, list)
        assert argv[1:] == ["-m", CHILD_MODULE]
        environ = PROC / str(process.pid) / "environ"
        if environ.exists():
            assert process._access_key.encode() not in environ.read_bytes()
    finally:
        process.close()


def test_the_spawn_time_decision_reads_the_settings_variables_as_the_settings_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from plugin.config import demo_process

    cores = os.cpu_count() or 1
    monkeypatch.setattr(demo_process.os, "getloadavg", lambda: (cores - 1.0, 0.0, 0.0))  # a core is free
    assert demo_process.child_at_spawn("CLM_", {"CLM_DEMO_PROCESS": "auto"})
    assert demo_process.child_at_spawn("CLM_", {}) == (demo_process.DEFAULT != "in-process")
    assert demo_process.child_at_spawn("CLM_", {"CLM_BASE_URL": " ", "CLM_DEMO_PROCESS": "child "})  # " " = unset
    assert not demo_process.child_at_spawn("CLM_", {"CLM_BASE_URL": "https://clm.example.com"})
    assert not demo_process.child_at_spawn("CLM_", {"CLM_DEMO_PROCESS": "in-process"})
    assert demo_process.child_at_spawn("ACME_", {"CLM_DEMO_PROCESS": "in-process", "ACME_DEMO_PROCESS": "child"})
    monkeypatch.setattr(demo_process.os, "getloadavg", lambda: (float(cores), 0.0, 0.0))  # none is
    assert not demo_process.child_at_spawn("CLM_", {"CLM_DEMO_PROCESS": "auto"})
    assert demo_process.child_at_spawn("CLM_", {"CLM_DEMO_PROCESS": "child"})
    assert PluginSettings().demo_process == demo_process.DEFAULT


def test_a_child_started_at_spawn_builds_from_the_composition_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # Nothing but server.py is handed over: the child loads the same parts and settings from the environment.
    for name in [n for n in os.environ if n.startswith("CLM_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("CLM_DEMO_PROCESS", "child")
    monkeypatch.setenv("CLM_DEMO_SIZE", "20")
    process = BackendProcess.start_at_spawn(ROOT / "server.py", "CLM_")
    assert process is not None
    try:
        _serves_only_with_its_key(process)
    finally:
        process.close()
    monkeypatch.setenv("CLM_BASE_URL", "https://clm.example.com")
    assert BackendProcess.start_at_spawn(ROOT / "server.py", "CLM_") is None


def test_the_child_builds_from_the_composition_root_without_importing_the_tools() -> None:
    """The child serves the demo backend only: it takes the identity and the adapter from `server.py`'s parts, not
    the tool registry, whose import (~50 ms of CPU, measured) would run beside the server's own start."""
    script = (
        "import sys; from pathlib import Path; from plugin.transport.backend_process import _from_composition_root; "
        "factory, _settings, _secret = _from_composition_root(Path(sys.argv[1])); "
        "print(factory.__module__, sorted(m for m in sys.modules if m == 'tools' or m.startswith('tools.')))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLM_")} | {"CLM_DEMO_SIZE": "20"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "server.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["clm_client.demo", "[]"]
