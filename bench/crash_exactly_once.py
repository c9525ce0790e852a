"""Exactly once across crashes: kill -9 the server at random points of preview / confirm / POST.

    python bench/crash_exactly_once.py [--runs 50] [--seed 1]

A loopback proxy sits between the server and the sandbox CLM. For every POST of an annotation it
forwards the request (the CLM commits the note), then holds the answer for a random while, so a kill
lands after the commit and before the server heard of it. Each run is one logical write (a unique note):
start `python server.py`, preview (or reuse the token the previous process got), confirm; a timer kills
the process with SIGKILL at a random moment after `initialize`. After a crash the next process either
confirms with the old token (valid across restarts) or previews again and confirms (as the error text
of the old design told the model to do), at random. A run ends when a process returns `created` (or
`already_exists`: the note is there).
Then the sandbox's own API counts the notes with that body: exactly once means 1 for every run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.client.stdio import (
    INIT,
    StdioSession,
    notes_with_body,
    sandbox_env,
    start_server,
)

ANNOTATE = "clm__annotate_contract"
CONTRACTS = ["ctr_000002", "ctr_000004", "ctr_000006", "ctr_000008"]


@dataclass
class ProxyStats:
    posts: int = 0
    committed_unanswered: int = 0  # the CLM committed; the server died before the answer reached it
    lock: threading.Lock = field(default_factory=threading.Lock)


class HoldingProxy:
    """Forwards to `upstream`; holds each annotation POST's answer for up to `max_hold` seconds after the commit."""

    def __init__(self, upstream: str, max_hold: float, rng: random.Random) -> None:
        self.stats = ProxyStats()
        self.on_commit: Callable[[], None] | None = None  # called after the CLM committed, before the answer
        http = httpx2.Client(base_url=upstream, timeout=30)
        stats, hold_lock, proxy = self.stats, threading.Lock(), self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k: v for k, v in self.headers.items() if k.lower() not in {"host", "content-length"}}
                answer = http.request(self.command, self.path, content=body, headers=headers)
                is_post = self.command == "POST" and self.path.split("?")[0].endswith("/annotations")
                if is_post:
                    with hold_lock:
                        hold = rng.uniform(0, max_hold)
                    with stats.lock:
                        stats.posts += 1
                    if proxy.on_commit is not None:
                        proxy.on_commit()
                    time.sleep(hold)
                try:
                    self.send_response(answer.status_code)
                    for key, value in answer.headers.items():
                        if key.lower() not in {"content-length", "transfer-encoding", "connection", "content-encoding"}:
                            self.send_header(key, value)
                    self.send_header("Content-Length", str(len(answer.content)))
                    self.end_headers()
                    self.wfile.write(answer.content)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    if is_post:
                        with stats.lock:
                            stats.committed_unanswered += 1
                    self.close_connection = True

            do_GET = do_POST = do_DELETE = _forward

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> HoldingProxy:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class CrashResult:
    runs: int = 0
    notes: list[int] = field(default_factory=list)  # notes found per logical write
    processes: int = 0
    kills: int = 0
    kills_by_phase: Counter[str] = field(default_factory=Counter)
    posts: int = 0
    committed_unanswered: int = 0
    seconds: float = 0.0

    @property
    def duplicates(self) -> int:
        return sum(n - 1 for n in self.notes if n > 1)

    @property
    def lost(self) -> int:
        return sum(1 for n in self.notes if n == 0)


def one_process(
    env: dict[str, str],
    args: dict[str, Any],
    token: str | None,
    re_preview: bool,
    kill_after: float | None,
    phase: list[str],
    on_start: Callable[[subprocess.Popen[str]], None] | None = None,
) -> tuple[str | None, bool]:
    """(token now held, created?) - raises ConnectionError when the process was killed."""
    proc = start_server(env)
    if on_start is not None:
        on_start(proc)
    timer: threading.Timer | None = None
    try:
        session = StdioSession(proc)
        session.request("initialize", INIT)
        assert proc.stdin is not None
        proc.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
        proc.stdin.flush()
        if kill_after is not None:
            timer = threading.Timer(kill_after, proc.kill)  # SIGKILL: no handler, no clean-up
            timer.start()
        if token is None or re_preview:
            phase[0] = "preview"
            preview = session.call(ANNOTATE, args)
            if preview["structuredContent"]["status"] == "already_exists":
                return None, True  # the note committed before the crash is found: nothing to confirm
            token = preview["structuredContent"]["confirmation_token"]
        phase[0] = "confirm"
        done = session.call(ANNOTATE, args | {"confirmation_token": token})
        if done.get("isError"):
            return None, False  # e.g. the token expired: preview again next time
        return token, done["structuredContent"]["status"] in ("created", "already_exists")
    finally:
        if timer is not None:
            timer.cancel()
        with contextlib.suppress(OSError):
            if proc.stdin is not None:
                proc.stdin.close()
        with contextlib.suppress(Exception):
            proc.wait(timeout=30)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def run_crash_trials(
    upstream: str, runs: int, *, seed: int = 1, max_hold: float = 1.5, max_kill_after: float = 4.0
) -> CrashResult:
    rng = random.Random(seed)
    result = CrashResult()
    started = time.perf_counter()
    with HoldingProxy(upstream, max_hold, random.Random(seed + 1)) as proxy:
        env = sandbox_env(proxy.url)
        for run in range(runs):
            contract = CONTRACTS[run % len(CONTRACTS)]
            body = f"crash-run {run} {uuid.uuid4().hex[:10]}"
            args: dict[str, Any] = {"contract_id": contract, "body": body}
            token: str | None = None
            created, crashes = False, 0
            while not created:
                # Up to two crashes per write, then let it finish (a run always ends).
                kill_after = rng.uniform(0, max_kill_after) if crashes < 2 else None
                # The first process of the first run is killed at the commit itself, however fast the machine
                # (a timer alone may fire only after a quick write has finished): one kill is certain.
                at_commit = run == 0 and crashes == 0

                def arm(proc: subprocess.Popen[str], at_commit: bool = at_commit) -> None:
                    proxy.on_commit = proc.kill if at_commit else None

                phase = ["start"]
                result.processes += 1
                try:
                    token, created = one_process(
                        env,
                        args,
                        token,
                        crashes > 0 and rng.random() < 0.5,
                        None if at_commit else kill_after,
                        phase,
                        on_start=arm,
                    )
                except ConnectionError:
                    crashes += 1
                    result.kills += 1
                    result.kills_by_phase[phase[0]] += 1
                finally:
                    proxy.on_commit = None
            result.notes.append(notes_with_body(upstream, contract, body))
            result.runs += 1
        result.posts = proxy.stats.posts
        result.committed_unanswered = proxy.stats.committed_unanswered
    result.seconds = time.perf_counter() - started
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    os.environ.setdefault("CLM_STATE_DIR", tempfile.mkdtemp(prefix="crash-bench-state-"))
    from sandbox.settings import SandboxSettings
    from sandbox.testing import running_sandbox

    settings = SandboxSettings(contracts=120, seed=11, db=Path(tempfile.mkdtemp()) / "clm.db")
    with running_sandbox(settings) as url:
        result = run_crash_trials(url, options.runs, seed=options.seed)
    print(
        f"runs (logical writes) {result.runs}; notes created {sum(result.notes)}; duplicates {result.duplicates}; "
        f"lost {result.lost}; server processes {result.processes}; kill -9 {result.kills} "
        f"({dict(result.kills_by_phase)}); annotation POSTs {result.posts}, of which committed but the answer never "
        f"reached the server {result.committed_unanswered}; {result.seconds:.0f} s",
        file=sys.stderr,
    )
    return 0 if result.duplicates == 0 and result.lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
