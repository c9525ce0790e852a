"""Helpers of the template suite: settings for the fake, an MCP session over real stdio, response checks."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
from mcp.client import Client
from mcp_types import CallToolResult, TextContent

from plugin.config.identity import load_identity
from plugin.config.settings import PluginSettings
from plugin.server.assembly import build_server
from plugin.server.parts import PluginParts
from tests.template.fake.app import CLIENT_ID, CLIENT_SECRET

REPO = Path(__file__).resolve().parents[2]
FAKE_SERVER = REPO / "tests" / "template" / "fake" / "server.py"
# A bearer or basic credential that was not redacted.
UNREDACTED_CREDENTIAL = re.compile(r"(?i)\b(bearer|basic)\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{8,}")

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "template", "version": "1"}},
}


def fake_settings(base_url: str, **overrides: Any) -> PluginSettings:
    values: dict[str, Any] = {
        "base_url": base_url,
        "token_url": f"{base_url}/oauth/token",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "acting_user": "tester@example.com",
        "call_deadline": 10.0,
        "max_retry_after": 3.0,
        "audit": "off",
        "audit_required": False,
        "structured_output": True,  # the tests read result data from the structured copy
    }
    values.update(overrides)
    return PluginSettings(**values)


def text_of(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


def response_chars(result: CallToolResult) -> int:
    """What the output budget counts: the text plus the structured JSON."""
    structured = result.structured_content
    extra = 0 if structured is None else len(json.dumps(structured, ensure_ascii=False))
    return len(text_of(result)) + extra


def leaks(text: str) -> list[str]:
    found = [what for what in (CLIENT_SECRET, "Traceback", 'File "/') if what in text]
    return found + [m.group(0)[:20] for m in UNREDACTED_CREDENTIAL.finditer(text)]


def clean_env(prefix: str, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefix)}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return {**env, **values}


def stdio_session(
    command: list[str], messages: list[dict[str, Any]], *, env: dict[str, str], cwd: Path, timeout: float = 90
) -> tuple[dict[int, Any], str]:
    """Run an MCP server over real stdio: initialize, send `messages`, wait for every reply, close stdin.

    Returns the replies by id and the whole stderr. Every stdout line must be a JSON-RPC message.
    """
    proc = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    replies: dict[int, Any] = {}
    wanted = {m["id"] for m in messages if "id" in m} | {1}
    deadline = time.monotonic() + timeout
    try:
        proc.stdin.write(json.dumps(INIT) + "\n")
        proc.stdin.flush()
        while 1 not in replies and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            reply = json.loads(line)
            replies[reply["id"]] = reply
        proc.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
        for message in messages:  # one at a time, as a client waiting for each answer does
            proc.stdin.write(json.dumps(message) + "\n")
            proc.stdin.flush()
            while message.get("id") is not None and message["id"] not in replies and time.monotonic() < deadline:
                line = proc.stdout.readline()
                if not line:
                    break
                reply = json.loads(line)  # anything but JSON on stdout fails here
                assert reply.get("jsonrpc") == "2.0", line
                if "id" in reply:
                    replies[reply["id"]] = reply
        rest, stderr = proc.communicate(timeout=30)  # closing stdin must end the server cleanly
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    for line in rest.splitlines():
        reply = json.loads(line)
        assert reply.get("jsonrpc") == "2.0", line
    missing = wanted - set(replies)
    assert not missing, f"no reply to {missing}; stderr: {stderr[-3000:]}"
    assert proc.returncode == 0, f"exit {proc.returncode}; stderr: {stderr[-3000:]}"
    return replies, stderr


def tool_call(request_id: int, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments},
    }


def fake_server_command() -> list[str]:
    return [sys.executable, str(FAKE_SERVER)]


class FakeAdmin:
    """The fake's test controls (/_fake/...)."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx2.Client(base_url=base_url, timeout=10)

    def reset(self) -> None:
        self.http.post("/_fake/reset").raise_for_status()

    def fault(self, **spec: Any) -> None:
        self.http.post("/_fake/faults", json=spec).raise_for_status()

    def revoke_tokens(self) -> None:
        self.http.post("/_fake/tokens/revoke").raise_for_status()

    def counters(self) -> dict[str, int]:
        data: dict[str, int] = self.http.get("/_fake/counters").json()
        return data


@asynccontextmanager
async def fake_client(parts: PluginParts, settings: PluginSettings) -> AsyncIterator[Client]:
    server, _runtime = build_server(parts, settings)
    async with Client(server) as client:
        yield client


# The identity of the plugin whose tree this suite runs in: the template must never show its names.
REFERENCE = load_identity(Path(__file__).resolve().parents[2])
