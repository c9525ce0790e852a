"""Overhead of the audit trail (and of the OpenTelemetry no-op path) per tool call vs a search call.

    python bench/audit_overhead.py [--quick]

Measured side by side in one run (the machine is shared and noisy):
1. end to end over stdio: three server processes against one sandbox - audit off, audit off again
   (an A/A control that shows the noise floor between two processes) and audit to a JSON-lines file -
   the same 20-row search sent to each in rotation; medians and differences;
2. in process, the same `Runtime.invoke` path with audit off vs to a file (one process, alternating);
3. in process, precisely: the per-call cost of what the runtime adds for audit (redact arguments,
   build the record, encode, append to the file) and for telemetry (no-op span + histogram), each as
   a fraction of the median search call from (1). Target: audit under 5% of a search call.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stdio_client import StdioServer, percentile
from plugin.observability.audit import AuditRecord, FileAuditSink, audit_arguments
from plugin.observability.telemetry import Telemetry
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
    """Three servers: audit off, audit off again (the A/A control: the noise floor), audit to a file."""
    servers = {
        "off": StdioServer(["server.py"], env_for(url, "off")),
        "control": StdioServer(["server.py"], env_for(url, "off")),
        "file": StdioServer(["server.py"], env_for(url, f"file:{audit_path}")),
    }
    samples: dict[str, list[float]] = {label: [] for label in servers}
    for server in servers.values():
        server.initialize()
        for _ in range(10):  # warm up: token, connection pool, caches
            server.call("clm__search_contracts", SEARCH)
    labels = list(servers)
    for i in range(calls):
        for label in labels[i % 3 :] + labels[: i % 3]:  # rotate who goes first
            started = time.perf_counter()
            servers[label].call("clm__search_contracts", SEARCH)
            samples[label].append(time.perf_counter() - started)
    for server in servers.values():
        server.close()
    lines = sum(1 for _ in audit_path.open())
    off, control, on = (percentile(samples[label], 0.5) for label in ("off", "control", "file"))
    print(
        f"end to end over stdio, {calls} searches each (medians): audit off {off * 1000:.2f} ms, "
        f"audit off again (control) {control * 1000:.2f} ms, audit file {on * 1000:.2f} ms; "
        f"file vs off {(on / off - 1) * 100:+.1f}%, control vs off {(control / off - 1) * 100:+.1f}% (noise floor); "
        f"audit lines written {lines}"
    )
    return {"search_median_s": off, "e2e_ratio": on / off}


async def runtime_ab(url: str, audit_path: Path, calls: int) -> None:
    """The same Runtime.invoke path in one process: audit off vs file, one backend each, alternating."""
    from plugin.config.settings import PluginSettings
    from plugin.observability.logging import configure_logging
    from plugin.server.assembly import build_server, effective_settings
    from server import parts as plugin_parts

    configure_logging("WARNING")  # stderr, quiet: as the server runs

    parts = plugin_parts()
    spec = next(s for s in parts.tools if parts.full_name(s) == "clm__search_contracts")
    runtimes = {}
    for label, audit in (("off", "off"), ("file", f"file:{audit_path}")):
        plain = PluginSettings(
            base_url=url,
            token_url=f"{url}/oauth/token",
            client_id="demo-client",
            client_secret=SECRET,
            audit=audit,
            audit_required=audit != "off",
        )
        settings = effective_settings(parts, plain)
        runtimes[label] = build_server(parts, settings)[1]
    samples: dict[str, list[float]] = {label: [] for label in runtimes}
    for i in range(calls + 10):
        for label in ("off", "file") if i % 2 == 0 else ("file", "off"):
            started = time.perf_counter()
            await runtimes[label].invoke(spec, "clm__search_contracts", dict(SEARCH), None)
            if i >= 10:  # the first calls warm up tokens and connections
                samples[label].append(time.perf_counter() - started)
    for runtime in runtimes.values():
        await runtime.aclose()
    off, on = percentile(samples["off"], 0.5), percentile(samples["file"], 0.5)
    print(
        f"in process, Runtime.invoke of the same search, {calls} each (medians): audit off {off * 1000:.3f} ms, "
        f"audit file {on * 1000:.3f} ms, difference {(on - off) * 1e6:+.0f} us ({(on / off - 1) * 100:+.1f}%)"
    )


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
                record_ids=[f"ctr-{j:05d}" for j in range(20)],
                duration_ms=12.3,
                acting_user="alice@example.com",
                client_name="bench",
                client_version="1",
                plugin_name="contract-intelligence",
                plugin_version="0.1.0",
                backend_request_ids=[f"{i:016x}-0"],
            )
        )
    return (time.perf_counter() - started) / rounds


def telemetry_cost(rounds: int) -> float:
    telemetry = Telemetry("contract-intelligence", "0.1.0")
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
            anyio.run(runtime_ab, url, Path(tmp) / "runtime-audit.jsonl", calls)
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
