"""Response size per tool vs the raw CLM JSON behind it, and the size of `tools/list` (what the model reads).

    python bench/response_sizes.py [--before DIR]

For each tool, one typical call through the in-memory MCP client; the sandbox request log says which CLM
requests the call made, and those same requests are replayed directly to measure the raw JSON the model
would otherwise have read. "Result chars" counts EVERYTHING in the `CallToolResult` as sent (its JSON:
text content, resource links, structuredContent, flags); ratio = result chars / raw CLM JSON chars.
`tools/list` is measured the same way (the JSON of the list result, per session).

`--before DIR`: another checkout (e.g. `git archive` of the base into DIR) measured in the same run, by
running this script's measurement there (its own code, its own default settings), printed side by side.
Target (issue 12): a 20-row search <= 0.6x the raw CLM JSON of the same rows; `tools/list` <= 15,000 chars.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

# The tree measured: this checkout, or (with --measure-here, run by --before) the current directory's.
ROOT = Path.cwd() if "--measure-here" in sys.argv else Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEARCH_20 = "search, 20 rows"


def _chars(result: Any) -> int:
    return len(json.dumps(result.model_dump(mode="json", by_alias=True, exclude_none=True), ensure_ascii=False))


async def sizes(url: str) -> dict[str, tuple[int, int, int]]:
    """{tool: (result chars, raw CLM JSON chars, CLM requests)}, plus "tools/list": (chars, 0, 0)."""
    import httpx2

    from bench.core_server import token
    from plugin.config.settings import PluginSettings
    from tests.conftest import mcp_client, settings_for
    from tests.harness.cells import TOOL_NAMES, sample_ids, valid_arguments

    admin = httpx2.AsyncClient(base_url=url, timeout=30)
    direct = httpx2.AsyncClient(base_url=url, timeout=30, headers={"Authorization": f"Bearer {token(url)}"})
    out: dict[str, tuple[int, int, int]] = {}
    # The default settings of the tree measured (tests.conftest turns structured output on for tests).
    defaults: dict[str, Any] = {"confirm_writes": True}
    if "structured_output" in PluginSettings.model_fields:
        defaults["structured_output"] = PluginSettings.model_fields["structured_output"].default
    async with mcp_client(settings_for(url, confirm_writes=True)) as probe:
        ids = await sample_ids(probe)  # ids from the structured copy of a search
    async with mcp_client(settings_for(url, **defaults)) as client:
        listed = await client.list_tools()
        out["tools/list"] = (_chars(listed), 0, 0)
        calls: list[tuple[str, str, dict[str, Any]]] = [(SEARCH_20, "clm__search_contracts", {"limit": 20})]
        for tool in TOOL_NAMES:
            args: dict[str, Any] = valid_arguments(tool, ids)
            if tool == "clm__read_contract":
                args = {**args, "max_chars": 10_000}
            calls.append((tool.removeprefix("clm__"), tool, args))
        for label, tool, args in calls:
            log: list[dict[str, Any]] = (await admin.get("/_sandbox/requests")).json()
            since = log[-1]["seq"] if log else 0
            result = await client.call_tool(tool, args)
            assert not result.is_error, result
            made = (await admin.get("/_sandbox/requests", params={"since": since})).json()
            made = [r for r in made if r["seq"] > since and r["method"] == "GET" and r["path"].startswith("/v1/")]
            raw = 0
            for record in made:
                target = record["path"] + (f"?{record['query']}" if record["query"] else "")
                raw += len((await direct.get(target)).text)
            out[label] = (_chars(result), raw, len(made))
    await admin.aclose()
    await direct.aclose()
    return out


def report(url: str) -> dict[str, float]:
    """For bench/run_all.py: the table of this tree against a running sandbox (with test endpoints)."""
    table = asyncio.run(sizes(url))
    figures: dict[str, float] = {"tools_list_chars": float(table["tools/list"][0])}
    for label, (chars, raw, _requests) in table.items():
        if raw:
            print(f"{label:<22} {chars:>11,} {raw:>12,} {chars / raw:>6.2f}")
            figures[f"size_ratio_{label.replace(', ', '_').replace(' ', '_')}"] = chars / raw
    largest = max(chars for label, (chars, _, _) in table.items() if label != "tools/list")
    print(json.dumps({"max_plugin_chars": largest}))
    return figures


def measure() -> dict[str, tuple[int, int, int]]:
    from sandbox.settings import SandboxSettings
    from sandbox.testing import running_sandbox

    with tempfile.TemporaryDirectory() as tmp:
        settings = SandboxSettings(contracts=300, seed=7, db=Path(tmp) / "clm.db", test_endpoints=True)
        with running_sandbox(settings) as url:
            return asyncio.run(sizes(url))


def measure_before(tree: Path) -> dict[str, tuple[int, int, int]]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--measure-here"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    table: dict[str, list[int]] = json.loads(done.stdout.strip().splitlines()[-1])
    return {label: (row[0], row[1], row[2]) for label, row in table.items()}


def _ratio(chars: int, raw: int) -> str:
    return f"{chars / raw:>6.2f}" if raw and chars else f"{'-':>6}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", type=Path, help="another checkout measured alongside (its own defaults)")
    parser.add_argument("--measure-here", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_here:
        print(json.dumps(measure()))
        return
    after = measure()
    before = measure_before(args.before.resolve()) if args.before else {}
    print(f"{'result':<22} {'raw CLM JSON':>12} {'before chars':>12} {'ratio':>6} {'after chars':>11} {'ratio':>6}")
    for label, (chars, raw, _requests) in after.items():
        old = before.get(label, (0, raw, 0))[0]
        raw_text = f"{raw:>12,}" if raw else f"{'-':>12}"
        print(f"{label:<22} {raw_text} {old:>12,} {_ratio(old, raw)} {chars:>11,} {_ratio(chars, raw)}")
    search, raw, _ = after[SEARCH_20]
    listed = after["tools/list"][0]
    print(f"target: 20-row search <= 0.6x raw: {search / raw:.2f}x {'PASS' if search / raw <= 0.6 else 'FAIL'}")
    print(f"target: tools/list <= 15,000 chars: {listed:,} {'PASS' if listed <= 15_000 else 'FAIL'}")


if __name__ == "__main__":
    main()
