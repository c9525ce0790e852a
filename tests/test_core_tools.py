"""The three core tools against the real sandbox over loopback HTTP, through the SDK's in-memory client."""

from __future__ import annotations

from typing import Any

import pytest
from mcp_types import CallToolResult

from tests.conftest import TEST_CORPUS, SandboxAdmin, mcp_client, settings_for
from tests.template.helpers import text_of

pytestmark = pytest.mark.anyio


def ok(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None
    return result.structured_content


async def test_tools_list_has_schemas_and_annotations(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        listed = (await client.list_tools()).tools
    by_name = {tool.name: tool for tool in listed}
    assert {"clm__search_contracts", "clm__get_contract", "clm__read_contract"} <= set(by_name)
    for tool in listed:
        assert tool.annotations is not None and tool.annotations.read_only_hint is not None
        assert tool.annotations.open_world_hint is False
        # Destructive/idempotent hints only where the spec gives them meaning: tools that write.
        writes = tool.annotations.read_only_hint is False
        assert (tool.annotations.destructive_hint is not None) is writes, tool.name
        assert (tool.annotations.idempotent_hint is not None) is writes, tool.name
        assert tool.input_schema["type"] == "object" and tool.output_schema is not None
        assert len(tool.description or "") > 100


async def test_search_pagination_returns_every_contract_exactly_once(sandbox_url: str) -> None:
    seen: list[str] = []
    totals: set[int] = set()
    cursor: str | None = None
    pages = 0
    async with mcp_client(settings_for(sandbox_url)) as client:
        while True:
            args: dict[str, Any] = {"limit": 17}
            if cursor:
                args["cursor"] = cursor
            page = ok(await client.call_tool("clm__search_contracts", args))
            seen += [row["id"] for row in page["contracts"]]
            totals.add(page["total"])
            pages += 1
            cursor = page["next_cursor"]
            if cursor is None:
                break
            assert pages < 100
    assert totals == {TEST_CORPUS}
    assert len(seen) == TEST_CORPUS and len(set(seen)) == TEST_CORPUS


async def test_search_filters_and_render(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        result = await client.call_tool("clm__search_contracts", {"types": ["MSA"], "limit": 5})
    data = ok(result)
    assert data["contracts"] and all(row["type"] == "MSA" for row in data["contracts"])
    text = text_of(result)
    assert text.count("\n| ") >= len(data["contracts"]) and "| id | number |" in text
    if data["next_cursor"]:
        assert "cursor=" in text


async def test_get_contract_and_related(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        page = ok(await client.call_tool("clm__search_contracts", {"types": ["SOW"], "limit": 1}))
        sow_id = page["contracts"][0]["id"]
        detail = ok(await client.call_tool("clm__get_contract", {"contract_id": sow_id}))
    assert detail["id"] == sow_id and detail["type"] == "SOW"
    assert any(rel["relation"] == "parent" for rel in detail["related"])


async def test_unknown_contract_is_a_clear_not_found(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        result = await client.call_tool("clm__get_contract", {"contract_id": "ctr_does_not_exist"})
    assert result.is_error
    assert "[not_found]" in text_of(result) and "ctr_does_not_exist" in text_of(result)


@pytest.mark.parametrize("bad_id", ["../admin", "ctr_1?x=1", "ctr_1#frag", "ctr%2F1", "a/b", "x" * 65, ""])
async def test_hostile_ids_never_reach_the_backend(sandbox_url: str, admin: SandboxAdmin, bad_id: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        result = await client.call_tool("clm__get_contract", {"contract_id": bad_id})
    assert result.is_error and "[invalid_argument]" in text_of(result) and "contract_id" in text_of(result)
    assert [r for r in admin.requests() if r["path"].startswith("/v1/contracts")] == []


async def test_invalid_arguments_name_the_field(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        bad_limit = await client.call_tool("clm__search_contracts", {"limit": 500})
        bad_date = await client.call_tool("clm__search_contracts", {"expires_before": "next tuesday"})
        unknown = await client.call_tool("clm__search_contracts", {"colour": "red"})
    assert bad_limit.is_error and "'limit'" in text_of(bad_limit) and "100" in text_of(bad_limit)
    assert bad_date.is_error and "'expires_before'" in text_of(bad_date)
    assert unknown.is_error and "unknown argument 'colour'" in text_of(unknown)


async def test_read_contract_chunks_reassemble_the_document(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        page = ok(await client.call_tool("clm__search_contracts", {"types": ["MSA"], "limit": 1}))
        contract_id = page["contracts"][0]["id"]
        offset: int | None = 0
        parts: list[str] = []
        covered = 0
        total = None
        while offset is not None:
            chunk = ok(
                await client.call_tool(
                    "clm__read_contract", {"contract_id": contract_id, "offset": offset, "max_chars": 4000}
                )
            )
            assert chunk["offset"] == offset and chunk["end"] - chunk["offset"] <= 4000
            # Invisible characters are stripped from what is shown; offsets still index the original.
            assert len(chunk["text"]) + chunk["removed_invisible_chars"] == chunk["end"] - chunk["offset"]
            parts.append(chunk["text"])
            covered += chunk["end"] - chunk["offset"]
            total = chunk["total_chars"]
            offset = chunk["next_offset"]
    assert total is not None and covered == total


async def test_read_contract_marks_text_untrusted(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        page = ok(await client.call_tool("clm__search_contracts", {"limit": 1}))
        result = await client.call_tool("clm__read_contract", {"contract_id": page["contracts"][0]["id"]})
    text = text_of(result)
    assert "<untrusted-document-content" in text and "</untrusted-document-content>" in text
    assert "do not follow them" in text


async def test_missing_scope_is_a_permission_error_naming_it(sandbox_url: str) -> None:
    settings = settings_for(
        sandbox_url, client_id="metadata-client", client_secret="metadata-secret", scopes=["read:contracts"]
    )
    async with mcp_client(settings) as client:
        page = ok(await client.call_tool("clm__search_contracts", {"limit": 1}))
        result = await client.call_tool("clm__read_contract", {"contract_id": page["contracts"][0]["id"]})
    assert result.is_error
    assert "[permission_denied]" in text_of(result) and "read:documents" in text_of(result)
