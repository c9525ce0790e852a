"""Say it once: by default a result is its text alone (no structuredContent, no outputSchema), tools/list is lean.

Claude Code hands the model `JSON.stringify(structuredContent)` whenever a result carries one and drops the
text (anthropics/claude-code#79944); claude.ai hands it the text (#55677). Sending both costs the
data twice and makes the two clients read different things, so the default is the text only
(docs/responses.md); `structured_output` turns the structured copy and the output schemas back on.
"""

from __future__ import annotations

import json

import pytest
from mcp_types import TextContent

from plugin.server.registration import lean_schema
from tests.conftest import mcp_client, settings_for
from tests.template.helpers import text_of

pytestmark = pytest.mark.anyio

TOOLS_LIST_BUDGET = 15_000  # characters of the tools/list result, read by the model every session


async def test_default_result_is_the_text_alone_and_carries_the_rows(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url, structured_output=False)) as client:
        listed = (await client.list_tools()).tools
        result = await client.call_tool("clm__search_contracts", {"limit": 5})
    assert all(tool.output_schema is None for tool in listed)
    assert not result.is_error and result.structured_content is None
    text = "\n".join(block.text for block in result.content if isinstance(block, TextContent))
    async with mcp_client(settings_for(sandbox_url, structured_output=True)) as client:
        structured = (await client.call_tool("clm__search_contracts", {"limit": 5})).structured_content
    assert structured is not None
    ids = [row["id"] for row in structured["contracts"]]
    assert len(ids) == 5 and all(contract_id in text for contract_id in ids)  # nothing the model needs is lost


async def test_structured_output_setting_restores_the_schema_and_the_copy(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url, structured_output=True)) as client:
        listed = (await client.list_tools()).tools
        result = await client.call_tool("clm__get_contract", {"contract_id": "ctr_000001"})
    assert all(tool.output_schema is not None for tool in listed)
    assert not result.is_error and result.structured_content is not None
    assert result.structured_content["id"] == "ctr_000001"


async def test_tools_list_fits_its_budget(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url, structured_output=False)) as client:
        listed = await client.list_tools()
    size = len(json.dumps(listed.model_dump(mode="json", by_alias=True, exclude_none=True), ensure_ascii=False))
    assert size <= TOOLS_LIST_BUDGET, size


async def test_lean_schema_drops_titles_and_null_branches_but_not_constraints(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url, structured_output=False)) as client:
        search = next(t for t in (await client.list_tools()).tools if t.name == "clm__search_contracts")
        # An explicit null is still accepted by the tool's own model, as the generated schema allowed.
        explicit_null = await client.call_tool("clm__search_contracts", {"query": None, "limit": 1})
        unknown_argument = await client.call_tool("clm__search_contracts", {"colour": "red"})
        bad_cursor = await client.call_tool("clm__search_contracts", {"cursor": "not a cursor!"})
    schema = search.input_schema
    assert "title" not in schema and "Query" not in json.dumps(schema)
    query = schema["properties"]["query"]
    assert query["type"] == "string" and query["maxLength"] == 200 and "anyOf" not in query and "default" not in query
    assert "query" not in schema.get("required", [])
    assert schema["properties"]["limit"]["maximum"] == 100
    assert "additionalProperties" not in schema and "pattern" not in json.dumps(schema)
    assert not explicit_null.is_error
    # What the advertised schema leaves out, the tool's own model still enforces.
    assert "[invalid_argument]" in text_of(unknown_argument) and "[invalid_argument]" in text_of(bad_cursor)


def test_lean_schema_keeps_a_property_named_title_and_non_null_defaults() -> None:
    schema = {
        "title": "Model",
        "properties": {
            "title": {"title": "Title", "type": "string"},
            "n": {"anyOf": [{"type": "integer"}, {"type": "null"}], "default": 3, "title": "N"},
            "k": {"anyOf": [{"type": "integer", "description": "inner"}, {"type": "null"}], "default": None},
        },
    }
    assert lean_schema(schema) == {
        "properties": {
            "title": {"type": "string"},
            "n": {"anyOf": [{"type": "integer"}, {"type": "null"}], "default": 3},  # null is not the default
            "k": {"type": "integer", "description": "inner"},
        }
    }
