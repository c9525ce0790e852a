"""The report store on a real Redis: the caps hold across stores (replicas), and a report expires with its TTL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from plugin.config.shared import async_client
from plugin.config.state import KeyRing
from plugin.toolkit.reports import RedisReports, ReportStore

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
