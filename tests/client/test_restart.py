"""State that survives a restart: every session is a new `python server.py` (as under the MCP Inspector CLI).

Before the installation key ring, each of these failed: the token was refused ("does not match this exact
note"), the embedded default's cursors were refused as "a different query", the report was gone.
"""

from __future__ import annotations

import uuid

from tests.client.stdio import notes_with_body, one_session, sandbox_env, structured, text

ANNOTATE = "clm__annotate_contract"
SEARCH = "clm__search_contracts"
DEADLINES = "clm__upcoming_deadlines"


def test_preview_in_one_process_confirm_in_the_next_writes_one_note(sandbox_url: str) -> None:
    env = sandbox_env(sandbox_url)
    body = f"Restart test {uuid.uuid4().hex[:8]}"
    args = {"contract_id": "ctr_000003", "body": body}
    with one_session(env) as first:
        preview = structured(first.call(ANNOTATE, args))
    assert preview["status"] == "pending_confirmation"
    with one_session(env) as second:
        created = structured(second.call(ANNOTATE, args | {"confirmation_token": preview["confirmation_token"]}))
        again = structured(second.call(ANNOTATE, args | {"confirmation_token": preview["confirmation_token"]}))
    assert created["status"] == "created" and again["annotation_id"] == created["annotation_id"]
    assert notes_with_body(sandbox_url, "ctr_000003", body) == 1


def test_a_token_for_another_note_says_so(sandbox_url: str) -> None:
    env = sandbox_env(sandbox_url)
    with one_session(env) as first:
        preview = structured(first.call(ANNOTATE, {"contract_id": "ctr_000003", "body": "one"}))
    with one_session(env) as second:
        other = second.call(
            ANNOTATE, {"contract_id": "ctr_000003", "body": "two", "confirmation_token": preview["confirmation_token"]}
        )
        forged = second.call(
            ANNOTATE,
            {"contract_id": "ctr_000003", "body": "one", "confirmation_token": "k00000000.1.0123456789abcdef.x.y"},
        )
    assert other["isError"] and "issued for a different write" in text(other)
    assert (
        forged["isError"] and "[confirmation_required]" in text(forged) and "not one this tool returned" in text(forged)
    )


def _walk_across_processes(env: dict[str, str], tool: str, args: dict[str, object], key: str) -> list[str]:
    with one_session(env) as first:
        page = structured(first.call(tool, args))
    seen = [row["id" if key == "contracts" else "contract_id"] + str(row.get("date", "")) for row in page[key]]
    assert page["next_cursor"]
    with one_session(env) as second:
        nxt = structured(second.call(tool, args | {"cursor": page["next_cursor"]}))
    more = [row["id" if key == "contracts" else "contract_id"] + str(row.get("date", "")) for row in nxt[key]]
    assert more and not set(seen) & set(more)
    return seen + more


def test_cursor_continues_in_the_next_process_on_the_embedded_default() -> None:
    rows = _walk_across_processes({}, SEARCH, {"limit": 5}, "contracts")
    assert len(rows) == 10


def test_cursors_continue_in_the_next_process_against_the_loopback_sandbox(sandbox_url: str) -> None:
    env = sandbox_env(sandbox_url)
    assert len(_walk_across_processes(env, SEARCH, {"limit": 5, "sort": "-number"}, "contracts")) == 10
    assert len(_walk_across_processes(env, DEADLINES, {"within_days": 1000, "limit": 3}, "deadlines")) >= 4


def test_report_made_in_one_process_is_listed_and_read_in_the_next(sandbox_url: str) -> None:
    env = sandbox_env(sandbox_url)
    with one_session(env) as first:
        result = first.call("clm__portfolio_report", {"kind": "by_type"})
    uri = structured(result)["csv_resource"]
    links = [block for block in result["content"] if block["type"] == "resource_link"]
    assert [link["uri"] for link in links] == [uri] and links[0]["mimeType"] == "text/csv"
    with one_session(env) as second:
        listed = second.request("resources/list")["result"]["resources"]
        read = second.request("resources/read", {"uri": uri})["result"]["contents"][0]
        missing = second.request("resources/read", {"uri": uri.replace(uri[-21:-5], "0" * 16)})
    assert uri in {resource["uri"] for resource in listed}
    assert read["text"].startswith("key,label,contracts,total_value_") and read["mimeType"] == "text/csv"
    assert "error" in missing and "expired" in missing["error"]["message"]
