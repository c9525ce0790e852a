"""GET /v1/contracts/aggregate: complete groups (checked against walking the search), sums per currency."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

import pytest

from sandbox.settings import DEMO_AS_OF
from tests.sandbox.helpers import Api, problem


def expected_groups(rows: list[dict[str, Any]], key_of: Any) -> dict[str | None, dict[str, Any]]:
    groups: dict[str | None, dict[str, Any]] = defaultdict(
        lambda: {"count": 0, "total_value": defaultdict(float), "annual_value": defaultdict(float)}
    )
    for row in rows:
        group = groups[key_of(row)]
        group["count"] += 1
        for field in ("total_value", "annual_value"):
            if row[field] is not None and row["currency"] is not None:
                group[field][row["currency"]] += row[field]
    return groups


KEYS = {
    "type": lambda r: r["type"],
    "status": lambda r: r["status"],
    "counterparty": lambda r: r["counterparty"]["id"],
    "currency": lambda r: r["currency"],
}


def check(aggregate: dict[str, Any], rows: list[dict[str, Any]], key_of: Any) -> None:
    expected = expected_groups(rows, key_of)
    assert aggregate["total"] == len(rows) == sum(g["count"] for g in aggregate["groups"])
    assert {g["key"] for g in aggregate["groups"]} == set(expected)
    for group in aggregate["groups"]:
        want = expected[group["key"]]
        assert group["count"] == want["count"], group["key"]
        for field in ("total_value", "annual_value"):
            got = {m["currency"]: m["amount"] for m in group[field]}
            assert got.keys() == want[field].keys()
            for currency, amount in got.items():
                assert amount == pytest.approx(want[field][currency], abs=0.05)


@pytest.mark.parametrize("group_by", list(KEYS))
def test_groups_match_walking_the_search(api: Api, group_by: str) -> None:
    rows = api.walk("/v1/contracts", limit=100)
    aggregate = api.ok("/v1/contracts/aggregate", {"group_by": group_by})
    check(aggregate, rows, KEYS[group_by])
    counts = [g["count"] for g in aggregate["groups"]]
    assert counts == sorted(counts, reverse=True)


@pytest.mark.parametrize("date_field", ["expiration_date", "renewal_notice_date", "renewal_date", "effective_date"])
def test_months_of_each_date_field(api: Api, date_field: str) -> None:
    rows = api.walk("/v1/contracts", limit=100)

    def month(row: dict[str, Any]) -> str | None:
        if date_field == "renewal_date":
            value = row["expiration_date"] if row["auto_renew"] else None
        else:
            value = row[date_field]
        return value[:7] if value else None

    aggregate = api.ok("/v1/contracts/aggregate", {"group_by": "month", "date_field": date_field})
    assert aggregate["date_field"] == date_field
    check(aggregate, rows, month)
    keys = [g["key"] for g in aggregate["groups"]]
    dated = [k for k in keys if k is not None]
    assert dated == sorted(dated) and (None not in keys or keys[-1] is None), "calendar order, no date last"


def test_filters_are_the_search_filters(api: Api) -> None:
    start, end = DEMO_AS_OF, DEMO_AS_OF + timedelta(days=365)
    params = {"status": "active", "renewal_after": start.isoformat(), "renewal_before": end.isoformat()}
    rows = api.walk("/v1/contracts", params, limit=100)
    assert rows and all(r["auto_renew"] and start.isoformat() <= r["expiration_date"] <= end.isoformat() for r in rows)
    aggregate = api.ok("/v1/contracts/aggregate", {**params, "group_by": "counterparty"})
    check(aggregate, rows, KEYS["counterparty"])
    names = {r["counterparty"]["id"]: r["counterparty"]["name"] for r in rows}
    assert all(g["label"] == names[g["key"]] for g in aggregate["groups"])
    q_rows = api.walk("/v1/contracts", {"q": '"limitation of liability"', "currency": "EUR"}, limit=100)
    q_aggregate = api.ok(
        "/v1/contracts/aggregate", {"q": '"limitation of liability"', "currency": "EUR", "group_by": "type"}
    )
    check(q_aggregate, q_rows, KEYS["type"])


def test_signed_range_filter(api: Api) -> None:
    low, high = "2024-01-01", "2025-06-30"
    everyone = api.walk("/v1/contracts", limit=100)
    rows = api.walk("/v1/contracts", {"signed_after": low, "signed_before": high}, limit=100)
    ids = {r["id"] for r in rows}
    for row in everyone:
        detail = api.ok(f"/v1/contracts/{row['id']}")
        inside = detail["execution_date"] is not None and low <= detail["execution_date"] <= high
        assert (row["id"] in ids) == inside


def test_bad_aggregations_are_400(api: Api) -> None:
    assert problem(api.get("/v1/contracts/aggregate"), 400, "invalid_parameter")
    body = problem(api.get("/v1/contracts/aggregate", {"group_by": "month"}), 400, "invalid_parameter")
    assert body["errors"][0]["field"] == "date_field"
    problem(api.get("/v1/contracts/aggregate", {"group_by": "colour"}), 400, "invalid_parameter")
    problem(api.get("/v1/contracts/aggregate", {"group_by": "type", "limit": 5}), 400, "invalid_parameter")
