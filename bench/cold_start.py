"""Cold start as a client sees it: spawn -> `initialize` answered -> `tools/list` answered, plugin vs a bare MCPServer.

    python bench/cold_start.py [--runs 15] [--before DIR]

Only what a user has: `python server.py` with no backend configured (the embedded demo default, audit
off) and `python bench/bare_server.py` (a bare `MCPServer` with two tools), each spawned fresh over stdio,
interleaved in rotation so the machine's noise hits all alike; `--before DIR` adds another checkout's
`server.py` (e.g. `git archive` of the base) to the rotation. Medians; ratio = plugin / bare.
Targets: <= 1.10x (issue 10). No process is reused, no sandbox test API is touched.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stdio_client import StdioServer, percentile

QUIET = {"CLM_AUDIT": "off", "CLM_AUDIT_REQUIRED": "false"}


def one(args: list[str]) -> tuple[float, float]:
    server = StdioServer(args, QUIET)
    server.initialize()
    initialized = time.perf_counter() - server.started
    listed = server.request("tools/list")
    done = time.perf_counter() - server.started
    assert listed["result"]["tools"], listed
    server.proc.kill()  # the figure is spawn -> tools/list answered; shutting down is not part of it
    server.proc.wait(timeout=10)
    return initialized, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--before", type=Path, help="another checkout measured in the same rotation")
    args = parser.parse_args()
    print(f"date {datetime.date.today().isoformat()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    targets = {"bare": ["bench/bare_server.py"], "plugin": ["server.py"]}
    if args.before is not None:
        targets["before"] = [str(args.before.resolve() / "server.py")]
    for command in targets.values():  # once each first: bytecode and schema caches, as after installation
        one(command)
    samples: dict[str, list[tuple[float, float]]] = {label: [] for label in targets}
    labels = list(targets)
    for i in range(args.runs):
        for label in labels[i % len(labels) :] + labels[: i % len(labels)]:
            samples[label].append(one(targets[label]))
    medians = {
        label: (percentile([s[0] for s in runs], 0.5), percentile([s[1] for s in runs], 0.5))
        for label, runs in samples.items()
    }
    for label, (init, listed) in medians.items():
        print(
            f"{label:8} initialize {init * 1000:7.0f} ms   tools/list {listed * 1000:7.0f} ms  (median of {args.runs})"
        )
    bare = medians["bare"][1]
    for label in labels[1:]:
        ratio = medians[label][1] / bare
        verdict = "PASS" if ratio <= 1.10 else "FAIL"
        shown = verdict if label == "plugin" else ""
        print(f"cold start spawn -> tools/list, {label} / bare MCPServer (x) {ratio:6.3f}  {shown}")


if __name__ == "__main__":
    main()
