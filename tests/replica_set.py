"""Replicas of `python server.py serve` on shared state (Redis) behind nginx (round robin, no stickiness).

Used by tests/replicas/ and bench/replicas_load.py:

- `Deployment`: a sandbox CLM (its own process: the CLM API, its authorization server and token
  exchange), a real `redis-server`, N `serve` replicas (each its own process and its own, empty, state
  directory: only Redis is shared) and nginx in front, all on 127.0.0.1. `kill(i)` SIGKILLs replica i by
  its PID.
- `McpHttp`: a small asynchronous MCP client over streamable HTTP (raw JSON-RPC, as the spec describes):
  initialize, then calls; a session id is echoed when the server issues one (with shared state the
  replicas serve stateless, so any request may go to any replica).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2

from sandbox.settings import SandboxSettings
from sandbox.testing import SandboxProcess, user_token
from tests.os_services import NginxProxy, RedisServer, free_port, require_binary

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL = "2025-11-25"
ACCEPT = "application/json, text/event-stream"
PREFIX = "CLM_"  # tests may name the reference identity's prefix (machinery may not)


def _messages(response: httpx2.Response) -> list[dict[str, Any]]:
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        found = []
        for block in response.text.split("\n\n"):
            data = "\n".join(line[5:].lstrip() for line in block.splitlines() if line.startswith("data:"))
            if data:
                found.append(json.loads(data))
        return found
    return [response.json()] if response.content else []


class RpcError(Exception):
    """A JSON-RPC error answer, or an HTTP status that is not a JSON-RPC answer."""


class McpHttp:
    """One MCP session over streamable HTTP with a bearer token (the 2025 era's initialize handshake)."""

    def __init__(self, http: httpx2.AsyncClient, url: str, token: str) -> None:
        self.http = http
        self.url = url
        self.token = token
        self.session_id: str | None = None
        self._id = 0

    def _headers(self) -> dict[str, str]:
        headers = {
            "Accept": ACCEPT,
            "Content-Type": "application/json",
            "MCP-Protocol-Version": PROTOCOL,
            "Authorization": f"Bearer {self.token}",
        }
        if self.session_id:
            headers["Mcp-Session-Id"] = self.session_id
        return headers

    async def _post(self, message: dict[str, Any]) -> httpx2.Response:
        return await self.http.post(self.url, content=json.dumps(message), headers=self._headers())

    async def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._id += 1
        response = await self._post({"jsonrpc": "2.0", "id": self._id, "method": method, "params": params or {}})
        if response.status_code >= 400:
            raise RpcError(f"HTTP {response.status_code}: {response.text[:200]}")
        if method == "initialize":
            self.session_id = response.headers.get("mcp-session-id")
        for message in _messages(response):
            if message.get("id") == self._id:
                if "error" in message:
                    raise RpcError(f"JSON-RPC {message['error'].get('code')}: {message['error'].get('message')}")
                result: dict[str, Any] = message["result"]
                return result
        raise RpcError(f"no answer to {method}")

    async def initialize(self) -> dict[str, Any]:
        params = {
            "protocolVersion": PROTOCOL,
            "capabilities": {},
            "clientInfo": {"name": "replica-test", "version": "1"},
        }
        result = await self.request("initialize", params)
        await self._post({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return result

    async def call(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        return await self.request("tools/call", {"name": tool, "arguments": arguments})


def text_of(result: dict[str, Any]) -> str:
    return "\n".join(block.get("text", "") for block in result.get("content", []) if block.get("type") == "text")


class Replica:
    """`python server.py serve` on 127.0.0.1:`port`, its own state directory; stopped (or killed) by its PID."""

    def __init__(self, port: int, env: dict[str, str]) -> None:
        self.port = port
        self.state_dir = Path(tempfile.mkdtemp(prefix="replica-state-"))
        self.env = {**env, f"{PREFIX}STATE_DIR": str(self.state_dir)}
        self.process: subprocess.Popen[str] | None = None
        self.stderr: list[str] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.base}/mcp"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        argv = [sys.executable, str(ROOT / "server.py"), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

        def drain() -> None:
            assert self.process is not None and self.process.stderr is not None
            for line in self.process.stderr:
                if len(self.stderr) < 2000:
                    self.stderr.append(line)

        threading.Thread(target=drain, daemon=True).start()

    def wait_healthy(self, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                break
            with contextlib.suppress(httpx2.HTTPError):
                if httpx2.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"replica on port {self.port} did not start:\n" + "".join(self.stderr)[-3000:])

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL by PID: the replica dies mid-whatever, as in a crash."""
        if self.alive():
            assert self.process is not None
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    def stop(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


class Deployment:
    """Sandbox + Redis + `replicas` x serve + nginx. Use as a context manager."""

    def __init__(
        self, *, replicas: int = 2, sandbox: SandboxSettings | None = None, extra_env: dict[str, str] | None = None
    ) -> None:
        require_binary("redis-server", "redis-server")
        require_binary("nginx", "nginx")
        self.sandbox_settings = (sandbox or SandboxSettings(contracts=120, seed=11)).model_copy(
            update={"test_endpoints": True}
        )
        self.count = replicas
        self.extra_env = extra_env or {}
        self.sandbox: SandboxProcess | None = None
        self.redis: RedisServer | None = None
        self.nginx: NginxProxy | None = None
        self.replicas: list[Replica] = []

    @property
    def clm(self) -> str:
        assert self.sandbox is not None
        return self.sandbox.base_url

    @property
    def url(self) -> str:
        """The MCP endpoint clients use (through nginx): also the token audience."""
        assert self.nginx is not None
        return f"{self.nginx.url}/mcp"

    def env(self, public_url: str, redis_url: str) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}
        return {
            **base,
            f"{PREFIX}BASE_URL": self.clm,
            f"{PREFIX}TOKEN_URL": f"{self.clm}/oauth/token",
            f"{PREFIX}CLIENT_ID": "demo-client",
            f"{PREFIX}CLIENT_SECRET": "demo-secret",
            f"{PREFIX}AUTH_ISSUER": self.clm,
            f"{PREFIX}PUBLIC_URL": public_url,
            f"{PREFIX}TOKEN_EXCHANGE": "true",
            f"{PREFIX}STATE_URL": redis_url,
            f"{PREFIX}DATA_RESIDENCY": "none",
            f"{PREFIX}AUDIT": "off",
            f"{PREFIX}AUDIT_REQUIRED": "false",
            f"{PREFIX}LOG_LEVEL": "WARNING",
            f"{PREFIX}STRUCTURED_OUTPUT": "true",  # the tests and the bench read the structured copy
            **self.extra_env,
        }

    def start(self) -> Deployment:
        self.sandbox = SandboxProcess(self.sandbox_settings)
        self.sandbox.start()
        self.redis = RedisServer(require_binary("redis-server", "redis-server"))
        self.redis.start()
        ports = [free_port() for _ in range(self.count)]
        self.nginx = NginxProxy(require_binary("nginx", "nginx"), [f"127.0.0.1:{p}" for p in ports])
        self.nginx.start()
        env = self.env(self.url, self.redis.url)
        self.replicas = [Replica(port, env) for port in ports]
        for replica in self.replicas:
            replica.start()
        for replica in self.replicas:
            replica.wait_healthy()
        return self

    def token(self, user: str) -> str:
        return user_token(self.clm, user, resource=self.url)

    def kill(self, index: int) -> int:
        replica = self.replicas[index]
        pid = replica.pid
        replica.kill()
        return pid

    def close(self) -> None:
        for replica in self.replicas:
            replica.stop()
        if self.nginx is not None:
            self.nginx.stop()
        if self.redis is not None:
            self.redis.stop()
        if self.sandbox is not None:
            self.sandbox.close()

    def __enter__(self) -> Deployment:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *_: object) -> None:
        self.close()


@contextlib.contextmanager
def deployment(**kwargs: Any) -> Iterator[Deployment]:
    with Deployment(**kwargs) as running:
        yield running
