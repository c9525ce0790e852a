"""Start-up of a serving process: the cyclic garbage collector is off while the server is built, then on again
with what start-up made frozen out of its view (the saving is measured in bench/cold_start.py)."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
from collections.abc import Iterator

import pytest

from plugin.bootstrap import collect_from_now_on, collector_paused
from plugin.cli.commands import run
from plugin.config.identity import IdentityError
from plugin.server.parts import PluginParts


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.enable()


@pytest.mark.parametrize(("argv", "collecting"), [([], False), (["serve"], False), (["doctor"], True)])
def test_a_serving_start_builds_without_the_collector(argv: list[str], collecting: bool) -> None:
    seen: list[bool] = []

    def parts() -> PluginParts:
        seen.append(gc.isenabled())
        raise IdentityError("stop here: the parts are where start-up begins")

    assert run(argv, parts) == 2
    assert seen == [collecting]


def test_collecting_resumes_with_start_up_frozen() -> None:
    gc.disable()
    collect_from_now_on()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 10_000  # everything imported so far, not a handful of objects


class _PreparingAdapter:
    """The fake's adapter with the optional `prepare`, counting its calls."""

    def __init__(self, inner: object) -> None:
        self._inner = inner
        self.prepared = 0

    def prepare(self) -> None:
        self.prepared += 1

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


async def _warmed_up(parts: PluginParts, url: str) -> list[str]:
    """Build the server for `parts`, run its warm-up to the end and close it; the names of the tools it serves."""
    from plugin.server.assembly import build_server
    from tests.template.helpers import fake_settings

    _server, runtime = build_server(parts, fake_settings(url))
    try:
        runtime.start_warm_up()
        assert runtime._warm_up is not None
        await asyncio.wait_for(runtime._warm_up, timeout=60)
    finally:
        await runtime.aclose()
    return [spec.name for spec in runtime.specs]


@pytest.mark.anyio
async def test_the_warm_up_prepares_this_process_share_of_the_first_call(fake_root: PluginParts, fake_url: str) -> None:
    from plugin.toolkit import untrusted

    adapter = _PreparingAdapter(fake_root.adapter)
    untrusted._confusables.cache_clear()
    await _warmed_up(dataclasses.replace(fake_root, adapter=adapter), fake_url)  # type: ignore[arg-type]
    assert adapter.prepared == 1
    assert untrusted._confusables.cache_info().currsize == 1  # the table the first non-ASCII text needs


class _FailingPreparation(_PreparingAdapter):
    def prepare(self) -> None:
        super().prepare()
        raise RuntimeError("the adapter's head start fails")


@pytest.mark.anyio
async def test_a_failing_preparation_does_not_stop_the_others(fake_root: PluginParts, fake_url: str) -> None:
    prepared: list[str] = []
    adapter = _FailingPreparation(fake_root.adapter)
    tools = [
        dataclasses.replace(spec, prepare=lambda name=spec.name: prepared.append(name)) for spec in fake_root.tools
    ]
    served = await _warmed_up(dataclasses.replace(fake_root, adapter=adapter, tools=tools), fake_url)  # type: ignore[arg-type]
    assert adapter.prepared == 1
    assert prepared == served  # every tool's, after the adapter's failed


def test_a_paused_collector_resumes_only_if_it_was_on() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()  # start-up's pause is not ended by a build inside it


class _SlowChild:
    """A demo child process that is still building: `wait_ready` blocks until released."""

    pid = 0
    failure = None

    def __init__(self) -> None:
        import threading

        self.released = threading.Event()

    def wait_ready(self) -> int | None:
        self.released.wait(30)
        return None  # then it "failed": the in-process build serves

    def transport(self, limits: object) -> object:
        import httpx2

        return httpx2.MockTransport(lambda request: httpx2.Response(503))

    def close(self) -> None:
        self.released.set()


@pytest.mark.anyio
async def test_at_initialized_a_child_is_awaited_but_the_cpu_bound_warm_up_waits(
    fake_root: PluginParts, fake_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Right after `initialized` the client lists the tools: importing the token client then (~70 ms on the GIL)
    delayed that answer. Waiting for the child costs nothing, so only that starts at once."""
    import plugin.server.pipeline as pipeline
    from plugin.server.assembly import build_server
    from tests.template.helpers import fake_settings

    preloads: list[str] = []
    monkeypatch.setattr(pipeline, "preload_token_client", lambda: preloads.append("token client"))
    _server, runtime = build_server(fake_root, fake_settings(fake_url))
    child = _SlowChild()
    runtime.embedded_process = child  # type: ignore[assignment]
    try:
        runtime.start_warm_up_soon()
        await asyncio.sleep(0.1)
        assert runtime._connecting is not None and runtime._warm_up is None
        assert preloads == []
        runtime.start_warm_up()  # what the first tools/list answer (or the delay) triggers
        await asyncio.sleep(0.1)
        assert preloads == ["token client"]
    finally:
        child.close()
        await runtime.aclose()
