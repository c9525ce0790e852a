"""Quoted phrases in clm__search_contracts match as phrases, and every hit says where (issue 12, point 2).

Phrases are drawn from the corpus's own document text (seeded, 2-5 consecutive words of a random
contract); every contract the search returns is checked against its full text, independently of the
CLM's index: its words, case and accents folded, must contain the phrase's words consecutively.
"""

from __future__ import annotations

import random
import re
import unicodedata
from typing import Any

import httpx2
import pytest
from mcp_types import CallToolResult, TextContent

from plugin.toolkit.untrusted import UNTRUSTED_CLOSE, UNTRUSTED_OPEN
from tests.conftest import mcp_client, settings_for

pytestmark = pytest.mark.anyio

PHRASES = 40
_WORD = re.compile(r"\w+")


def text_of(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


def words(text: str) -> list[str]:
    folded = "".join(
        ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch)
    ).replace("_", " ")
    return _WORD.findall(folded)


def contains_phrase(text: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return any(text[i : i + n] == phrase for i in range(len(text) - n + 1))


def documents(url: str) -> dict[str, str]:
    token = httpx2.post(
        f"{url}/oauth/token",
        data={"grant_type": "client_credentials", "client_id": "demo-client", "client_secret": "demo-secret"},
    ).json()["access_token"]
    texts: dict[str, str] = {}
    with httpx2.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
        cursor: str | None = None
        ids: list[str] = []
        while True:
            page = http.get("/v1/contracts", params={"limit": 100, **({"cursor": cursor} if cursor else {})}).json()
            ids += [c["id"] for c in page["data"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        for cid in ids:
            chunk = http.get(f"/v1/contracts/{cid}/document", params={"max_chars": 100_000}).json()
            texts[cid] = chunk["text"]
    return texts


def draw_phrases(texts: dict[str, str], count: int, seed: int = 12) -> list[tuple[str, list[str]]]:
    """(source contract, phrase words): 2-5 consecutive words of a random contract's text."""
    rng = random.Random(seed)
    ids = sorted(cid for cid, text in texts.items() if len(words(text)) > 50)
    drawn: list[tuple[str, list[str]]] = []
    while len(drawn) < count:
        cid = rng.choice(ids)
        tokens = words(texts[cid])
        size = rng.randint(2, 5)
        start = rng.randrange(0, len(tokens) - size)
        phrase = tokens[start : start + size]
        if any(len(w) > 2 for w in phrase):
            drawn.append((cid, phrase))
    return drawn


async def search_all(client: Any, query: str) -> tuple[list[dict[str, Any]], int | None, str]:
    rows: list[dict[str, Any]] = []
    cursor: str | None = None
    texts: list[str] = []
    total: int | None = None
    while True:
        args: dict[str, Any] = {"query": query, "limit": 100, **({"cursor": cursor} if cursor else {})}
        result = await client.call_tool("clm__search_contracts", args)
        assert not result.is_error, text_of(result)
        out = result.structured_content or {}
        rows += out["contracts"]
        total = out["total"]
        texts.append(text_of(result))
        cursor = out["next_cursor"]
        if cursor is None:
            return rows, total, "\n".join(texts)


async def test_quoted_phrases_match_only_contracts_holding_the_phrase(sandbox_url: str) -> None:
    texts = documents(sandbox_url)
    hits = correct = found_source = unquoted_hits = 0
    async with mcp_client(settings_for(sandbox_url)) as client:
        for source, phrase in draw_phrases(texts, PHRASES):
            rows, total, rendered = await search_all(client, '"' + " ".join(phrase) + '"')
            assert total == len(rows)
            hits += len(rows)
            for row in rows:
                in_text = contains_phrase(words(texts[row["id"]]), phrase)
                in_fields = contains_phrase(words(f"{row['title']} {row['counterparty']}"), phrase)
                correct += in_text or in_fields
                hit = row["hit"]
                assert hit is not None, row
                if hit["field"] == "body":
                    assert contains_phrase(words(hit["snippet"]), phrase), (phrase, hit["snippet"])
                    assert hit["start"] is not None  # where to read on with clm__read_contract
            found_source += any(row["id"] == source for row in rows)
            if rows:  # snippets are shown, delimited as untrusted text
                assert UNTRUSTED_OPEN in rendered and UNTRUSTED_CLOSE in rendered
            unquoted, _, _ = await search_all(client, " ".join(phrase))
            unquoted_hits += len(unquoted)
    precision = correct / hits
    print(f"\nquoted phrases: {PHRASES}, hits {hits}, precision {precision:.3f}, source found {found_source}/{PHRASES}")
    print(f"same words unquoted: {unquoted_hits} hits")
    assert precision == 1.0
    assert found_source == PHRASES  # and nothing is missed: the contract the phrase came from is found


async def test_limitation_of_liability_as_a_phrase_finds_fewer_than_the_words(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        phrase, _, rendered = await search_all(client, '"limitation of liability"')
        loose, _, _ = await search_all(client, "limitation of liability")
    assert phrase and {r["id"] for r in phrase} <= {r["id"] for r in loose}
    body = [r for r in phrase if r["hit"]["field"] == "body"]
    assert body and all("limitation of liability" in " ".join(words(r["hit"]["snippet"])) for r in body)
    assert any(r["hit"]["section"] for r in body)
    first = body[0]
    assert f"{first['number']} ({first['id']}), §{first['hit']['section']}" in rendered
