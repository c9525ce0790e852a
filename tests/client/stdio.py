"""A fresh `python server.py` per session, spoken to over raw stdio JSON-RPC (as the MCP Inspector CLI does).

Each `one_session(env)` is one server process: initialize, the requests, then stdin closes and it exits.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx2

from tests.conftest import ROOT, SECRET

INIT = {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "restart-test", "version": "1"}}


def server_env(extra: dict[str, str]) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CLM_") or k == "CLM_STATE_DIR"}
    return {
        **clean,
        "CLM_AUDIT": "off",
        "CLM_AUDIT_REQUIRED": "false",
        "CLM_ACTING_USER": "alice",
        "CLM_STRUCTURED_OUTPUT": "true",
        **extra,
    }


def sandbox_env(base_url: str, client_id: str = "demo-client", secret: str = SECRET) -> dict[str, str]:
    return {
        "CLM_BASE_URL": base_url,
        "CLM_TOKEN_URL": f"{base_url}/oauth/token",
        "CLM_CLIENT_ID": client_id,
        "CLM_CLIENT_SECRET": secret,
    }


class StdioSession:
    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self._id = 0

    def send(self, method: str, params: dict[str, Any] | None = None) -> int:
        assert self.proc.stdin is not None
        self._id += 1
        message = {"jsonrpc": "2.0", "id": self._id, "method": method, "params": params or {}}
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()
        return self._id

    def receive(self, request_id: int) -> dict[str, Any]:
        assert self.proc.stdout is not None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise ConnectionError("server exited")
            message: dict[str, Any] = json.loads(line)
            if message.get("id") == request_id and "method" not in message:
                return message

    def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.receive(self.send(method, params))

    def call(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        answer = self.request("tools/call", {"name": tool, "arguments": arguments})
        assert "result" in answer, answer
        result: dict[str, Any] = answer["result"]
        return result


def start_server(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "server.py"],
        cwd=ROOT,
        env=server_env(env),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


@contextmanager
def one_session(env: dict[str, str]) -> Iterator[StdioSession]:
    proc = start_server(env)
    try:
        session = StdioSession(proc)
        session.request("initialize", INIT)
        assert proc.stdin is not None
        proc.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
        proc.stdin.flush()
        yield session
    finally:
        if proc.stdin is not None and not proc.stdin.closed:
            proc.stdin.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def structured(result: dict[str, Any]) -> dict[str, Any]:
    assert not result.get("isError"), result
    data: dict[str, Any] = result["structuredContent"]
    return data


def text(result: dict[str, Any]) -> str:
    return "\n".join(block.get("text", "") for block in result["content"] if block.get("type") == "text")


def notes_with_body(base_url: str, contract_id: str, body: str) -> int:
    """How many annotations with exactly this body the CLM holds on the contract (the sandbox's own API)."""
    with httpx2.Client(base_url=base_url, timeout=10) as http:
        token = http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=("demo-client", SECRET)
        ).json()["access_token"]
        count, cursor = 0, None
        while True:
            params: dict[str, Any] = {"limit": 100}
            if cursor:
                params["cursor"] = cursor
            page = http.get(
                f"/v1/contracts/{contract_id}/annotations", params=params, headers={"Authorization": f"Bearer {token}"}
            ).json()
            count += sum(1 for note in page["data"] if note["body"] == body)
            cursor = page.get("next_cursor")
            if not cursor:
                return count
