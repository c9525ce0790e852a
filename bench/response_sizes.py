"""Response size per tool vs the raw CLM JSON behind it (token economy of what the model reads).

    python bench/response_sizes.py

For each tool, one typical call through the in-memory MCP client; the sandbox request log says which CLM
requests the call made, and those same requests are replayed directly to measure the raw JSON the model
would otherwise have read. Ratio = plugin response chars (text + structured JSON) / raw JSON chars.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.core_server import token
from sandbox.settings import SandboxSettings
from sandbox.testing import running_sandbox
from tests.conftest import mcp_client, settings_for
from tests.harness.cells import TOOL_NAMES, response_chars, sample_ids, valid_arguments


async def sizes(url: str) -> dict[str, tuple[int, int, int]]:
    """{tool: (plugin chars, raw CLM JSON chars, CLM requests)}."""
    admin = httpx2.AsyncClient(base_url=url, timeout=30)
    direct = httpx2.AsyncClient(base_url=url, timeout=30, headers={"Authorization": f"Bearer {token(url)}"})
    out: dict[str, tuple[int, int, int]] = {}
    async with mcp_client(settings_for(url, confirm_writes=True)) as client:
        ids = await sample_ids(client)
        for tool in TOOL_NAMES:
            args: dict[str, Any] = valid_arguments(tool, ids)
            if tool == "clm__read_contract":
                args = {**args, "max_chars": 10_000}
            log: list[dict[str, Any]] = (await admin.get("/_sandbox/requests")).json()
            since = log[-1]["seq"] if log else 0
            result = await client.call_tool(tool, args)
            assert not result.is_error, result
            made = [r for r in (await admin.get("/_sandbox/requests", params={"since": since})).json()]
            made = [r for r in made if r["seq"] > since and r["method"] == "GET" and r["path"].startswith("/v1/")]
            raw = 0
            for record in made:
                target = record["path"] + (f"?{record['query']}" if record["query"] else "")
                raw += len((await direct.get(target)).text)
            out[tool] = (response_chars(result), raw, len(made))
    await admin.aclose()
    await direct.aclose()
    return out


def report(url: str) -> dict[str, float]:
    table = asyncio.run(sizes(url))
    figures: dict[str, float] = {}
    print(f"{'tool':<26} {'plugin chars':>12} {'raw CLM JSON':>13} {'requests':>8} {'ratio':>6}")
    for tool, (plugin, raw, requests) in table.items():
        ratio = plugin / raw if raw else float("nan")
        print(f"{tool:<26} {plugin:>12,} {raw:>13,} {requests:>8} {ratio:>6.2f}")
        figures[f"size_ratio_{tool.removeprefix('clm__')}"] = ratio
    print(json.dumps({"max_plugin_chars": max(p for p, _, _ in table.values())}))
    return figures


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = SandboxSettings(contracts=300, seed=7, db=Path(tmp) / "clm.db", test_endpoints=True)
        with running_sandbox(settings) as url:
            report(url)


if __name__ == "__main__":
    main()
