"""Several people on one server: what it keeps or answers for one of them is theirs only.

A report is listed to and read by the identity that made it; argument completion answers from the caller's own
view of the CLM (and is audited); a write confirmation works only for the identity, and in the session, that
was shown the preview. Real servers over loopback: the sandbox CLM (users with different views) and `serve`.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox.testing import user_token, visible_contracts_of
from tests.remote.client import McpHttpSession, ServeProcess, clean_env
from tests.remote.conftest import remote_env

CONTRACT_TEMPLATE = "clm-resource://contracts/{contract_id}"
COUNTERPARTY_TEMPLATE = "clm-resource://counterparties/{counterparty}/contracts"


@pytest.fixture(scope="module")
def audited(clm: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServeProcess, Path]]:
    audit = tmp_path_factory.mktemp("audit") / "audit.jsonl"
    state = tmp_path_factory.mktemp("state")  # its own report store: nothing another test left
    env = remote_env(clm, clm, CLM_AUDIT=f"file:{audit}", CLM_AUDIT_REQUIRED="true", CLM_STATE_DIR=str(state))
    with ServeProcess(env) as process:
        yield process, audit


def _session(served: ServeProcess, clm: str, user: str) -> McpHttpSession:
    session = McpHttpSession(served.url, user_token(clm, user, resource=served.url))
    session.initialize()
    return session


def _structured(answer: dict[str, Any]) -> dict[str, Any]:
    result = answer["result"]
    assert not result.get("isError"), result
    structured: dict[str, Any] = result["structuredContent"]
    return structured


def _text(answer: dict[str, Any]) -> str:
    return str(answer["result"]["content"][0]["text"])


def _complete(session: McpHttpSession, template: str, argument: str, value: str) -> list[str]:
    params = {"ref": {"type": "ref/resource", "uri": template}, "argument": {"name": argument, "value": value}}
    answer = session.request("completion/complete", params)
    assert "error" not in answer, answer
    return list(answer["result"]["completion"]["values"])


def test_a_report_is_listed_and_read_by_its_maker_only(audited: tuple[ServeProcess, Path], clm: str) -> None:
    served, _ = audited
    alice, bob = _session(served, clm, "alice"), _session(served, clm, "bob")
    made = {}
    for name, session in (("alice", alice), ("bob", bob)):
        made[name] = _structured(session.call("clm__portfolio_report", {"kind": "by_counterparty"}))["csv_resource"]
    listed = {
        name: {r["uri"] for r in session.request("resources/list")["result"]["resources"]}
        for name, session in (("alice", alice), ("bob", bob))
    }
    print(f"\nlisted: alice {len(listed['alice'])} report(s), bob {len(listed['bob'])}")
    assert made["alice"] in listed["alice"] and made["alice"] not in listed["bob"]
    assert made["bob"] in listed["bob"] and made["bob"] not in listed["alice"]

    own = bob.request("resources/read", {"uri": made["bob"]})
    assert own["result"]["contents"][0]["text"].startswith("key,label")
    for reader, uri in ((bob, made["alice"]), (alice, made["bob"])):
        answer = reader.request("resources/read", {"uri": uri})
        assert "result" not in answer and "error" in answer, answer
    # The same person in another session (a new connection of the same client) still has their report.
    again = _session(served, clm, "alice")
    assert made["alice"] in {r["uri"] for r in again.request("resources/list")["result"]["resources"]}
    assert again.request("resources/read", {"uri": made["alice"]})["result"]["contents"][0]["text"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServeProcess, str, Path]]:
    """`serve` with nothing configured (the embedded sandbox and its authorization server): the server's own
    client sees every contract, as a CLM service account would, so answering with it would show it."""
    audit = tmp_path_factory.mktemp("audit") / "audit.jsonl"
    env = clean_env(
        {
            "CLM_DEMO_SIZE": "60",
            "CLM_AUDIT": f"file:{audit}",
            "CLM_AUDIT_REQUIRED": "true",
            "CLM_STATE_DIR": str(tmp_path_factory.mktemp("state")),
        }
    )
    with ServeProcess(env) as served:
        deadline = time.monotonic() + 30  # the sign-in help follows the line start() waits for
        while not (match := re.search(r"--url (http://127\.0\.0\.1:\d+)", "".join(served.stderr))):
            assert time.monotonic() < deadline, "".join(served.stderr)
            time.sleep(0.05)
        yield served, match.group(1), audit


def _visible(session: McpHttpSession) -> tuple[set[str], set[str]]:
    """(contract ids, counterparty names) the user's own searches find."""
    ids: set[str] = set()
    names: set[str] = set()
    arguments: dict[str, Any] = {"limit": 100}
    while True:
        page = _structured(session.call("clm__search_contracts", arguments))
        ids |= {row["id"] for row in page["contracts"]}
        names |= {row["counterparty"] for row in page["contracts"]}
        if not page.get("next_cursor"):
            return ids, names
        arguments = {"limit": 100, "cursor": page["next_cursor"]}


def test_completion_answers_from_the_callers_view(demo: tuple[ServeProcess, str, Path]) -> None:
    served, issuer, audit = demo
    sessions = {user: _session(served, issuer, user) for user in ("alice", "bob", "dave")}
    views = {user: _visible(session) for user, session in sessions.items()}
    assert views["bob"][0] < views["alice"][0]

    offered = {u: set(_complete(s, CONTRACT_TEMPLATE, "contract_id", "ctr_")) for u, s in sessions.items()}
    print(f"\ncontract ids offered: { {u: len(v) for u, v in offered.items()} }; bob sees {len(views['bob'][0])}")
    for user in sessions:
        assert offered[user] == views[user][0], f"{user}: outside the view {sorted(offered[user] - views[user][0])}"

    # The CLM's name search matches a part of a name: these letters between them cover the names.
    names = {
        user: {
            value
            for part in "aeiou"
            for value in _complete(sessions[user], COUNTERPARTY_TEMPLATE, "counterparty", part)
        }
        for user in ("alice", "bob")
    }
    hidden = names["alice"] - views["bob"][1]
    counts = {user: len(offered) for user, offered in names.items()}
    print(f"counterparty names offered: {counts}; offered to alice and hidden from bob: {len(hidden)}")
    assert hidden and names["bob"], names
    assert names["bob"] <= views["bob"][1], f"outside bob's view: {sorted(names['bob'] - views['bob'][1])[:5]}"

    records = [json.loads(line) for line in audit.read_text().splitlines()]
    completions = [r for r in records if r["tool"] == "completion/complete"]
    assert {r["subject"] for r in completions} == {"alice", "bob", "dave"}
    assert all(r["issuer"] == issuer and r["outcome"] == "ok" for r in completions), completions[:3]


def test_a_confirmation_works_only_for_whom_the_preview_was_shown(audited: tuple[ServeProcess, Path], clm: str) -> None:
    served, _ = audited
    contract = sorted(visible_contracts_of(clm)["bob"])[0]
    alice, bob = _session(served, clm, "alice"), _session(served, clm, "bob")
    arguments = {"contract_id": contract, "body": f"Approved for payment ({secrets.token_hex(4)})."}
    preview = _structured(alice.call("clm__annotate_contract", arguments))
    assert preview["status"] == "pending_confirmation"
    confirmed = {**arguments, "confirmation_token": preview["confirmation_token"]}

    replayed = bob.call("clm__annotate_contract", confirmed)
    print(f"\nbob replays alice's token: {_text(replayed)[:160]}")
    assert replayed["result"].get("isError"), _text(replayed)
    assert "[confirmation_required]" in _text(replayed) and "another user" in _text(replayed)
    other_session = _session(served, clm, "alice").call("clm__annotate_contract", confirmed)
    assert other_session["result"].get("isError") and "another session" in _text(other_session), _text(other_session)

    notes = _structured(alice.call("clm__list_notes", {"contract_id": contract}))
    assert arguments["body"] not in json.dumps(notes), "a refused confirmation wrote the note"
    written = _structured(alice.call("clm__annotate_contract", confirmed))
    assert written["status"] == "created" and written["author"] == "alice", written
