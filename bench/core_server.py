"""Benchmarks of the MCP server core (issue 3), each measured side by side in one run.

    python bench/core_server.py [--quick]

1. cold start: spawn -> initialize answered -> tools/list answered, plugin vs a bare MCPServer
2. per-call overhead: p50/p95 of a 20-row search over stdio vs direct httpx2 vs a bare MCPServer tool
3. token economy: 100 concurrent cold calls; calls across 10 token lifetimes; a revocation mid-run
4. concurrency: 50 concurrent calls against a backend with 100 ms added latency vs one call
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stdio_client import StdioServer, percentile
from sandbox.settings import SandboxSettings
from sandbox.testing import running_sandbox

SECRET = "demo-secret"


def plugin_env(url: str, **extra: str) -> dict[str, str]:
    return {
        "CLM_BASE_URL": url,
        "CLM_TOKEN_URL": f"{url}/oauth/token",
        "CLM_CLIENT_ID": "demo-client",
        "CLM_CLIENT_SECRET": SECRET,
        **extra,
    }


def token(url: str) -> str:
    response = httpx2.post(
        f"{url}/oauth/token", data={"grant_type": "client_credentials"}, auth=("demo-client", SECRET)
    )
    response.raise_for_status()
    value: str = response.json()["access_token"]
    return value


def backend_for(url: str) -> Any:
    """The plugin's backend connection to the sandbox at `url` (an async context manager), as the server opens it."""
    from plugin.transport.connection import open_backend
    from server import parts as plugin_parts
    from tests.conftest import settings_for

    parts = plugin_parts()
    settings = settings_for(url)
    return open_backend(settings, parts.adapter, parts.requested_scopes(settings), identity=parts.identity)


def admin(url: str, method: str, path: str, **kwargs: Any) -> Any:
    response = httpx2.request(method, f"{url}{path}", timeout=30, **kwargs)
    response.raise_for_status()
    return response.json() if response.content else None


def cold_start(url: str, runs: int) -> dict[str, float]:
    env = plugin_env(url)
    samples: dict[str, list[float]] = {"plugin_init": [], "plugin_list": [], "bare_init": [], "bare_list": []}
    for _ in range(runs):  # interleaved so machine noise hits both alike
        for label, args in (("plugin", ["server.py"]), ("bare", ["bench/bare_server.py"])):
            server = StdioServer(args, env)
            server.initialize()
            samples[f"{label}_init"].append(time.perf_counter() - server.started)
            server.request("tools/list")
            samples[f"{label}_list"].append(time.perf_counter() - server.started)
            server.close()
    med = {k: percentile(v, 0.5) for k, v in samples.items()}
    print(
        f"cold start (median of {runs}): plugin initialize {med['plugin_init'] * 1000:.0f} ms, +tools/list "
        f"{med['plugin_list'] * 1000:.0f} ms | bare {med['bare_init'] * 1000:.0f} ms, "
        f"{med['bare_list'] * 1000:.0f} ms | ratio {med['plugin_list'] / med['bare_list']:.3f}x"
    )
    return {"cold_start_ratio": med["plugin_list"] / med["bare_list"]}


def overhead(url: str, calls: int) -> dict[str, float]:
    plugin = StdioServer(["server.py"], plugin_env(url))
    plugin.initialize()
    bare = StdioServer(["bench/bare_server.py"], {"BENCH_CLM_URL": url, "BENCH_TOKEN": token(url)})
    bare.initialize()
    direct = httpx2.Client(base_url=url, headers={"Authorization": f"Bearer {token(url)}"})
    plugin.call("clm__search_contracts", {"limit": 20})
    bare.call("search", {"limit": 20})
    direct.get("/v1/contracts", params={"limit": 20}).raise_for_status()
    times: dict[str, list[float]] = {"direct": [], "bare": [], "plugin": []}
    for _ in range(calls):
        start = time.perf_counter()
        direct.get("/v1/contracts", params={"limit": 20}).raise_for_status()
        times["direct"].append(time.perf_counter() - start)
        start = time.perf_counter()
        bare.call("search", {"limit": 20})
        times["bare"].append(time.perf_counter() - start)
        start = time.perf_counter()
        plugin.call("clm__search_contracts", {"limit": 20})
        times["plugin"].append(time.perf_counter() - start)
    plugin.close()
    bare.close()
    direct.close()
    p = {
        f"{k}_{q}": percentile(v, 0.5 if q == "p50" else 0.95) * 1000 for k, v in times.items() for q in ("p50", "p95")
    }
    print(
        f"20-row search, {calls} calls each (ms): direct httpx2 p50 {p['direct_p50']:.1f} p95 {p['direct_p95']:.1f} | "
        f"bare MCPServer p50 {p['bare_p50']:.1f} p95 {p['bare_p95']:.1f} | plugin p50 {p['plugin_p50']:.1f} "
        f"p95 {p['plugin_p95']:.1f} | plugin/direct p50 {p['plugin_p50'] / p['direct_p50']:.2f}x, "
        f"plugin/bare p50 {p['plugin_p50'] / p['bare_p50']:.2f}x"
    )
    return {
        "plugin_vs_direct_p50": p["plugin_p50"] / p["direct_p50"],
        "plugin_vs_bare_p50": p["plugin_p50"] / p["bare_p50"],
    }


async def token_economy(url: str) -> dict[str, float]:
    admin(url, "POST", "/_sandbox/reset")
    from clm_client.models import ContractFilters

    async with backend_for(url) as backend:
        await asyncio.gather(*(backend.api.search_contracts(ContractFilters(), limit=5) for _ in range(100)))
    cold = admin(url, "GET", "/_sandbox/counters")["token_requests"]
    print(f"token requests for 100 concurrent cold calls: {cold}")
    return {"cold_token_requests": cold}


async def token_lifetimes(url: str, lifetimes: int, ttl: float) -> dict[str, float]:
    from clm_client.models import ContractFilters

    admin(url, "POST", "/_sandbox/reset")
    latencies: list[float] = []
    async with backend_for(url) as backend:
        end = time.perf_counter() + lifetimes * ttl
        while time.perf_counter() < end:
            start = time.perf_counter()
            await backend.api.search_contracts(ContractFilters(), limit=5)
            latencies.append(time.perf_counter() - start)
        spanned = admin(url, "GET", "/_sandbox/counters")["token_requests"]
        waited = backend.tokens.waits
        admin(url, "POST", "/_sandbox/tokens/revoke-all")
        for _ in range(20):
            await backend.api.search_contracts(ContractFilters(), limit=5)
        after_revoke = admin(url, "GET", "/_sandbox/counters")["token_requests"]
    p50, p99, worst = percentile(latencies, 0.5), percentile(latencies, 0.99), max(latencies)
    print(
        f"{len(latencies)} calls across {lifetimes} token lifetimes of {ttl:g} s: {spanned} token requests; "
        f"call latency p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max {worst * 1000:.1f} ms "
        f"calls that waited for a token: {waited} (1 = only the cold start; refreshes ran in the background); "
        f"after revoke-all + 20 calls: {after_revoke - spanned} extra token request(s)"
    )
    return {
        "lifetime_token_requests": spanned,
        "calls_waiting_on_token": waited,
        "revoke_extra_requests": after_revoke - spanned,
    }


async def concurrency(url: str) -> dict[str, float]:
    from clm_client.models import ContractFilters

    async with backend_for(url) as backend:
        await backend.api.search_contracts(ContractFilters(), limit=20)
        admin(url, "POST", "/_sandbox/faults", json={"target": "api", "mode": "latency", "latency_ms": 100, "count": 0})
        start = time.perf_counter()
        await backend.api.search_contracts(ContractFilters(), limit=20)
        single = time.perf_counter() - start
        start = time.perf_counter()
        await asyncio.gather(*(backend.api.search_contracts(ContractFilters(), limit=20) for _ in range(50)))
        many = time.perf_counter() - start
        admin(url, "DELETE", "/_sandbox/faults")
    print(
        f"50 concurrent calls with 100 ms backend latency: {many * 1000:.0f} ms in all vs one call "
        f"{single * 1000:.0f} ms: ratio {many / single:.2f} (serial would be ~50)"
    )
    return {"concurrency_ratio": many / single}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    runs, calls = (5, 50) if args.quick else (15, 300)
    with tempfile.TemporaryDirectory() as tmp:
        # A rate limit far above what one client can send, so 429s never blur the token figures.
        base = SandboxSettings(
            contracts=300, seed=7, db=Path(tmp) / "clm.db", test_endpoints=True, rate_limit_per_minute=1_000_000
        )
        with running_sandbox(base) as url:
            cold_start(url, runs)
            overhead(url, calls)
            asyncio.run(token_economy(url))
            asyncio.run(concurrency(url))
        short = base.model_copy(update={"token_ttl_seconds": 2})
        with running_sandbox(short) as url:
            asyncio.run(token_lifetimes(url, 10, 2.0))


if __name__ == "__main__":
    main()
