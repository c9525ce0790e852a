"""clm__upcoming_deadlines pages to the output budget like every list: trimmed, continued, never refused."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import mcp_client, settings_for

pytestmark = pytest.mark.anyio


async def _walk(url: str, limit: int) -> tuple[list[tuple[str, str, str, str]], list[int]]:
    rows: list[tuple[str, str, str, str]] = []
    sizes: list[int] = []
    arguments: dict[str, Any] = {"within_days": 1095, "limit": limit}
    async with mcp_client(settings_for(url)) as client:
        for _ in range(200):
            result = await client.call_tool("clm__upcoming_deadlines", arguments)
            assert not result.is_error, result.content
            data = result.structured_content
            assert data is not None
            rows += [(d["date"], d["kind"], d["contract_id"], d["what"]) for d in data["deadlines"]]
            sizes.append(len(data["deadlines"]))
            if data["next_cursor"] is None:
                return rows, sizes
            arguments = {"within_days": 1095, "limit": limit, "cursor": data["next_cursor"]}
    raise AssertionError("more than 200 pages")


async def test_a_page_over_the_budget_is_trimmed_and_continues_exactly(sandbox_url: str) -> None:
    big, big_sizes = await _walk(sandbox_url, 100)
    small, _ = await _walk(sandbox_url, 9)
    # The 100-row pages did not fit in 40,000 characters: the server trimmed them (and did not refuse).
    assert any(0 < size < 100 for size in big_sizes[:-1])
    assert big == small  # the same rows, in the same order, whatever the page size
    assert len(set(big)) == len(big) > 50
    assert [row[0] for row in big] == sorted(row[0] for row in big)


@pytest.mark.parametrize(
    "args",
    [
        {"within_days": 1095},
        # Obligations of drafts and of ended contracts (looking back): the CLM filters and counts by status.
        {"within_days": 365, "include_past_due": True, "statuses": ["active", "draft", "terminated", "expired"]},
        {"within_days": 730, "kinds": ["obligation"]},
    ],
)
async def test_every_page_reports_the_total_of_the_rows_listed(sandbox_url: str, args: dict[str, Any]) -> None:
    seen: list[tuple[str, str, str, str]] = []
    totals: list[int | None] = []
    arguments: dict[str, Any] = {**args, "limit": 25}
    async with mcp_client(settings_for(sandbox_url)) as client:
        for _ in range(200):
            result = await client.call_tool("clm__upcoming_deadlines", arguments)
            assert not result.is_error, result.content
            data = result.structured_content
            assert data is not None
            seen += [(d["date"], d["kind"], d["contract_id"], d["what"]) for d in data["deadlines"]]
            totals.append(data["total"])
            text = result.content[0].text  # type: ignore[union-attr]
            assert f"showing {len(data['deadlines'])} of {data['total']:,}" in text
            if data["next_cursor"] is None:
                break
            arguments = {**args, "limit": 25, "cursor": data["next_cursor"]}
    assert len(totals) > 1  # several pages, each saying the same total
    assert set(totals) == {len(seen)}
