"""Overhead of the audit trail (and of the OpenTelemetry no-op path) per tool call vs a search call.

    python bench/audit_overhead.py [--quick]

Measured side by side in one run (the machine is shared and noisy):
1. end to end over stdio: two server processes against one sandbox, audit off vs audit to a JSON-lines
   file, the same 20-row search sent to each alternately; medians and the difference;
2. in process, precisely: the per-call cost of what the runtime adds for audit (redact arguments,
   build the record, encode, append to the file) and for telemetry (no-op span + histogram), each as
   a fraction of the median search call from (1). Target: audit under 5% of a search call.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stdio_client import StdioServer, percentile
from plugin.audit import AuditRecord, FileAuditSink, audit_arguments
from plugin.telemetry import Telemetry
from sandbox.settings import SandboxSettings
from sandbox.testing import running_sandbox

SECRET = "demo-secret"
SEARCH = {"types": ["MSA"], "limit": 20}


def env_for(url: str, audit: str) -> dict[str, str]:
    return {
        "CLM_BASE_URL": url,
        "CLM_TOKEN_URL": f"{url}/oauth/token",
        "CLM_CLIENT_ID": "demo-client",
        "CLM_CLIENT_SECRET": SECRET,
        "CLM_AUDIT": audit,
        "CLM_AUDIT_REQUIRED": "false" if audit == "off" else "true",
    }


def end_to_end(url: str, audit_path: Path, calls: int) -> dict[str, float]:
    servers = {"off": StdioServer(["server.py"], env_for(url, "off"))}
    servers["file"] = StdioServer(["server.py"], env_for(url, f"file:{audit_path}"))
    samples: dict[str, list[float]] = {"off": [], "file": []}
    for server in servers.values():
        server.initialize()
        for _ in range(10):  # warm up: token, connection pool, caches
            server.call("clm__search_contracts", SEARCH)
    for i in range(calls):
        order = ("off", "file") if i % 2 == 0 else ("file", "off")  # alternate who goes first
        for label in order:
            started = time.perf_counter()
            servers[label].call("clm__search_contracts", SEARCH)
            samples[label].append(time.perf_counter() - started)
    for server in servers.values():
        server.close()
    lines = sum(1 for _ in audit_path.open())
    off, on = percentile(samples["off"], 0.5), percentile(samples["file"], 0.5)
    print(
        f"end to end over stdio, {calls} searches each: median audit off {off * 1000:.2f} ms, audit file "
        f"{on * 1000:.2f} ms, difference {(on - off) * 1000:+.3f} ms ({(on / off - 1) * 100:+.1f}%); "
        f"p95 off {percentile(samples['off'], 0.95) * 1000:.2f} ms, file "
        f"{percentile(samples['file'], 0.95) * 1000:.2f} ms; audit lines written {lines}"
    )
    return {"search_median_s": off, "e2e_ratio": on / off}


def audit_cost(path: Path, rounds: int) -> float:
    """Seconds per call for what Runtime._audit does: redact + record + encode + append."""
    sink = FileAuditSink(path)
    arguments: dict[str, object] = {"types": ["MSA"], "limit": 20, "q": "master services agreement"}
    started = time.perf_counter()
    for i in range(rounds):
        sink.write(
            AuditRecord(
                request_id=f"{i:016x}",
                mcp_request_id=str(i),
                session_id="bench",
                tool="clm__search_contracts",
                arguments=audit_arguments(arguments),
                outcome="ok",
                result_count=20,
                contract_ids=[f"ctr-{j:05d}" for j in range(20)],
                duration_ms=12.3,
                acting_user="alice@example.com",
                client_name="bench",
                client_version="1",
                plugin_name="contract-intelligence",
                plugin_version="0.1.0",
                clm_request_ids=[f"{i:016x}-0"],
            )
        )
    return (time.perf_counter() - started) / rounds


def telemetry_cost(rounds: int) -> float:
    telemetry = Telemetry("0.1.0")
    started = time.perf_counter()
    for i in range(rounds):
        with telemetry.tool_call("clm__search_contracts", f"{i}") as call:
            call.outcome = "ok"
        telemetry.record_duration("clm__search_contracts", "ok", 0.01)
    return (time.perf_counter() - started) / rounds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer calls (CI smoke run)")
    args = parser.parse_args()
    calls, rounds = (60, 2000) if args.quick else (400, 20000)
    with tempfile.TemporaryDirectory() as tmp:
        settings = SandboxSettings(contracts=300, seed=7, db=Path(tmp) / "clm.db", port=0)
        with running_sandbox(settings) as url:
            figures = end_to_end(url, Path(tmp) / "e2e-audit.jsonl", calls)
        search = figures["search_median_s"]
        audit = audit_cost(Path(tmp) / "micro-audit.jsonl", rounds)
        otel = telemetry_cost(rounds)
    print(
        f"in process, {rounds} rounds: audit record + file append {audit * 1e6:.1f} us/call = "
        f"{audit / search * 100:.2f}% of a median search call ({search * 1000:.2f} ms); "
        f"OpenTelemetry no-op span + histogram {otel * 1e6:.1f} us/call = {otel / search * 100:.3f}%"
    )
    verdict = "PASS" if audit / search < 0.05 else "FAIL"
    print(f"audit overhead target < 5% of a search call: {verdict} ({audit / search * 100:.2f}%)")


if __name__ == "__main__":
    main()
