"""Scale-out: 2 `serve` replicas + Redis + nginx (round robin, no stickiness), 500 concurrent MCP sessions.

    python bench/replicas_load.py [--sessions 500] [--duration 60] [--kill-at 30] [--clm-token-ttl 3600]
                                  [--think 1.0] [--writers 0.05] [--replicas 2] [--quick]

Everything on 127.0.0.1: the sandbox CLM in its own process (API, authorization server, token exchange),
a real redis-server, the replicas (each its own process and state directory: only Redis is shared) and
nginx. Each simulated session is one MCP client over streamable HTTP (raw JSON-RPC with httpx2, the
2025 era's initialize then calls) with the user token of one of the demo users; it calls the read tools
in a mix, with `--think` seconds (uniform 0..2x) between calls, until the time is up. A fraction
(`--writers`) also writes: preview an annotation, then confirm it (through the proxy: either replica),
retrying the confirmation with the same token after a transport error.

At `--kill-at` seconds one replica is SIGKILLed by its PID (0 = no kill). Reported:
- calls, error rate (before the kill / in the 10 s after it / after that), p50 and p95 per tool (ms);
- token exchanges per user at the sandbox across both replicas, against the bound 1 per token lifetime
  (ceil(duration / (ttl * (1 - refresh margin)))), and the sandbox's client-credentials token requests;
- writes: confirmed, found in the CLM exactly once, lost (0 found), duplicated (>1 found).
The machine is shared and small (2 cores for everything here): latencies include that.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import statistics
import sys
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx2

from sandbox.settings import SandboxSettings
from sandbox.testing import token_exchanges, visible_contracts_of
from tests.replica_set import Deployment, McpHttp, RpcError, text_of

USERS = ("alice", "bob", "carol", "dave")  # dave reads only: never a writer
WRITERS = ("alice", "bob", "carol")
REFRESH_MARGIN = 0.1  # the plugin's default TOKEN_REFRESH_MARGIN


@dataclass
class Outcome:
    tool: str
    started: float  # seconds since the load started
    seconds: float
    error: str | None  # None = answered without error
    detail: str = ""  # the first words of the error, for the sample printed in the report


@dataclass
class Stats:
    calls: list[Outcome] = field(default_factory=list)
    writes: list[tuple[str, str]] = field(default_factory=list)  # (contract id, body) confirmed
    write_failures: list[str] = field(default_factory=list)
    sessions_started: int = 0
    sessions_failed: int = 0
    init_errors: dict[str, int] = field(default_factory=dict)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return ordered[index]


async def timed(stats: Stats, t0: float, tool: str, call: Any) -> dict[str, Any] | None:
    started = time.monotonic()
    try:
        result: dict[str, Any] = await call
    except (RpcError, httpx2.HTTPError) as exc:
        stats.calls.append(Outcome(tool, started - t0, time.monotonic() - started, type(exc).__name__, str(exc)[:160]))
        return None
    error = "tool_error" if result.get("isError") else None
    detail = text_of(result)[:160] if error else ""
    stats.calls.append(Outcome(tool, started - t0, time.monotonic() - started, error, detail))
    return result


async def session(
    http: httpx2.AsyncClient,
    url: str,
    user: str,
    token: str,
    visible: list[str],
    writer: bool,
    stats: Stats,
    t0: float,
    until: float,
    think: float,
) -> None:
    rng = random.Random()
    client = McpHttp(http, url, token)
    stats.sessions_started += 1
    try:
        await client.initialize()
    except (RpcError, httpx2.HTTPError) as exc:
        stats.sessions_failed += 1
        stats.init_errors[type(exc).__name__] = stats.init_errors.get(type(exc).__name__, 0) + 1
        return
    await asyncio.sleep(rng.uniform(0, 2 * think))
    wrote = False
    while time.monotonic() < until:
        pick = rng.random()
        if writer and not wrote and pick < 0.3:
            wrote = True
            await write(client, rng.choice(visible), stats, t0)
        elif pick < 0.55:
            await timed(stats, t0, "search_contracts", client.call("clm__search_contracts", {"limit": 5}))
        elif pick < 0.8:
            contract = rng.choice(visible)
            await timed(stats, t0, "get_contract", client.call("clm__get_contract", {"contract_id": contract}))
        else:
            args = {"within_days": 180, "limit": 5}
            await timed(stats, t0, "upcoming_deadlines", client.call("clm__upcoming_deadlines", args))
        await asyncio.sleep(rng.uniform(0, 2 * think))


async def write(client: McpHttp, contract: str, stats: Stats, t0: float) -> None:
    body = f"Load test note {uuid.uuid4().hex[:12]}"
    args = {"contract_id": contract, "body": body}
    preview = await timed(stats, t0, "annotate(preview)", client.call("clm__annotate_contract", args))
    if preview is None or preview.get("isError"):
        stats.write_failures.append("preview failed")
        return
    token = preview["structuredContent"]["confirmation_token"]
    for _attempt in range(5):  # the same token again after a transport error: the idempotency key is the same
        done = await timed(
            stats, t0, "annotate(confirm)", client.call("clm__annotate_contract", {**args, "confirmation_token": token})
        )
        if done is not None and not done.get("isError"):
            stats.writes.append((contract, body))
            return
        await asyncio.sleep(0.5)
    stats.write_failures.append("confirm failed 5 times")
    stats.writes.append((contract, body))  # may still have been written: counted below (lost or not)


def count_notes(clm: str, writes: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    token = httpx2.post(
        f"{clm}/oauth/token", data={"grant_type": "client_credentials"}, auth=("demo-client", "demo-secret")
    ).json()["access_token"]
    wanted = defaultdict(set)
    for contract, body in writes:
        wanted[contract].add(body)
    found: dict[tuple[str, str], int] = {w: 0 for w in writes}
    with httpx2.Client(base_url=clm, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
        for contract, bodies in wanted.items():
            cursor = None
            while True:
                params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
                page = http.get(f"/v1/contracts/{contract}/annotations", params=params).json()
                for note in page["data"]:
                    if note.get("body") in bodies:
                        found[(contract, note["body"])] += 1
                cursor = page.get("next_cursor")
                if not cursor:
                    break
    return found


async def load(args: argparse.Namespace, deployed: Deployment) -> tuple[Stats, float | None, int | None]:
    tokens = {user: deployed.token(user) for user in USERS}
    visible = {user: sorted(ids)[:50] for user, ids in visible_contracts_of(deployed.clm).items() if user in USERS}
    httpx2.post(f"{deployed.clm}/_sandbox/reset").raise_for_status()  # counts from here
    stats = Stats()
    limits = httpx2.Limits(max_connections=args.sessions, max_keepalive_connections=args.sessions)
    killed_at: float | None = None
    killed_pid: int | None = None
    async with httpx2.AsyncClient(timeout=httpx2.Timeout(120.0, connect=30.0), limits=limits) as http:
        t0 = time.monotonic()
        until = t0 + args.duration
        killer = None
        if args.kill_at > 0 and len(deployed.replicas) > 1:
            # A timer thread, not the event loop: a saturated generator must not delay the kill.
            killed: list[tuple[int, float]] = []
            victim = len(deployed.replicas) - 1

            def kill() -> None:
                killed.append((deployed.kill(victim), time.monotonic() - t0))

            killer = threading.Timer(max(0.0, t0 + args.kill_at - time.monotonic()), kill)
            killer.start()
        rng = random.Random(7)
        tasks = []
        for index in range(args.sessions):
            user = USERS[index % len(USERS)]
            writer = user in WRITERS and rng.random() < args.writers
            tasks.append(
                asyncio.create_task(
                    session(http, deployed.url, user, tokens[user], visible[user], writer, stats, t0, until, args.think)
                )
            )
            if index % 50 == 49:
                await asyncio.sleep(0.05)  # ramp up over a moment, not one burst of 500 TCP connects
        await asyncio.gather(*tasks)
        if killer is not None:
            killer.join()
            killed_pid, killed_at = killed[0]
            print(f"killed replica {victim} (pid {killed_pid}) at {killed_at:.1f} s", flush=True)
    return stats, killed_at, killed_pid


def report(args: argparse.Namespace, deployed: Deployment, stats: Stats, killed_at: float | None) -> None:
    calls = stats.calls
    errors = [c for c in calls if c.error]
    print(f"\n== {args.sessions} sessions, {args.duration:.0f} s, {len(deployed.replicas)} replicas behind nginx")
    print(
        f"sessions started {stats.sessions_started}, failed to initialize {stats.sessions_failed} {stats.init_errors}"
    )
    print(
        f"calls {len(calls)}, errors {len(errors)} ({100 * len(errors) / max(1, len(calls)):.2f} %), "
        f"throughput {len(calls) / args.duration:.1f} calls/s"
    )
    if killed_at is not None:
        windows = [("before the kill", 0.0, killed_at), ("10 s after the kill", killed_at, killed_at + 10),
                   ("after that", killed_at + 10, float("inf"))]  # fmt: skip
        for label, start, end in windows:
            inside = [c for c in calls if start <= c.started < end]
            bad = [c for c in inside if c.error]
            kinds = sorted({c.error or "" for c in bad})
            print(f"  {label:>20}: {len(inside)} calls, {len(bad)} errors "
                  f"({100 * len(bad) / max(1, len(inside)):.2f} %) {kinds if kinds else ''}")  # fmt: skip
    samples: dict[str, str] = {}
    for c in errors:
        samples.setdefault(f"{c.error}: {c.detail[:60]}", c.detail)
    for kind in list(samples)[:8]:
        print(f"  error sample: {samples[kind]!r}")
    print(f"\n{'tool':<20} {'calls':>7} {'errors':>7} {'p50 ms':>9} {'p95 ms':>9}")
    by_tool: dict[str, list[Outcome]] = defaultdict(list)
    for c in calls:
        by_tool[c.tool].append(c)
    for tool, outcomes in sorted(by_tool.items()):
        ok = [o.seconds * 1000 for o in outcomes if not o.error]
        failed = sum(1 for o in outcomes if o.error)
        print(f"{tool:<20} {len(outcomes):>7} {failed:>7} {percentile(ok, 0.5):>9.0f} {percentile(ok, 0.95):>9.0f}")
    every = [c.seconds * 1000 for c in calls if not c.error]
    if every:
        p50, p95 = statistics.median(every), percentile(every, 0.95)
        print(f"{'all':<20} {len(calls):>7} {len(errors):>7} {p50:>9.0f} {p95:>9.0f}")

    exchanges = token_exchanges(deployed.clm)
    bound = math.ceil(args.duration / (args.clm_token_ttl * (1 - REFRESH_MARGIN)))
    counters = httpx2.get(f"{deployed.clm}/_sandbox/counters").json()
    print(
        f"\ntoken exchanges per user across replicas (bound: {bound} per user for a {args.clm_token_ttl} s lifetime):"
    )
    for user in USERS:
        print(f"  {user:<6} {exchanges.get(user, 0)}")
    print(f"  sandbox token requests in all (exchanges + client credentials): {counters.get('token_requests')}")

    found = count_notes(deployed.clm, stats.writes)
    lost = [w for w, n in found.items() if n == 0]
    duplicated = [w for w, n in found.items() if n > 1]
    once = sum(1 for n in found.values() if n == 1)
    print(
        f"\nwrites confirmed {len(stats.writes)}: exactly once {once}, lost {len(lost)}, duplicated {len(duplicated)}"
    )
    print(f"write failures seen by clients (retried): {len(stats.write_failures)}")
    assert deployed.nginx is not None
    print(f"requests per replica (nginx log): {deployed.nginx.upstream_counts()}")
    print(f"statuses (nginx log: to the client [from the replicas]): {deployed.nginx.statuses()}")
    if args.verbose:
        print("nginx error log (tail):\n" + deployed.nginx.error_log()[-3000:])
        for index, replica in enumerate(deployed.replicas):
            print(f"replica {index} stderr (tail):\n" + "".join(replica.stderr)[-2000:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--kill-at", type=float, default=30.0, help="seconds into the load; 0 = no kill")
    parser.add_argument("--clm-token-ttl", type=int, default=3600, help="lifetime of CLM tokens at the sandbox (s)")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a session's calls (s)")
    parser.add_argument("--writers", type=float, default=0.05, help="fraction of sessions that also write")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="50 sessions for 15 s, kill at 7 s")
    parser.add_argument("--verbose", action="store_true", help="print nginx's error log and the replicas' stderr")
    args = parser.parse_args()
    if args.quick:
        args.sessions, args.duration, args.kill_at = 50, 15.0, 7.0
    sandbox = SandboxSettings(contracts=300, seed=11, token_ttl_seconds=args.clm_token_ttl)
    print("starting sandbox, redis-server, replicas, nginx ...", flush=True)
    with Deployment(replicas=args.replicas, sandbox=sandbox) as deployed:
        pids = [r.pid for r in deployed.replicas]
        print(f"proxy {deployed.url}; replicas {[r.port for r in deployed.replicas]} (pids {pids})")
        stats, killed_at, _pid = asyncio.run(load(args, deployed))
        report(args, deployed, stats, killed_at)


if __name__ == "__main__":
    main()
