"""Malformed protocol on stdin of a real `python server.py`: the server keeps serving after every input.

After each malformed line, a valid `ping` must be answered. Where the JSON-RPC 2.0 spec requires an error
response (parse error -32700, invalid request -32600, method not found -32601, invalid params -32602), the
tests assert it (plugin/stdio.py answers what the SDK's stdio reader would drop).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT, SECRET
from tests.plugin_parts import REGISTRY


class RawServer:
    """`python server.py` spoken to byte by byte; stdout is read line by line on a thread."""

    def __init__(self, env: dict[str, str]) -> None:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("CLM_")}
        self.proc = subprocess.Popen(
            [sys.executable, "server.py"],
            cwd=ROOT,
            env={**clean, "CLM_STRUCTURED_OUTPUT": "true", **env},  # the tests read the structured copy
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.lines: queue.Queue[bytes] = queue.Queue()
        self.stderr: list[bytes] = []
        assert self.proc.stdout is not None and self.proc.stderr is not None
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines.put), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr.append), daemon=True).start()
        self._next_id = 1000

    @staticmethod
    def _pump(stream: Any, sink: Any) -> None:
        for line in stream:
            sink(line)

    def send(self, raw: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(raw + b"\n")
        self.proc.stdin.flush()

    def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": self._next_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(json.dumps(message).encode())
        replies = self.read_until(self._next_id)
        return replies[-1]

    def read_until(self, wanted: object, timeout: float = 30) -> list[dict[str, Any]]:
        """Every message up to and including the reply with id `wanted`; each stdout line must be JSON-RPC."""
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            message = json.loads(line)
            assert message.get("jsonrpc") == "2.0", line[:200]
            seen.append(message)
            if message.get("id") == wanted:
                return seen
        raise AssertionError(f"no reply to {wanted!r} within {timeout} s; got {seen}; stderr: {self.stderr_text()}")

    def stderr_text(self) -> str:
        return b"".join(self.stderr).decode("utf-8", "replace")[-2000:]

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=20)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


@pytest.fixture(scope="module")
def server(sandbox_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RawServer]:
    audit = tmp_path_factory.mktemp("protocol") / "audit.jsonl"
    env = {
        "CLM_BASE_URL": sandbox_url,
        "CLM_TOKEN_URL": f"{sandbox_url}/oauth/token",
        "CLM_CLIENT_ID": "demo-client",
        "CLM_CLIENT_SECRET": SECRET,
        "CLM_AUDIT": f"file:{audit}",
    }
    raw = RawServer(env)
    init = raw.request(
        "initialize",
        {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "harness", "version": "1"}},
    )
    assert "result" in init, init
    raw.send(b'{"jsonrpc":"2.0","method":"notifications/initialized"}')
    yield raw
    raw.close()
    assert raw.proc.returncode == 0, raw.stderr_text()


MALFORMED: dict[str, bytes] = {
    "garbage line": b"hello, this is not JSON",
    "invalid UTF-8": b'\xff\xfe{"jsonrpc":"2.0","id":1,"method":"ping"}',
    "10 MB line": b"x" * 10_000_000,
    "empty object": b"{}",
    "JSON array": b"[]",
    "JSON number": b"42",
    "truncated JSON": b'{"jsonrpc":"2.0","id":77,"method":"pi',
    "no method": b'{"jsonrpc":"2.0","id":5}',
    "jsonrpc 1.0": b'{"jsonrpc":"1.0","id":6,"method":"ping"}',
    "method is a number": b'{"jsonrpc":"2.0","id":7,"method":5}',
    "id is an object": b'{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}',
    "params is an array": b'{"jsonrpc":"2.0","id":8,"method":"tools/call","params":[]}',
    "tools/call without name": b'{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{}}',
    "result for no request": b'{"jsonrpc":"2.0","id":424242,"result":{}}',
    "NUL bytes": b'{"jsonrpc":"2.0",\x00"id":3}',
}


@pytest.mark.parametrize("label", list(MALFORMED))
def test_server_keeps_serving_after(server: RawServer, label: str) -> None:
    server.send(MALFORMED[label])
    assert server.request("ping") == {"jsonrpc": "2.0", "id": server._next_id, "result": {}}
    listed = server.request("tools/list")
    assert len(listed["result"]["tools"]) == len(REGISTRY)


def test_tool_calls_work_after_all_the_malformed_input(server: RawServer) -> None:
    reply = server.request("tools/call", {"name": "clm__search_contracts", "arguments": {"limit": 3}})
    assert not reply["result"].get("isError"), reply
    assert len(reply["result"]["structuredContent"]["contracts"]) == 3


def test_unknown_method_is_method_not_found(server: RawServer) -> None:
    server.send(b'{"jsonrpc":"2.0","id":"u1","method":"contracts/steal"}')
    reply = server.read_until("u1")[-1]
    assert reply["error"]["code"] == -32601


def test_ten_megabyte_valid_request_gets_a_clear_tool_error(server: RawServer) -> None:
    huge = {"name": "clm__search_contracts", "arguments": {"query": "a" * 10_000_000}}
    reply = server.request("tools/call", huge)
    text = reply["result"]["content"][0]["text"]
    assert reply["result"]["isError"] and text.startswith("[invalid_argument]") and len(text) < 1000


def test_garbage_is_a_parse_error(server: RawServer) -> None:
    server.send(b"hello, this is not JSON")
    assert server.read_until(None, timeout=3)[-1]["error"]["code"] == -32700


def test_request_without_method_is_invalid_request(server: RawServer) -> None:
    server.send(b'{"jsonrpc":"2.0","id":"nm","method":5}')
    assert server.read_until("nm", timeout=3)[-1]["error"]["code"] == -32600


def test_tools_call_with_wrong_params_is_invalid_params(server: RawServer) -> None:
    server.send(b'{"jsonrpc":"2.0","id":"wp","method":"tools/call","params":[]}')
    assert server.read_until("wp", timeout=3)[-1]["error"]["code"] == -32602
