"""clm__upcoming_deadlines over the whole demo corpus against the sandbox truth: renewals already locked in are
shown (all of them, nothing extra), ended contracts never get a future deadline, the statuses filter holds, one
row per renewal deadline, and both deadline tools agree on every contract they both date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

# The rule modules load once per process, in the first call that needs them: not what is measured.
import analysis.consolidation
import analysis.obligations
import analysis.terms  # noqa: F401
from sandbox.corpus.generate import generate_records, render_contract
from sandbox.corpus.models import Corpus
from sandbox.settings import SandboxSettings
from sandbox.testing import running_sandbox
from tests.conftest import mcp_client, settings_for
from tests.test_core_tools import ok
from tests.test_intelligence_tools import all_pages

pytestmark = pytest.mark.anyio
DEMO = SandboxSettings()
WINDOW = 365
ALL_STATUSES = ["active", "draft", "in_negotiation", "pending_signature", "terminated", "expired"]


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = DEMO.model_copy(update={"db": tmp_path_factory.mktemp("demo") / "clm.db"})
    with running_sandbox(settings) as url:
        yield url


def _records() -> list[tuple[Any, Any]]:
    records = generate_records(Corpus(contracts=DEMO.contracts, seed=DEMO.seed, as_of=DEMO.as_of))
    return [(r, render_contract(records, r).truth) for r in records.contracts]


def truth_locked_in() -> dict[str, tuple[str, str]]:
    """Active auto-renewing contracts whose notice day has passed and whose term renews within the window:
    contract id -> (missed notice date, renewal date), from the terms in force."""
    today, end = DEMO.as_of, DEMO.as_of + timedelta(days=WINDOW)
    expected: dict[str, tuple[str, str]] = {}
    for record, truth in _records():
        if record.status != "active" or not record.auto_renew:
            continue
        in_force = truth.consolidated if truth.consolidated is not None else truth
        deadline, renews = in_force.renewal_notice_deadline, in_force.current_term_end
        if deadline is not None and renews is not None and deadline < today <= renews <= end:
            expected[record.id] = (deadline.isoformat(), renews.isoformat())
    return expected


async def test_locked_in_renewals_are_all_shown_with_the_missed_notice_date(demo_url: str) -> None:
    expected = truth_locked_in()
    async with mcp_client(settings_for(demo_url, call_deadline=120.0)) as client:
        rows = await all_pages(
            client,
            "clm__upcoming_deadlines",
            {"within_days": WINDOW, "kinds": ["renewal_notice"], "limit": 25},
            "deadlines",
        )
        first = await client.call_tool("clm__upcoming_deadlines", {"within_days": WINDOW, "limit": 25})
    got = {r["contract_id"]: (r["missed_on"], r["date"]) for r in rows if r["kind"] == "renewal_locked_in"}
    found = len(set(got) & set(expected))
    print(f"locked-in renewals in {WINDOW} days: found {found}/{len(expected)}, extra {len(set(got) - set(expected))}")
    assert len(expected) >= 3, "the demo corpus has renewals already locked in"
    assert got == expected
    for row in rows:
        if row["kind"] == "renewal_locked_in":
            assert row["renewal_state"] == "notice_missed_locked_in"
            assert (
                f"notice missed on {row['missed_on']}: renewal locked in until {row['locked_in_until']}" in row["what"]
            )
    # The renewal date is in the text the model reads, not only in the structured content.
    markdown = "\n".join(block.text for block in first.content if hasattr(block, "text"))
    some = next(cid for cid in expected)
    assert f"renews on {expected[some][1]}" in markdown or some not in markdown


async def test_ended_contracts_never_get_a_future_deadline_and_statuses_filter(demo_url: str) -> None:
    today = DEMO.as_of
    async with mcp_client(settings_for(demo_url, call_deadline=120.0)) as client:
        everything = await all_pages(
            client,
            "clm__upcoming_deadlines",
            {"within_days": 1095, "statuses": ALL_STATUSES, "include_past_due": True, "limit": 25},
            "deadlines",
        )
        default = await all_pages(client, "clm__upcoming_deadlines", {"within_days": 1095, "limit": 25}, "deadlines")
        ended_only = await all_pages(
            client,
            "clm__upcoming_deadlines",
            {"within_days": 1095, "statuses": ["terminated", "expired"], "limit": 25},
            "deadlines",
        )
        drafts = await all_pages(
            client, "clm__upcoming_deadlines", {"within_days": 1095, "statuses": ["draft"], "limit": 25}, "deadlines"
        )
    ended_future = [r for r in everything if r["status"] in {"terminated", "expired"} and r["date"] >= str(today)]
    print(
        f"rows with every status: {len(everything)}; ended contracts with a future deadline: {len(ended_future)}; "
        f"default rows {len(default)} (statuses {sorted({r['status'] for r in default})})"
    )
    assert ended_future == []
    assert ended_only == [], "terminated/expired contracts have no upcoming deadline"
    assert sum(1 for r, _ in _records() if r.status in {"terminated", "expired"}) >= 10
    assert default and {r["status"] for r in default} == {"active"}
    assert drafts and {r["status"] for r in drafts} == {"draft"}


async def test_one_row_per_renewal_deadline(demo_url: str) -> None:
    async with mcp_client(settings_for(demo_url, call_deadline=120.0)) as client:
        rows = await all_pages(client, "clm__upcoming_deadlines", {"within_days": 1095, "limit": 25}, "deadlines")
    renewal_days = {(r["contract_id"], r["date"]) for r in rows if r["kind"] == "renewal_notice"}
    doubled = [
        r
        for r in rows
        if r["kind"] == "obligation" and (r["contract_id"], r["date"]) in renewal_days and "renewal" in r["detail"]
    ]
    assert renewal_days and doubled == []
    assert all(r["section"] for r in rows if r["kind"] in ("renewal_notice", "renewal_locked_in"))


async def test_both_tools_agree_on_every_renewal_deadline(demo_url: str) -> None:
    async with mcp_client(settings_for(demo_url, call_deadline=120.0)) as client:
        rows = await all_pages(
            client,
            "clm__upcoming_deadlines",
            {"within_days": WINDOW, "kinds": ["renewal_notice"], "limit": 25},
            "deadlines",
        )
        disagreements = []
        for row in rows:
            result = ok(await client.call_tool("clm__extract_obligations", {"contract_id": row["contract_id"]}))
            renewal = result["renewal"]
            computed = {c["name"]: c["date"] for c in result["computed"]}
            if row["kind"] == "renewal_notice":
                same = (
                    renewal["state"] == "notice_open"
                    and computed["last day to give notice of non-renewal"] == (row["date"])
                )
            else:
                same = (renewal["state"], renewal["missed_on"], renewal["renewal_date"]) == (
                    "notice_missed_locked_in",
                    row["missed_on"],
                    row["date"],
                )
            if not same:
                disagreements.append((row["contract_id"], row, renewal))
    print(f"renewal rows {len(rows)}: both tools disagree on {len(disagreements)}")
    assert len(rows) >= 5
    assert disagreements == []


def test_locked_in_truth_is_not_empty() -> None:
    assert all(date.fromisoformat(m) < DEMO.as_of for m, _ in truth_locked_in().values())
