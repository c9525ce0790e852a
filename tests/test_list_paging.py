"""The lists added for issue 12 page to the output budget (point 7): a total, trimmed pages, exact continuation."""

from __future__ import annotations

import uuid
from typing import Any

import httpx2
import pytest

from tests.conftest import SECRET, mcp_client, settings_for

pytestmark = pytest.mark.anyio

NOTES = 24
NOTE_CHARS = 3500  # 24 such notes are ~84,000 characters: a 100-row page cannot fit in 40,000


async def _walk(
    url: str, tool: str, args: dict[str, Any], key: str, limit: int
) -> tuple[list[str], list[int], set[int]]:
    rows: list[str] = []
    sizes: list[int] = []
    totals: set[int] = set()
    arguments = {**args, "limit": limit}
    async with mcp_client(settings_for(url)) as client:
        for _ in range(200):
            result = await client.call_tool(tool, arguments)
            assert not result.is_error, result.content
            data = result.structured_content or {}
            rows += [row["id"] for row in data[key]]
            sizes.append(len(data[key]))
            totals.add(data["total"])
            if data["next_cursor"] is None:
                return rows, sizes, totals
            arguments = {**args, "limit": limit, "cursor": data["next_cursor"]}
    raise AssertionError("more than 200 pages")


def _write_long_notes(url: str, contract_id: str) -> None:
    with httpx2.Client(base_url=url, timeout=10) as http:
        token = http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=("demo-client", SECRET)
        ).json()["access_token"]
        for i in range(NOTES):
            body = f"Note {i} {uuid.uuid4().hex} " + "long review text " * (NOTE_CHARS // 17)
            response = http.post(
                f"/v1/contracts/{contract_id}/annotations",
                json={"body": body[:NOTE_CHARS]},
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
            )
            response.raise_for_status()


async def test_list_notes_over_the_budget_is_trimmed_and_continues_exactly(sandbox_url: str) -> None:
    _write_long_notes(sandbox_url, "ctr_000007")
    args = {"contract_id": "ctr_000007"}
    big, sizes, totals = await _walk(sandbox_url, "clm__list_notes", args, "notes", 100)
    small, _, _ = await _walk(sandbox_url, "clm__list_notes", args, "notes", 5)
    assert any(0 < size < NOTES for size in sizes[:-1])  # trimmed by the server, not refused
    assert big == small and len(set(big)) == len(big) >= NOTES
    assert totals == {len(big)}


async def test_search_with_snippets_over_the_budget_is_trimmed_and_continues_exactly(sandbox_url: str) -> None:
    args = {"query": '"limitation of liability"'}
    big, sizes, totals = await _walk(sandbox_url, "clm__search_contracts", args, "contracts", 100)
    small, _, _ = await _walk(sandbox_url, "clm__search_contracts", args, "contracts", 13)
    assert big == small and len(set(big)) == len(big) and totals == {len(big)}
    print(f"\nphrase search pages at limit 100: {sizes}")


async def test_find_counterparties_reports_its_total(sandbox_url: str) -> None:
    everyone, _, totals = await _walk(sandbox_url, "clm__find_counterparties", {"name": "a"}, "candidates", 7)
    assert totals == {len(everyone)} and len(everyone) == len(set(everyone)) > 7
