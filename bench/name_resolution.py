"""Counterparty names as people write them, through the plugin: resolved correctly / total, by rule.

    python bench/name_resolution.py [--contracts 120] [--seed 11]

The variants are generated from the corpus's counterparties by the rules of tests/name_variants.py
(not picked by hand). For each, one `clm__find_counterparties` call and one `clm__search_contracts`
call with `counterparty` = the variant, through the in-memory MCP client against a loopback sandbox:

- right: the counterparty meant is the single best candidate and the only one the search covered;
- named among ties: it is covered together with equally good candidates, all named in the result
  (e.g. "Redwood Data" for "Redwood Data Inc." and "Redwood Data Ltd" - a real ambiguity);
- wrong: anything else (another counterparty, or a [not_found]).

Then nonsense names through every filtering tool: how many answers are silent (not a [not_found]).
Large corpora (--contracts 20000 and up) add generated names that share their core, so ties appear.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sandbox.settings import SandboxSettings
from sandbox.testing import running_sandbox
from tests.conftest import mcp_client, settings_for
from tests.name_variants import variants
from tests.test_find_counterparties import FILTERING_CALLS, NONSENSE, corpus_counterparties, text_of


async def measure(url: str) -> None:
    everyone = corpus_counterparties(url)
    cases = variants((c["id"], c["name"]) for c in everyone)
    outcome: dict[str, Counter[str]] = {}
    latencies: list[float] = []
    examples: list[str] = []
    async with mcp_client(settings_for(url)) as client:
        for v in cases:
            started = time.perf_counter()
            found = await client.call_tool("clm__find_counterparties", {"name": v.text, "limit": 5})
            latencies.append(time.perf_counter() - started)
            candidates = (found.structured_content or {}).get("candidates", [])
            searched = await client.call_tool("clm__search_contracts", {"counterparty": v.text, "limit": 1})
            scope = (searched.structured_content or {}).get("counterparties") or {}
            used = [c["id"] for c in scope.get("used", [])]
            if candidates and candidates[0]["id"] == v.id and used == [v.id]:
                kind = "right"
            elif v.id in used and all(f"`{cp}`" in text_of(searched) for cp in used):
                kind = "named among ties"
            else:
                kind = "wrong"
                examples.append(f"{v.rule}: {v.text!r} -> {used} ({text_of(searched)[:100]!r})")
            outcome.setdefault(v.rule, Counter())[kind] += 1
        silent = calls = 0
        for tool, args in FILTERING_CALLS:
            for name in NONSENSE:
                calls += 1
                result = await client.call_tool(tool, {**args, "counterparty": name})
                if not (result.is_error and "No counterparty matches" in text_of(result)):
                    silent += 1
    print(f"{len(everyone)} counterparties, {len(cases)} generated variants")
    print(f"{'rule':<24} {'variants':>8} {'right':>6} {'tied':>6} {'wrong':>6}")
    for rule, counts in outcome.items():
        total = sum(counts.values())
        print(f"{rule:<24} {total:>8} {counts['right']:>6} {counts['named among ties']:>6} {counts['wrong']:>6}")
    right = sum(c["right"] for c in outcome.values())
    tied = sum(c["named among ties"] for c in outcome.values())
    print(f"{'all':<24} {len(cases):>8} {right:>6} {tied:>6} {len(cases) - right - tied:>6}")
    print(f"resolved correctly: {right}/{len(cases)} alone, {right + tied}/{len(cases)} incl. named ties")
    print(f"find_counterparties p50 {statistics.median(latencies) * 1000:.1f} ms (in-memory MCP, loopback CLM)")
    print(f"silent zero-match answers: {silent}/{calls} (nonsense names x filtering tools)")
    for line in examples[:20]:
        print("  wrong:", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contracts", type=int, default=120)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    with running_sandbox(SandboxSettings(contracts=args.contracts, seed=args.seed)) as url:
        asyncio.run(measure(url))


if __name__ == "__main__":
    main()
