"""Soak: many mixed tool calls in one `python server.py` session over stdio; memory and fd drift.

    python bench/soak.py [--calls 10000] [--quick]

RSS and open file descriptors of the server process are read from /proc after a warm-up (caches, token,
imports settled) and at the end. Prints calls, errors, per-call p50/p95 and the drift.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.core_server import plugin_env
from bench.stdio_client import StdioServer, percentile
from sandbox.settings import SandboxSettings
from sandbox.testing import running_sandbox

WARMUP = 200


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def open_fds(pid: int) -> int:
    return sum(1 for _ in Path(f"/proc/{pid}/fd").iterdir())


def mixed_calls(contract: str, other: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("clm__search_contracts", {"limit": 20}),
        ("clm__get_contract", {"contract_id": contract}),
        ("clm__read_contract", {"contract_id": contract, "max_chars": 2000}),
        ("clm__search_contracts", {"types": ["MSA"], "limit": 5}),
        ("clm__extract_obligations", {"contract_id": other, "limit": 10}),
        ("clm__upcoming_deadlines", {"within_days": 180, "limit": 10}),
        ("clm__compare_contracts", {"contract_ids": [contract, other]}),
        ("clm__portfolio_report", {"kind": "by_type"}),
        ("clm__annotate_contract", {"contract_id": contract, "body": "Soak preview"}),  # preview: no write
        ("clm__get_contract", {"contract_id": "ctr_999999"}),  # a clear not-found error, on purpose
    ]


def soak(url: str, calls: int, audit: Path) -> dict[str, float]:
    server = StdioServer(["server.py"], plugin_env(url, CLM_AUDIT=f"file:{audit}", CLM_STRUCTURED_OUTPUT="true"))
    server.initialize()
    page = server.call("clm__search_contracts", {"types": ["MSA"], "limit": 2})["structuredContent"]["contracts"]
    plan = mixed_calls(page[0]["id"], page[1]["id"])
    pid = server.proc.pid
    errors = expected_errors = 0
    latencies: list[float] = []
    start_rss = start_fds = 0
    began = time.perf_counter()
    for i in range(WARMUP + calls):
        if i == WARMUP:
            start_rss, start_fds = rss_kb(pid), open_fds(pid)
            began = time.perf_counter()
        name, args = plan[i % len(plan)]
        t0 = time.perf_counter()
        reply = server.request("tools/call", {"name": name, "arguments": args})
        if i >= WARMUP:
            latencies.append(time.perf_counter() - t0)
        failed = "error" in reply or reply["result"].get("isError")
        if i < WARMUP:
            continue
        if failed and args.get("contract_id") == "ctr_999999":
            expected_errors += 1
        elif failed:
            errors += 1
    wall = time.perf_counter() - began
    end_rss, end_fds = rss_kb(pid), open_fds(pid)
    server.close()
    records = sum(1 for _ in audit.open(encoding="utf-8"))
    drift = (end_rss - start_rss) / 1024
    print(
        f"soak: {calls} mixed calls in {wall:.0f} s ({calls / wall:.0f}/s), unexpected errors {errors}, "
        f"deliberate not-found {expected_errors}; p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.1f} ms; RSS {start_rss / 1024:.1f} -> {end_rss / 1024:.1f} MB "
        f"(drift {drift:+.1f} MB); open fds {start_fds} -> {end_fds}; audit records {records}"
    )
    return {
        "soak_calls": calls,
        "soak_errors": errors,
        "soak_rss_start_mb": start_rss / 1024,
        "soak_rss_drift_mb": drift,
        "soak_fd_drift": end_fds - start_fds,
        "soak_p50_ms": percentile(latencies, 0.5) * 1000,
        "soak_p95_ms": percentile(latencies, 0.95) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="1,000 calls")
    args = parser.parse_args()
    calls = 1000 if args.quick else args.calls
    with tempfile.TemporaryDirectory() as tmp:
        settings = SandboxSettings(contracts=300, seed=7, db=Path(tmp) / "clm.db", test_endpoints=True)
        with running_sandbox(settings) as url:
            soak(url, calls, Path(tmp) / "audit.jsonl")


if __name__ == "__main__":
    main()
