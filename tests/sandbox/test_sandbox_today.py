"""The demo is dated today (not frozen), cached per business date; the request log is for tests only."""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from pathlib import Path

from sandbox.app import create_app
from sandbox.corpus.models import Corpus
from sandbox.settings import DEMO_AS_OF, MEMORY_DB, SandboxSettings
from sandbox.store import cache
from sandbox.store.database import cached_corpus
from sandbox.testing import running_sandbox, serving
from sandbox.web.state import SandboxState
from tests.sandbox.helpers import Api


def test_default_business_date_is_today_and_deadlines_sit_ahead_of_it(tmp_path: Path) -> None:
    settings = SandboxSettings(contracts=60, seed=3, cache_dir=tmp_path)
    with running_sandbox(settings) as url:
        api = Api(url)
        meta = api.ok("/v1/meta")
        today = date.today()
        assert meta["as_of"] == today.isoformat()
        for days in (30, 60, 90):
            day = (today + timedelta(days=days)).isoformat()
            rows = api.walk("/v1/contracts", {"renewal_notice_after": day, "renewal_notice_before": day})
            assert rows, f"a planted notice deadline {days} days after today"
        api.close()


def test_explicit_as_of_still_wins(tmp_path: Path) -> None:
    with running_sandbox(SandboxSettings(contracts=40, as_of=DEMO_AS_OF, cache_dir=tmp_path)) as url:
        api = Api(url)
        assert api.ok("/v1/meta")["as_of"] == "2026-11-24"
        api.close()


def test_cached_builds_are_keyed_by_business_date(tmp_path: Path) -> None:
    today = date.today()
    first = cached_corpus(Corpus(contracts=30, seed=1, as_of=today), tmp_path)
    built_at = first.stat().st_mtime_ns
    again = cached_corpus(Corpus(contracts=30, seed=1, as_of=today), tmp_path)
    assert again == first and again.stat().st_mtime_ns == built_at, "same day: the same database, not rebuilt"
    tomorrow = cached_corpus(Corpus(contracts=30, seed=1, as_of=today + timedelta(days=1)), tmp_path)
    assert tomorrow != first and tomorrow.exists() and first.exists()


def test_builds_of_other_days_are_pruned_after_a_week(tmp_path: Path) -> None:
    today = date.today()
    old = cached_corpus(Corpus(contracts=30, seed=1, as_of=today - timedelta(days=10)), tmp_path)
    recent = cached_corpus(Corpus(contracts=30, seed=1, as_of=today - timedelta(days=1)), tmp_path)
    week_ago = old.stat().st_mtime - cache.OLD_DAY_SECONDS - 60
    os.utime(old, (week_ago, week_ago))
    current = cached_corpus(Corpus(contracts=30, seed=1, as_of=today), tmp_path)
    assert current.exists() and recent.exists(), "yesterday's build may still be in use"
    assert not old.exists(), "a build untouched for a week is removed"


def _served_state(settings: SandboxSettings, calls: int) -> SandboxState:
    app = create_app(settings)
    with serving(app) as url:
        api = Api(url)
        for _ in range(calls):
            api.ok("/v1/contracts", {"limit": 1})
        api.close()
    state = app.state.sandbox
    assert isinstance(state, SandboxState)
    return state


def test_no_request_log_without_the_test_endpoints() -> None:
    state = _served_state(SandboxSettings(contracts=40, as_of=DEMO_AS_OF, db=MEMORY_DB), calls=25)
    assert not state.observer.keeps_log
    assert state.observer.requests_since(0) == [], "nothing is kept that nobody can read"
    counted = state.observer.report().requests_by_endpoint
    assert counted["GET /v1/contracts"] == 25 and counted["POST /oauth/token"] == 1, "counters stay"


def test_request_log_with_the_test_endpoints() -> None:
    settings = SandboxSettings(contracts=40, as_of=DEMO_AS_OF, db=MEMORY_DB, test_endpoints=True)
    state = _served_state(settings, calls=5)
    records = state.observer.requests_since(0)
    assert [r.endpoint for r in records].count("GET /v1/contracts") == 5


def test_builds_of_another_code_version_are_kept_until_untouched_for_a_week(tmp_path: Path) -> None:
    """Two versions in use on one machine (two installations; a checkout and its benchmark baseline) must not
    delete each other's build on every start and rebuild their own each time."""
    corpus = Corpus(contracts=30, seed=1, as_of=date.today())
    current = cached_corpus(corpus, tmp_path)
    other = current.with_name(f"{cache.corpus_stem(corpus)}-{'0' * 16}.db")  # what another version names it
    other_wal = other.with_name(other.name + "-wal")
    for path in (other, other_wal):
        path.write_bytes(b"")
    current.unlink()  # this version builds again: the other version's build is recent, so it stays
    rebuilt = cached_corpus(corpus, tmp_path)
    assert rebuilt.exists() and other.exists() and other_wal.exists()
    week_ago = time.time() - cache.OLD_DAY_SECONDS - 60
    os.utime(other, (week_ago, week_ago))
    rebuilt.unlink()
    cached_corpus(corpus, tmp_path)
    assert not other.exists() and not other_wal.exists(), "untouched for a week: removed, WAL files with it"
