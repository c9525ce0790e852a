"""On a real Redis: the report store's caps hold across stores (replicas), a report expires with its TTL, and a
replica's key ring keeps verifying while Redis is away."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from plugin.config.shared import async_client
from plugin.config.state import RELOAD_INTERVAL, KeyRing, RedisKeyRingStore
from plugin.toolkit.reports import RedisReports, ReportStore
from tests.os_services import redis_server

pytestmark = pytest.mark.anyio


async def test_caps_hold_across_replicas_and_reports_expire(redis_url: str, tmp_path: Path) -> None:
    keys = KeyRing(tmp_path / "ring.json")
    one, two = async_client(redis_url), async_client(redis_url)
    try:
        a = ReportStore("clm-test", RedisReports(one, "t:"), keys, max_reports=2)
        b = ReportStore("clm-test", RedisReports(two, "t:"), keys, max_reports=2)
        first = (await a.put_csv(["k"], [[1]], title="first")).rsplit("/", 1)[1]
        await asyncio.sleep(0.01)
        second = (await b.put_csv(["k"], [[2]], title="second")).rsplit("/", 1)[1]
        await asyncio.sleep(0.01)
        third = (await a.put_csv(["k"], [[3]], title="third")).rsplit("/", 1)[1]
        assert [r.report_id for r in await b.live()] == [third, second]  # newest first; the oldest dropped
        assert await b.get(first) is None and await b.get(second) == "k\r\n2\r\n"
        assert not await one.exists(f"t:report:{first}")  # dropped from Redis, not only from the index

        short = ReportStore("clm-test", RedisReports(one, "t:"), keys, ttl=1.0)
        brief = (await short.put_csv(["k"], [[4]])).rsplit("/", 1)[1]
        assert 0 < await one.pttl(f"t:report:{brief}") <= 1000  # Redis drops it by itself when it expires
        await asyncio.sleep(1.2)
        assert await short.get(brief) is None and not await one.exists(f"t:report:{brief}")
    finally:
        await one.aclose()
        await two.aclose()


def test_a_ring_in_redis_keeps_verifying_when_redis_goes_away() -> None:
    with redis_server() as server:
        ring = KeyRing(RedisKeyRingStore(server.url, "t:"))
        current = ring.signing_key("p")
        server.stop()  # Redis is gone; the replica still holds its ring
        time.sleep(RELOAD_INTERVAL + 0.1)
        assert ring.signing_key("p", "k00000000") is None  # an unknown id: looked up, not found, no exception
        assert ring.signing_key("p", ring.current_id) == current
