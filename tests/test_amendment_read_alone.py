"""An amendment read on its own (clm__extract_obligations on its id) is in force only as applied to its
agreement: its renewal state and computed dates are the agreement's, never a term counted from the
amendment's own date that contradicts the same tool on the agreement."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import mcp_client, settings_for
from tests.test_core_tools import ok, text_of

pytestmark = pytest.mark.anyio
STATUSES = ["draft", "in_negotiation", "pending_signature", "active", "expired", "terminated"]


def _state(page: dict[str, Any]) -> tuple[Any, ...]:
    r = page["renewal"]
    keys = ("state", "current_term_end", "notice_deadline", "missed_on", "locked_in_until", "next_notice_deadline")
    return (*(r[k] for k in keys), tuple((c["name"], c["date"]) for c in page["computed"]))


@pytest.mark.timeout(900)
async def test_every_amendment_agrees_with_its_agreement_on_term_and_renewal(sandbox_url: str) -> None:
    checked, unnamed, disagreeing = 0, 0, []
    async with mcp_client(settings_for(sandbox_url, call_deadline=120.0)) as client:
        ids: list[str] = []
        cursor = None
        while True:
            args: dict[str, Any] = {"types": ["Amendment"], "statuses": STATUSES, "limit": 100}
            page = ok(await client.call_tool("clm__search_contracts", args | ({"cursor": cursor} if cursor else {})))
            ids += [c["id"] for c in page["contracts"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        for amendment_id in ids:
            record = ok(await client.call_tool("clm__get_contract", {"contract_id": amendment_id}))
            (base_id,) = [r["id"] for r in record["related"] if r["relation"] == "amends"]
            alone = await client.call_tool("clm__extract_obligations", {"contract_id": amendment_id})
            base = ok(await client.call_tool("clm__extract_obligations", {"contract_id": base_id}))
            checked += 1
            if _state(ok(alone)) != _state(base):
                disagreeing.append((amendment_id, base_id, _state(ok(alone))[:3], _state(base)[:3]))
            unnamed += base_id not in text_of(alone)  # the agreement that governs the term is named
    print(f"amendments checked {checked}, disagreeing with their agreement {len(disagreeing)}, unnamed {unnamed}")
    assert checked >= 5
    assert disagreeing == [], disagreeing[:5]
    assert unnamed == 0
