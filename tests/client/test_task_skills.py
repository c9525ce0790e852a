"""Each task skill, followed step by step by a scripted client against the embedded demo CLM.

The script makes exactly the calls the skill prescribes, in its order, and checks the answer it would
present against the truth: the demo database itself (SQL), not the tools' own output.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from mcp.client import Client
from skills_ref import validate

from plugin.config.settings import PluginSettings
from plugin.server.assembly import build_server
from sandbox.settings import SandboxSettings
from sandbox.store.database import cached_corpus
from tests.plugin_parts import PARTS, ROOT

pytestmark = pytest.mark.anyio
SKILLS = ["renewals", "vendor-check", "obligations", "compare-family", "portfolio-report"]
DEMO = PluginSettings(acting_user="alice", audit="off", audit_required=False, demo_size=300, structured_output=True)


def skill_text(name: str) -> str:
    return (ROOT / "skills" / name / "SKILL.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", SKILLS)
def test_task_skill_is_valid_and_names_only_real_tools_in_order(name: str) -> None:
    assert validate(ROOT / "skills" / name) == []
    named = re.findall(r"clm__[a-z_]+", skill_text(name))
    assert named and set(named) <= {PARTS.full_name(spec) for spec in PARTS.tools}


@pytest.fixture(scope="module")
def truth() -> sqlite3.Connection:
    path: Path = cached_corpus(SandboxSettings(contracts=DEMO.demo_size).corpus)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


class Script:
    """A client that records the calls it makes, as a skill-following model would."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.calls: list[str] = []

    async def call(self, tool: str, **arguments: Any) -> dict[str, Any]:
        self.calls.append(tool)
        result = await self.client.call_tool(f"clm__{tool}", arguments)
        assert not result.is_error, result.content
        assert result.structured_content is not None
        return result.structured_content

    async def all_pages(self, tool: str, key: str, **arguments: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = await self.call(tool, **arguments, **({"cursor": cursor} if cursor else {}))
            rows += page[key]
            cursor = page["next_cursor"]
            if not cursor:
                return rows


@asynccontextmanager
async def script() -> AsyncIterator[Script]:
    server, _ = build_server(PARTS, DEMO)
    async with Client(server) as client:
        yield Script(client)


def order_of(calls: list[str]) -> list[str]:
    return [c for i, c in enumerate(calls) if i == 0 or calls[i - 1] != c]


async def test_renewals_skill(truth: sqlite3.Connection) -> None:
    async with script() as s:
        rows = await s.all_pages("upcoming_deadlines", "deadlines", within_days=90, kinds=["renewal_notice", "expiry"])
        as_of = date.fromisoformat((await s.call("upcoming_deadlines", within_days=1))["as_of"])
    end = (as_of + timedelta(days=90)).isoformat()
    expected = (
        {
            (r["id"], "renewal_notice", r["renewal_notice_date"])
            for r in truth.execute(
                "SELECT id, renewal_notice_date FROM contracts WHERE status='active' AND auto_renew=1 "
                "AND renewal_notice_date BETWEEN ? AND ?",
                (as_of.isoformat(), end),
            )
        }
        | {
            (r["id"], "expiry", r["expiration_date"])
            for r in truth.execute(
                "SELECT id, expiration_date FROM contracts WHERE status='active' AND auto_renew=0 "
                "AND expiration_date BETWEEN ? AND ?",
                (as_of.isoformat(), end),
            )
        }
        | {  # notice day passed, renews inside the window: shown as locked in, dated by the renewal
            (r["id"], "renewal_locked_in", r["expiration_date"])
            for r in truth.execute(
                "SELECT id, expiration_date FROM contracts WHERE status='active' AND auto_renew=1 "
                "AND renewal_notice_date < ? AND expiration_date BETWEEN ? AND ?",
                (as_of.isoformat(), as_of.isoformat(), end),
            )
        }
    )
    got = [(r["contract_id"], r["kind"], r["date"]) for r in rows]
    assert expected and set(got) == expected and len(got) == len(expected)
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)  # soonest first


async def test_vendor_check_skill(truth: sqlite3.Connection) -> None:
    async with script() as s:
        found = await s.call("find_counterparties", name="Acme")
        counterparty_id = found["candidates"][0]["id"]  # the user picks one when several match
        as_of = date.fromisoformat((await s.call("upcoming_deadlines", within_days=1))["as_of"])
        three_years = (as_of - timedelta(days=3 * 365)).isoformat()
        sections = {
            "active": await s.all_pages(
                "search_contracts", "contracts", counterparty_id=counterparty_id, statuses=["active"], limit=100
            ),
            "ended": await s.all_pages(
                "search_contracts",
                "contracts",
                counterparty_id=counterparty_id,
                statuses=["expired", "terminated"],
                expires_after=three_years,
                limit=100,
            ),
            "pipeline": await s.all_pages(
                "search_contracts",
                "contracts",
                counterparty_id=counterparty_id,
                statuses=["in_negotiation", "pending_signature"],
                limit=100,
            ),
            "amendments": await s.all_pages(
                "search_contracts", "contracts", counterparty_id=counterparty_id, types=["Amendment"], limit=100
            ),
        }
        details = [await s.call("get_contract", contract_id=c["id"]) for c in sections["active"][:10]]
        await s.call("upcoming_deadlines", counterparty_id=counterparty_id, within_days=365)

    def sql(where: str, *params: object) -> set[str]:
        query = f"SELECT id FROM contracts WHERE counterparty_id = ? AND {where}"
        return {r["id"] for r in truth.execute(query, (counterparty_id, *params))}

    assert {c["id"] for c in sections["active"]} == sql("status = 'active'")
    assert {c["id"] for c in sections["ended"]} == sql(
        "status IN ('expired','terminated') AND expiration_date >= ?", three_years
    )
    assert {c["id"] for c in sections["pipeline"]} == sql("status IN ('in_negotiation','pending_signature')")
    assert {c["id"] for c in sections["amendments"]} == sql("type = 'Amendment'")
    for detail in details:
        row = truth.execute(
            "SELECT renewal_notice_date, auto_renew FROM contracts WHERE id=?", (detail["id"],)
        ).fetchone()
        assert detail["key_terms"]["auto_renew"] == bool(row["auto_renew"])
        assert detail["key_terms"]["renewal_notice_date"] == row["renewal_notice_date"]
    assert order_of(s.calls)[:2] == ["find_counterparties", "upcoming_deadlines"]


async def test_obligations_skill(truth: sqlite3.Connection) -> None:
    row = truth.execute(
        "SELECT c.id, c.number FROM contracts c JOIN documents d ON d.contract_seq = c.seq "
        "WHERE d.has_text = 1 AND c.type = 'MSA' ORDER BY c.number LIMIT 1"
    ).fetchone()
    async with script() as s:
        found = await s.call("search_contracts", query=row["number"], limit=5)
        contract_id = next(c["id"] for c in found["contracts"] if c["number"] == row["number"])
        record = await s.call("get_contract", contract_id=contract_id)
        items: list[dict[str, Any]] = []
        offset: int | None = 0
        while offset is not None:
            page = await s.call("extract_obligations", contract_id=contract_id, offset=offset)
            items += page["obligations"]
            offset = page["next_offset"]
        quotes_ok = 0
        for item in items[:5]:
            cite = item["citation"]
            assert cite["document_id"] == contract_id  # an obligation is quoted from the contract's own text
            shown = []  # each verbatim piece, read back at its offsets (an elided quote joins them with '…')
            for start, end in cite["pieces"]:
                size = end - start
                text = await s.call("read_contract", contract_id=contract_id, offset=start, max_chars=max(200, size))
                shown.append(text["text"][:size])
            quotes_ok += all(piece in cite["quote"] for piece in shown) and (cite["elided"] or shown == [cite["quote"]])
    assert contract_id == row["id"] and record["number"] == row["number"]
    assert items and page["total_obligations"] == len(items)
    assert quotes_ok == min(5, len(items))  # every citation is the document's verbatim text at its offsets
    assert order_of(s.calls)[:3] == ["search_contracts", "get_contract", "extract_obligations"]


async def test_compare_family_skill(truth: sqlite3.Connection) -> None:
    msa = truth.execute(
        "SELECT p.id FROM contracts p WHERE p.type='MSA' AND (SELECT count(*) FROM contracts c WHERE c.parent_id=p.id) "
        "BETWEEN 2 AND 6 ORDER BY p.number LIMIT 1"
    ).fetchone()["id"]
    rows = truth.execute("SELECT id, type FROM contracts WHERE parent_id = ?", (msa,)).fetchall()
    children = {r["id"] for r in rows if r["type"] != "Amendment"}
    amendments = {r["id"] for r in rows if r["type"] == "Amendment"}
    async with script() as s:
        compared = await s.call("compare_contracts", contract_ids=[msa], include_related=True)
    ids = {c["id"] for c in compared["contracts"]}
    omitted = {o["id"] for o in compared["omitted"]}
    assert msa in ids and children <= ids | omitted  # the MSA and every SOW / order form under it
    base = next(c for c in compared["contracts"] if c["id"] == msa)
    assert amendments == set(base["amendments_applied"]) | set(base["amendments_pending"])  # folded into the MSA
    assert all(len(row["values"]) == len(compared["contracts"]) for row in compared["terms"])


async def test_portfolio_report_skill(truth: sqlite3.Connection) -> None:
    async with script() as s:
        report = await s.call("portfolio_report", kind="by_type")
        csv_text = (await s.client.read_resource(report["csv_resource"])).contents[0].text  # type: ignore[union-attr]
    expected = Counter(
        {r["type"]: r["n"] for r in truth.execute("SELECT type, count(*) AS n FROM contracts GROUP BY type")}
    )
    assert {row["key"]: row["contracts"] for row in report["rows"]} == dict(expected)
    assert report["contracts_counted"] == report["contracts_matching"] == sum(expected.values())
    assert len(csv_text.strip().splitlines()) == len(expected) + 1
