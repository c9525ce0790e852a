"""Acceptance 1: every contract is reached by following next_cursor, once, in a stable order."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sandbox.api_models import SortKey
from sandbox.corpus.generate import generate_records, render_contract
from sandbox.corpus.models import Corpus
from sandbox.settings import SandboxSettings
from sandbox.store.build import append_contracts
from sandbox.testing import running_sandbox
from tests.sandbox.helpers import CORPUS, Api

SORT_FIELD = {
    SortKey.NUMBER: "number",
    SortKey.EFFECTIVE: "effective_date",
    SortKey.EXPIRATION: "expiration_date",
    SortKey.RENEWAL_NOTICE: "renewal_notice_date",
    SortKey.VALUE_DESC: "total_value",
    SortKey.UPDATED_DESC: "updated_at",
}


def test_walk_reaches_every_contract_once_in_a_stable_order(api: Api) -> None:
    first = api.walk("/v1/contracts")
    ids = [row["id"] for row in first]
    assert len(ids) == CORPUS and len(set(ids)) == CORPUS
    assert [row["id"] for row in api.walk("/v1/contracts")] == ids
    assert [row["id"] for row in api.walk("/v1/contracts", limit=100)] == ids  # page size does not matter


@pytest.mark.parametrize("sort", list(SortKey))
def test_every_sort_walks_completely_in_order(api: Api, sort: SortKey) -> None:
    rows = api.walk("/v1/contracts", {"sort": sort.value}, limit=13)
    assert len({row["id"] for row in rows}) == CORPUS
    field = sort.value.lstrip("-")
    descending = sort.value.startswith("-")
    # Missing dates sort as the far future, missing values as the lowest: the keyset never breaks on NULL.
    filler = "9999-12-31" if field.endswith("date") else -1.0
    keys = [(row[field] if row[field] is not None else filler, row["id"]) for row in rows]
    assert keys == sorted(keys, reverse=descending)


def test_null_sort_keys_sit_at_one_end(api: Api) -> None:
    rows = api.walk("/v1/contracts", {"sort": "expiration_date"}, limit=7)
    evergreen = [i for i, row in enumerate(rows) if row["expiration_date"] is None]
    assert evergreen, "the corpus has evergreen contracts"
    assert evergreen == list(range(len(rows) - len(evergreen), len(rows)))


@pytest.mark.parametrize(
    "params",
    [
        {"type": ["MSA", "SOW"]},
        {"status": "active", "auto_renew": "true"},
        {"effective_after": "2023-01-01", "effective_before": "2025-12-31", "sort": "-effective_date"},
        {"renewal_notice_after": "2026-11-24", "renewal_notice_before": "2027-03-01", "sort": "renewal_notice_date"},
        {"counterparty": "inc", "sort": "-total_value"},
    ],
)
def test_filtered_walks_match_their_total_and_the_filter(api: Api, params: dict[str, str | list[str]]) -> None:
    rows = api.walk("/v1/contracts", params, limit=5)
    assert rows, f"the corpus has contracts for {params}"
    assert len({row["id"] for row in rows}) == len(rows)
    unfiltered = api.walk("/v1/contracts", limit=100)
    if "type" in params:
        assert {row["type"] for row in rows} <= set(params["type"])
        assert len(rows) == sum(row["type"] in params["type"] for row in unfiltered)
    if "auto_renew" in params:
        assert all(row["auto_renew"] and row["status"] == "active" for row in rows)
    if "effective_after" in params:
        assert all("2023-01-01" <= row["effective_date"] <= "2025-12-31" for row in rows)
    if "renewal_notice_after" in params:
        assert all("2026-11-24" <= row["renewal_notice_date"] <= "2027-03-01" for row in rows)
    if "counterparty" in params:
        assert all("inc" in row["counterparty"]["name"].lower() for row in rows)


def test_walk_is_stable_while_contracts_are_inserted(tmp_path: Path) -> None:
    db = tmp_path / "clm.db"
    corpus = Corpus(contracts=60, seed=3, as_of=SandboxSettings().as_of)
    extra_corpus = Corpus(contracts=30, seed=4, as_of=corpus.as_of)
    with running_sandbox(SandboxSettings(contracts=corpus.contracts, seed=corpus.seed, db=db)) as url:
        api = Api(url)
        original = {row["id"] for row in api.walk("/v1/contracts", limit=100)}
        query: dict[str, str | int] = {"limit": 10, "sort": "number"}
        seen: list[str] = []
        page = api.ok("/v1/contracts", query)
        seen.extend(row["id"] for row in page["data"])
        _insert_renamed(db, extra_corpus)  # a concurrent writer adds 30 contracts mid-walk
        while page["next_cursor"] is not None:
            query["cursor"] = page["next_cursor"]
            page = api.ok("/v1/contracts", query)
            seen.extend(row["id"] for row in page["data"])
        api.close()
    assert len(seen) == len(set(seen)), "no contract is served twice"
    assert original <= set(seen), "no contract that existed before the walk is skipped"
    assert page["total"] == 90


def _insert_renamed(db: Path, corpus: Corpus) -> None:
    records = generate_records(corpus)
    generated = [
        render_contract(records, record).model_copy(
            update={
                "record": record.model_copy(
                    update={"id": f"new_{record.id}", "number": f"NEW-{record.number}", "parent_id": None}
                )
            }
        )
        for record in records.contracts
    ]
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        names = dict(conn.execute("SELECT id, name FROM counterparties").fetchall())
        append_contracts(conn, generated, names)
    finally:
        conn.close()
