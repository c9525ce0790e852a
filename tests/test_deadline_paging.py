"""clm__upcoming_deadlines pages to the output budget like every list: trimmed, continued, never refused."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sandbox.settings import SandboxSettings
from sandbox.testing import running_sandbox
from tests.conftest import SandboxAdmin, mcp_client, settings_for

pytestmark = pytest.mark.anyio


Row = tuple[str, str, str, str]


async def _pages(url: str, args: dict[str, Any], limit: int) -> tuple[list[Row], list[dict[str, Any]]]:
    """Every row of a walk to the end, and each page's structured result (with its text, under `_text`)."""
    rows: list[Row] = []
    pages: list[dict[str, Any]] = []
    arguments: dict[str, Any] = {**args, "limit": limit}
    async with mcp_client(settings_for(url)) as client:
        for _ in range(200):
            result = await client.call_tool("clm__upcoming_deadlines", arguments)
            assert not result.is_error, result.content
            data = result.structured_content
            assert data is not None
            rows += [(d["date"], d["kind"], d["contract_id"], d["what"]) for d in data["deadlines"]]
            pages.append({**data, "_text": result.content[0].text})  # type: ignore[union-attr]
            if data["next_cursor"] is None:
                return rows, pages
            arguments = {**args, "limit": limit, "cursor": data["next_cursor"]}
    raise AssertionError("more than 200 pages")


async def _walk(url: str, limit: int) -> tuple[list[Row], list[int]]:
    rows, pages = await _pages(url, {"within_days": 1095}, limit)
    return rows, [len(page["deadlines"]) for page in pages]


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo's 300 contracts: enough deadlines that a page of 100 is over the budget (the test corpus has ~50)."""
    settings = SandboxSettings(db=tmp_path_factory.mktemp("demo") / "clm.db")
    with running_sandbox(settings) as url:
        yield url


async def test_a_page_over_the_budget_is_trimmed_and_continues_exactly(demo_url: str) -> None:
    big, big_sizes = await _walk(demo_url, 100)
    small, _ = await _walk(demo_url, 9)
    assert len(big) > 100  # the premise: a full page of 100 would be listed if it fitted
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
    seen, pages = await _pages(sandbox_url, args, 25)
    for page in pages:
        assert f"showing {len(page['deadlines'])} of {page['total']:,}" in page["_text"]
    assert len(pages) > 1  # several pages, each saying the same total
    assert {page["total"] for page in pages} == {len(seen)}


async def test_a_clm_that_does_not_count_a_source_gives_no_total_and_says_why(
    sandbox_url: str, admin: SandboxAdmin
) -> None:
    # A CLM whose obligation listing has no `total` (the sandbox always counts: a fault stands in for such a CLM).
    admin.fault(
        target="api", mode="body", path_prefix="/v1/obligations", body={"data": [], "next_cursor": None}, count=0
    )
    _, pages = await _pages(sandbox_url, {"within_days": 365}, 20)
    first = pages[0]
    assert first["deadlines"] and first["total"] is None
    assert first["total_unknown"] == "the CLM did not count the matching rows of: obligation"
    assert f"{len(first['deadlines'])} on this page, total unknown (the CLM did not count" in first["_text"]
    assert all(page["total"] is None for page in pages)  # later pages do not invent one
