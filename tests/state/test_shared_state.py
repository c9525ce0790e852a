"""Shared state across processes through a real Redis: what one replica creates, signs or stores, another uses.

Each "replica" is a separate Python process (tests/state/worker.py) so nothing is shared but Redis.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from plugin.config.settings import PluginSettings
from tests.conftest import SandboxAdmin

ROOT = Path(__file__).resolve().parents[2]


def spawn(*args: str, start_at: float = 0.0) -> subprocess.Popen[str]:
    env = {**os.environ, "START_AT": repr(start_at), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.state.worker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def result(process: subprocess.Popen[str], timeout: float = 120) -> dict[str, Any]:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err[-3000:]
    data: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return data


def run(*args: str) -> dict[str, Any]:
    return result(spawn(*args))


def racing(*args: str, count: int = 2) -> list[dict[str, Any]]:
    """`count` workers doing the same thing at the same instant (after all have imported everything)."""
    start_at = time.time() + 6.0
    processes = [spawn(*args, start_at=start_at) for _ in range(count)]
    return [result(p) for p in processes]


def test_key_ring_is_created_once_by_racing_processes(redis_url: str) -> None:
    first, second = racing("keyring", redis_url)
    assert first["fingerprint"] == second["fingerprint"] and first["current"] == second["current"]
    assert run("keyring", redis_url) == first  # a later replica reads the same ring


def test_a_confirmation_issued_by_one_process_is_accepted_by_another(redis_url: str) -> None:
    token = run("issue", redis_url)["token"]
    assert run("verify", redis_url, token) == {"ok": True}


def test_a_report_written_by_one_process_is_read_by_another(redis_url: str) -> None:
    uri = run("put-report", redis_url, "Contracts by counterparty")["uri"]
    report_id = uri.rsplit("/", 1)[1]
    read = run("get-report", redis_url, report_id)
    assert read["text"].splitlines() == ["key,contracts", "Acme,3", "'=cmd,1"]
    assert read["live"] == [report_id]
    forged = report_id[:17] + ("0" if report_id[17] != "0" else "1") + report_id[18:]
    assert run("get-report", redis_url, forged)["text"] is None  # an id not made by this installation


def test_concurrent_callers_in_two_processes_make_one_token_request(
    redis_url: str, sandbox_url: str, admin: SandboxAdmin
) -> None:
    before = admin.token_requests()
    results = racing("tokens", redis_url, f"{sandbox_url}/oauth/token", "50")
    assert admin.token_requests() - before == 1
    assert sum(r["requests"] for r in results) == 1
    assert results[0]["tokens"] == results[1]["tokens"] and len(results[0]["tokens"]) == 1


def test_state_url_must_be_redis_and_use_tls_off_the_loopback() -> None:
    assert PluginSettings(state_url="redis://127.0.0.1:6379/0").shared_state == "redis://127.0.0.1:6379/0"
    assert PluginSettings(state_url="rediss://:pw@redis.internal:6380/0").shared_state is not None
    with pytest.raises(ValueError, match="rediss://") as refused:
        PluginSettings(state_url="redis://:hunter22@redis.internal:6379/0")
    assert "hunter22" not in str(refused.value)  # the password is never repeated
    with pytest.raises(ValueError, match="must start with"):
        PluginSettings(state_url="http://127.0.0.1:6379")
    assert PluginSettings().shared_state is None
