"""Per-call latency distribution: the plugin over stdio vs the same query as direct HTTP, as a PNG.

    python bench/latency_plot.py [--calls 500] [--out bench/out/latency.png]

The two are sampled alternately in one run (the machine is shared and noisy). The plot shows both
empirical CDFs of a 20-row search, log-scaled latency.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import httpx2
import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
from matplotlib.ticker import ScalarFormatter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.core_server import plugin_env, token
from bench.stdio_client import StdioServer, percentile
from sandbox.settings import SandboxSettings
from sandbox.testing import running_sandbox

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "out" / "latency.png"


def sample(url: str, calls: int) -> dict[str, list[float]]:
    plugin = StdioServer(["server.py"], plugin_env(url, CLM_AUDIT="stderr"))
    plugin.initialize()
    direct = httpx2.Client(base_url=url, headers={"Authorization": f"Bearer {token(url)}"})
    for _ in range(20):  # warm both paths
        plugin.call("clm__search_contracts", {"limit": 20})
        direct.get("/v1/contracts", params={"limit": 20}).raise_for_status()
    times: dict[str, list[float]] = {"direct HTTP": [], "plugin over stdio": []}
    for _ in range(calls):
        start = time.perf_counter()
        direct.get("/v1/contracts", params={"limit": 20}).raise_for_status()
        times["direct HTTP"].append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        plugin.call("clm__search_contracts", {"limit": 20})
        times["plugin over stdio"].append((time.perf_counter() - start) * 1000)
    plugin.close()
    direct.close()
    return times


def plot(times: dict[str, list[float]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for label, values in times.items():
        ordered = sorted(values)
        fractions = [(i + 1) / len(ordered) for i in range(len(ordered))]
        p50, p95 = percentile(ordered, 0.5), percentile(ordered, 0.95)
        ax.step(ordered, fractions, where="post", label=f"{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(ScalarFormatter())  # plain milliseconds, not 2x10^0
    ax.xaxis.set_minor_formatter(ScalarFormatter())
    ax.set_xlabel("latency per call (ms, log scale)")
    ax.set_ylabel("fraction of calls")
    ax.set_title(f"20-row contract search, {len(next(iter(times.values())))} calls each, sampled alternately")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def latency(url: str, calls: int, out: Path = DEFAULT_OUT) -> dict[str, float]:
    times = sample(url, calls)
    plot(times, out)
    d50, p50 = percentile(times["direct HTTP"], 0.5), percentile(times["plugin over stdio"], 0.5)
    d95, p95 = percentile(times["direct HTTP"], 0.95), percentile(times["plugin over stdio"], 0.95)
    print(
        f"latency plot {out}: direct p50 {d50:.1f} ms p95 {d95:.1f} ms, plugin p50 {p50:.1f} ms p95 {p95:.1f} ms "
        f"(p50 ratio {p50 / d50:.2f}x, p95 ratio {p95 / d95:.2f}x)"
    )
    return {"plot_plugin_vs_direct_p50": p50 / d50, "plot_plugin_vs_direct_p95": p95 / d95}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = SandboxSettings(contracts=300, seed=7, db=Path(tmp) / "clm.db", test_endpoints=True)
        with running_sandbox(settings) as url:
            latency(url, args.calls, args.out)


if __name__ == "__main__":
    main()
