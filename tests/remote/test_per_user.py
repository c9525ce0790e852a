"""Three users through one server each see exactly their contracts (the sandbox's permission truth), one token
exchange per user however many calls, writes only for users whose token allows them, and the audit records the
verified subject and issuer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox.testing import token_exchanges, user_token, visible_contracts_of
from tests.remote.client import McpHttpSession, ServeProcess
from tests.remote.conftest import remote_env

USERS = ("alice", "bob", "carol", "dave")


@pytest.fixture(scope="module")
def audited(clm: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServeProcess, Path]]:
    audit = tmp_path_factory.mktemp("audit") / "audit.jsonl"
    with ServeProcess(remote_env(clm, clm, CLM_AUDIT=f"file:{audit}", CLM_AUDIT_REQUIRED="true")) as process:
        yield process, audit


def _structured(answer: dict[str, Any]) -> dict[str, Any]:
    result = answer["result"]
    assert not result.get("isError"), result
    structured: dict[str, Any] = result["structuredContent"]
    return structured


def _all_ids(session: McpHttpSession) -> tuple[set[str], int | None]:
    ids: set[str] = set()
    arguments: dict[str, Any] = {"limit": 100}
    total = None
    while True:
        page = _structured(session.call("clm__search_contracts", arguments))
        total = page["total"]
        ids |= {row["id"] for row in page["contracts"]}
        if not page.get("next_cursor"):
            return ids, total
        arguments = {"limit": 100, "cursor": page["next_cursor"]}


def test_each_user_sees_exactly_their_contracts(audited: tuple[ServeProcess, Path], clm: str) -> None:
    served, audit = audited
    truth = visible_contracts_of(clm)
    exchanges_before = token_exchanges(clm)
    seen: dict[str, set[str]] = {}
    totals: dict[str, int | None] = {}
    scanned: dict[str, int] = {}
    for user in USERS:
        session = McpHttpSession(served.url, user_token(clm, user, resource=served.url))
        session.initialize()
        seen[user], totals[user] = _all_ids(session)
        report = _structured(session.call("clm__portfolio_report", {"kind": "by_status"}))
        scanned[user] = sum(row["contracts"] for row in report["rows"])
        # A contract outside the user's view does not exist for them (no existence leak).
        hidden = sorted(truth["alice"] - truth[user])
        if hidden:
            answer = session.call("clm__get_contract", {"contract_id": hidden[0]})
            assert answer["result"].get("isError"), f"{user} read {hidden[0]}"
            assert "[not_found]" in answer["result"]["content"][0]["text"]
    print(f"\nper-user totals: {totals}; portfolio by_status: {scanned}; truth: { {u: len(truth[u]) for u in USERS} }")
    for user in USERS:
        leaks, missing = seen[user] - truth[user], truth[user] - seen[user]
        assert not leaks and not missing, f"{user}: leaks {leaks}, missing {missing}"
        assert totals[user] == len(truth[user])
        assert scanned[user] == len(truth[user])
    assert len({totals["alice"], totals["bob"], totals["carol"]}) == 3, totals
    exchanged = {u: token_exchanges(clm).get(u, 0) - exchanges_before.get(u, 0) for u in USERS}
    print(f"token exchanges per user: {exchanged}")
    assert exchanged == dict.fromkeys(USERS, 1)

    records = [json.loads(line) for line in audit.read_text().splitlines()]
    by_subject = {r["subject"] for r in records}
    assert by_subject == set(USERS)
    assert all(r["issuer"] == clm and r["acting_user"] == r["subject"] for r in records)


def test_a_read_only_user_has_no_write_tool(audited: tuple[ServeProcess, Path], clm: str) -> None:
    served, _ = audited
    dave = McpHttpSession(served.url, user_token(clm, "dave", resource=served.url))
    dave.initialize()
    names = {tool["name"] for tool in dave.request("tools/list")["result"]["tools"]}
    assert "clm__annotate_contract" not in names and "clm__search_contracts" in names
    contract = sorted(visible_contracts_of(clm)["dave"])[0]
    answer = dave.call("clm__annotate_contract", {"contract_id": contract, "body": "x"})
    assert answer["result"].get("isError")
    assert "[permission_denied]" in answer["result"]["content"][0]["text"]
    alice = McpHttpSession(served.url, user_token(clm, "alice", resource=served.url))
    alice.initialize()
    assert "clm__annotate_contract" in {tool["name"] for tool in alice.request("tools/list")["result"]["tools"]}


def test_concurrent_first_calls_of_one_user_exchange_once(clm: str) -> None:
    import threading

    with ServeProcess(remote_env(clm, clm)) as served:
        token = user_token(clm, "carol", resource=served.url)
        before = token_exchanges(clm).get("carol", 0)
        answers: list[dict[str, Any]] = []
        ready = threading.Barrier(16)

        def one() -> None:
            session = McpHttpSession(served.url, token)
            session.initialize()
            ready.wait(60)  # every session is open: the first calls start together
            answers.append(session.call("clm__search_contracts", {"limit": 1}))

        threads = [threading.Thread(target=one) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert len(answers) == 16 and not any(a["result"].get("isError") for a in answers)
        exchanged = token_exchanges(clm).get("carol", 0) - before
        print(f"\n16 concurrent first calls of one user: {exchanged} token exchange(s)")
        assert exchanged == 1
