"""One report store, several owners (remote mode): each view lists and reads its own reports only, and one
owner's reports are never pruned as if they were forged because another owner's view cannot check them."""

from __future__ import annotations

import asyncio
from pathlib import Path

from plugin.config.state import KeyRing
from plugin.toolkit.reports import ReportStore


def test_each_owner_sees_only_their_reports_and_pruning_keeps_the_others(tmp_path: Path) -> None:
    async def run() -> None:
        store = ReportStore("clm-test", tmp_path / "reports", KeyRing(tmp_path / "ring.json"), max_reports=3)
        alice, bob, local = store.owned_by('["iss","alice"]'), store.owned_by('["iss","bob"]'), store.owned_by(None)
        a = await alice.put_csv(["k"], [["a"]], title="alice's")
        b = await bob.put_csv(["k"], [["b"]], title="bob's")
        mine = await local.put_csv(["k"], [["l"]], title="stdio")
        ids = {uri: uri.rsplit("/", 1)[-1] for uri in (a, b, mine)}
        assert [r.uri for r in await alice.live()] == [a]
        assert [r.uri for r in await bob.live()] == [b]
        assert [r.uri for r in await local.live()] == [mine]
        assert await bob.get(ids[a]) is None and await local.get(ids[a]) is None and await alice.get(ids[b]) is None
        assert await alice.get(ids[a]) == "k\r\na\r\n"
        # A fourth report drops the oldest of all (alice's), whoever made the new one.
        await bob.put_csv(["k"], [["b2"]], title="bob's second")
        assert await alice.live() == [] and len(await bob.live()) == 2 and [r.uri for r in await local.live()] == [mine]

    asyncio.run(run())
