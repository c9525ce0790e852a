"""Sandbox CLM at scale (issue 2, acceptance 4): build time, database size, query latency over HTTP.

    python bench/sandbox_scale.py [--contracts 100000] [--seed 7] [--samples 200] [--keep DIR] [--db FILE]
    python bench/sandbox_scale.py --request-log-rss [--calls 20000]
    python bench/sandbox_scale.py --users [--db FILE] [--samples 100]
    python bench/sandbox_scale.py --reports [--contracts 100000] [--db FILE] [--samples 30]

`--db FILE` measures an existing build of the same parameters instead of building one.
`--request-log-rss` compares the server's resident memory growth over N calls with the test
endpoints (and so the request log) off and on, each in a fresh child process.
`--users` compares the same queries with a client's own token (sees everything) and with CLM tokens
bound to the demo users bob and carol (token exchange; their view is an extra SQL condition),
interleaved in one run: the cost of per-user permissions.
`--reports` times every `clm__portfolio_report` kind through the plugin (`python server.py` over stdio,
pointed at the sandbox over HTTP), interleaved round-robin with a one-page `clm__search_contracts` call,
and checks each report is complete (not partial, counted = matching); p50 per kind and its ratio to the
search call, against the 300 ms target.

Builds a fresh corpus database, serves it with uvicorn on 127.0.0.1 and measures p50/p95 of
each query over real HTTP. The scenarios are interleaved round-robin in one run, so the noise of
a shared machine falls on all of them alike; the ratio column compares each with /v1/healthz
(the HTTP floor) and the deep cursor page with the first page.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sandbox.corpus.models import Corpus
from sandbox.settings import DEMO_AS_OF, MEMORY_DB, SandboxSettings
from sandbox.store.build import build_database
from sandbox.store.cache import generator_key
from sandbox.testing import running_sandbox

DEEP_PAGE = 200
PAGE = 20


@dataclass
class Scenario:
    name: str
    path: str
    params: dict[str, Any]
    times: list[float] = field(default_factory=list)
    total: int | None = None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def build(db: Path, corpus: Corpus) -> float:
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done % 10_000 == 0 or done == total:
            print(f"  built {done:>7}/{total} in {time.perf_counter() - started:6.1f}s", file=sys.stderr)

    build_database(db, corpus, generator_key(), progress)
    return time.perf_counter() - started


def size_of(db: Path) -> int:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))


def deep_cursor(http: httpx2.Client, headers: dict[str, str]) -> str:
    """The cursor of page DEEP_PAGE of an unfiltered walk, reached by following next_cursor."""
    cursor = ""
    for _ in range(DEEP_PAGE - 1):
        params: dict[str, Any] = {"limit": PAGE, **({"cursor": cursor} if cursor else {})}
        next_cursor: str | None = http.get("/v1/contracts", params=params, headers=headers).json()["next_cursor"]
        if next_cursor is None:
            raise SystemExit(f"fewer than {DEEP_PAGE} pages: use more contracts")
        cursor = next_cursor
    return cursor


def scenarios(deep: str, middle: str) -> list[Scenario]:
    as_of = DEMO_AS_OF
    window = {
        "renewal_notice_after": as_of.isoformat(),
        "renewal_notice_before": (as_of + timedelta(days=90)).isoformat(),
    }
    return [
        Scenario("healthz (HTTP floor)", "/v1/healthz", {}),
        Scenario("first page, no filter", "/v1/contracts", {"limit": PAGE}),
        Scenario(f"deep cursor page ({DEEP_PAGE})", "/v1/contracts", {"limit": PAGE, "cursor": deep}),
        Scenario(
            "filtered search page",
            "/v1/contracts",
            {
                "status": "active",
                "type": ["MSA", "Order Form", "License"],
                "auto_renew": "true",
                **window,
                "sort": "renewal_notice_date",
                "limit": PAGE,
            },
        ),
        Scenario("counterparty name filter", "/v1/contracts", {"counterparty": "acme", "sort": "-effective_date"}),
        Scenario("full-text q, rare words", "/v1/contracts", {"q": "indemnify gross negligence", "limit": PAGE}),
        Scenario("full-text q, common word", "/v1/contracts", {"q": "agreement", "limit": PAGE}),
        Scenario("contract detail", f"/v1/contracts/{middle}", {}),
        Scenario("document chunk (20k chars)", f"/v1/contracts/{middle}/document", {"max_chars": 20_000}),
        Scenario("obligations due in 90 days", "/v1/obligations", {"due_before": window["renewal_notice_before"]}),
        Scenario("full-text q, quoted phrase", "/v1/contracts", {"q": '"limitation of liability"', "limit": PAGE}),
        Scenario("counterparty resolve q", "/v1/counterparties", {"q": "Acme Corp.", "limit": 5}),
        Scenario("second page, total carried", "/v1/contracts", {"status": "active", "limit": PAGE, "cursor": ""}),
        *[
            Scenario(f"aggregate {kind}", "/v1/contracts/aggregate", {"group_by": kind})
            for kind in ("type", "status", "counterparty", "currency")
        ],
        *[
            Scenario(
                f"aggregate month of {field}", "/v1/contracts/aggregate", {"group_by": "month", "date_field": field}
            )
            for field in ("expiration_date", "renewal_notice_date", "renewal_date", "effective_date")
        ],
        Scenario(
            "aggregate counterparty, filtered",
            "/v1/contracts/aggregate",
            {"group_by": "counterparty", "status": "active", **window},
        ),
    ]


def measure(http: httpx2.Client, headers: dict[str, str], runs: list[Scenario], samples: int) -> None:
    for round_ in range(samples + 5):  # 5 warm-up rounds
        for scenario in runs:
            started = time.perf_counter()
            response = http.get(scenario.path, params=scenario.params, headers=headers)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"{scenario.name}: HTTP {response.status_code} {response.text[:300]}")
            if round_ >= 5:
                scenario.times.append(elapsed)
            if scenario.total is None:
                scenario.total = response.json().get("total")


def report(corpus: Corpus, build_s: float, size: int, runs: list[Scenario]) -> None:
    print(f"\nSandbox CLM at {corpus.contracts:,} contracts (seed {corpus.seed}), {os.cpu_count()} CPUs")
    print(f"  build time      {build_s:8.1f} s   ({corpus.contracts / build_s:,.0f} contracts/s)")
    print(f"  database size   {size / 1e6:8.1f} MB  ({size / corpus.contracts / 1e3:.1f} kB per contract)")
    floor = percentile(runs[0].times, 0.5)
    first = percentile(runs[1].times, 0.5)
    print(f"\n  {'query over HTTP (keep-alive)':<32} {'p50 ms':>8} {'p95 ms':>8} {'p50/floor':>10} {'matches':>9}")
    for scenario in runs:
        p50, p95 = percentile(scenario.times, 0.5), percentile(scenario.times, 0.95)
        total = "" if scenario.total is None else f"{scenario.total:,}"
        print(f"  {scenario.name:<32} {p50 * 1e3:8.2f} {p95 * 1e3:8.2f} {p50 / floor:10.1f} {total:>9}")
    deep = percentile(runs[2].times, 0.5)
    print(f"\n  deep page / first page (p50): {deep / first:.2f}  (keyset pagination: depth costs nothing)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="build into this directory and keep the database")
    parser.add_argument("--db", type=Path, help="measure this existing build (same --contracts/--seed)")
    parser.add_argument("--request-log-rss", action="store_true", help="RSS growth with the request log off/on")
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--rss-child", choices=["on", "off"], help=argparse.SUPPRESS)
    parser.add_argument("--users", action="store_true", help="client token vs user-bound tokens, side by side")
    parser.add_argument("--reports", action="store_true", help="portfolio_report kinds through the plugin")
    args = parser.parse_args()
    if args.reports:
        reports(args)
        return
    if args.rss_child:
        rss_child(args.rss_child == "on", args.calls)
        return
    if args.request_log_rss:
        request_log_rss(args.calls)
        return
        return
    corpus = Corpus(contracts=args.contracts, seed=args.seed, as_of=DEMO_AS_OF)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="sandbox-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = args.db or workdir / f"scale-{corpus.contracts}.db"
    if args.db is None:
        db.unlink(missing_ok=True)
    cleanup: Callable[[], None] = (lambda: None) if args.keep else (lambda: shutil.rmtree(workdir, ignore_errors=True))
    try:
        build_s = float("nan")
        if args.db is None:
            print(f"building {corpus.contracts:,} contracts into {db} ...", file=sys.stderr)
            build_s = build(db, corpus)
        size = size_of(db)
        settings = SandboxSettings(
            contracts=corpus.contracts, seed=corpus.seed, as_of=corpus.as_of, db=db, rate_limit_per_minute=10**9
        )
        with running_sandbox(settings) as url, httpx2.Client(base_url=url, timeout=60) as http:
            token = http.post(
                "/oauth/token", data={"grant_type": "client_credentials"}, auth=("demo-client", "demo-secret")
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            deep = deep_cursor(http, headers)
            middle = http.get("/v1/contracts", params={"cursor": deep}, headers=headers).json()["data"][0]["id"]
            runs = scenarios(deep, middle)
            for scenario in runs:
                if scenario.params.get("cursor") == "":  # the second page of its own first page
                    first = {k: v for k, v in scenario.params.items() if k != "cursor"}
                    scenario.params["cursor"] = http.get(scenario.path, params=first, headers=headers).json()[
                        "next_cursor"
                    ]
            if args.users:
                user_views(http, headers, args.samples)
                return
            measure(http, headers, runs, args.samples)
        report(corpus, build_s, size, runs)
    finally:
        cleanup()


USER_SCENARIOS: list[tuple[str, str, dict[str, Any]]] = [
    ("first page, no filter", "/v1/contracts", {"limit": PAGE}),
    (
        "filtered search page",
        "/v1/contracts",
        {"status": "active", "auto_renew": "true", "sort": "renewal_notice_date"},
    ),
    ("full-text q, common word", "/v1/contracts", {"q": "agreement", "limit": PAGE}),
    ("aggregate type", "/v1/contracts/aggregate", {"group_by": "type"}),
    ("aggregate counterparty", "/v1/contracts/aggregate", {"group_by": "counterparty"}),
    ("counterparties, first page", "/v1/counterparties", {"limit": PAGE}),
    ("obligations, first page", "/v1/obligations", {"limit": PAGE}),
]


def _user_token(http: httpx2.Client, user: str) -> str:
    from sandbox.testing import demo_password

    subject = http.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": "demo-mcp-client",
            "username": user,
            "password": demo_password(user),
            "resource": "http://127.0.0.1:9/mcp",
        },
    ).json()["access_token"]
    exchanged = http.post(
        "/oauth/token",
        data={
            "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token": subject,
            "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
        },
        auth=("demo-client", "demo-secret"),
    )
    token: str = exchanged.json()["access_token"]
    return token


def user_views(http: httpx2.Client, client_headers: dict[str, str], samples: int) -> None:
    """p50 of each query per token (client, bob, carol), interleaved round-robin; ratio to the client's."""
    viewers = {"client": client_headers}
    for user in ("bob", "carol"):
        viewers[user] = {"Authorization": f"Bearer {_user_token(http, user)}"}
    times: dict[tuple[str, str], list[float]] = {(s[0], v): [] for s in USER_SCENARIOS for v in viewers}
    totals: dict[tuple[str, str], Any] = {}
    for round_ in range(samples + 3):
        for name, path, params in USER_SCENARIOS:
            for viewer, headers in viewers.items():
                started = time.perf_counter()
                response = http.get(path, params=params, headers=headers)
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    raise SystemExit(f"{name} as {viewer}: HTTP {response.status_code} {response.text[:300]}")
                if round_ >= 3:
                    times[(name, viewer)].append(elapsed)
                totals.setdefault((name, viewer), response.json().get("total"))
    print(f"\nPer-user views over HTTP, p50 ms (total) and ratio to the client token, {samples} samples each")
    print(f"  {'query':<28} {'client':>18} {'bob':>26} {'carol':>26}")
    for name, _, _ in USER_SCENARIOS:
        base = percentile(times[(name, "client")], 0.5)
        cells = []
        for viewer in viewers:
            p50 = percentile(times[(name, viewer)], 0.5)
            total = totals[(name, viewer)]
            ratio = "" if viewer == "client" else f" {p50 / base:4.2f}x"
            cells.append(f"{p50 * 1e3:7.2f} ({total if total is not None else '-':>6}){ratio}")
        print(f"  {name:<28} {cells[0]:>18} {cells[1]:>26} {cells[2]:>26}")


REPORT_TARGET_MS = 300.0


def report_calls() -> list[tuple[str, str, dict[str, Any]]]:
    """(label, tool, arguments): the search page first (the ratio's denominator), then each report kind."""
    calls: list[tuple[str, str, dict[str, Any]]] = [("search_contracts, 20 rows", "clm__search_contracts", {})]
    for kind, extra in (
        ("renewal_pipeline", {}),
        ("renewal_pipeline", {"date_basis": "notice"}),
        ("renewal_pipeline", {"period": "next_quarter"}),
        ("pipeline_by_counterparty", {}),
        ("by_counterparty", {}),
        ("by_counterparty", {"period": "next_quarter"}),
        ("by_type", {}),
        ("by_status", {}),
        ("value_by_currency", {}),
        ("expiring_without_renewal", {}),
    ):
        label = kind + "".join(f" {k}={v}" for k, v in extra.items())
        calls.append((label, "clm__portfolio_report", {"kind": kind, **extra}))
    return calls


def _db_for(args: argparse.Namespace, corpus: Corpus, workdir: Path) -> tuple[Path, float]:
    if args.db is not None:
        return args.db, float("nan")
    db = workdir / f"scale-{corpus.contracts}.db"
    print(f"building {corpus.contracts:,} contracts into {db} ...", file=sys.stderr)
    return db, build(db, corpus)


def reports(args: argparse.Namespace) -> None:
    from bench.stdio_client import StdioServer, sandbox_settings_env

    corpus = Corpus(contracts=args.contracts, seed=args.seed, as_of=DEMO_AS_OF)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="sandbox-reports-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        db, _ = _db_for(args, corpus, workdir)
        settings = SandboxSettings(
            contracts=corpus.contracts, seed=corpus.seed, as_of=corpus.as_of, db=db, rate_limit_per_minute=10**9
        )
        with running_sandbox(settings) as url:
            env = sandbox_settings_env(url, workdir / "state")  # completeness is read from the structured result
            server = StdioServer(["server.py"], env)
            try:
                server.initialize()
                calls = report_calls()
                times: list[list[float]] = [[] for _ in calls]
                results: list[dict[str, Any]] = [{} for _ in calls]
                for round_ in range(args.samples + 3):  # 3 warm-up rounds
                    for i, (_, tool, arguments) in enumerate(calls):
                        started = time.perf_counter()
                        result = server.call(tool, arguments)
                        elapsed = time.perf_counter() - started
                        if round_ >= 3:
                            times[i].append(elapsed)
                        if result.get("isError"):
                            raise SystemExit(f"{tool} {arguments} failed: {result.get('content')}")
                        results[i] = result.get("structuredContent") or {}
            finally:
                server.close()
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    search = percentile(times[0], 0.5)
    print(f"\nportfolio_report through the plugin (stdio) at {corpus.contracts:,} contracts, {os.cpu_count()} CPUs,")
    print(f"{args.samples} samples each, interleaved; ratio = p50 / p50 of one search_contracts page")
    print(f"\n  {'call':<42} {'p50 ms':>8} {'p95 ms':>8} {'ratio':>6} {'matching':>9} {'counted':>9} {'complete':>9}")
    worst = 0.0
    for i, (label, tool, _) in enumerate(calls):
        p50, p95 = percentile(times[i], 0.5), percentile(times[i], 0.95)
        data = results[i]
        if tool == "clm__search_contracts":
            print(f"  {label:<42} {p50 * 1e3:8.1f} {p95 * 1e3:8.1f} {1.0:6.2f} {data.get('total') or '':>9}")
            continue
        complete = not data["partial"] and data["contracts_counted"] == data["contracts_matching"]
        worst = max(worst, p50 * 1e3)
        print(
            f"  {label:<42} {p50 * 1e3:8.1f} {p95 * 1e3:8.1f} {p50 / search:6.2f} "
            f"{data['contracts_matching']:>9,} {data['contracts_counted']:>9,} {'yes' if complete else 'NO':>9}"
        )
    verdict = "PASS" if worst <= REPORT_TARGET_MS else "FAIL"
    print(f"\n  slowest report kind p50 {worst:.1f} ms: target <= {REPORT_TARGET_MS:.0f} ms {verdict}")


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def rss_child(test_endpoints: bool, calls: int) -> None:
    """In this process: serve, warm up, then N calls; print RSS before and after (kB)."""
    settings = SandboxSettings(
        contracts=300, as_of=DEMO_AS_OF, db=MEMORY_DB, test_endpoints=test_endpoints, rate_limit_per_minute=10**9
    )
    with running_sandbox(settings) as url, httpx2.Client(base_url=url, timeout=60) as http:
        token = http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=("demo-client", "demo-secret")
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(500):  # warm-up: caches, pools, first allocations
            http.get("/v1/contracts", params={"limit": 1}, headers=headers)
        before = _rss_kb()
        for i in range(calls):
            http.get("/v1/contracts", params={"limit": 1, "q": f"w{i}"}, headers=headers)
        after = _rss_kb()
    print(f"{before} {after}")


def request_log_rss(calls: int) -> None:
    print(f"server RSS over {calls:,} calls (one process: server thread + client), fresh child each")
    for mode in ("off", "on"):
        out = subprocess.run(
            [sys.executable, __file__, "--rss-child", mode, "--calls", str(calls)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        before, after = int(out[-2]), int(out[-1])
        print(
            f"  test endpoints {mode:>3}: RSS {before / 1024:7.1f} MB -> {after / 1024:7.1f} MB"
            f"  (+{(after - before) / 1024:.1f} MB, {(after - before) / calls * 1000 / 1024:.2f} MB per 1,000 calls)"
        )


if __name__ == "__main__":
    main()
