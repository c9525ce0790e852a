"""clm__get_contract and clm__search_contracts show a renewal-notice date that has passed as missed (and the
renewal locked in), never as still due, and their renewal state is the one clm__extract_obligations reports."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import mcp_client, settings_for
from tests.test_core_tools import ok, text_of

pytestmark = pytest.mark.anyio


@pytest.mark.timeout(900)
async def test_record_tools_agree_with_extract_obligations_on_renewal(sandbox_url: str) -> None:
    rows: list[dict[str, Any]] = []
    async with mcp_client(settings_for(sandbox_url, call_deadline=120.0)) as client:
        cursor = None
        while True:
            args: dict[str, Any] = {"auto_renew": True, "limit": 100} | ({"cursor": cursor} if cursor else {})
            page = ok(await client.call_tool("clm__search_contracts", args))
            rows += page["contracts"]
            cursor = page["next_cursor"]
            if not cursor:
                break
        checked = passed_as_due = disagree = locked_in = 0
        for row in rows:
            full = ok(await client.call_tool("clm__extract_obligations", {"contract_id": row["id"], "limit": 1}))
            record = await client.call_tool("clm__get_contract", {"contract_id": row["id"]})
            got = ok(record)
            as_of = full["as_of"]
            passed = row["renewal_notice_date"] is not None and row["renewal_notice_date"] < as_of
            notice_row = next(line for line in text_of(record).splitlines() if "Notice of non-renewal" in line)
            if passed:
                shown = [row.get("notice") or "", notice_row]
                passed_as_due += not all(("missed" in s or "passed" in s or "not due" in s) for s in shown)
            if got.get("renewal") is None:
                continue
            checked += 1
            disagree += (
                got["renewal"]["state"] != full["renewal"]["state"] or row["renewal_state"] != got["renewal"]["state"]
            )
            if full["renewal"]["state"] == "notice_missed_locked_in":
                locked_in += 1
                assert str(full["renewal"]["locked_in_until"]) in notice_row
                assert str(full["renewal"]["next_notice_deadline"]) in (row["notice"] or "")
    print(
        f"auto-renewing contracts {len(rows)}, renewal state compared {checked}, disagreeing {disagree}, "
        f"locked in {locked_in}, passed notice dates shown as due {passed_as_due}"
    )
    assert checked >= 10 and locked_in >= 1
    assert disagree == 0 and passed_as_due == 0


def test_a_remembered_renewal_state_is_the_state_of_that_record() -> None:
    """The list tools remember the state per record; every field it depends on is part of what is remembered,
    so a record that differs from one seen before in any of them gets its own state, never the other's."""
    from datetime import date

    from clm_client.models import ContractSummary
    from tools.terms_in_force import _record_state, record_renewal

    base: dict[str, Any] = {
        "id": "ctr_000101",
        "number": "CTR-2024-0101",
        "title": "Master Services Agreement",
        "type": "MSA",
        "status": "active",
        "counterparty": {"id": "cp_0001", "name": "Northwind Traders"},
        "effective_date": "2024-01-15",
        "expiration_date": "2027-01-14",
        "auto_renew": True,
        "renewal_notice_date": "2026-11-15",
        "term": {"initial_term_months": 36, "auto_renew": True, "renewal_term_months": 12, "renewal_notice_days": 60},
    }
    as_of = date(2026, 12, 1)
    variants: list[tuple[dict[str, Any], date]] = [
        ({}, as_of),
        ({}, date(2026, 10, 1)),
        ({"status": "terminated"}, as_of),
        ({"effective_date": "2023-06-01"}, as_of),
        ({"expiration_date": "2026-12-31"}, as_of),
        ({"renewal_notice_date": "2026-12-20"}, as_of),
        ({"auto_renew": False}, as_of),
        ({"source": "imported"}, as_of),
        ({"term": {**base["term"], "initial_term_months": 24}}, as_of),
        ({"term": {**base["term"], "auto_renew": False}}, as_of),
        ({"term": {**base["term"], "renewal_term_months": 24}}, as_of),
        ({"term": {**base["term"], "renewal_notice_days": 10}}, as_of),
    ]
    states = set()
    for change, day in variants:
        record = ContractSummary.model_validate(base | change)
        assert record_renewal(record, day) == _record_state(record, day), change
        states.add(repr(_record_state(record, day)))
    assert len(states) >= 6  # the variants do change the state: the comparison above can tell them apart
