"""stdio cold start before/after a change, side by side: spawn -> initialize answered -> tools/list answered.

    python bench/stdio_cold_start.py --before DIR [--runs 9]

DIR is another checkout (e.g. `git archive <base> | tar -x -C DIR`). Runs alternate between the two trees
(the machine is shared: only the ratio means something). Also lists which remote-mode modules (uvicorn,
joserfc, plugin.server.remote, plugin.server.auth) the stdio path imported (`python -X importtime`): none is
the point of importing them lazily in `serve`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stdio_client import ROOT, StdioServer

# uvicorn is listed to show it was imported before too (the SDK's sse_starlette imports it).
REMOTE_MODULES = ("uvicorn", "joserfc", "plugin.server.remote", "plugin.server.auth", "plugin.cli.remote")


def once(server_py: str) -> tuple[float, float]:
    server = StdioServer([server_py], {"CLM_AUDIT": "off", "CLM_AUDIT_REQUIRED": "false"})
    try:
        server.initialize()
        init = time.perf_counter() - server.started
        server.request("tools/list")
        listed = time.perf_counter() - server.started
    finally:
        server.proc.kill()
        server.proc.wait()
    return init, listed


def imported(server_py: str) -> list[str]:
    lines = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "bench", "version": "1"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}},
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLM_")}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", server_py],
        input="".join(json.dumps(line) + "\n" for line in lines),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**env, "CLM_AUDIT": "off", "CLM_AUDIT_REQUIRED": "false"},
        timeout=120,
    )
    names = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return sorted(n for n in names if any(n == m or n.startswith(m + ".") for m in REMOTE_MODULES))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    trees = {"before": str(args.before.resolve() / "server.py"), "after": str(ROOT / "server.py")}
    for path in trees.values():  # warm the schema cache and the OS file cache of both trees
        once(path)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
    for _ in range(args.runs):
        for name, path in trees.items():
            samples[name].append(once(path))
    med = {
        name: (statistics.median(s[0] for s in runs), statistics.median(s[1] for s in runs))
        for name, runs in samples.items()
    }
    for name, (init, listed) in med.items():
        print(
            f"{name:<6} initialize {init * 1000:6.0f} ms   tools/list {listed * 1000:6.0f} ms  (median of {args.runs})"
        )
    print(
        f"after / before: initialize {med['after'][0] / med['before'][0]:.2f}x, "
        f"tools/list {med['after'][1] / med['before'][1]:.2f}x"
    )
    before, after = imported(trees["before"]), imported(trees["after"])
    print(
        f"remote-mode modules the stdio path imports, before: {len(before)}, after: {len(after)}; "
        f"new in after: {sorted(set(after) - set(before)) or 'none'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
