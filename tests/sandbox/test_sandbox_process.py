"""`python -m sandbox` as a real process: start, kill mid-session, restart on the same port with the same data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx2
import pytest

from sandbox.settings import SandboxSettings
from sandbox.testing import SandboxProcess
from tests.sandbox.helpers import Api, problem

ROOT = Path(__file__).resolve().parents[2]


def test_python_m_sandbox_serves_every_contract_by_cursor() -> None:
    """Acceptance 1 with the demo defaults: `python -m sandbox`, a token, next_cursor to the end."""
    with SandboxProcess() as server:
        api = Api(server.base_url)
        first = api.walk("/v1/contracts", limit=20)
        ids = [row["id"] for row in first]
        assert len(ids) == len(set(ids)) == SandboxSettings().contracts == 300
        assert [row["id"] for row in api.walk("/v1/contracts", limit=20)] == ids
        api.close()


def test_kill_and_restart_keeps_port_data_and_cursors() -> None:
    with SandboxProcess(SandboxSettings(contracts=40, seed=2, test_endpoints=True)) as server:
        api = Api(server.base_url)
        old_token = api.token()
        page = api.ok("/v1/contracts", {"limit": 10})
        note = {"body": "survives a crash"}
        created = api.post_annotation("ctr_000001", note, "crash-key")
        assert created.status_code == 201
        pid, url = server.pid, server.base_url

        server.kill()
        assert not server.running
        with pytest.raises(httpx2.TransportError):
            api.http.get("/v1/healthz")

        assert server.restart() == url and server.pid != pid
        problem(api.get("/v1/meta", token=old_token), 401, "invalid_token")  # tokens lived in memory
        api = Api(server.base_url)
        replay = api.post_annotation("ctr_000001", note, "crash-key")
        assert replay.status_code == 200 and replay.json() == created.json(), "the write was durable"
        following = api.ok("/v1/contracts", {"limit": 10, "cursor": page["next_cursor"]})
        assert following["data"] and following["data"][0]["id"] not in {r["id"] for r in page["data"]}
        api.close()
    assert not server.running


def test_graceful_stop() -> None:
    server = SandboxProcess(SandboxSettings(contracts=40))
    server.start()
    assert Api(server.base_url).http.get("/v1/healthz").status_code == 200
    server.stop()
    assert not server.running
    server.close()


def test_cli_help_and_bad_arguments() -> None:
    env = {"PYTHONPATH": str(ROOT), "PATH": ""}
    shown = subprocess.run(
        [sys.executable, "-m", "sandbox", "--help"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert shown.returncode == 0 and "--contracts" in shown.stdout and "--test-endpoints" in shown.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "sandbox", "--as-of", "tomorrow"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "--as-of" in bad.stderr
