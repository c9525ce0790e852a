"""Two `serve` replicas on one Redis behind nginx (round robin, no sticky sessions), against the real sandbox.

- A confirmation token issued by replica A is accepted by replica B, and the write happens exactly
  once: confirming again (through either replica) returns the note already written.
- A preview answered by a replica that is then SIGKILLed is confirmed through the proxy (so by the
  survivor): exactly one write, none lost.
- Calls through the proxy reach both replicas, and a user's CLM token is exchanged once between them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from sandbox.testing import token_exchanges, visible_contracts_of
from tests.replica_set import Deployment, McpHttp, text_of

pytestmark = pytest.mark.anyio
ANNOTATE = "clm__annotate_contract"


@pytest.fixture(scope="module")
def deployed() -> Iterator[Deployment]:
    with Deployment(replicas=2) as running:
        yield running


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def notes_with(deployed: Deployment, contract_id: str, body: str) -> int:
    """How many annotations with exactly this body the CLM holds (read with the client's own token: sees all)."""
    token = httpx2.post(
        f"{deployed.clm}/oauth/token", data={"grant_type": "client_credentials"}, auth=("demo-client", "demo-secret")
    ).json()["access_token"]
    found, cursor = 0, None
    with httpx2.Client(base_url=deployed.clm, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
        while True:
            params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            page = http.get(f"/v1/contracts/{contract_id}/annotations", params=params).json()
            found += sum(1 for note in page["data"] if note.get("body") == body)
            cursor = page.get("next_cursor")
            if not cursor:
                return found


def a_contract_of(deployed: Deployment, user: str) -> str:
    return sorted(visible_contracts_of(deployed.clm)[user])[0]


async def preview(session: McpHttp, contract_id: str, body: str) -> str:
    result = await session.call(ANNOTATE, {"contract_id": contract_id, "body": body})
    assert not result.get("isError"), text_of(result)
    token = result["structuredContent"]["confirmation_token"]
    assert isinstance(token, str) and token
    return token


async def confirm(session: McpHttp, contract_id: str, body: str, token: str) -> dict[str, Any]:
    result = await session.call(ANNOTATE, {"contract_id": contract_id, "body": body, "confirmation_token": token})
    assert not result.get("isError"), text_of(result)
    return result


async def test_preview_on_one_replica_confirmed_on_the_other_writes_exactly_once(deployed: Deployment) -> None:
    contract_id = a_contract_of(deployed, "alice")
    body = f"Replica write {uuid.uuid4().hex[:8]}"
    token = deployed.token("alice")
    a, b = deployed.replicas
    async with httpx2.AsyncClient(timeout=60) as http:
        on_a, on_b = McpHttp(http, a.url, token), McpHttp(http, b.url, token)
        await on_a.initialize()
        await on_b.initialize()
        confirmation = await preview(on_a, contract_id, body)
        assert notes_with(deployed, contract_id, body) == 0  # a preview writes nothing
        first = await confirm(on_b, contract_id, body, confirmation)
        again = await confirm(on_a, contract_id, body, confirmation)  # a retry through the other replica
    assert notes_with(deployed, contract_id, body) == 1
    assert first["structuredContent"].get("annotation_id") == again["structuredContent"].get("annotation_id")


async def test_calls_through_the_proxy_reach_both_replicas_and_exchange_once_per_user(deployed: Deployment) -> None:
    httpx2.post(f"{deployed.clm}/_sandbox/reset").raise_for_status()
    token = deployed.token("bob")
    async with httpx2.AsyncClient(timeout=60) as http:
        session = McpHttp(http, deployed.url, token)
        await session.initialize()
        for _ in range(6):
            result = await session.call("clm__search_contracts", {"limit": 3})
            assert not result.get("isError"), text_of(result)
    assert deployed.nginx is not None
    addresses = [f"127.0.0.1:{replica.port}" for replica in deployed.replicas]
    served = deployed.nginx.upstream_counts(until=lambda counts: all(counts.get(a, 0) >= 2 for a in addresses))
    assert all(served.get(address, 0) >= 2 for address in addresses), served
    assert token_exchanges(deployed.clm).get("bob", 0) == 1, token_exchanges(deployed.clm)


async def test_a_replica_killed_after_the_preview_loses_no_write(deployed: Deployment) -> None:
    contract_id = a_contract_of(deployed, "carol")
    body = f"Failover write {uuid.uuid4().hex[:8]}"
    token = deployed.token("carol")
    a = deployed.replicas[0]
    async with httpx2.AsyncClient(timeout=60) as http:
        on_a = McpHttp(http, a.url, token)
        await on_a.initialize()
        confirmation = await preview(on_a, contract_id, body)
        deployed.kill(0)  # SIGKILL by PID: replica A is gone with whatever it held in memory
        through_proxy = McpHttp(http, deployed.url, token)
        await through_proxy.initialize()
        await confirm(through_proxy, contract_id, body, confirmation)
        await confirm(through_proxy, contract_id, body, confirmation)
    assert notes_with(deployed, contract_id, body) == 1
    a.start()  # back for whatever runs after
    a.wait_healthy()
