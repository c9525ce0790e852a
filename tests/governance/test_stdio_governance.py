"""Over real stdio: the tool list is decided before its first answer and never changes (no tools.listChanged,
no notification), and bad audit configuration stops the server at start-up (exit 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

INIT_PARAMS = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "gov", "version": "1"}}


def start(env: dict[str, str]) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CLM_") or k == "CLM_STATE_DIR"}
    return subprocess.Popen(
        [sys.executable, "server.py"],
        cwd=ROOT,
        env={**clean, **env},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


class Session:
    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.notifications: list[str] = []
        self._id = 0

    def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._id += 1
        self.proc.stdin.write(json.dumps({"jsonrpc": "2.0", "id": self._id, "method": method, "params": params or {}}))
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        while True:
            line = self.proc.stdout.readline()
            assert line, "server exited"
            message: dict[str, Any] = json.loads(line)
            if "id" not in message:
                self.notifications.append(message["method"])
            elif message["id"] == self._id:
                return message

    def notify(self, method: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"jsonrpc": "2.0", "method": method}) + "\n")
        self.proc.stdin.flush()


def test_hidden_tool_and_stable_list_over_stdio(sandbox_url: str, tmp_path: Path) -> None:
    proc = start(
        {
            "CLM_BASE_URL": sandbox_url,
            "CLM_TOKEN_URL": f"{sandbox_url}/oauth/token",
            "CLM_CLIENT_ID": "readonly-client",
            "CLM_CLIENT_SECRET": "readonly-secret",
            "CLM_AUDIT": f"file:{tmp_path / 'audit.jsonl'}",
        }
    )
    try:
        session = Session(proc)
        init = session.request("initialize", INIT_PARAMS)
        assert not init["result"]["capabilities"]["tools"].get("listChanged")
        session.notify("notifications/initialized")
        before = {t["name"] for t in session.request("tools/list")["result"]["tools"]}
        call = session.request("tools/call", {"name": "clm__search_contracts", "arguments": {"limit": 1}})
        after = {t["name"] for t in session.request("tools/list")["result"]["tools"]}
    finally:
        _, err = proc.communicate(timeout=30)  # closes stdin: the server exits
    assert not call["result"].get("isError")
    assert "clm__annotate_contract" not in before and after == before
    assert "notifications/tools/list_changed" not in session.notifications
    assert err.count("did not grant write:annotations") == 1


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CLM_AUDIT": "kafka://siem"}, "not a valid audit destination"),
        ({"CLM_AUDIT": "syslog:siem.example:notaport"}, "syslog address"),
        ({"CLM_AUDIT": "file:/proc/version/audit.jsonl"}, "cannot write the audit file"),
        ({"CLM_AUDIT": "off"}, "audit is mandatory"),
        ({"CLM_ENABLED_TOOLS": "clm__nope"}, "unknown tool name"),
    ],
)
def test_bad_configuration_stops_at_start_up(env: dict[str, str], message: str) -> None:
    proc = start(env)
    _, err = proc.communicate("", timeout=60)
    assert proc.returncode == 2 and message in err, err
