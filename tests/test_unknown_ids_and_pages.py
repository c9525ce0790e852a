"""An unknown counterparty_id is `[not_found]`, as an unknown name is (an empty answer would read as "no
contracts" or "no deadlines" for it), and a page past the end says so and how many there are."""

from __future__ import annotations

import pytest

from tests.conftest import mcp_client, settings_for
from tests.test_core_tools import ok, text_of

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("clm__upcoming_deadlines", {"counterparty_id": "cp_9999"}),
        ("clm__upcoming_deadlines", {"counterparty_id": "cp_9999", "within_days": 1095}),
        ("clm__search_contracts", {"counterparty_id": "cp_9999"}),
        ("clm__search_contracts", {"counterparty_id": "cp_9999", "statuses": ["active"]}),
    ],
)
async def test_unknown_counterparty_id_is_not_found(sandbox_url: str, tool: str, args: dict[str, object]) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        result = await client.call_tool(tool, args)
    assert result.is_error, text_of(result)
    assert text_of(result).startswith("[not_found]") and "cp_9999" in text_of(result)
    assert "clm__find_counterparties" in text_of(result)


async def test_known_counterparty_id_with_nothing_in_range_is_still_an_empty_answer(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        first = ok(await client.call_tool("clm__search_contracts", {"limit": 1}))
        known = first["contracts"][0]["counterparty_id"]
        found = ok(await client.call_tool("clm__search_contracts", {"counterparty_id": known}))
        empty = await client.call_tool(
            "clm__search_contracts", {"counterparty_id": known, "effective_before": "1990-01-01"}
        )
        deadlines = await client.call_tool(
            "clm__upcoming_deadlines", {"counterparty_id": known, "within_days": 1, "statuses": ["draft"]}
        )
    assert found["total"] >= 1
    assert not empty.is_error and ok(empty)["contracts"] == [] and "No contracts match" in text_of(empty)
    assert not deadlines.is_error, text_of(deadlines)


async def test_obligations_page_past_the_end_says_how_many_there_are(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        first = ok(await client.call_tool("clm__extract_obligations", {"contract_id": "ctr_000001"}))
        total = first["total_obligations"]
        assert total > 0
        past = await client.call_tool("clm__extract_obligations", {"contract_id": "ctr_000001", "offset": total + 500})
    text = text_of(past)
    assert ok(past)["obligations"] == [] and ok(past)["total_obligations"] == total
    assert "No obligations found" not in text
    assert f"offset={total + 500} is past the end" in text and f"has {total} obligation" in text
