"""Per-user permissions: a CLM token bound to a user sees exactly that user's contracts on every route.

For each demo user, every route is walked over the whole corpus and compared with the permission
truth (`sandbox.testing.visible_contract_ids`: the rows of the database file decided by
`DemoUser.may_see` in Python, not by the routes' SQL). Anything a user is shown that the truth does
not allow, or is kept from that the truth allows, or a total/count that differs, is a leak. The
figures (leaks, checks) are printed per user (`pytest -s`).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from sandbox.testing import visible_contract_ids, visible_contracts_of
from tests.sandbox.helpers import problem
from tests.sandbox.identity import TRUSTED, USERS, IdentitySandbox, identity_sandbox

# Every /v1 route, and so every route this test must walk (a new route fails the test until it is covered).
V1_ROUTES = {
    "/v1/meta",
    "/v1/healthz",
    "/v1/contracts",
    "/v1/contracts/aggregate",
    "/v1/contracts/{contract_id}",
    "/v1/contracts/{contract_id}/document",
    "/v1/contracts/{contract_id}/document/sections",
    "/v1/contracts/{contract_id}/annotations",
    "/v1/contracts/{contract_id}/annotations/{annotation_id}",
    "/v1/counterparties",
    "/v1/obligations",
}


@pytest.fixture(scope="module")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IdentitySandbox]:
    with identity_sandbox(tmp_path_factory.mktemp("permissions")) as sandbox:
        yield sandbox


@dataclass
class Tally:
    """Checks made and leaks found for one user (a leak: anything that differs from the truth)."""

    user: str
    checks: int = 0
    leaks: list[str] = field(default_factory=list)

    def check(self, ok: bool, what: str) -> None:
        self.checks += 1
        if not ok:
            self.leaks.append(what)


class Walker:
    def __init__(self, sandbox: IdentitySandbox, token: str) -> None:
        self.sandbox = sandbox
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.sandbox.api.http.get(path, params=params, headers=self.headers)

    def walk(self, path: str, params: dict[str, Any] | None = None, limit: int = 100) -> tuple[list[Any], int]:
        """Every row of a listing and the total its pages reported (the same on every page)."""
        rows: list[Any] = []
        query: dict[str, Any] = {**(params or {}), "limit": limit}
        totals: set[int] = set()
        while True:
            response = self.get(path, query)
            assert response.status_code == 200, response.text
            page = response.json()
            totals.add(page["total"])
            rows.extend(page["data"])
            if page["next_cursor"] is None:
                break
            query["cursor"] = page["next_cursor"]
        assert len(totals) == 1, f"{path} total changed while paging: {totals}"
        return rows, totals.pop()


SEARCHES: list[dict[str, Any]] = [
    {},
    {"status": "active"},
    {"type": ["MSA", "SOW"]},
    {"q": "agreement"},
    {"q": "confidential information"},
    {"auto_renew": "true", "renewal_notice_after": "2026-11-24", "renewal_notice_before": "2027-02-22"},
    {"expires_after": "2026-11-24", "expires_before": "2027-11-24", "sort": "expiration_date"},
    {"currency": ["EUR"], "sort": "-total_value"},
    {"counterparty": "a", "sort": "-updated_at"},
]


def _truth_check(idp: IdentitySandbox) -> dict[str, frozenset[str]]:
    truth = visible_contract_ids(idp.db)
    assert truth == visible_contracts_of(idp.url), "the server's truth endpoint agrees with the database file"
    everything = truth["alice"]
    assert truth["dave"] == everything
    for restricted in ("bob", "carol"):
        assert 0 < len(truth[restricted]) < len(everything), f"{restricted} sees some contracts, not all"
    assert truth["bob"] != truth["carol"]
    return truth


def test_each_user_sees_exactly_their_contracts_on_every_route(idp: IdentitySandbox) -> None:
    openapi = idp.api.http.get("/openapi.json").json()
    assert {p for p in openapi["paths"] if p.startswith("/v1/")} == V1_ROUTES
    truth = _truth_check(idp)
    admin_token = idp.client_token()
    admin = Walker(idp, admin_token)  # a client's own token: sees everything
    every, every_total = admin.walk("/v1/contracts")
    assert every_total == len(truth["alice"]) == len(every)
    by_id = {c["id"]: c for c in every}
    unfiltered = {repr(params): admin.walk("/v1/contracts", params)[0] for params in SEARCHES}
    obligations, _ = admin.walk("/v1/obligations")
    # A note on every contract, written by the client itself: who may read each one is the question.
    notes: dict[str, str] = {}
    for cid in by_id:
        response = idp.api.post_annotation(cid, {"body": f"note on {cid}"}, f"seed-{cid}", token=admin_token)
        assert response.status_code == 201, response.text
        notes[cid] = response.json()["id"]
    tallies = [_walk_user(idp, user, truth[user], by_id, unfiltered, obligations, notes) for user in USERS]
    for tally in tallies:
        print(
            f"permissions: {tally.user}: {len(tally.leaks)} leaks in {tally.checks} checks "
            f"({len(truth[tally.user])}/{len(by_id)} contracts visible)",
            file=sys.stderr,
        )
    assert {t.user: t.leaks[:5] for t in tallies} == {t.user: [] for t in tallies}


def _walk_user(
    idp: IdentitySandbox,
    user: str,
    visible: frozenset[str],
    by_id: dict[str, Any],
    unfiltered: dict[str, list[Any]],
    obligations: list[Any],
    notes: dict[str, str],
) -> Tally:
    tally = Tally(user)
    walker = Walker(idp, idp.clm_token(user))
    # meta
    tally.check(walker.get("/v1/meta").json()["contracts"] == len(visible), "meta contracts")
    # search: rows, totals, under every filter set (the client's answer narrowed to the truth)
    for params in SEARCHES:
        rows, total = walker.walk("/v1/contracts", params, limit=7 if not params else 100)
        seen = [r["id"] for r in rows]
        expected = [r["id"] for r in unfiltered[repr(params)] if r["id"] in visible]
        tally.check(seen == expected, f"search {params} rows")
        tally.check(total == len(expected), f"search {params} total {total} != {len(expected)}")
    # aggregate: totals and every group's count, against the truth's rows grouped here
    for group_by, key in (("type", "type"), ("status", "status"), ("counterparty", None), ("currency", "currency")):
        body = walker.get("/v1/contracts/aggregate", {"group_by": group_by}).json()
        if key is None:
            expected_groups = Counter(by_id[c]["counterparty"]["id"] for c in visible)
        else:
            expected_groups = Counter(by_id[c][key] for c in visible)
        tally.check(body["total"] == len(visible), f"aggregate {group_by} total")
        tally.check({g["key"]: g["count"] for g in body["groups"]} == dict(expected_groups), f"aggregate {group_by}")
    month = walker.get("/v1/contracts/aggregate", {"group_by": "month", "date_field": "expiration_date"}).json()
    expected_months = Counter((by_id[c]["expiration_date"] or "")[:7] or None for c in visible)
    tally.check({g["key"]: g["count"] for g in month["groups"]} == dict(expected_months), "aggregate month")
    # counterparties: those with a visible contract, counting only visible contracts
    cps, cp_total = walker.walk("/v1/counterparties")
    expected_cps = Counter(by_id[c]["counterparty"]["id"] for c in visible)
    shown = {cp["id"]: cp["contract_count"] for cp in cps}
    if len(visible) == len(by_id):
        shown = {k: v for k, v in shown.items() if v}  # everything-view: counterparties without contracts too
    tally.check(shown == dict(expected_cps), "counterparty list and contract counts")
    tally.check(cp_total == len(cps), "counterparty total")
    for cp in cps[:10]:
        status_sum = sum(cp["contracts_by_status"].values())
        tally.check(status_sum == expected_cps.get(cp["id"], 0), f"counterparty {cp['id']} by status")
        for hit in walker.walk("/v1/counterparties", {"q": cp["name"]})[0]:
            tally.check(
                hit["contract_count"] == expected_cps.get(hit["id"], 0) or len(visible) == len(by_id),
                f"resolve {cp['name']} -> {hit['id']}",
            )
            tally.check(hit["id"] in expected_cps or len(visible) == len(by_id), f"resolve shows {hit['id']}")
    # obligations: only those of visible contracts, all of them
    seen_obligations, ob_total = walker.walk("/v1/obligations")
    expected_obligations = [o["id"] for o in obligations if o["contract_id"] in visible]
    tally.check([o["id"] for o in seen_obligations] == expected_obligations, "obligations")
    tally.check(ob_total == len(expected_obligations), "obligations total")
    # every contract, visible or not: the record, its document, sections, notes, one note
    for cid in by_id:
        status = 200 if cid in visible else 404
        detail = walker.get(f"/v1/contracts/{cid}")
        tally.check(detail.status_code == status, f"GET {cid}: {detail.status_code}")
        if detail.status_code == 200:
            related = {r["id"] for r in detail.json()["related"]}
            tally.check(related <= visible, f"{cid} related shows {related - visible}")
        for path in (
            f"/v1/contracts/{cid}/document",
            f"/v1/contracts/{cid}/document/sections",
            f"/v1/contracts/{cid}/annotations",
            f"/v1/contracts/{cid}/annotations/{notes[cid]}",
        ):
            response = walker.get(path)
            tally.check(response.status_code == status, f"GET {path}: {response.status_code}")
            if status == 404:
                tally.check(response.json()["code"] == "not_found", f"GET {path}: code")
        obligation_rows = walker.walk("/v1/obligations", {"contract_id": cid})[0]
        tally.check(bool(obligation_rows) <= (cid in visible), f"obligations of {cid}")
    return tally


def test_writes_follow_the_view_and_the_read_only_user(idp: IdentitySandbox) -> None:
    truth = visible_contract_ids(idp.db)
    hidden = sorted(truth["alice"] - truth["bob"])[0]
    shown = sorted(truth["bob"])[0]
    bob = idp.clm_token("bob")
    problem(idp.api.post_annotation(hidden, {"body": "x"}, "k-hidden", token=bob), 404, "not_found")
    written = idp.api.post_annotation(shown, {"body": "bob's note"}, "k-shown", token=bob, acting_user="Someone Else")
    assert written.status_code == 201, written.text
    assert written.json()["author"] == "bob", "the verified user is the author, not a header"
    # dave: no write scope in his exchanged token, and refused as a user too (trusted client naming him)
    dave = idp.clm_token("dave")
    problem(idp.api.post_annotation(shown, {"body": "x"}, "k-dave", token=dave), 403, "insufficient_scope")
    trusted = idp.client_token(TRUSTED)
    refused = idp.api.post_annotation(shown, {"body": "x"}, "k-dave-2", token=trusted, acting_user="dave")
    assert "read-only" in problem(refused, 403, "forbidden")["detail"]
    # idempotency keys are per user: alice reusing bob's key writes her own note, never replays his
    alice = idp.clm_token("alice")
    hers = idp.api.post_annotation(shown, {"body": "bob's note"}, "k-shown", token=alice)
    assert hers.status_code == 201 and hers.json()["author"] == "alice"


def test_trusted_client_acting_user_applies_that_users_view(idp: IdentitySandbox) -> None:
    truth = visible_contract_ids(idp.db)
    trusted = idp.client_token(TRUSTED)
    headers = {"Authorization": f"Bearer {trusted}"}
    as_carol = idp.api.http.get("/v1/contracts", params={"limit": 1}, headers={**headers, "X-Acting-User": "carol"})
    assert as_carol.json()["total"] == len(truth["carol"])
    as_itself = idp.api.http.get("/v1/contracts", params={"limit": 1}, headers=headers)
    assert as_itself.json()["total"] == len(truth["alice"])
    unknown = idp.api.http.get("/v1/contracts", headers={**headers, "X-Acting-User": "mallory"})
    problem(unknown, 403, "forbidden")
    # An untrusted client's X-Acting-User names an author only, as before: it still sees everything.
    demo = idp.api.http.get(
        "/v1/contracts",
        params={"limit": 1},
        headers={"Authorization": f"Bearer {idp.api.token()}", "X-Acting-User": "bob"},
    )
    assert demo.json()["total"] == len(truth["alice"])


def test_a_cursor_serves_one_view_only(idp: IdentitySandbox) -> None:
    alice = Walker(idp, idp.clm_token("carol"))
    bob = Walker(idp, idp.clm_token("bob"))
    cursor = alice.get("/v1/contracts", {"limit": 2}).json()["next_cursor"]
    assert cursor is not None
    problem(bob.get("/v1/contracts", {"limit": 2, "cursor": cursor}), 400, "invalid_cursor")
