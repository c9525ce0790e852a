"""Sandbox CLM at scale (issue 2, acceptance 4): build time, database size, query latency over HTTP.

    python bench/sandbox_scale.py [--contracts 100000] [--seed 7] [--samples 200] [--keep DIR]

Builds a fresh corpus database, serves it with uvicorn on 127.0.0.1 and measures p50/p95 of
each query over real HTTP. The scenarios are interleaved round-robin in one run, so the noise of
a shared machine falls on all of them alike; the ratio column compares each with /v1/healthz
(the HTTP floor) and the deep cursor page with the first page.
"""

from __future__ import annotations

import argparse
import os
import shutil
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
from sandbox.settings import DEMO_AS_OF, SandboxSettings
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
    args = parser.parse_args()
    corpus = Corpus(contracts=args.contracts, seed=args.seed, as_of=DEMO_AS_OF)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="sandbox-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / f"scale-{corpus.contracts}.db"
    db.unlink(missing_ok=True)
    cleanup: Callable[[], None] = (lambda: None) if args.keep else (lambda: shutil.rmtree(workdir, ignore_errors=True))
    try:
        print(f"building {corpus.contracts:,} contracts into {db} ...", file=sys.stderr)
        build_s = build(db, corpus)
        size = size_of(db)
        settings = SandboxSettings(contracts=corpus.contracts, seed=corpus.seed, db=db, rate_limit_per_minute=10**9)
        with running_sandbox(settings) as url, httpx2.Client(base_url=url, timeout=60) as http:
            token = http.post(
                "/oauth/token", data={"grant_type": "client_credentials"}, auth=("demo-client", "demo-secret")
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            deep = deep_cursor(http, headers)
            middle = http.get("/v1/contracts", params={"cursor": deep}, headers=headers).json()["data"][0]["id"]
            runs = scenarios(deep, middle)
            measure(http, headers, runs, args.samples)
        report(corpus, build_s, size, runs)
    finally:
        cleanup()


if __name__ == "__main__":
    main()
