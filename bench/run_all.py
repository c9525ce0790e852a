"""Every benchmark of the project in one run, ending in ONE table of ratios and figures side by side.

    python bench/run_all.py [--quick] [--skip-scale] [--scale-contracts 100000]

In-process (functions imported): cold start, per-call overhead vs direct HTTP and vs a bare MCPServer,
token economy, token lifetimes, concurrency (bench/core_server.py); response sizes per tool vs the raw CLM
JSON (bench/response_sizes.py); latency distribution plot (bench/latency_plot.py -> bench/out/latency.png);
first-page clm__upcoming_deadlines at 100,000 contracts; soak (bench/soak.py); multi-process load
(bench/load_sessions.py). As subprocesses, when present: bench/audit_overhead.py, bench/render_speed.py,
bench/extraction_speed.py, bench/sandbox_scale.py (their own output is echoed; the table names them).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import core_server
from bench.latency_plot import latency
from bench.load_sessions import load
from bench.response_sizes import report as response_sizes
from bench.soak import soak
from sandbox.settings import SandboxSettings
from sandbox.testing import running_sandbox

ROOT = Path(__file__).resolve().parent.parent
Row = tuple[str, str, str]  # (benchmark, figure, value)


def _fmt(value: float) -> str:
    if value != value:  # NaN
        return "n/a"
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:.2f}"


async def deadlines_at_scale(url: str, runs: int) -> dict[str, float]:
    """First page of clm__upcoming_deadlines on a large CLM: median latency and CLM requests per call."""
    from tests.conftest import mcp_client, settings_for

    admin = httpx2.AsyncClient(base_url=url, timeout=60)
    times: list[float] = []
    requests: list[int] = []
    async with mcp_client(settings_for(url, call_deadline=120.0)) as client:
        await client.call_tool("clm__search_contracts", {"limit": 1})  # token and connection warm
        for _ in range(runs):
            log = (await admin.get("/_sandbox/requests")).json()
            since = log[-1]["seq"] if log else 0
            start = time.perf_counter()
            result = await client.call_tool("clm__upcoming_deadlines", {"within_days": 90, "limit": 20})
            times.append(time.perf_counter() - start)
            assert not result.is_error, result
            made = [r for r in (await admin.get("/_sandbox/requests", params={"since": since})).json()]
            requests.append(sum(1 for r in made if r["seq"] > since and r["path"].startswith("/v1/")))
    await admin.aclose()
    median = statistics.median(times) * 1000
    print(f"upcoming_deadlines first page: median {median:.0f} ms over {runs} runs, CLM requests {max(requests)}")
    return {"scale_deadlines_ms": median, "scale_deadlines_requests": float(max(requests))}


# The line of each external script's output that goes into the table (default: its last line).
HEADLINE = {"render_speed.py": "documents/s", "sandbox_scale.py": "obligations due", "extraction_speed.py": "/s"}


def external(script: str, quick: bool, extra: list[str] | None = None) -> tuple[str, str]:
    """Run another engineer's benchmark script; (status, its headline output line)."""
    path = ROOT / "bench" / script
    if not path.exists():
        return "not present", ""
    takes_quick = "--quick" in path.read_text(encoding="utf-8")  # not every script has a quick mode
    args = [sys.executable, str(path), *(["--quick"] if quick and takes_quick else []), *(extra or [])]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=3600, check=False)
    print(f"--- {script} (exit {done.returncode}) ---\n{done.stdout.strip()}")
    lines = [line for line in done.stdout.strip().splitlines() if line.strip()]
    marker = HEADLINE.get(script)
    picked = [line for line in lines if marker and marker in line] or lines[-1:]
    return ("ok" if done.returncode == 0 else f"exit {done.returncode}"), " ".join(picked[0].split()) if picked else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions everywhere (a few minutes)")
    parser.add_argument("--skip-scale", action="store_true", help="skip the 100,000-contract benchmarks")
    parser.add_argument("--scale-contracts", type=int, default=100_000)
    args = parser.parse_args()
    quick = args.quick
    rows: list[Row] = []
    figures: dict[str, float] = {}

    def step(name: str, run: Callable[[], dict[str, float]]) -> None:
        print(f"\n=== {name} ===", flush=True)
        figures.update(run())

    with tempfile.TemporaryDirectory() as tmp:
        base = SandboxSettings(contracts=300, seed=7, db=Path(tmp) / "clm.db", test_endpoints=True)
        with running_sandbox(base) as url:
            step("cold start", lambda: core_server.cold_start(url, 5 if quick else 15))
            step("per-call overhead", lambda: core_server.overhead(url, 50 if quick else 300))
            step("token economy", lambda: asyncio.run(core_server.token_economy(url)))
            step("concurrency", lambda: asyncio.run(core_server.concurrency(url)))
            step("response sizes", lambda: response_sizes(url))
            step("latency plot", lambda: latency(url, 100 if quick else 500))
            step("soak", lambda: soak(url, 1000 if quick else 10_000, Path(tmp) / "soak-audit.jsonl"))
            step("load", lambda: load(url, 20, 10 if quick else 50))
        short = base.model_copy(update={"token_ttl_seconds": 2, "db": Path(tmp) / "short.db"})
        with running_sandbox(short) as url:
            step("token lifetimes", lambda: asyncio.run(core_server.token_lifetimes(url, 5 if quick else 10, 2.0)))
        if not args.skip_scale:
            contracts = 10_000 if quick else args.scale_contracts
            print(f"\n=== deadline query at {contracts:,} contracts (building/copying the corpus) ===", flush=True)
            scale = SandboxSettings(contracts=contracts, seed=7, test_endpoints=True)
            with running_sandbox(scale, startup_timeout=3600) as url:
                figures.update(asyncio.run(deadlines_at_scale(url, 3 if quick else 10)))
            figures["scale_contracts"] = float(contracts)

    externals = {
        script: external(script, quick) for script in ("audit_overhead.py", "render_speed.py", "extraction_speed.py")
    }
    if not args.skip_scale:
        externals["sandbox_scale.py"] = external(
            "sandbox_scale.py",
            False,
            ["--contracts", str(10_000 if quick else args.scale_contracts), "--samples", "50"],
        )

    def add(bench: str, figure: str, key: str) -> None:
        if key in figures:
            rows.append((bench, figure, _fmt(figures[key])))

    add("cold start", "plugin / bare MCPServer, spawn -> tools/list (x)", "cold_start_ratio")
    add("per-call overhead", "plugin / direct HTTP, p50 (x)", "plugin_vs_direct_p50")
    add("per-call overhead", "plugin / bare MCPServer, p50 (x)", "plugin_vs_bare_p50")
    add("latency plot", "plugin / direct HTTP, p50 (x)", "plot_plugin_vs_direct_p50")
    add("latency plot", "plugin / direct HTTP, p95 (x)", "plot_plugin_vs_direct_p95")
    add("token economy", "token requests, 100 concurrent cold calls", "cold_token_requests")
    add("token lifetimes", "token requests across the lifetimes", "lifetime_token_requests")
    add("token lifetimes", "extra token requests after revoke-all", "revoke_extra_requests")
    add("concurrency", "50 concurrent / 1 call, 100 ms backend (x; serial ~50)", "concurrency_ratio")
    for key in sorted(k for k in figures if k.startswith("size_ratio_")):
        add("response size", f"{key.removeprefix('size_ratio_')}: plugin / raw CLM JSON (x)", key)
    add("deadline query at scale", "contracts", "scale_contracts")
    add("deadline query at scale", "upcoming_deadlines first page, median ms", "scale_deadlines_ms")
    add("deadline query at scale", "CLM requests for that page", "scale_deadlines_requests")
    add("soak", "calls", "soak_calls")
    add("soak", "unexpected errors", "soak_errors")
    add("soak", "RSS drift (MB)", "soak_rss_drift_mb")
    add("soak", "open fd drift", "soak_fd_drift")
    add("soak", "RSS at start (MB)", "soak_rss_start_mb")
    add("soak", "p50 ms per call", "soak_p50_ms")
    add("soak", "p95 / p50 per call (x)", "soak_p95_ms")
    if "soak_p95_ms" in figures:
        rows[-1] = ("soak", "p95 / p50 per call (x)", _fmt(figures["soak_p95_ms"] / figures["soak_p50_ms"]))
    add("load (20 processes)", "token requests (target 20)", "load_token_requests")
    add("load (20 processes)", "error rate", "load_error_rate")
    add("load (20 processes)", "p50 ms", "load_p50_ms")
    add("load (20 processes)", "p95 ms", "load_p95_ms")
    add("load (20 processes)", "p50 vs one session alone (x)", "load_p50_vs_alone")
    for script, (status, last) in externals.items():
        rows.append((script, status, last[:110]))

    width = (max(len(r[0]) for r in rows), max(len(r[1]) for r in rows))
    print("\n=== summary (one run, side by side) ===")
    print(f"| {'benchmark':<{width[0]}} | {'figure':<{width[1]}} | value |")
    print(f"|{'-' * (width[0] + 2)}|{'-' * (width[1] + 2)}|-------|")
    for bench, figure, value in rows:
        print(f"| {bench:<{width[0]}} | {figure:<{width[1]}} | {value} |")


if __name__ == "__main__":
    main()
