"""One "replica" for the shared-state tests: a separate process that uses the Redis-backed stores.

    python -m tests.state.worker ACTION STATE_URL [ARG...]

It waits until the epoch time in `START_AT` (so two workers race for real), does one thing, and
prints one JSON line on stdout (this is a test helper, not the MCP server).

Actions:
- keyring: open the installation key ring; print a fingerprint of its keys and the current key id.
- put-report TITLE / get-report ID: store a CSV report / read one back.
- issue / verify TOKEN: a confirmation token for the fixed write below / check one.
- tokens TOKEN_URL N: N concurrent token-cache gets against the sandbox; print this process's fetches.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sys
import time
from typing import Any

from plugin.config.shared import async_client, namespace
from plugin.config.state import KeyRing
from plugin.toolkit.confirmations import Confirmations
from plugin.toolkit.errors import ConfirmationRequired
from plugin.toolkit.reports import RedisReports, ReportStore
from plugin.transport.oauth import ClientCredentialsFetcher, TokenCache, TokenKey
from plugin.transport.shared_tokens import RedisTokens
from tests.plugin_parts import PARTS

IDENTITY = PARTS.identity
WRITE = {"contract_id": "ctr_000001", "note": "Renewal notice sent", "acting_user": "alice@example.com"}


def _wait_for_start() -> None:
    start = float(os.environ.get("START_AT", "0"))
    while time.time() < start:
        time.sleep(0.001)


def fingerprint(ring: KeyRing) -> str:
    material = ring.installation_key("fingerprint") + (ring.signing_key("fingerprint") or b"")
    return hashlib.sha256(material).hexdigest()[:16]


async def _reports(url: str, action: str, arg: str) -> dict[str, Any]:
    client = async_client(url)
    try:
        store = ReportStore(IDENTITY.report_scheme, RedisReports(client, namespace(IDENTITY.name)), _ring(url))
        if action == "put-report":
            uri = await store.put_csv(["key", "contracts"], [["Acme", 3], ["=cmd", 1]], title=arg)
            return {"uri": uri, "pid": os.getpid()}
        return {"text": await store.get(arg), "live": [r.report_id for r in await store.live()]}
    finally:
        await client.aclose()


async def _tokens(url: str, token_url: str, callers: int) -> dict[str, Any]:
    import httpx2

    client = async_client(url)
    ring = _ring(url)
    fetcher = ClientCredentialsFetcher(
        token_url=token_url,
        client_id="demo-client",
        client_secret="demo-secret",
        auth_method="client_secret_basic",
        timeout=httpx2.Timeout(10.0),
    )
    shared = RedisTokens(client, namespace(IDENTITY.name), ring.installation_key("shared-token-cache"))
    cache = TokenCache(fetcher, shared=shared)
    key = TokenKey(token_url, "demo-client", ("read:contracts",), None)
    try:
        _wait_for_start()
        tokens = await asyncio.gather(*(cache.get(key) for _ in range(callers)))
        digests = sorted({hashlib.sha256(t.value.encode()).hexdigest()[:12] for t in tokens})
        return {"requests": cache.requests, "adopted": shared.adopted, "tokens": digests}
    finally:
        await cache.aclose()
        await client.aclose()


def _ring(url: str) -> KeyRing:
    return KeyRing.for_identity(IDENTITY, url)


def main(argv: list[str]) -> dict[str, Any]:
    action, url, *args = argv
    if action == "keyring":
        _wait_for_start()
        ring = _ring(url)
        return {"fingerprint": fingerprint(ring), "current": ring.current_id}
    if action in {"put-report", "get-report"}:
        return asyncio.run(_reports(url, action, args[0]))
    if action == "issue":
        token, _expires = Confirmations(_ring(url)).issue(WRITE)
        return {"token": token}
    if action == "verify":
        try:
            Confirmations(_ring(url)).verify(args[0], WRITE)
        except ConfirmationRequired as exc:
            return {"ok": False, "why": str(exc)}
        return {"ok": True}
    if action == "tokens":
        return asyncio.run(_tokens(url, args[0], int(args[1])))
    raise SystemExit(f"unknown action {action}")


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main(sys.argv[1:])) + "\n")
