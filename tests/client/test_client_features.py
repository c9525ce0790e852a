"""What the client offers, used: the person confirms writes (elicitation, both protocol eras), reports and
contracts as resources, argument completion, and a tool list that never changes on a connection."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

import pytest
from mcp.client import Client
from mcp_types import ElicitResult, ResourceTemplateReference, TextContent

from plugin.server import pipeline
from plugin.server.assembly import build_server
from tests.client.stdio import notes_with_body
from tests.conftest import settings_for
from tests.plugin_parts import PARTS

pytestmark = pytest.mark.anyio
ANNOTATE = "clm__annotate_contract"
Era = Literal["legacy", "auto"]  # legacy: initialize handshake (<= 2025-11-25); auto: 2026-07-28 in process


@asynccontextmanager
async def client_for(settings: Any, *, answer: str | None = None, mode: Era = "auto") -> AsyncIterator[Client]:
    asked: list[str] = []

    async def elicit(_context: Any, params: Any) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action=answer, content={} if answer == "accept" else None)  # type: ignore[arg-type]

    server, _ = build_server(PARTS, settings)
    callback = elicit if answer is not None else None
    async with Client(server, elicitation_callback=callback, mode=mode) as client:
        client.asked = asked  # type: ignore[attr-defined]
        yield client


def text_of(result: Any) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


@pytest.mark.parametrize("mode", ["legacy", "auto"])
@pytest.mark.parametrize(
    ("answer", "notes", "status"), [("accept", 1, "created"), ("decline", 0, "declined"), ("cancel", 0, "cancelled")]
)
async def test_the_person_confirms_through_the_client(
    sandbox_url: str, mode: Era, answer: str, notes: int, status: str
) -> None:
    body = f"Elicited note {uuid.uuid4().hex[:8]}"
    args = {"contract_id": "ctr_000007", "body": body, "target": {"start": 0, "end": 40}}
    async with client_for(settings_for(sandbox_url), answer=answer, mode=mode) as client:
        result = await client.call_tool(ANNOTATE, args)
        era = client.protocol_version
        asked = client.asked  # type: ignore[attr-defined]
    assert (era >= "2026-07-28") is (mode == "auto")
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None and result.structured_content["status"] == status
    assert result.structured_content["confirmation_token"] is None  # the model is never handed a token
    assert len(asked) == 1 and body in asked[0] and "Target text:" in asked[0] and "Add this note to" in asked[0]
    assert notes_with_body(sandbox_url, "ctr_000007", body) == notes
    if notes == 0:
        assert "Nothing was written" in text_of(result)


async def test_a_client_without_elicitation_keeps_the_two_step_token(sandbox_url: str) -> None:
    body = f"Token note {uuid.uuid4().hex[:8]}"
    args = {"contract_id": "ctr_000007", "body": body}
    async with client_for(settings_for(sandbox_url)) as client:
        preview = await client.call_tool(ANNOTATE, args)
        assert preview.structured_content is not None
        assert preview.structured_content["status"] == "pending_confirmation"
        assert notes_with_body(sandbox_url, "ctr_000007", body) == 0
        token = preview.structured_content["confirmation_token"]
        done = await client.call_tool(ANNOTATE, args | {"confirmation_token": token})
    assert done.structured_content is not None and done.structured_content["status"] == "created"
    assert notes_with_body(sandbox_url, "ctr_000007", body) == 1


async def test_reports_are_listed_linked_and_readable(sandbox_url: str) -> None:
    async with client_for(settings_for(sandbox_url)) as client:
        result = await client.call_tool("clm__portfolio_report", {"kind": "by_status"})
        assert result.structured_content is not None
        uri = result.structured_content["csv_resource"]
        links = [block for block in result.content if block.type == "resource_link"]
        listed = {str(r.uri): r for r in (await client.list_resources()).resources}
        read = await client.read_resource(uri)
    assert [str(link.uri) for link in links] == [uri]
    assert uri in listed and listed[uri].mime_type == "text/csv" and (listed[uri].size or 0) > 0
    assert read.contents[0].text.startswith("key,label,contracts")  # type: ignore[union-attr]


async def test_contract_record_and_text_resources(sandbox_url: str) -> None:
    async with client_for(settings_for(sandbox_url)) as client:
        templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
        record = await client.read_resource("clm-resource://contracts/ctr_000001")
        chunk = await client.read_resource("clm-resource://contracts/ctr_000001/text?offset=100")
        others = await client.read_resource("clm-resource://counterparties/a/contracts")
    assert {
        "clm-resource://contracts/{contract_id}",
        "clm-resource://contracts/{contract_id}/text{?offset}",
    } <= templates
    record_text = record.contents[0].text  # type: ignore[union-attr]
    assert ("ctr_000001" in record_text and "Related" in record_text) or "Term" in record_text
    chunk_text = chunk.contents[0].text  # type: ignore[union-attr]
    assert "characters 100-" in chunk_text and "<untrusted" in chunk_text.lower()
    assert "contracts match" in others.contents[0].text  # type: ignore[union-attr]


async def test_completion_for_counterparty_names_and_contract_ids(sandbox_url: str) -> None:
    async with client_for(settings_for(sandbox_url)) as client:
        names = await client.complete(
            ResourceTemplateReference(
                type="ref/resource", uri="clm-resource://counterparties/{counterparty}/contracts"
            ),
            {"name": "counterparty", "value": "Ac"},
        )
        ids = await client.complete(
            ResourceTemplateReference(type="ref/resource", uri="clm-resource://contracts/{contract_id}"),
            {"name": "contract_id", "value": "ctr_00001"},
        )
    # The CLM's name search (case- and accent-insensitive "contains"); names starting with the prefix first.
    values = names.completion.values
    assert values[0] == "Acme Cloud Services, Inc." and "Pacific Rim Semiconductors Ltd" in values
    assert ids.completion.values and all(v.startswith("ctr_00001") for v in ids.completion.values)
    assert len(ids.completion.values) == 10  # ctr_000010 .. ctr_000019 in a 120-contract corpus


@pytest.mark.parametrize(
    ("client_id", "secret", "hidden"),
    [
        ("demo-client", "demo-secret", set()),
        ("readonly-client", "readonly-secret", {ANNOTATE}),
        (
            "metadata-client",
            "metadata-secret",
            {PARTS.full_name(spec) for spec in PARTS.tools if spec.permission != "read:contracts"},
        ),
    ],
)
async def test_tools_list_is_identical_before_and_after_calls(
    sandbox_url: str, client_id: str, secret: str, hidden: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # This machine is shared and loaded: give the first token more than the default 3 s, so the test is about
    # the list's stability and content, not the wait (the fallback has its own test below).
    monkeypatch.setattr(pipeline, "LIST_SETTLE_SECONDS", 30.0)
    settings = settings_for(sandbox_url, client_id=client_id, client_secret=secret)
    async with client_for(settings) as client:
        before = [tool.model_dump() for tool in (await client.list_tools()).tools]
        await client.call_tool("clm__search_contracts", {"limit": 1})
        await client.call_tool(ANNOTATE, {"contract_id": "ctr_000001", "body": "x"})
        await client.call_tool("clm__read_contract", {"contract_id": "ctr_000001", "max_chars": 200})
        after = [tool.model_dump() for tool in (await client.list_tools()).tools]
    assert before == after
    every = {PARTS.full_name(spec) for spec in PARTS.tools}
    assert {tool["name"] for tool in before} == every - hidden


async def test_unreachable_token_endpoint_lists_the_configuration_and_calls_fail_clearly() -> None:
    # Nothing listens on port 9 (discard) of loopback: the token request fails at once.
    settings = settings_for("http://127.0.0.1:9", call_deadline=5.0)
    async with client_for(settings) as client:
        listed = {tool.name for tool in (await client.list_tools()).tools}
        call = await client.call_tool("clm__search_contracts", {"limit": 1})
    assert listed == {PARTS.full_name(spec) for spec in PARTS.tools}
    assert call.is_error and text_of(call).startswith("[")
