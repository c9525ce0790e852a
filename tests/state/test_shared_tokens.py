"""Two token caches (two replicas) on one real Redis: refresh ahead once between them, a refused token never reused.

The fetcher is a counting stand-in (the lifetimes here are seconds long); the cross-process count at the
real sandbox is in test_shared_state.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from plugin.config.shared import async_client
from plugin.transport.oauth import TokenCache, TokenKey
from plugin.transport.shared_tokens import RedisTokens

pytestmark = pytest.mark.anyio
KEY = TokenKey("http://clm/oauth/token", "client", ("read:contracts",), None)
SECRET = b"k" * 32


class CountingFetcher:
    def __init__(self, lifetime: float) -> None:
        self.calls = 0
        self.lifetime = lifetime

    async def fetch(self, scopes: tuple[str, ...]) -> tuple[str, float, frozenset[str]]:
        self.calls += 1
        await asyncio.sleep(0.05)
        return f"token-{self.calls}-{'x' * 8}", self.lifetime, frozenset(scopes)

    async def aclose(self) -> None:
        return None


@pytest.fixture
async def replicas(redis_url: str) -> AsyncIterator[tuple[CountingFetcher, TokenCache, TokenCache]]:
    fetcher = CountingFetcher(lifetime=8.0)  # one endpoint, counted once whoever calls it
    clients = [async_client(redis_url), async_client(redis_url)]
    caches = [TokenCache(fetcher, refresh_margin=0.5, shared=RedisTokens(c, "test:", SECRET)) for c in clients]
    yield fetcher, caches[0], caches[1]
    for client in clients:
        await client.aclose()


async def test_replicas_refresh_ahead_once_between_them(
    replicas: tuple[CountingFetcher, TokenCache, TokenCache],
) -> None:
    fetcher, a, b = replicas
    first = await asyncio.gather(*(cache.get(KEY) for cache in (a, b) for _ in range(20)))
    assert fetcher.calls == 1 and len({t.value for t in first}) == 1
    await asyncio.sleep(4.5)  # inside the last half of the 8 s lifetime (3.5 s left): both replicas refresh ahead
    during = await asyncio.gather(a.get(KEY), b.get(KEY))
    assert {t.value for t in during} == {first[0].value}  # nobody waited: the old token is still valid
    for _ in range(60):  # the background refreshes finish (a loaded machine may take a while)
        after = await asyncio.gather(a.get(KEY), b.get(KEY))
        if all(t.value != first[0].value for t in after):
            break
        await asyncio.sleep(0.05)
    assert fetcher.calls == 2 and len({t.value for t in after}) == 1 and after[0].value != first[0].value


async def test_a_refused_token_is_replaced_once_and_never_served_again(
    replicas: tuple[CountingFetcher, TokenCache, TokenCache],
) -> None:
    fetcher, a, b = replicas
    old = await a.get(KEY)
    assert (await b.get(KEY)).value == old.value and fetcher.calls == 1
    a.invalidate(KEY, old.value)  # both replicas saw a 401 for it
    b.invalidate(KEY, old.value)
    new = await asyncio.gather(a.get(KEY), b.get(KEY))
    assert fetcher.calls == 2 and {t.value for t in new} == {new[0].value} and new[0].value != old.value


async def test_tokens_are_encrypted_in_redis(redis_url: str) -> None:
    client = async_client(redis_url)
    try:
        cache = TokenCache(CountingFetcher(lifetime=60.0), shared=RedisTokens(client, "test:", SECRET))
        token = await cache.get(KEY)
        keys = [bytes(k) for k in await client.keys("test:*")]
        assert len(keys) == 1 and b"client" not in keys[0]  # the key name does not say whose token it is
        stored = bytes(await client.get(keys[0]))
        assert token.value.encode() not in stored and b"read:contracts" not in stored
        elsewhere = CountingFetcher(lifetime=60.0)
        other = TokenCache(elsewhere, shared=RedisTokens(client, "test:", b"o" * 32))
        await other.get(KEY)
        assert elsewhere.calls == 1  # another installation's key ring finds nothing to reuse: it fetches its own
    finally:
        await client.aclose()
