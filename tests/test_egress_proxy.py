"""Behind an egress proxy named by the environment, the token requests take the same way as the API calls.

The API client is an httpx2 client that reads HTTP(S)_PROXY / ALL_PROXY / NO_PROXY itself; the token client is
handed a transport of ours (capped), and a client given a transport reads none of them. A forward proxy on
loopback records what passes through it."""

from __future__ import annotations

import http.server
import threading
import urllib.request
from collections.abc import Iterator

import pytest

from server import parts as plugin_parts
from tests.conftest import settings_for

pytestmark = pytest.mark.anyio
PARTS = plugin_parts()
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"}


class _Forwarding(http.server.BaseHTTPRequestHandler):
    """A plain-HTTP forward proxy: the request line carries the absolute URL; the reply is relayed as it came."""

    seen: list[tuple[str, str]]

    def _forward(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else None
        self.seen.append((self.command, self.path))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP | {"host", "content-length"}}
        request = urllib.request.Request(self.path, data=body, headers=headers, method=self.command)
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            reply = direct.open(request, timeout=30)
        except urllib.error.HTTPError as refused:
            reply = refused
        data = reply.read()
        self.send_response(reply.status)
        for key, value in reply.headers.items():
            if key.lower() not in HOP_BY_HOP | {"content-length"}:
                self.send_header(key, value)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _forward

    def log_message(self, *_args: object) -> None:
        return None


@pytest.fixture
def forward_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """A forward proxy on loopback, named by HTTP_PROXY alone; what passed through it."""
    seen: list[tuple[str, str]] = []
    handler = type("Recording", (_Forwarding,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.server_address[1]}")
    try:
        yield seen
    finally:
        server.shutdown()
        server.server_close()


async def _token_and_metadata(sandbox_url: str) -> None:
    from plugin.transport.connection import open_backend

    settings = settings_for(sandbox_url)
    async with open_backend(settings, PARTS.adapter, PARTS.requested_scopes(settings)) as backend:
        await backend.session.tokens.get(backend.session.token_key)
        assert await PARTS.adapter.metadata(backend.api) is not None


async def test_token_requests_go_through_the_proxy_the_environment_names(
    sandbox_url: str, forward_proxy: list[tuple[str, str]]
) -> None:
    await _token_and_metadata(sandbox_url)
    assert ("POST", f"{sandbox_url}/oauth/token") in forward_proxy, forward_proxy
    assert any(m == "GET" and path.startswith(f"{sandbox_url}/v1/meta") for m, path in forward_proxy), forward_proxy


async def test_no_proxy_keeps_both_the_token_and_the_api_requests_direct(
    sandbox_url: str, forward_proxy: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    await _token_and_metadata(sandbox_url)
    assert forward_proxy == []
