"""First page of clm__upcoming_deadlines on a large CLM (default 100,000 contracts): median latency, CLM requests.

    python bench/deadlines_scale.py [--contracts 100000] [--db FILE] [--runs 15] [--within-days 90 365]

`--db FILE` keeps the built database there and reuses it when it exists (same --contracts, same generator),
so a before/after comparison (e.g. an older commit exported with `git archive <commit> | tar -x -C DIR`, then
this script run from both trees) measures both on the same data.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sandbox.corpus.models import Corpus
from sandbox.settings import DEMO_AS_OF, SandboxSettings
from sandbox.testing import running_sandbox


async def first_page(url: str, runs: int, within_days: int) -> tuple[float, int, int]:
    """Median ms, CLM requests per call and rows of the first page (20 rows)."""
    from tests.conftest import mcp_client, settings_for

    admin = httpx2.AsyncClient(base_url=url, timeout=60)
    times: list[float] = []
    requests: list[int] = []
    rows = 0
    async with mcp_client(settings_for(url, call_deadline=120.0)) as client:
        await client.call_tool("clm__search_contracts", {"limit": 1})  # token and connection warm
        for _ in range(runs):
            log = (await admin.get("/_sandbox/requests")).json()
            since = log[-1]["seq"] if isinstance(log, list) and log else 0
            start = time.perf_counter()
            result = await client.call_tool("clm__upcoming_deadlines", {"within_days": within_days, "limit": 20})
            times.append(time.perf_counter() - start)
            assert not result.is_error, result
            rows = len((result.structured_content or {}).get("deadlines", []))
            made = (await admin.get("/_sandbox/requests", params={"since": since})).json()
            if isinstance(made, list):  # the request log is on (test endpoints enabled)
                requests.append(sum(1 for r in made if r["seq"] > since and r["path"].startswith("/v1/")))
    await admin.aclose()
    return statistics.median(times) * 1000, max(requests, default=-1), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="build here (or reuse)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--within-days", type=int, nargs="+", default=[90, 365])
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp(prefix="deadlines-scale-")) / "clm.db"
    corpus = Corpus(contracts=args.contracts, seed=7, as_of=DEMO_AS_OF)
    settings = SandboxSettings(
        contracts=corpus.contracts,
        seed=corpus.seed,
        as_of=corpus.as_of,
        db=db,
        rate_limit_per_minute=10**9,
        test_endpoints=True,  # the request log, to count the CLM requests of a page
    )
    if not db.exists():
        from bench.sandbox_scale import build

        print(f"building {corpus.contracts:,} contracts into {db} ...", file=sys.stderr)
        print(f"built in {build(db, corpus):.0f} s", file=sys.stderr)
    started = time.perf_counter()
    with running_sandbox(settings, startup_timeout=900) as url:
        print(f"sandbox ready in {time.perf_counter() - started:.0f} s ({args.contracts:,} contracts)", file=sys.stderr)
        for days in args.within_days:
            median, requests, rows = asyncio.run(first_page(url, args.runs, days))
            print(
                f"upcoming_deadlines first page ({days} days, 20 rows) at {args.contracts:,} contracts: "
                f"median {median:.0f} ms over {args.runs} runs, CLM requests {requests} (-1: not logged), rows {rows}"
            )


if __name__ == "__main__":
    main()
