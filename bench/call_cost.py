"""Issue 15's per-call targets, measured side by side in ONE run (ratios are the point on a shared machine).

    python bench/call_cost.py [--calls 400] [--soak 10000] [--audit-rounds 7] [--before DIR]

1. per call, the same 20-row search: the plugin vs a bare MCPServer doing the same GET (bench/bare_server.py),
   interleaved: p50 latency and CPU per call of the server process (/proc/PID/stat), ratio plugin / bare;
2. audit overhead: the plugin with audit off vs to a JSON-lines file, and a second audit-off process (the
   A/A control): CPU per call, the median over several rounds of fresh processes;
3. the embedded default: the first tool call after `initialize`, sent at once and sent 1 s later (a client
   whose user types a prompt first), median of 5 spawns each; and the first call to a real backend (the
   loopback sandbox), median of 7;
4. RSS drift over N calls on the embedded default (one server; its RSS plus its children's, where the demo
   backend runs): RSS after one pass of the call mix over every contract it reads vs at the end (that first
   pass fills bounded caches once; its step is printed beside the drift).

Targets (issue 15): p50 <= 1.10x bare, CPU <= 1.15x bare, audit <= 2%, first embedded call <= 250 ms after
initialize, RSS drift <= 5 MB over 10,000 calls. Prints one line per figure and PASS/FAIL.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.core_server import plugin_env, token
from bench.stdio_client import StdioServer, percentile, process_cpu_seconds
from sandbox.settings import SandboxSettings
from sandbox.testing import running_sandbox

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb(pid: int) -> float:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE / 1e6


def tree_rss_mb(pid: int) -> float:
    """RSS of the server and its children (the embedded demo backend runs in one): a leak moved there still counts."""
    children = [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    return rss_mb(pid) + sum(tree_rss_mb(child) for child in children)


def side_by_side(
    servers: dict[str, tuple[StdioServer, str, dict[str, object]]], calls: int
) -> dict[str, dict[str, float]]:
    for server, tool, args in servers.values():
        server.initialize()
        for _ in range(30):  # warm: token, pool, caches, lazy imports
            server.call(tool, args)
    labels = list(servers)
    times: dict[str, list[float]] = {label: [] for label in labels}
    cpu_start = {label: process_cpu_seconds(servers[label][0].proc.pid) for label in labels}
    for i in range(calls):
        for label in labels[i % len(labels) :] + labels[: i % len(labels)]:  # rotate who goes first
            server, tool, args = servers[label]
            started = time.perf_counter()
            server.call(tool, args)
            times[label].append(time.perf_counter() - started)
    figures = {}
    for label in labels:
        server = servers[label][0]
        cpu = (process_cpu_seconds(server.proc.pid) - cpu_start[label]) / calls
        figures[label] = {"p50": percentile(times[label], 0.5), "cpu": cpu}
        server.close()
    return figures


def audit_rounds(url: str, folder: Path, rounds: int, calls: int, script: str = "server.py") -> tuple[float, float]:
    """Audit overhead as the median over `rounds` of fresh processes: audit off, off again (the A/A control) and
    to a file, side by side. One process pair differs by a few percent in CPU per call whatever it runs (where
    its memory lands, which core it gets); fresh pairs per round make that noise average out instead of being
    read as the audit's cost. Returns (median audit overhead, median A/A difference), as fractions."""
    audit: list[float] = []
    control: list[float] = []
    search: dict[str, object] = {"limit": 20}
    quiet = {"CLM_AUDIT": "off", "CLM_AUDIT_REQUIRED": "false"}
    for i in range(rounds):
        servers = {
            "off": (StdioServer([script], plugin_env(url, **quiet)), "clm__search_contracts", search),
            "control": (StdioServer([script], plugin_env(url, **quiet)), "clm__search_contracts", search),
            "file": (
                StdioServer([script], plugin_env(url, CLM_AUDIT=f"file:{folder / f'audit-{i}.jsonl'}")),
                "clm__search_contracts",
                search,
            ),
        }
        f = side_by_side(servers, calls)
        audit.append(f["file"]["cpu"] / f["off"]["cpu"] - 1)
        control.append(f["control"]["cpu"] / f["off"]["cpu"] - 1)
    return statistics.median(audit), statistics.median(control)


def first_embedded_call(delay: float, runs: int, script: str = "server.py", mode: str | None = None) -> float:
    """Median ms-to-answer of the first call sent `delay` s after `initialize` (`mode`: CLM_DEMO_PROCESS)."""
    samples = []
    for _ in range(runs):
        forced = {} if mode is None else {"CLM_DEMO_PROCESS": mode}
        server = StdioServer([script], {"CLM_AUDIT": "off", "CLM_AUDIT_REQUIRED": "false", **forced})
        server.initialize()
        time.sleep(delay)
        started = time.perf_counter()
        server.call("clm__search_contracts", {"limit": 20})
        samples.append(time.perf_counter() - started)
        server.close()
    return percentile(samples, 0.5)


def first_real_call(url: str, runs: int, script: str = "server.py") -> float:
    """Median ms-to-answer of the first call sent right after `initialize` to a server configured with a real
    backend (the loopback sandbox at `url`): the plugin's own first-call work (token and API clients, TLS
    contexts, token, metadata) without the demo backend's build."""
    samples = []
    for _ in range(runs):
        server = StdioServer([script], plugin_env(url, CLM_AUDIT="off", CLM_AUDIT_REQUIRED="false"))
        server.initialize()
        started = time.perf_counter()
        server.call("clm__search_contracts", {"limit": 20})
        samples.append(time.perf_counter() - started)
        server.close()
    return percentile(samples, 0.5)


def soak(calls: int, script: str = "server.py") -> tuple[float, float, float]:
    """RSS after 200 searches, after one pass of the soak's mix over every contract it reads (the first read of each
    fills bounded caches: SQLite's pages, the cleaned fields, the remembered renewal states), and after `calls`
    more of that mix. Drift is the growth after the pass; the pass itself is a one-time step, shown beside it."""
    server = StdioServer([script], {"CLM_AUDIT": "off", "CLM_AUDIT_REQUIRED": "false"})
    server.initialize()
    for _ in range(200):
        server.call("clm__search_contracts", {"limit": 20})
    start = tree_rss_mb(server.proc.pid)
    for i in range(2 * SOAK_CONTRACTS):
        server.call("clm__get_contract" if i % 2 else "clm__search_contracts", _soak_args(i))
    settled = tree_rss_mb(server.proc.pid)
    for i in range(calls):
        server.call("clm__get_contract" if i % 2 else "clm__search_contracts", _soak_args(i))
    end = tree_rss_mb(server.proc.pid)
    server.close()
    return start, settled, end


SOAK_CONTRACTS = 300


def _soak_args(i: int) -> dict[str, object]:
    return {"contract_id": f"ctr_{(i % SOAK_CONTRACTS) + 1:06d}"} if i % 2 else {"limit": 20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--soak", type=int, default=10_000)
    parser.add_argument("--audit-rounds", type=int, default=7, help="fresh process triples for the audit figure")
    parser.add_argument(
        "--before", type=Path, help="another checkout (e.g. `git archive` of the base) measured alongside"
    )
    args = parser.parse_args()
    print(f"date {datetime.date.today().isoformat()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    # (figure, value, verdict against its target; None: no target, shown for comparison)
    verdicts: list[tuple[str, float, bool | None]] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = SandboxSettings(contracts=300, seed=7, db=Path(tmp) / "clm.db", rate_limit_per_minute=1_000_000)
        with running_sandbox(base) as url:
            search: dict[str, object] = {"limit": 20}
            servers = {
                "bare": (
                    StdioServer(["bench/bare_server.py"], {"BENCH_CLM_URL": url, "BENCH_TOKEN": token(url)}),
                    "search",
                    search,
                ),
                "plugin": (
                    StdioServer(["server.py"], plugin_env(url, CLM_AUDIT="off", CLM_AUDIT_REQUIRED="false")),
                    "clm__search_contracts",
                    search,
                ),
            }
            if args.before is not None:
                old = str(args.before.resolve() / "server.py")
                servers["before"] = (
                    StdioServer([old], plugin_env(url, CLM_AUDIT="off", CLM_AUDIT_REQUIRED="false")),
                    "clm__search_contracts",
                    search,
                )
            f = side_by_side(servers, args.calls)
        for label, values in f.items():
            print(
                f"{label:15} p50 {values['p50'] * 1000:6.2f} ms   CPU/call {values['cpu'] * 1000:6.2f} ms", flush=True
            )
        p50_ratio = f["plugin"]["p50"] / f["bare"]["p50"]
        cpu_ratio = f["plugin"]["cpu"] / f["bare"]["cpu"]
        verdicts += [
            ("per-call p50, plugin / bare MCPServer (x)", p50_ratio, p50_ratio <= 1.10),
            ("CPU per call, plugin / bare MCPServer (x)", cpu_ratio, cpu_ratio <= 1.15),
        ]
        if "before" in f:
            verdicts += [
                ("BEFORE: per-call p50, plugin / bare (x)", f["before"]["p50"] / f["bare"]["p50"], None),
                ("BEFORE: CPU per call, plugin / bare (x)", f["before"]["cpu"] / f["bare"]["cpu"], None),
            ]
        with running_sandbox(base) as url:
            audit, control = audit_rounds(url, Path(tmp), args.audit_rounds, args.calls)
            verdicts += [
                (f"audit overhead, CPU per call (%, median of {args.audit_rounds} rounds)", audit * 100, audit <= 0.02),
                ("A/A control, CPU per call (%, median: the noise floor)", control * 100, None),
            ]
            if args.before is not None:
                before, _ = audit_rounds(url, Path(tmp), args.audit_rounds, args.calls, old)
                verdicts.append(("BEFORE: audit overhead, CPU per call (%, median)", before * 100, None))
            verdicts.append(
                ("real backend: first call right after initialize (ms)", first_real_call(url, 7) * 1000, None)
            )
            if args.before is not None:
                verdicts.append(
                    (
                        "BEFORE: real backend, first call right after initialize (ms)",
                        first_real_call(url, 7, old) * 1000,
                        None,
                    )
                )
    for name, value, ok in verdicts:
        print(f"{name:68} {value:9.2f}  {_verdict(ok)}", flush=True)
    at_once = first_embedded_call(0.0, 5)
    later = first_embedded_call(1.0, 5)
    settled = first_embedded_call(5.0, 3)
    forced = {mode: first_embedded_call(0.0, 5, mode=mode) for mode in ("child", "in-process")}
    verdicts += [
        ("embedded default: first call sent 5 s after initialize (ms)", settled * 1000, settled <= 0.25),
        (
            f"embedded default: first call sent right after initialize (ms; load {os.getloadavg()[0]:.1f})",
            at_once * 1000,
            at_once <= 0.25,
        ),
        ("embedded default: first call sent 1 s after initialize (ms)", later * 1000, later <= 0.25),
        *((f"  the same, right after initialize, DEMO_PROCESS={m} (ms)", t * 1000, None) for m, t in forced.items()),
    ]
    if args.before is not None:
        old = str(args.before.resolve() / "server.py")
        verdicts += [
            ("BEFORE: embedded first call right after initialize (ms)", first_embedded_call(0.0, 5, old) * 1000, None),
            ("BEFORE: embedded first call 1 s after initialize (ms)", first_embedded_call(1.0, 5, old) * 1000, None),
        ]
    if args.soak:
        if args.before is not None:
            b_start, b_settled, b_end = soak(args.soak, str(args.before.resolve() / "server.py"))
            verdicts += [
                (f"BEFORE: RSS drift over {args.soak:,} embedded calls (MB)", b_end - b_settled, None),
                ("BEFORE:   first pass over every contract (MB, one-time)", b_settled - b_start, None),
            ]
        start, settled, end = soak(args.soak)
        verdicts += [
            (
                f"RSS drift over {args.soak:,} embedded calls (MB; server+child, start {settled:.1f})",
                end - settled,
                end - settled <= 5,
            ),
            ("  first pass over every contract before them (MB, one-time)", settled - start, None),
        ]
    print()
    for name, value, ok in verdicts:
        print(f"{name:68} {value:9.2f}  {_verdict(ok)}")


def _verdict(ok: bool | None) -> str:
    return "" if ok is None else "PASS" if ok else "FAIL"


if __name__ == "__main__":
    main()
