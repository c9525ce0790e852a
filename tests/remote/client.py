"""A small MCP client over streamable HTTP (raw JSON-RPC, as the spec describes), for the remote tests."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import httpx2

from tests.conftest import ROOT

PROTOCOL = "2025-11-25"
ACCEPT = "application/json, text/event-stream"


def _messages(response: httpx2.Response) -> list[dict[str, Any]]:
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        out = []
        for block in response.text.split("\n\n"):
            data = "\n".join(line[5:].lstrip() for line in block.splitlines() if line.startswith("data:"))
            if data:
                out.append(json.loads(data))
        return out
    return [response.json()] if response.content else []


class McpHttpSession:
    """One MCP session (2025 era: initialize, Mcp-Session-Id) with a bearer token."""

    def __init__(self, url: str, token: str | None, *, timeout: float = 60.0) -> None:
        self.url = url
        self.token = token
        self.session_id: str | None = None
        self._id = 0
        self.http = httpx2.Client(timeout=timeout)

    def headers(self) -> dict[str, str]:
        headers = {"Accept": ACCEPT, "Content-Type": "application/json", "MCP-Protocol-Version": PROTOCOL}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.session_id:
            headers["Mcp-Session-Id"] = self.session_id
        return headers

    def post(self, message: dict[str, Any], **extra_headers: str) -> httpx2.Response:
        return self.http.post(self.url, json=message, headers={**self.headers(), **extra_headers})

    def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._id += 1
        response = self.post({"jsonrpc": "2.0", "id": self._id, "method": method, "params": params or {}})
        response.raise_for_status()
        for message in _messages(response):
            if message.get("id") == self._id:
                return message
        raise AssertionError(f"no answer to {method}: {response.text[:500]}")

    def initialize(self) -> dict[str, Any]:
        self._id += 1
        client = {"name": "remote-test", "version": "1"}
        params = {"protocolVersion": PROTOCOL, "capabilities": {}, "clientInfo": client}
        response = self.post({"jsonrpc": "2.0", "id": self._id, "method": "initialize", "params": params})
        response.raise_for_status()
        self.session_id = response.headers.get("mcp-session-id")
        answer = next(m for m in _messages(response) if m.get("id") == self._id)
        self.post({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return answer

    def call(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        return self.request("tools/call", {"name": tool, "arguments": arguments})

    def close(self) -> None:
        self.http.close()


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLM_") or k == "CLM_STATE_DIR"}
    # The tests read result data from the structured copy (the default is the text alone).
    return {**env, "CLM_AUDIT": "off", "CLM_AUDIT_REQUIRED": "false", "CLM_STRUCTURED_OUTPUT": "true", **extra}


class ServeProcess:
    """`python server.py serve --port 0` as a child process; its URL read from stderr; stopped with SIGTERM."""

    def __init__(self, env: dict[str, str], *, args: tuple[str, ...] = ()) -> None:
        self.env = env
        self.args = args
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""  # the MCP endpoint
        self.base = ""
        self.stderr: list[str] = []

    def start(self, timeout: float = 180.0) -> ServeProcess:
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "server.py"), "serve", "--host", "127.0.0.1", "--port", "0", *self.args],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        found = threading.Event()

        def read() -> None:
            assert self.proc is not None and self.proc.stderr is not None
            for line in self.proc.stderr:
                self.stderr.append(line)
                match = re.search(r"streamable HTTP at (http://127\.0\.0\.1:\d+/mcp)", line)
                if match and not self.url:
                    self.url = match.group(1)
                    self.base = self.url.removesuffix("/mcp")
                    found.set()

        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + timeout
        while not found.wait(0.1):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError("serve did not start:\n" + "".join(self.stderr)[-3000:])
        return self

    def terminate(self, timeout: float = 30.0) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stdout_text(self) -> str:
        assert self.proc is not None and self.proc.stdout is not None
        return self.proc.stdout.read()

    def __enter__(self) -> ServeProcess:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.kill()
