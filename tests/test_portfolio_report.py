"""clm__portfolio_report against a direct computation over the sandbox's own database.

Every report kind over a calendar quarter (and the other windows) must equal a GROUP BY run straight on the
SQLite file the sandbox serves: counts per group, and sums per currency. The CSV has one numeric column per
currency and ISO dates, is listed in resources/list, and is linked from the result as a resource_link.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from mcp.types import ResourceLink

from sandbox.corpus.models import Corpus
from sandbox.settings import DEMO_AS_OF, SandboxSettings
from sandbox.store.database import cached_corpus, copy_database
from sandbox.testing import running_sandbox
from tests.conftest import SandboxAdmin, mcp_client, settings_for
from tests.test_core_tools import ok, text_of
from tools.periods import period_range

pytestmark = pytest.mark.anyio

CONTRACTS = 600
AS_OF = DEMO_AS_OF


@pytest.fixture(scope="module")
def report_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    corpus = Corpus(contracts=CONTRACTS, seed=5, as_of=AS_OF)
    db = tmp_path_factory.mktemp("reports") / "clm.db"
    copy_database(cached_corpus(corpus), db)
    settings = SandboxSettings(contracts=CONTRACTS, seed=5, as_of=AS_OF, db=db, test_endpoints=True)
    with running_sandbox(settings) as url:
        yield url, db


def next_quarter(as_of: date) -> str:
    start, _ = period_range("next_quarter", as_of)
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


# What each kind counts, in SQL on `contracts` - written from the tool's description, not from its code.
BASIS_COLUMN = {
    "renewal": "renewal_date",
    "notice": "renewal_notice_date",
    "expiration": "expiration_date",
    "effective": "effective_date",
    "signed": "execution_date",
}
KIND_SQL: dict[str, tuple[str, str, str]] = {  # kind -> (group expression, fixed condition, default basis)
    "renewal_pipeline": ("substr({basis}, 1, 7)", "status = 'active' AND auto_renew = 1", "renewal"),
    "pipeline_by_counterparty": ("counterparty_id", "status = 'active' AND auto_renew = 1", "renewal"),
    "by_counterparty": ("counterparty_id", "1", "expiration"),
    "by_type": ("type", "1", "expiration"),
    "by_status": ("status", "1", "expiration"),
    "value_by_currency": ("currency", "1", "expiration"),
    "expiring_without_renewal": ("substr({basis}, 1, 7)", "status = 'active' AND auto_renew = 0", "expiration"),
}


def direct(
    db: Path, kind: str, start: date | None, end: date | None, basis: str | None = None, extra: str = "1"
) -> dict[str | None, dict[str, Any]]:
    group, fixed, default_basis = KIND_SQL[kind]
    column = BASIS_COLUMN[basis or default_basis]
    where = [fixed, extra]
    params: list[str] = []
    if start is not None:
        where.append(f"{column} >= ?")
        params.append(start.isoformat())
    if end is not None:
        where.append(f"{column} <= ?")
        params.append(end.isoformat())
    sql = (
        f"SELECT {group.format(basis=column)} AS k, currency, total_value, annual_value FROM contracts "
        f"WHERE {' AND '.join(where)}"
    )
    out: dict[str | None, dict[str, Any]] = defaultdict(
        lambda: {"count": 0, "total": defaultdict(float), "annual": defaultdict(float)}
    )
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        for key, currency, total, annual in conn.execute(sql, params):
            row = out[key]
            row["count"] += 1
            if currency is not None and total is not None:
                row["total"][currency] += total
            if currency is not None and annual is not None:
                row["annual"][currency] += annual
    return out


async def report(client: Any, args: dict[str, Any]) -> dict[str, Any]:
    """The tool's result, with `csv_rows`: every row as the CSV states it (the response shows the first ones)."""
    result = ok(await client.call_tool("clm__portfolio_report", args))
    text = (await client.read_resource(result["csv_resource"])).contents[0].text
    result["csv_rows"] = list(csv.DictReader(io.StringIO(text)))
    return result


def assert_equal(result: dict[str, Any], expected: dict[str | None, dict[str, Any]]) -> None:
    assert not result["partial"]
    assert result["contracts_matching"] == result["contracts_counted"] == sum(g["count"] for g in expected.values())
    assert result["total_rows"] == len(result["csv_rows"]) == len(expected)
    assert len(result["rows"]) == min(len(expected), 60)
    for row in result["rows"]:
        want = expected[row["key"]]
        assert row["contracts"] == want["count"], row["key"]
        assert {a["currency"]: a["amount"] for a in row["total_value"]} == pytest.approx(dict(want["total"]))
        assert {a["currency"]: a["amount"] for a in row["annual_value"]} == pytest.approx(dict(want["annual"]))
    for line in result["csv_rows"]:
        want = expected[line["key"] or None]
        assert int(line["contracts"]) == want["count"], line["key"]
        for column, field in (("total_value_", "total"), ("annual_value_", "annual")):
            got = {k.removeprefix(column): float(v) for k, v in line.items() if k.startswith(column) and v}
            assert got == pytest.approx(dict(want[field])), line["key"]


@pytest.mark.parametrize("kind", list(KIND_SQL))
async def test_each_kind_over_a_calendar_quarter_equals_the_database(
    report_sandbox: tuple[str, Path], kind: str
) -> None:
    url, db = report_sandbox
    quarter = next_quarter(AS_OF)
    start, end = period_range(quarter, AS_OF)
    async with mcp_client(settings_for(url)) as client:
        result = await report(client, {"kind": kind, "period": quarter})
        shortcut = await report(client, {"kind": kind, "period": "next_quarter"})
    expected = direct(db, kind, start, end)
    assert expected, f"the corpus has {kind} contracts in {quarter}"
    assert_equal(result, expected)
    assert result["window"]["start"] == start.isoformat() and result["window"]["end"] == end.isoformat()
    assert quarter in result["window"]["description"]
    assert shortcut["rows"] == result["rows"]


async def test_notice_basis_groups_by_the_notice_deadline(report_sandbox: tuple[str, Path]) -> None:
    url, db = report_sandbox
    start, end = AS_OF, AS_OF + timedelta(days=365)
    args = {"kind": "renewal_pipeline", "from": start.isoformat(), "to": end.isoformat()}
    async with mcp_client(settings_for(url)) as client:
        by_renewal = await report(client, args)
        by_notice = await report(client, {**args, "date_basis": "notice"})
    assert_equal(by_renewal, direct(db, "renewal_pipeline", start, end, "renewal"))
    assert_equal(by_notice, direct(db, "renewal_pipeline", start, end, "notice"))
    assert "renewal date" in by_renewal["grouped_by"] and "notice" in by_notice["grouped_by"]
    assert by_renewal["rows"] != by_notice["rows"]


async def test_window_and_filters_apply_to_every_kind(report_sandbox: tuple[str, Path]) -> None:
    """The issue: by_counterparty ignored within_days. Each kind honours within_days, type and currency."""
    url, db = report_sandbox
    end = AS_OF + timedelta(days=400)
    async with mcp_client(settings_for(url)) as client:
        for kind in KIND_SQL:
            args = {"kind": kind, "within_days": 400, "currencies": ["usd"], "types": ["MSA", "Order Form"]}
            result = await report(client, args)
            extra = "currency = 'USD' AND type IN ('MSA', 'Order Form')"
            assert_equal(result, direct(db, kind, AS_OF, end, extra=extra))


async def test_csv_has_a_numeric_column_per_currency_and_is_listed(report_sandbox: tuple[str, Path]) -> None:
    url, _ = report_sandbox
    async with mcp_client(settings_for(url)) as client:
        call = await client.call_tool("clm__portfolio_report", {"kind": "renewal_pipeline", "period": "next_year"})
        result = ok(call)
        links = [c for c in call.content if isinstance(c, ResourceLink)]
        listed = await client.list_resources()
        text = (await client.read_resource(result["csv_resource"])).contents[0]
    assert [str(link.uri) for link in links] == [result["csv_resource"]]
    assert result["csv_resource"] in [str(r.uri) for r in listed.resources]
    table = list(csv.DictReader(io.StringIO(text.text)))  # type: ignore[union-attr]
    currencies = result["currencies"]
    assert len(currencies) > 1, "the corpus has values in several currencies"
    for row, line in zip(result["rows"], table, strict=True):
        assert line["key"] == row["key"]
        date.fromisoformat(line["period_start"]) and date.fromisoformat(line["period_end"])
        for amount in row["total_value"]:
            assert float(line[f"total_value_{amount['currency']}"]) == pytest.approx(amount["amount"])
        assert int(line["contracts"]) == row["contracts"]
    # A spreadsheet's column sum equals the report's total in that currency.
    for currency in currencies:
        column = sum(float(line[f"total_value_{currency}"] or 0) for line in table)
        assert column == pytest.approx(
            sum(a["amount"] for r in result["rows"] for a in r["total_value"] if a["currency"] == currency)
        )


async def test_a_clm_without_the_aggregate_endpoint_is_paged_and_says_how_much(
    report_sandbox: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, db = report_sandbox
    admin = SandboxAdmin(url)
    admin.reset()
    admin.fault(target="api", mode="status", status=404, path_prefix="/v1/contracts/aggregate", count=0)
    try:
        async with mcp_client(settings_for(url)) as client:
            result = await report(client, {"kind": "by_status"})
            quarter = await report(client, {"kind": "by_counterparty", "period": "next_year"})
        requests = admin.requests()
    finally:
        admin.reset()
        admin.http.close()
    assert_equal(result, direct(db, "by_status", None, None))
    start, end = period_range("next_year", AS_OF)
    assert_equal(quarter, direct(db, "by_counterparty", start, end))
    assert any(r["path"].startswith("/v1/contracts/aggregate") for r in requests)
    # A limited walk is reported as partial with the count covered (never a silently smaller total).
    import clm_client.aggregation as aggregation

    monkeypatch.setattr(aggregation, "MAX_PAGED", 150)
    admin = SandboxAdmin(url)
    admin.fault(target="api", mode="status", status=404, path_prefix="/v1/contracts/aggregate", count=0)
    try:
        async with mcp_client(settings_for(url)) as client:
            call = await client.call_tool("clm__portfolio_report", {"kind": "by_status"})
    finally:
        admin.reset()
        admin.http.close()
    partial = ok(call)
    counted = partial["contracts_counted"]
    assert partial["partial"] and 0 < counted <= 150 and partial["contracts_matching"] == CONTRACTS
    assert sum(row["contracts"] for row in partial["rows"]) == counted
    assert "PARTIAL" in text_of(call) and f"{counted:,} of {CONTRACTS:,}" in text_of(call)


async def test_bad_windows_are_refused(report_sandbox: tuple[str, Path]) -> None:
    url, _ = report_sandbox
    async with mcp_client(settings_for(url)) as client:
        both = await client.call_tool(
            "clm__portfolio_report", {"kind": "by_type", "period": "2027-Q1", "within_days": 9}
        )
        nonsense = await client.call_tool("clm__portfolio_report", {"kind": "by_type", "period": "2027-Q5"})
        backwards = await client.call_tool(
            "clm__portfolio_report", {"kind": "by_type", "from": "2027-03-01", "to": "2027-01-01"}
        )
    for call in (both, nonsense, backwards):
        assert call.is_error and text_of(call).startswith("[invalid_argument]")


async def test_a_period_in_a_year_no_portfolio_has_is_refused_not_crashed(report_sandbox: tuple[str, Path]) -> None:
    # Four digits match a year, but the calendar ends at 9999 and no contract is dated in year 0 or 0042: the
    # model gets an argument error it can correct, never an internal one (the fuzz found "0000" and "9999-12").
    url, _ = report_sandbox
    async with mcp_client(settings_for(url)) as client:
        calls = [
            await client.call_tool("clm__portfolio_report", {"kind": "renewal_pipeline", "period": period})
            for period in ("0000", "0042-Q2", "9999-12", "1899-12")
        ]
    for call in calls:
        assert call.is_error and text_of(call).startswith("[invalid_argument]"), text_of(call)
        assert "1900" in text_of(call) and "2999" in text_of(call)
