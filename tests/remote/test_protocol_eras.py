"""`serve` speaks both protocol eras of the SDK over streamable HTTP: the initialize handshake (2025-11-25 and
earlier) and the stateless per-request envelope (2026-07-28), driven by the SDK's own client with a user token."""

from __future__ import annotations

import httpx2
import pytest
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp_types import TextContent

from sandbox.testing import user_token, visible_contracts_of
from tests.remote.client import ServeProcess

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
async def test_both_protocol_eras_list_and_call_as_the_user(served: ServeProcess, clm: str, mode: str) -> None:
    token = user_token(clm, "bob", resource=served.url)
    async with (
        httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=60) as http,
        Client(streamable_http_client(served.url, http_client=http), mode=mode) as client,
    ):
        names = {tool.name for tool in (await client.list_tools()).tools}
        result = await client.call_tool("clm__search_contracts", {"limit": 1})
    assert "clm__search_contracts" in names and "clm__get_contract" in names
    text = "\n".join(block.text for block in result.content if isinstance(block, TextContent))
    assert not result.is_error, text
    assert result.structured_content is not None, text
    assert result.structured_content["total"] == len(visible_contracts_of(clm)["bob"])  # bob's view, not the client's
