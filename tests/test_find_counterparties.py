"""Counterparty names as people write them, resolved through the plugin (issue 12, point 1).

The variants are generated from the corpus's own counterparties by rules (tests/name_variants.py), not
picked by hand: another legal form, no punctuation, "&"/"and", no accents, umlauts spelt out, US spelling,
upper case, a lost space, one-letter typos. Every filtering tool must say which counterparties it used,
and a name matching none must never come back as a silent empty answer.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx2
import pytest

from tests.conftest import mcp_client, settings_for
from tests.name_variants import variants
from tests.template.helpers import text_of

pytestmark = pytest.mark.anyio

NONSENSE = ("Zzyzx Qwerty Holdings", "Qqqq Wwww", "Blorptastic Widgets GmbH")


def corpus_counterparties(url: str) -> list[dict[str, Any]]:
    token = httpx2.post(
        f"{url}/oauth/token",
        data={"grant_type": "client_credentials", "client_id": "demo-client", "client_secret": "demo-secret"},
    ).json()["access_token"]
    rows: list[dict[str, Any]] = []
    cursor: str | None = None
    with httpx2.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http:
        while True:
            params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            page = http.get("/v1/counterparties", params=params).json()
            rows += page["data"]
            cursor = page["next_cursor"]
            if cursor is None:
                return rows


async def test_generated_name_variants_resolve_to_the_counterparty_meant(sandbox_url: str) -> None:
    everyone = corpus_counterparties(sandbox_url)
    cases = variants((c["id"], c["name"]) for c in everyone)
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses: list[str] = []
    async with mcp_client(settings_for(sandbox_url)) as client:
        for v in cases:
            total[v.rule] += 1
            found = await client.call_tool("clm__find_counterparties", {"name": v.text, "limit": 5})
            assert not found.is_error, text_of(found)
            candidates = (found.structured_content or {})["candidates"]
            searched = await client.call_tool("clm__search_contracts", {"counterparty": v.text, "limit": 1})
            assert not searched.is_error, text_of(searched)
            used = [c["id"] for c in (searched.structured_content or {})["counterparties"]["used"]]
            # Right: the one meant is the single best candidate, and the filter covers it alone.
            if candidates and candidates[0]["id"] == v.id and used == [v.id]:
                right[v.rule] += 1
            else:
                misses.append(f"{v.rule}: {v.text!r} -> {[c['name'] for c in candidates[:2]]} used {used}")
    print(f"\nname variants resolved correctly: {sum(right.values())}/{len(cases)}")
    for rule in total:
        print(f"  {rule:<24} {right[rule]:>3}/{total[rule]}")
    for miss in misses:
        print("  MISS", miss)
    assert len(cases) >= 30 and len(total) >= 10
    assert not misses


async def test_the_issues_names_find_their_counterparty_and_say_so(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        for name, meant in (
            ("ACME Corp.", "Acme Cloud Services, Inc."),
            ("Acme Corporation, Inc.", "Acme Cloud Services, Inc."),
            ("OBrien", "O'Brien Facilities Management Ltd"),
            ("Mueller", "Müller & Söhne Maschinenbau GmbH"),
            ("Blue Harbor Trading", 'The "Blue Harbour" Trading Company'),
        ):
            result = await client.call_tool("clm__search_contracts", {"counterparty": name})
            out = result.structured_content or {}
            assert not result.is_error and [c["name"] for c in out["counterparties"]["used"]] == [meant], name
            cp_id = out["counterparties"]["used"][0]["id"]
            found = await client.call_tool("clm__find_counterparties", {"name": name, "limit": 1})
            assert out["total"] == (found.structured_content or {})["candidates"][0]["contract_count"]
            assert {c["counterparty_id"] for c in out["contracts"]} <= {cp_id}
            assert f"= {meant} (`{cp_id}`" in text_of(result)
            assert f"({cp_id})" in text_of(result) if out["contracts"] else "No contracts match" in text_of(result)
            deadlines = await client.call_tool("clm__upcoming_deadlines", {"counterparty": name, "within_days": 1095})
            assert f"(`{cp_id}`" in text_of(deadlines)
            assert (deadlines.structured_content or {})["counterparties"]["used"][0]["id"] == cp_id


async def test_a_name_matching_several_covers_and_names_them_all(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        found = (
            await client.call_tool("clm__find_counterparties", {"name": "Services", "limit": 100})
        ).structured_content
        assert found is not None and found["total"] >= 2
        result = await client.call_tool("clm__search_contracts", {"counterparty": "Services", "limit": 100})
    out = result.structured_content or {}
    used = {c["id"] for c in out["counterparties"]["used"]}
    assert used == {c["id"] for c in found["candidates"]}
    assert out["total"] == sum(c["contract_count"] for c in found["candidates"])
    assert {c["counterparty_id"] for c in out["contracts"]} <= used
    text = text_of(result)
    assert f"matches {len(used)} counterparties" in text and all(f"`{cp}`" in text for cp in used)


FILTERING_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("clm__search_contracts", {}),
    ("clm__upcoming_deadlines", {"within_days": 1095}),
    ("clm__portfolio_report", {"kind": "by_type"}),
    ("clm__portfolio_report", {"kind": "renewal_pipeline"}),
    ("clm__compare_contracts", {}),
]


async def test_no_filtering_tool_answers_a_silent_zero(sandbox_url: str) -> None:
    silent: list[str] = []
    calls = 0
    async with mcp_client(settings_for(sandbox_url)) as client:
        for tool, args in FILTERING_CALLS:
            for name in NONSENSE:
                calls += 1
                result = await client.call_tool(tool, {**args, "counterparty": name})
                text = text_of(result)
                if not (result.is_error and text.startswith("[not_found]") and "No counterparty matches" in text):
                    silent.append(f"{tool} {name!r}: {text[:120]!r}")
    print(f"\nsilent zero-match answers: {len(silent)}/{calls}")
    assert not silent, silent


async def test_find_counterparties_says_when_nothing_matches_and_names_the_closest(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        result = await client.call_tool("clm__find_counterparties", {"name": "Zzyzx Qwerty Holdings"})
    out = result.structured_content or {}
    assert not result.is_error and out["candidates"] == [] and out["total"] == 0
    assert out["closest"] and "No counterparty matches 'Zzyzx Qwerty Holdings'; closest:" in text_of(result)
    assert all(f"`{c['id']}`" in text_of(result) for c in out["closest"])


async def test_candidates_carry_counts_reasons_and_page_with_a_cursor(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        whole = (await client.call_tool("clm__find_counterparties", {"name": "ltd", "limit": 100})).structured_content
        assert whole is not None
        walked: list[str] = []
        cursor: str | None = None
        while True:
            args: dict[str, Any] = {"name": "ltd", "limit": 3, **({"cursor": cursor} if cursor else {})}
            page = (await client.call_tool("clm__find_counterparties", args)).structured_content
            assert page is not None and page["total"] == whole["total"]
            walked += [c["id"] for c in page["candidates"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
    assert walked == [c["id"] for c in whole["candidates"]] and len(walked) == whole["total"] >= 4
    scores = [c["score"] for c in whole["candidates"]]
    assert scores == sorted(scores, reverse=True)
    assert all(sum(c["contracts_by_status"].values()) == c["contract_count"] for c in whole["candidates"])
    assert all(
        c["match"] in {"exact", "normalised", "suffix", "transliteration", "contains", "fuzzy"}
        for c in whole["candidates"]
    )
