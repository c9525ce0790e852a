"""The aggregation rollup stays exact after writes: after inserts, updates and deletes of contracts, every
aggregation the rollup serves equals a GROUP BY over the contracts themselves (and the rollup's own rows do)."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox.api_models import ContractStatus, GroupBy
from sandbox.corpus.generate import generate_records, render_contract
from sandbox.corpus.models import Corpus
from sandbox.settings import DEMO_AS_OF
from sandbox.store.access import EVERYTHING, ContractView
from sandbox.store.aggregate import aggregate_contracts
from sandbox.store.build import append_contracts
from sandbox.store.contracts import ContractFilters
from sandbox.store.database import cached_corpus, copy_database
from sandbox.store.schema import ROLLUPS

COLUMNS = {"type": "type", "status": "status", "counterparty": "counterparty_id", "currency": "currency"}


@pytest.fixture
def written(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A corpus database after inserts, updates (status, currency, values, counterparty) and deletes."""
    db = tmp_path / "clm.db"
    copy_database(cached_corpus(Corpus(contracts=120, seed=11, as_of=DEMO_AS_OF)), db)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.row_factory = sqlite3.Row
    records = generate_records(Corpus(contracts=40, seed=12, as_of=DEMO_AS_OF))
    added = [
        render_contract(records, r).model_copy(
            update={"record": r.model_copy(update={"id": f"new_{r.id}", "number": f"NEW-{r.number}"})}
        )
        for r in records.contracts
    ]
    names = dict(conn.execute("SELECT id, name FROM counterparties").fetchall())
    missing = {g.record.counterparty_id for g in added} - set(names)
    for cp in records.counterparties:
        if cp.id in missing:
            conn.execute("INSERT INTO counterparties VALUES (?, ?, ?, ?)", (cp.id, cp.name, cp.name.lower(), "US"))
            names[cp.id] = cp.name
    append_contracts(conn, added, names)
    other = conn.execute("SELECT id FROM counterparties ORDER BY id DESC LIMIT 1").fetchone()[0]
    conn.execute("UPDATE contracts SET status = 'terminated' WHERE seq % 7 = 0")
    conn.execute("UPDATE contracts SET currency = NULL, total_value = NULL WHERE seq % 11 = 0")
    conn.execute("UPDATE contracts SET annual_value = annual_value * 2 + 1, currency = 'CHF' WHERE seq % 13 = 0")
    conn.execute("UPDATE contracts SET counterparty_id = ?, type = 'NDA' WHERE seq % 17 = 0", (other,))
    conn.execute("DELETE FROM contracts WHERE seq % 19 = 0")
    yield conn
    conn.close()


def direct(conn: sqlite3.Connection, column: str, where: str = "1", params: tuple[Any, ...] = ()) -> dict[Any, Any]:
    """Per group: count and per-currency (sum, count) of both values, straight from the contracts."""
    groups: dict[Any, Any] = defaultdict(lambda: {"count": 0, "total": {}, "annual": {}})
    for row in conn.execute(
        f"SELECT {column} AS k, currency, count(*), sum(total_value), count(total_value), sum(annual_value),"
        f" count(annual_value) FROM contracts WHERE {where} GROUP BY k, currency",
        params,
    ):
        group = groups[row[0]]
        group["count"] += row[2]
        if row[1] is not None:
            if row[4]:
                group["total"][row[1]] = (pytest.approx(row[3], abs=0.01), row[4])
            if row[6]:
                group["annual"][row[1]] = (pytest.approx(row[5], abs=0.01), row[6])
    return dict(groups)


def served(conn: sqlite3.Connection, group_by: GroupBy, filters: ContractFilters, view: ContractView) -> dict[Any, Any]:
    conn.execute("BEGIN")
    try:
        result = aggregate_contracts(conn, filters, group_by, None, view=view)
    finally:
        conn.execute("COMMIT")
    return {
        g.key: {
            "count": g.count,
            "total": {m.currency: (m.amount, m.contracts) for m in g.total_value},
            "annual": {m.currency: (m.amount, m.contracts) for m in g.annual_value},
        }
        for g in result.groups
    }


@pytest.mark.parametrize("table", sorted(ROLLUPS))
def test_the_rollup_rows_equal_a_group_by_after_writes(written: sqlite3.Connection, table: str) -> None:
    key = ROLLUPS[table]
    width = len(key)
    rollup = {tuple(row[:width]): tuple(row[width:]) for row in written.execute(f"SELECT * FROM {table}").fetchall()}
    grouped = ", ".join("coalesce(currency, '')" if c == "currency" else c for c in key)
    truth = {
        tuple(row[:width]): tuple(row[width:])
        for row in written.execute(
            f"SELECT {grouped}, count(*), coalesce(sum(total_value), 0), count(total_value),"
            f" coalesce(sum(annual_value), 0), count(annual_value) FROM contracts GROUP BY {grouped}"
        ).fetchall()
    }
    assert rollup.keys() == truth.keys()  # a combination no contract has any more is gone
    for group, (n, tv, tvn, av, avn) in truth.items():
        assert rollup[group] == (n, pytest.approx(tv, abs=0.01), tvn, pytest.approx(av, abs=0.01), avn), group


@pytest.mark.parametrize("group_by", ["type", "status", "counterparty", "currency"])
def test_every_rollup_aggregation_equals_the_contracts_after_writes(written: sqlite3.Connection, group_by: str) -> None:
    column = COLUMNS[group_by]
    assert served(written, GroupBy(group_by), ContractFilters(), EVERYTHING) == direct(written, column)
    filters = ContractFilters(status=[ContractStatus.ACTIVE, ContractStatus.TERMINATED], auto_renew=True)
    assert served(written, GroupBy(group_by), filters, EVERYTHING) == direct(
        written, column, "status IN ('active', 'terminated') AND auto_renew = 1"
    )
    entity = written.execute("SELECT our_entity FROM contracts LIMIT 1").fetchone()[0]
    view = ContractView("user:test", our_entities=(entity,))
    assert served(written, GroupBy(group_by), ContractFilters(currency=["usd", "chf"]), view) == direct(
        written, column, "our_entity = ? AND currency IN ('USD', 'CHF')", (entity,)
    )
    ids = [r[0] for r in written.execute("SELECT DISTINCT counterparty_id FROM contracts ORDER BY 1 LIMIT 5")]
    country = written.execute("SELECT country FROM counterparties WHERE id = ?", (ids[0],)).fetchone()[0]
    by_country = ContractView("user:country", counterparty_countries=(country,))
    marks = ", ".join("?" * len(ids))
    assert served(written, GroupBy(group_by), ContractFilters(counterparty_id=ids), by_country) == direct(
        written,
        column,
        f"counterparty_id IN ({marks}) AND counterparty_id IN (SELECT id FROM counterparties WHERE country = ?)",
        (*ids, country),
    )
