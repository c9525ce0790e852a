"""The contracts search counts its total on the first page only, and recounts only when data changed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.app import create_app
from sandbox.corpus.models import Corpus
from sandbox.settings import DEMO_AS_OF, SandboxSettings
from sandbox.store import database
from sandbox.testing import serving
from tests.sandbox.helpers import Api
from tests.sandbox.test_sandbox_pagination import _insert_renamed


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every SQL statement the sandbox's connections run (SQLite's trace hook)."""
    seen: list[str] = []
    connect = database.Database._connect

    def traced(self: database.Database) -> sqlite3.Connection:
        conn = connect(self)
        conn.set_trace_callback(seen.append)
        return conn

    monkeypatch.setattr(database.Database, "_connect", traced)
    yield seen


def counts(statements: list[str], table: str = "contracts") -> int:
    return sum(1 for s in statements if "count(*)" in s and f"FROM {table}" in s)


@pytest.mark.parametrize(
    ("path", "params", "limit"),
    [
        ("/v1/contracts", {}, 7),
        ("/v1/contracts", {"status": "active"}, 7),
        ("/v1/contracts", {"q": "agreement"}, 7),
        ("/v1/contracts", {"q": '"governing law"'}, 7),
        ("/v1/obligations", {}, 3),
        ("/v1/obligations", {"status": "active", "category": ["payment", "delivery"]}, 3),
    ],
)
def test_a_walk_counts_once(
    statements: list[str], tmp_path: Path, path: str, params: dict[str, object], limit: int
) -> None:
    app = create_app(SandboxSettings(contracts=60, seed=3, as_of=DEMO_AS_OF, db=tmp_path / "clm.db"))
    with serving(app) as url:
        api = Api(url)
        api.token()
        statements.clear()
        rows = api.walk(path, params, limit=limit)  # walk() checks every page's total
        api.close()
    assert len(rows) > 2 * limit, "several pages"
    table = path.removeprefix("/v1/")
    assert counts(statements, table) == 1, [s for s in statements if "count(*)" in s]


def test_total_is_recounted_when_contracts_are_added(statements: list[str], tmp_path: Path) -> None:
    db = tmp_path / "clm.db"
    app = create_app(SandboxSettings(contracts=60, seed=3, as_of=DEMO_AS_OF, db=db))
    with serving(app) as url:
        api = Api(url)
        first = api.ok("/v1/contracts", {"limit": 10})
        assert first["total"] == 60
        second = api.ok("/v1/contracts", {"limit": 10, "cursor": first["next_cursor"]})
        assert second["total"] == 60 and counts(statements) == 1
        _insert_renamed(db, Corpus(contracts=5, seed=4, as_of=DEMO_AS_OF))
        third = api.ok("/v1/contracts", {"limit": 10, "cursor": second["next_cursor"]})
        assert third["total"] == 65 and counts(statements) == 2
        api.close()
