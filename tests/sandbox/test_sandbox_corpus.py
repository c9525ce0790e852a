"""Acceptance 5: the generator is deterministic, its records are coherent, its ground truth matches the text."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from sandbox.api_models import ContractStatus, ContractType
from sandbox.corpus.generate import ADVERSARIAL_FLAGS, generate, generate_records
from sandbox.corpus.models import Corpus, GeneratedContract, GeneratedCounterparty
from sandbox.corpus.terms import add_months, current_term_end, renewal_notice_date
from sandbox.settings import DEMO_AS_OF
from sandbox.store.build import build_database

INVISIBLE = {chr(c) for c in (*range(0x200B, 0x200E), 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def corpus(contracts: int = 150, seed: int = 9) -> Corpus:
    return Corpus(contracts=contracts, seed=seed, as_of=DEMO_AS_OF)


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_same_parameters_give_an_identical_database(tmp_path: Path) -> None:
    build_database(tmp_path / "a.db", corpus(80), "key")
    build_database(tmp_path / "b.db", corpus(80), "key")
    build_database(tmp_path / "c.db", corpus(80, seed=10), "key")
    first = dump(tmp_path / "a.db")
    assert len(first) > 400
    assert dump(tmp_path / "b.db") == first
    assert dump(tmp_path / "c.db") != first


def test_parallel_build_is_identical_to_a_serial_one(tmp_path: Path) -> None:
    build_database(tmp_path / "serial.db", corpus(900), "key", workers=1)
    build_database(tmp_path / "parallel.db", corpus(900), "key", workers=2)  # 3 chunks over 2 worker processes
    assert dump(tmp_path / "parallel.db") == dump(tmp_path / "serial.db")


def test_same_parameters_give_identical_records_texts_and_truth() -> None:
    assert list(generate(corpus(60))) == list(generate(corpus(60)))
    one, other = generate_records(corpus(60)), generate_records(corpus(60, seed=10))
    assert one.contracts != other.contracts


@pytest.mark.parametrize("seed", [1, 2])
def test_every_ground_truth_span_is_the_text_at_its_offsets(seed: int) -> None:
    checked = 0
    for item in generate(corpus(300, seed)):
        if not isinstance(item, GeneratedContract):
            continue
        text = item.text
        for span in [f.span for f in item.truth.facts] + [o.span for o in item.truth.obligations]:
            assert 0 <= span.start <= span.end <= len(text)
            assert text[span.start : span.end] == span.quote, (item.record.id, span)
            checked += 1
        for section in item.truth.sections:
            assert 0 <= section.start <= section.end <= len(text)
    assert checked > 1000


def test_records_are_coherent() -> None:
    records = generate_records(corpus(400))
    by_id = {r.id: r for r in records.contracts}
    assert len(by_id) == 400 and len({r.number for r in records.contracts}) == 400
    for r in records.contracts:
        if r.parent_id is not None:
            parent = by_id[r.parent_id]
            assert parent.counterparty_id == r.counterparty_id
            assert (
                r.effective_date is None or parent.effective_date is None or r.effective_date >= parent.effective_date
            )
        if r.type is ContractType.AMENDMENT:
            assert r.amends_id == r.parent_id is not None
        if r.status is ContractStatus.ACTIVE and r.auto_renew:
            assert r.effective_date and r.initial_term_months and r.renewal_term_months and r.renewal_notice_days
            initial = add_months(r.effective_date, r.initial_term_months)
            assert r.expiration_date == current_term_end(initial, r.renewal_term_months, DEMO_AS_OF)
            assert r.expiration_date >= DEMO_AS_OF
            assert r.renewal_notice_date == renewal_notice_date(r.expiration_date, r.renewal_notice_days)
        if r.status is ContractStatus.EXPIRED:
            assert r.expiration_date is not None and r.expiration_date < DEMO_AS_OF
        if r.status in (ContractStatus.DRAFT, ContractStatus.IN_NEGOTIATION, ContractStatus.PENDING_SIGNATURE):
            assert r.execution_date is None
    assert set(ContractStatus) == {r.status for r in records.contracts}
    assert set(ContractType) == {r.type for r in records.contracts}


def test_notice_deadlines_fall_exactly_30_60_90_days_after_as_of() -> None:
    records = generate_records(corpus(300))
    deadlines = Counter(
        (r.renewal_notice_date - DEMO_AS_OF).days
        for r in records.contracts
        if r.renewal_notice_date is not None and r.status is ContractStatus.ACTIVE
    )
    assert all(deadlines[days] >= 3 for days in (30, 60, 90)), deadlines
    assert any(days < 0 for days in deadlines) and any(days > 365 for days in deadlines), "others spread out"


def test_counterparties_include_awkward_names() -> None:
    names = [c.name for c in generate_records(corpus(40)).counterparties]
    assert len(names) == 60 == len(set(names))
    assert any('"' in n for n in names) and any("&" in n for n in names) and any("'" in n for n in names)
    assert any(any(unicodedata.decomposition(ch) for ch in n) for n in names), "accented letters"
    assert any(any("\u0590" <= ch <= "\u05ff" for ch in n) for n in names), "Hebrew"
    assert any(any("\u0600" <= ch <= "\u06ff" for ch in n) for n in names), "Arabic"


def test_large_corpora_get_more_counterparties() -> None:
    records = generate_records(corpus(14_000))
    assert len(records.counterparties) == 70
    assert len({c.name for c in records.counterparties}) == 70


def test_each_adversarial_document_is_there_once() -> None:
    items = [i for i in generate(corpus(120)) if isinstance(i, GeneratedContract)]
    flagged = {flag: [i for i in items if flag in i.record.adversarial] for flag in ADVERSARIAL_FLAGS}
    assert all(len(found) == 1 for found in flagged.values()), {f: len(v) for f, v in flagged.items()}
    assert len(flagged["huge"][0].text) > 600_000
    assert flagged["scanned"][0].text == ""
    assert INVISIBLE & set(flagged["invisible_chars"][0].text)
    assert "injection" in flagged["injection"][0].truth.adversarial
    assert sum(bool(i.record.adversarial) for i in items) == len(ADVERSARIAL_FLAGS)


def test_generation_uses_no_wall_clock_or_global_random() -> None:
    import random

    random.seed(1)
    first = generate_records(corpus(50)).contracts
    random.seed(2)
    assert generate_records(corpus(50)).contracts == first
    shifted = generate_records(Corpus(contracts=50, seed=9, as_of=DEMO_AS_OF + timedelta(days=1))).contracts
    assert shifted != first, "as_of is a corpus parameter"
    assert isinstance(generate_records(corpus(1)).counterparties[0], GeneratedCounterparty)
