"""Cold start as a client sees it: spawn -> `initialize` answered -> `tools/list` answered, plugin vs a bare MCPServer.

    python bench/cold_start.py [--runs 15] [--before DIR] [--imports] [--modes]

Only what a user has: `python server.py` with no backend configured (the embedded demo default, audit
off) and `python bench/bare_server.py` (a bare `MCPServer` with two tools), each spawned fresh over stdio,
interleaved in rotation so the machine's noise hits all alike; `--before DIR` adds another checkout's
`server.py` (e.g. `git archive` of the base) to the rotation. Medians; ratio = plugin / bare, of the wall
time and of the CPU time the server process used until it answered `tools/list` (Linux: /proc; the CPU
figure moves less with the machine's load). Target: <= 1.10x (issue 10). No process is reused, no sandbox
test API is touched. Children write and read bytecode caches as a default Python does (bench.stdio_client).

`--imports` also lists the modules the stdio start imports before `tools/list` that a bare server does not
(`python -X importtime`), with the remote-mode ones called out: stdio must import none of those.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stdio_client import INITIALIZE_PARAMS, ROOT, StdioServer, child_environment, percentile, process_cpu_seconds

QUIET = {"CLM_AUDIT": "off", "CLM_AUDIT_REQUIRED": "false"}
# uvicorn is not listed: the SDK's own streamable HTTP module imports it for a bare server too.
REMOTE_MODULES = ("joserfc", "plugin.server.remote", "plugin.server.auth", "plugin.cli.remote")


def one(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """(ms to initialize answered, ms to tools/list answered, CPU ms used by then)."""
    server = StdioServer(args, {**QUIET, **(env or {})})
    server.initialize()
    initialized = time.perf_counter() - server.started
    listed = server.request("tools/list")
    done = time.perf_counter() - server.started
    cpu = process_cpu_seconds(server.proc.pid) * 1000
    assert listed["result"]["tools"], listed
    server.proc.kill()  # the figure is spawn -> tools/list answered; shutting down is not part of it
    server.proc.wait(timeout=10)
    return initialized * 1000, done * 1000, cpu


def imported_before_list(script: str) -> list[str]:
    """Modules imported until shortly after `tools/list` was answered, in import order."""
    lines = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": INITIALIZE_PARAMS},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}},
    ]
    process = subprocess.Popen(
        [sys.executable, "-X", "importtime", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**child_environment(), **QUIET},
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("".join(json.dumps(line) + "\n" for line in lines))
    process.stdin.flush()
    answered = 0
    while answered < 2 and process.stdout.readline():
        answered += 1
    process.kill()  # before the warm-up that follows tools/list imports the backend
    _, stderr = process.communicate(timeout=30)
    return [line.split("|")[-1].strip() for line in stderr.splitlines() if line.startswith("import time:")]


def print_imports(targets: dict[str, list[str]]) -> None:
    bare = set(imported_before_list(targets["bare"][0]))
    for label, command in targets.items():
        if label == "bare":
            continue
        extra = [name for name in imported_before_list(command[0]) if name not in bare]
        remote = [name for name in extra if any(name == m or name.startswith(m + ".") for m in REMOTE_MODULES)]
        tops: dict[str, int] = {}
        for name in extra:
            tops[name.split(".")[0]] = tops.get(name.split(".")[0], 0) + 1
        listed = ", ".join(f"{top} {count}" for top, count in sorted(tops.items(), key=lambda kv: -kv[1]))
        print(f"{label:8} imports {len(extra)} modules a bare server does not ({listed})")
        print(f"{label:8} remote-mode modules among them: {remote or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--before", type=Path, help="another checkout measured in the same rotation")
    parser.add_argument("--imports", action="store_true", help="also list what the stdio start imports")
    parser.add_argument(
        "--modes", action="store_true", help="also the plugin with CLM_DEMO_PROCESS=child and =in-process forced"
    )
    args = parser.parse_args()
    print(f"date {datetime.date.today().isoformat()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    targets = {"bare": ["bench/bare_server.py"], "plugin": ["server.py"]}
    if args.before is not None:
        targets["before"] = [str(args.before.resolve() / "server.py")]
    forced: dict[str, dict[str, str]] = {"plugin": {}} | (
        {f"plugin_{mode}": {"CLM_DEMO_PROCESS": mode} for mode in ("child", "in-process")} if args.modes else {}
    )
    for label in list(forced)[1:]:
        targets[label] = targets["plugin"]
    for label, command in targets.items():  # once each first: bytecode and schema caches, as after installation
        one(command, forced.get(label))
    samples: dict[str, list[tuple[float, float, float]]] = {label: [] for label in targets}
    labels = list(targets)
    for i in range(args.runs):
        for label in labels[i % len(labels) :] + labels[: i % len(labels)]:
            samples[label].append(one(targets[label], forced.get(label)))
    medians = {label: [percentile([s[k] for s in runs], 0.5) for k in range(3)] for label, runs in samples.items()}
    for label, (init, listed, cpu) in medians.items():
        print(
            f"{label:8} initialize {init:7.0f} ms   tools/list {listed:7.0f} ms   CPU {cpu:6.0f} ms"
            f"  (median of {args.runs})"
        )
    bare = medians["bare"]
    for label in labels[1:]:
        ratio, cpu_ratio = medians[label][1] / bare[1], medians[label][2] / bare[2]
        verdict = ("PASS" if ratio <= 1.10 else "FAIL") if label == "plugin" else ""
        print(
            f"cold start spawn -> tools/list, {label} / bare MCPServer (x) {ratio:6.3f}  {verdict}"
            f"   CPU {cpu_ratio:6.3f}x"
        )
    print(f"load at the end {os.getloadavg()[0]:.2f}")
    if args.imports:
        print_imports({label: command for label, command in targets.items() if label in ("bare", "plugin", "before")})


if __name__ == "__main__":
    main()
