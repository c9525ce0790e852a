"""Load: N concurrent `python server.py` processes (sessions) against one sandbox CLM.

    python bench/load_sessions.py [--sessions 20] [--calls 50] [--quick]

Each process initialises; once all are up, each makes `calls` mixed calls as fast as it is answered.
Reports token requests (the target is one per process per lifetime), error rate and per-call p50/p95,
next to the same calls made by a single session alone.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.core_server import plugin_env
from bench.soak import mixed_calls
from bench.stdio_client import StdioServer, percentile
from sandbox.settings import SandboxSettings
from sandbox.testing import running_sandbox


def session(
    url: str, calls: int, ids: tuple[str, str], latencies: list[float], errors: list[int], ready: threading.Barrier
) -> None:
    server = StdioServer(["server.py"], plugin_env(url, CLM_AUDIT="stderr", CLM_STRUCTURED_OUTPUT="true"))
    try:
        server.initialize()
        ready.wait(timeout=300)  # all processes started: measure concurrent calls, not 20 interpreter starts
        plan = [c for c in mixed_calls(*ids) if c[1].get("contract_id") != "ctr_999999"]
        for i in range(calls):
            name, args = plan[i % len(plan)]
            t0 = time.perf_counter()
            reply = server.request("tools/call", {"name": name, "arguments": args})
            latencies.append(time.perf_counter() - t0)
            if "error" in reply or reply["result"].get("isError"):
                errors.append(1)
    finally:
        server.close()


def run(url: str, sessions: int, calls: int) -> tuple[list[float], int, int]:
    admin = httpx2.Client(base_url=url, timeout=30)
    admin.post("/_sandbox/reset").raise_for_status()
    probe = StdioServer(["server.py"], plugin_env(url, CLM_AUDIT="stderr", CLM_STRUCTURED_OUTPUT="true"))
    probe.initialize()
    rows = probe.call("clm__search_contracts", {"types": ["MSA"], "limit": 2})["structuredContent"]["contracts"]
    probe.close()
    ids = (rows[0]["id"], rows[1]["id"])
    admin.post("/_sandbox/reset").raise_for_status()
    latencies: list[float] = []
    errors: list[int] = []
    ready = threading.Barrier(sessions)
    threads = [
        threading.Thread(target=session, args=(url, calls, ids, latencies, errors, ready)) for _ in range(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tokens = int(admin.get("/_sandbox/counters").json()["token_requests"])
    if len(latencies) < sessions * calls:  # a session died: its missing calls count as errors
        errors += [1] * (sessions * calls - len(latencies))
    admin.close()
    return latencies, len(errors), tokens


def load(url: str, sessions: int, calls: int) -> dict[str, float]:
    alone, _, _ = run(url, 1, calls)
    latencies, errors, tokens = run(url, sessions, calls)
    total = sessions * calls
    p50, p95 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.95) * 1000
    a50 = percentile(alone, 0.5) * 1000
    print(
        f"load: {sessions} concurrent server processes x {calls} mixed calls = {total}: errors {errors} "
        f"({errors / total:.2%}); token requests {tokens} (target {sessions}); per-call p50 {p50:.1f} ms, "
        f"p95 {p95:.1f} ms vs one session alone p50 {a50:.1f} ms ({p50 / a50:.1f}x on this machine's cores)"
    )
    return {
        "load_sessions": sessions,
        "load_error_rate": errors / total,
        "load_token_requests": tokens,
        "load_p50_ms": p50,
        "load_p95_ms": p95,
        "load_p50_vs_alone": p50 / a50,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--quick", action="store_true", help="10 calls per session")
    args = parser.parse_args()
    calls = 10 if args.quick else args.calls
    with tempfile.TemporaryDirectory() as tmp:
        settings = SandboxSettings(contracts=300, seed=7, db=Path(tmp) / "clm.db", test_endpoints=True)
        with running_sandbox(settings) as url:
            load(url, args.sessions, calls)


if __name__ == "__main__":
    main()
