"""The baseline: a bare MCPServer with one trivial tool and one tool making the search request directly.

Used by the benchmarks to measure what the plugin adds (start-up, per-call overhead).
"""

from __future__ import annotations

import os
from typing import Any

import httpx2
from mcp.server.mcpserver import MCPServer

server = MCPServer("bare")
_client: httpx2.AsyncClient | None = None


@server.tool()
def echo(text: str) -> str:
    """Return the text."""
    return text


@server.tool()
async def search(limit: int = 20) -> dict[str, Any]:
    """The same 20-row search the plugin makes, straight to the CLM with a ready token."""
    global _client
    if _client is None:
        _client = httpx2.AsyncClient(
            base_url=os.environ["BENCH_CLM_URL"],
            headers={"Authorization": f"Bearer {os.environ['BENCH_TOKEN']}"},
        )
    response = await _client.get("/v1/contracts", params={"limit": limit})
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    return data


if __name__ == "__main__":
    server.run("stdio")
