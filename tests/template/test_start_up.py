"""Start-up of a serving process: the cyclic garbage collector is off while the server is built, then on again
with what start-up made frozen out of its view (the saving is measured in bench/cold_start.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from plugin.cli.commands import collect_from_now_on, run
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
