"""A minimal raw JSON-RPC stdio client for benchmarks: spawn a server, time requests precisely."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Children may write and read bytecode caches, as a default Python does after a plugin's first start. An
# environment that sets PYTHONDONTWRITEBYTECODE (this workplace's does) would make every start of the plugin
# compile its own ~150 modules from source, while the bare server's dependencies come precompiled by pip:
# that compares a first start with a later one.
_NOT_PASSED = frozenset({"PYTHONDONTWRITEBYTECODE"})


INITIALIZE_PARAMS: dict[str, Any] = {
    "protocolVersion": "2025-06-18",
    "capabilities": {},
    "clientInfo": {"name": "bench", "version": "1"},
}


def sandbox_settings_env(url: str, state: Path, deadline: float = 60) -> dict[str, str]:
    """The plugin pointed at a sandbox CLM at `url` (its demo client), audit off, structured results on (the
    benches read them), a private state folder."""
    return {
        "CLM_BASE_URL": url,
        "CLM_TOKEN_URL": f"{url}/oauth/token",
        "CLM_CLIENT_ID": "demo-client",
        "CLM_CLIENT_SECRET": "demo-secret",
        "CLM_AUDIT": "off",
        "CLM_AUDIT_REQUIRED": "false",
        "CLM_STATE_DIR": str(state),
        "CLM_CALL_DEADLINE": f"{deadline:g}",
        "CLM_BOOTSTRAP": "off",
        "CLM_STRUCTURED_OUTPUT": "true",
    }


def process_cpu_seconds(pid: int) -> float:
    """CPU time of a live process so far: the scheduler's nanosecond counts summed over its threads (utime +
    stime tick at 10 ms, +-2% of a cold start); those ticks where there is no schedstat, NaN without /proc.
    Threads that already ended are not in the sum: the servers measured keep theirs (thread pools idle)."""
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
        return sum(int((task / "schedstat").read_text().split()[0]) for task in tasks) / 1e9
    except (OSError, ValueError, IndexError):
        pass
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_environment() -> dict[str, str]:
    """This process's environment without the product's own settings and without `_NOT_PASSED`."""
    return {k: v for k, v in os.environ.items() if not k.startswith("CLM_") and k not in _NOT_PASSED}


class StdioServer:
    def __init__(self, args: list[str], env: dict[str, str] | None = None) -> None:
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**child_environment(), **(env or {})},
            text=True,
            bufsize=1,
        )
        self._id = 0

    def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._id += 1
        message = {"jsonrpc": "2.0", "id": self._id, "method": method, "params": params or {}}
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"server exited during {method}")
            reply: dict[str, Any] = json.loads(line)
            if reply.get("id") == self._id:
                return reply

    def notify(self, method: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"jsonrpc": "2.0", "method": method}) + "\n")
        self.proc.stdin.flush()

    def initialize(self) -> dict[str, Any]:
        reply = self.request("initialize", INITIALIZE_PARAMS)
        self.notify("notifications/initialized")
        return reply

    def call(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        reply = self.request("tools/call", {"name": name, "arguments": arguments})
        result: dict[str, Any] = reply["result"]
        if result.get("isError"):
            raise RuntimeError(f"{name} failed: {result['content'][0]['text']}")
        return result

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]
