"""Token cache behaviour that needs exact control of time: single flight, proactive refresh, invalidation.

The fetcher here is a stand-in for the token endpoint because these tests drive a fake clock;
the same properties are checked against the real sandbox in test_faults.py and bench/.
"""

from __future__ import annotations

import asyncio

import pytest

from plugin.transport.oauth import TokenCache, TokenKey

pytestmark = pytest.mark.anyio
KEY = TokenKey("http://clm/oauth/token", "client", ("read:contracts",), None)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingFetcher:
    def __init__(self, lifetime: float = 100.0, delay: float = 0.01) -> None:
        self.calls = 0
        self.lifetime = lifetime
        self.delay = delay

    async def fetch(self, scopes: tuple[str, ...]) -> tuple[str, float, frozenset[str]]:
        self.calls += 1
        await asyncio.sleep(self.delay)
        return f"token-{self.calls}", self.lifetime, frozenset(scopes)

    async def aclose(self) -> None:
        return None


async def test_concurrent_cold_callers_share_one_fetch() -> None:
    fetcher = CountingFetcher()
    cache = TokenCache(fetcher, clock=Clock())
    tokens = await asyncio.gather(*(cache.get(KEY) for _ in range(100)))
    assert fetcher.calls == 1 and {t.value for t in tokens} == {"token-1"}


async def test_refresh_happens_in_background_before_expiry() -> None:
    clock = Clock()
    fetcher = CountingFetcher(lifetime=100.0)
    cache = TokenCache(fetcher, refresh_margin=0.2, clock=clock)
    assert (await cache.get(KEY)).value == "token-1"
    clock.now += 85  # inside the last 20 % of the lifetime: still valid, refresh starts
    assert (await cache.get(KEY)).value == "token-1"  # the caller did not wait for the refresh
    await asyncio.sleep(0.05)
    assert (await cache.get(KEY)).value == "token-2" and fetcher.calls == 2


async def test_expired_token_is_never_served() -> None:
    clock = Clock()
    fetcher = CountingFetcher(lifetime=10.0)
    cache = TokenCache(fetcher, clock=clock)
    await cache.get(KEY)
    clock.now += 11
    assert (await cache.get(KEY)).value == "token-2"


async def test_invalidate_drops_only_the_token_that_failed() -> None:
    fetcher = CountingFetcher()
    cache = TokenCache(fetcher, clock=Clock())
    first = await cache.get(KEY)
    cache.invalidate(KEY, first.value)
    second = await cache.get(KEY)
    cache.invalidate(KEY, first.value)  # a late 401 for the old token must not drop the new one
    assert (await cache.get(KEY)).value == second.value == "token-2" and fetcher.calls == 2


async def test_caller_cancelled_does_not_cancel_the_shared_fetch() -> None:
    fetcher = CountingFetcher(delay=0.2)
    cache = TokenCache(fetcher, clock=Clock())
    waiter = asyncio.create_task(cache.get(KEY))
    await asyncio.sleep(0.05)
    waiter.cancel()
    assert (await cache.get(KEY)).value == "token-1" and fetcher.calls == 1
