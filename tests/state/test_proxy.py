"""The nginx the replica tests put in front of the replicas: round robin without stickiness, and failover.

Two tiny HTTP servers stand in for replicas here (the real ones are in tests/replicas/), so the proxy's
own behaviour is checked on its own: alternate answers, and a dead upstream's requests (POSTs too)
answered by the other.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import httpx2
import pytest

from tests.os_services import nginx_proxy


class _Named(http.server.BaseHTTPRequestHandler):
    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        body = str(self.server.server_address[1]).encode()
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *_: object) -> None:
        return None


@pytest.fixture
def upstreams() -> Iterator[list[http.server.ThreadingHTTPServer]]:
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Named) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield servers
    for server in servers:
        server.shutdown()
        server.server_close()


def test_round_robin_without_stickiness_and_failover(upstreams: list[http.server.ThreadingHTTPServer]) -> None:
    ports = [str(server.server_address[1]) for server in upstreams]
    with nginx_proxy([f"127.0.0.1:{port}" for port in ports]) as proxy, httpx2.Client(base_url=proxy.url) as http:
        answers = [http.post("/mcp", content=b"{}").text for _ in range(10)]
        assert sorted(set(answers)) == sorted(ports) and answers.count(ports[0]) == 5  # one client, both replicas
        upstreams[0].shutdown()
        upstreams[0].server_close()  # the first replica is gone: connection refused
        after = [http.post("/mcp", content=b"{}") for _ in range(6)]
        assert [r.status_code for r in after] == [200] * 6 and {r.text for r in after} == {ports[1]}
        survivor = f"127.0.0.1:{ports[1]}"
        assert proxy.upstream_counts(until=lambda counts: counts.get(survivor, 0) >= 11).get(survivor, 0) >= 11
