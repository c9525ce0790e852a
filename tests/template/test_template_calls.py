"""The machinery in-process (`mcp.client.Client(server)`) against the fake items API on loopback.

tools/list, a read, paging to the output budget, an idempotent write, the error taxonomy, single-flight
tokens, secrets kept out of results and logs, and the audit trail.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from plugin.server.budget import MAX_RESPONSE_CHARS
from plugin.server.parts import PluginParts
from tests.template.fake.app import CLIENT_SECRET, make_items
from tests.template.helpers import REFERENCE, FakeAdmin, fake_client, fake_settings, leaks, response_chars, text_of

pytestmark = pytest.mark.anyio
ALL_IDS = [item["id"] for item in make_items(45, 3000)]


async def test_tools_list_names_annotations_and_schemas(fake_root: PluginParts, fake_url: str) -> None:
    async with fake_client(fake_root, fake_settings(fake_url)) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert sorted(tools) == ["fake__add_note", "fake__list_items"]
    listed, write = tools["fake__list_items"], tools["fake__add_note"]
    assert listed.annotations is not None and write.annotations is not None
    # A read-only tool carries no destructive/idempotent hints (the spec gives them meaning only for writes).
    assert (listed.annotations.read_only_hint, listed.annotations.destructive_hint) == (True, None)
    assert (write.annotations.destructive_hint, write.annotations.title) == (False, None)
    assert (write.annotations.read_only_hint, write.annotations.idempotent_hint) == (False, True)
    assert listed.title == "List items" and listed.annotations.open_world_hint is False
    # {tool:name} references are written with the fake's namespace; no other namespace appears.
    assert "fake__add_note" in (listed.description or "")
    assert "{tool:" not in json.dumps([t.model_dump(mode="json") for t in tools.values()])
    assert REFERENCE.namespace not in json.dumps([t.model_dump(mode="json") for t in tools.values()])
    assert listed.output_schema is not None
    assert set(listed.output_schema["properties"]) == {"items", "total", "next_cursor"}
    assert "additionalProperties" not in listed.input_schema  # the model refuses unknown arguments itself
    assert listed.input_schema["properties"]["limit"]["maximum"] == 100
    assert (listed.meta or {}).get("permission") == "read:items"


async def test_read_call(fake_root: PluginParts, fake_url: str, admin: FakeAdmin) -> None:
    async with fake_client(fake_root, fake_settings(fake_url)) as client:
        result = await client.call_tool("fake__list_items", {"limit": 3})
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None
    data = result.structured_content
    assert [row["id"] for row in data["items"]] == ALL_IDS[:3]
    assert data["total"] == 45 and data["next_cursor"]
    text = text_of(result)
    assert text.startswith("**45 items; 3 on this page.**")
    assert "| itm_0001 | Item 1 |" in text and "fake__list_items" in text
    assert admin.counters()["requests"] == 1


async def _page_through(client: Any, limit: int) -> tuple[list[str], list[int]]:
    ids: list[str] = []
    sizes: list[int] = []
    cursor: str | None = None
    for _ in range(100):
        arguments: dict[str, Any] = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        result = await client.call_tool("fake__list_items", arguments)
        assert not result.is_error, text_of(result)
        assert response_chars(result) <= MAX_RESPONSE_CHARS
        assert result.structured_content is not None
        page = result.structured_content
        ids += [row["id"] for row in page["items"]]
        sizes.append(len(page["items"]))
        cursor = page["next_cursor"]
        if cursor is None:
            return ids, sizes
    raise AssertionError("paging did not end")


@pytest.mark.parametrize("limit", [7, 100])
async def test_paging_returns_every_row_exactly_once(
    fake_root: PluginParts, fake_url: str, admin: FakeAdmin, limit: int
) -> None:
    async with fake_client(fake_root, fake_settings(fake_url)) as client:
        ids, sizes = await _page_through(client, limit)
    assert ids == ALL_IDS  # every row, once, in order
    if limit == 100:
        # 45 rows of up to 3,000 characters do not fit 40,000: the server trimmed and continued.
        assert sizes[0] < 45 and len(sizes) >= 2, sizes
    else:
        assert sizes == [7, 7, 7, 7, 7, 7, 3]


async def test_write_is_idempotent_for_the_same_call(fake_root: PluginParts, fake_url: str, admin: FakeAdmin) -> None:
    arguments = {"item_id": "itm_0002", "text": "Checked twice."}
    async with fake_client(fake_root, fake_settings(fake_url)) as client:
        first = await client.call_tool("fake__add_note", arguments)
        again = await client.call_tool("fake__add_note", arguments)
        other = await client.call_tool("fake__add_note", {"item_id": "itm_0002", "text": "Another note."})
    assert not first.is_error and not again.is_error and not other.is_error, text_of(first)
    assert first.structured_content is not None and again.structured_content is not None
    assert other.structured_content is not None
    assert again.structured_content["note_id"] == first.structured_content["note_id"]
    assert again.structured_content["idempotency_key"] == first.structured_content["idempotency_key"]
    assert other.structured_content["note_id"] != first.structured_content["note_id"]
    assert admin.counters()["notes"] == 2
    assert "<untrusted-document-content" in text_of(first)


async def test_write_retried_after_500_writes_once(fake_root: PluginParts, fake_url: str, admin: FakeAdmin) -> None:
    async with fake_client(fake_root, fake_settings(fake_url)) as client:
        admin.fault(mode="status", status=500, count=1)
        result = await client.call_tool("fake__add_note", {"item_id": "itm_0004", "text": "After a 500."})
    assert not result.is_error, text_of(result)
    counters = admin.counters()
    assert counters["notes"] == 1 and counters["requests"] == 2  # the 500, then the retry (same key)


async def test_401_mid_session_refreshes_the_token_once(
    fake_root: PluginParts, fake_url: str, admin: FakeAdmin
) -> None:
    async with fake_client(fake_root, fake_settings(fake_url)) as client:
        assert not (await client.call_tool("fake__list_items", {"limit": 1})).is_error
        assert admin.counters()["token_requests"] == 1
        admin.revoke_tokens()
        result = await client.call_tool("fake__list_items", {"limit": 1})
        assert not result.is_error, text_of(result)
        assert not (await client.call_tool("fake__list_items", {"limit": 1})).is_error
    counters = admin.counters()
    assert counters["token_requests"] == 2  # one refresh, then reused
    assert counters["requests"] == 4  # ok, 401, retry ok, ok


def _error_code(text: str) -> str:
    assert text.startswith("["), text
    return text[1 : text.index("]")]


@pytest.mark.parametrize(
    ("fault", "arguments", "code", "requests", "fragment"),
    [
        (
            {
                "mode": "body",
                "status": 403,
                "body": {"title": "Forbidden", "status": 403, "required_scope": "read:items"},
            },
            {"limit": 1},
            "permission_denied",
            1,
            "'read:items' scope",
        ),
        (None, {"item_id": "itm_9999", "text": "x"}, "not_found", 1, "no such item"),
        (
            {"mode": "status", "status": 429, "count": 1, "retry_after": 30},
            {"limit": 1},
            "rate_limited",
            1,
            "Retry after 30 s",
        ),
        ({"mode": "status", "status": 503, "count": 20}, {"limit": 1}, "backend_unavailable", 3, "HTTP 503"),
        ({"mode": "malformed_json", "count": 1}, {"limit": 1}, "backend_error", 1, "malformed"),
        (
            {"mode": "latency", "latency_ms": 4000, "count": 1},
            {"limit": 1},
            "deadline_exceeded",
            1,
            "did not finish within 1.5 s",
        ),
    ],
    ids=["403", "404", "429-long", "503-persisting", "malformed-json", "slow"],
)
async def test_error_taxonomy(
    fake_root: PluginParts,
    fake_url: str,
    admin: FakeAdmin,
    capsys: pytest.CaptureFixture[str],
    fault: dict[str, Any] | None,
    arguments: dict[str, Any],
    code: str,
    requests: int,
    fragment: str,
) -> None:
    tool = "fake__add_note" if "item_id" in arguments else "fake__list_items"
    settings = fake_settings(
        fake_url, max_retries=2, call_deadline=1.5 if (fault or {}).get("mode") == "latency" else 10.0
    )
    async with fake_client(fake_root, settings) as client:
        assert not (await client.call_tool("fake__list_items", {"limit": 1})).is_error  # warm: token fetched
        before = admin.counters()["requests"]
        if fault is not None:
            admin.fault(**fault)
        result = await client.call_tool(tool, arguments)
    text = text_of(result)
    assert result.is_error and _error_code(text) == code, text
    assert fragment in text
    assert admin.counters()["requests"] - before == requests
    assert not leaks(text)
    assert not leaks(capsys.readouterr().err)


@pytest.mark.parametrize(
    ("fault", "requests"),
    [({"mode": "status", "status": 500}, 2), ({"mode": "status", "status": 429, "retry_after": 1}, 2)],
)
async def test_transient_failures_are_retried(
    fake_root: PluginParts, fake_url: str, admin: FakeAdmin, fault: dict[str, Any], requests: int
) -> None:
    async with fake_client(fake_root, fake_settings(fake_url)) as client:
        assert not (await client.call_tool("fake__list_items", {"limit": 1})).is_error
        admin.fault(count=1, **fault)
        result = await client.call_tool("fake__list_items", {"limit": 2})
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None and len(result.structured_content["items"]) == 2
    assert admin.counters()["requests"] == 1 + requests


async def test_scope_not_granted_hides_the_write_tool(fake_root: PluginParts, fake_url: str, admin: FakeAdmin) -> None:
    # "fake-reader" may only have read:items: the token response says so and add_note disappears.
    async with fake_client(fake_root, fake_settings(fake_url, client_id="fake-reader")) as client:
        assert not (await client.call_tool("fake__list_items", {"limit": 1})).is_error
        names = [tool.name for tool in (await client.list_tools()).tools]
        refused = await client.call_tool("fake__add_note", {"item_id": "itm_0001", "text": "x"})
    assert names == ["fake__list_items"]
    assert refused.is_error and _error_code(text_of(refused)) == "permission_denied"
    assert admin.counters()["notes"] == 0


async def test_one_token_request_for_50_concurrent_cold_calls(
    fake_root: PluginParts, fake_url: str, admin: FakeAdmin
) -> None:
    async with fake_client(fake_root, fake_settings(fake_url)) as client:
        results = await asyncio.gather(*(client.call_tool("fake__list_items", {"limit": 1}) for _ in range(50)))
    assert all(not result.is_error for result in results), [text_of(r) for r in results if r.is_error][:1]
    counters = admin.counters()
    assert counters["token_requests"] == 1
    assert counters["requests"] == 50


async def test_secret_never_in_results_or_stderr(
    fake_root: PluginParts, fake_url: str, admin: FakeAdmin, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = fake_settings(fake_url, log_level="DEBUG")
    async with fake_client(fake_root, settings) as client:
        texts = [text_of(await client.call_tool("fake__list_items", {"limit": 2}))]
        admin.fault(mode="status", status=401, count=2)  # the refreshed token is refused too: authentication_failed
        failed = await client.call_tool("fake__list_items", {"limit": 2})
        texts.append(text_of(failed))
    assert failed.is_error and _error_code(texts[-1]) == "authentication_failed"
    stderr = capsys.readouterr().err
    for text in [*texts, stderr]:
        assert CLIENT_SECRET not in text
        assert not leaks(text), leaks(text)


async def test_audit_one_record_per_call(
    fake_root: PluginParts, fake_url: str, admin: FakeAdmin, audit_path: Path
) -> None:
    settings = fake_settings(fake_url, audit=f"file:{audit_path}", audit_required=True)
    async with fake_client(fake_root, settings) as client:
        await client.call_tool("fake__list_items", {"limit": 2})
        await client.call_tool("fake__add_note", {"item_id": "itm_0005", "text": "A confidential remark."})
        await client.call_tool("fake__add_note", {"item_id": "missing", "text": "x"})
        await client.call_tool("fake__list_items", {"limit": 0})
    written = audit_path.read_text(encoding="utf-8")  # noqa: ASYNC240 - the session is closed
    records = [json.loads(line) for line in written.splitlines()]
    assert [(r["tool"], r["outcome"]) for r in records] == [
        ("fake__list_items", "ok"),
        ("fake__add_note", "ok"),
        ("fake__add_note", "error:not_found"),
        ("fake__list_items", "error:invalid_argument"),
    ]
    assert records[0]["result_count"] == 2 and records[0]["record_ids"] == ALL_IDS[:2]
    assert records[1]["record_ids"][0] == "itm_0005"
    assert {r["plugin_name"] for r in records} == {"fake-items"}
    assert {r["acting_user"] for r in records} == {"tester@example.com"}
    assert len({r["request_id"] for r in records}) == 4
    assert "confidential" not in written  # note text: its length only
    assert records[1]["arguments"]["text"].startswith("[REDACTED]")


def test_fault_controls_validate_and_report_what_is_armed(fake_url: str, admin: FakeAdmin) -> None:
    """The fake's fault controls are the sandbox's fault layer: specs are validated, armed ones listed."""
    refused = admin.http.post("/_fake/faults", json={"mode": "status"})  # a status fault needs a status
    assert refused.status_code == 422, refused.text
    admin.fault(mode="status", status=503, count=2)
    armed = admin.http.get("/_fake/faults").json()["faults"]
    assert [(f["mode"], f["status"], f["count"]) for f in armed] == [("status", 503, 2)]
    assert admin.counters()["faults_pending"] == 1
    admin.http.delete("/_fake/faults").raise_for_status()
    assert admin.counters()["faults_pending"] == 0
