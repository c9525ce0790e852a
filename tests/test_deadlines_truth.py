"""clm__upcoming_deadlines and clm__extract_obligations against the generator's ground truth, on the demo corpus."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from sandbox.corpus.generate import generate_records, render_contract
from sandbox.corpus.models import Corpus
from sandbox.settings import SandboxSettings
from sandbox.testing import running_sandbox
from tests.conftest import mcp_client, settings_for
from tests.test_core_tools import ok
from tests.test_intelligence_tools import all_pages

pytestmark = pytest.mark.anyio
DEMO = SandboxSettings()  # exactly what `python server.py` serves by default
WINDOW = 1095


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = DEMO.model_copy(update={"db": tmp_path_factory.mktemp("demo") / "clm.db"})
    with running_sandbox(settings) as url:
        yield url


def truth_deadlines() -> dict[str, str]:
    records = generate_records(Corpus(contracts=DEMO.contracts, seed=DEMO.seed, as_of=DEMO.as_of))
    expected: dict[str, str] = {}
    for record in records.contracts:
        if not record.auto_renew or record.status != "active":
            continue
        truth = render_contract(records, record).truth
        # An amended agreement: the terms in force (consolidated), not the ones it was signed with.
        in_force = truth.consolidated if truth.consolidated is not None else truth
        deadline = in_force.renewal_notice_deadline or record.renewal_notice_date
        if deadline is not None and DEMO.as_of <= deadline <= DEMO.as_of + timedelta(days=WINDOW):
            expected[record.id] = deadline.isoformat()
    return expected


async def test_every_auto_renewing_demo_contract_gets_its_true_notice_date(demo_url: str) -> None:
    expected = truth_deadlines()
    assert len(expected) >= 9, "the demo corpus plants notice deadlines at +30/+60/+90 days"
    async with mcp_client(settings_for(demo_url)) as client:
        rows = await all_pages(
            client,
            "clm__upcoming_deadlines",
            {"within_days": WINDOW, "kinds": ["renewal_notice"], "limit": 50},
            "deadlines",
        )
    # Renewals already locked in are listed too (kind renewal_locked_in): tests/test_deadlines_in_force.py
    got = {row["contract_id"]: row["date"] for row in rows if row["kind"] == "renewal_notice"}
    assert got == expected
    for offset in (30, 60, 90):
        planted = (DEMO.as_of + timedelta(days=offset)).isoformat()
        assert planted in got.values(), f"no deadline planted at +{offset} days"


async def test_extract_obligations_computes_the_true_notice_date(demo_url: str) -> None:
    expected = truth_deadlines()
    sample = sorted(expected)[:12]
    async with mcp_client(settings_for(demo_url)) as client:
        for contract_id in sample:
            result = ok(await client.call_tool("clm__extract_obligations", {"contract_id": contract_id}))
            computed = {c["name"]: c for c in result["computed"]}
            notice = computed["last day to give notice of non-renewal"]
            assert notice["date"] == expected[contract_id], (contract_id, notice)


def test_demo_settings_are_the_embedded_default() -> None:
    from plugin.config.settings import PluginSettings

    assert PluginSettings().demo_size == DEMO.contracts
