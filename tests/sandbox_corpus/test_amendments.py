"""Amendments that change their base's terms: planned deterministically, every kind of change present,
and the base's CLM record holding the consolidated terms while its text keeps the terms as signed."""

from __future__ import annotations

from collections import Counter

from sandbox.api_models import ContractStatus
from sandbox.corpus.amendments import is_executed
from sandbox.corpus.generate import generate_records, render_contract
from sandbox.corpus.models import Corpus, FactKind
from sandbox.corpus.terms import current_term_end, initial_expiry, renewal_notice_date
from sandbox.settings import DEMO_AS_OF

DEMO = Corpus(contracts=300, seed=7, as_of=DEMO_AS_OF)
LARGER = Corpus(contracts=1000, seed=7, as_of=DEMO_AS_OF)


def test_planned_changes_are_deterministic() -> None:
    first, second = generate_records(DEMO), generate_records(DEMO)
    assert [r.model_dump_json() for r in first.contracts] == [r.model_dump_json() for r in second.contracts]


def test_every_kind_of_change_is_planted() -> None:
    changes = Counter((c.clause, c.op) for r in generate_records(LARGER).contracts for c in r.changes)
    wanted = {
        ("warranties.performance", "replace"), ("warranties.performance", "delete"),
        ("payment.terms", "replace"), ("payment.terms", "modify"),
        ("liability.cap", "replace"), ("liability.cap", "modify"),
        ("term.initial", "replace"), ("term.initial", "modify"),
        ("term.renewal", "replace"), ("term.renewal", "modify"), ("term.renewal", "add"), ("term.renewal", "delete"),
    }  # fmt: skip
    assert {key for key, n in changes.items() if n >= 3} >= wanted, changes
    demo = {(c.clause, c.op) for r in generate_records(DEMO).contracts for c in r.changes}
    assert demo >= wanted  # the default demo corpus shows each one too


def test_the_record_of_an_amended_base_holds_the_consolidated_terms() -> None:
    records = generate_records(LARGER)
    amended = [r for r in records.contracts if r.as_signed is not None]
    assert len(amended) >= 50
    moved = 0
    for base in amended:
        executed = [a for a in records.amendments_of(base) if is_executed(a) and a.changes]
        assert executed, base.id  # only signed amendments change the record
        truth = render_contract(records, base).truth.consolidated
        assert truth is not None
        facts = {f.kind: f.value for f in truth.facts}
        if FactKind.RENEWAL_NOTICE_PERIOD in facts:
            notice = facts[FactKind.RENEWAL_NOTICE_PERIOD]
            assert (f"P{base.renewal_notice_days}D" if base.renewal_notice_days else None) == notice, base.id
        if facts.get(FactKind.PAYMENT_TERMS):
            assert f"P{base.payment_terms_days}D" == facts[FactKind.PAYMENT_TERMS], base.id
        assert base.auto_renew == (facts.get(FactKind.AUTO_RENEWAL) == "true"), base.id
        assert truth.renewal_notice_deadline == base.renewal_notice_date
        assert truth.current_term_end == base.expiration_date
        if base.status is ContractStatus.ACTIVE and base.auto_renew and base.renewal_term_months:
            assert base.effective_date and base.initial_term_months and base.renewal_notice_days
            end = current_term_end(
                initial_expiry(base.effective_date, base.initial_term_months), base.renewal_term_months, DEMO.as_of
            )
            assert (base.expiration_date, base.renewal_notice_date) == (
                end,
                renewal_notice_date(end, base.renewal_notice_days),
            )
        signed = base.as_signed
        assert signed is not None
        moved += (signed.renewal_notice_date, signed.expiration_date) != (
            base.renewal_notice_date,
            base.expiration_date,
        )
    assert moved >= 10  # amendments really move deadlines


def test_draft_amendments_state_changes_but_change_nothing() -> None:
    records = generate_records(LARGER)
    drafts = [r for r in records.contracts if r.amends_id and not is_executed(r) and r.changes]
    assert drafts
    for draft in drafts:
        base = records.parent_of(draft)
        assert base is not None
        truth = render_contract(records, base).truth.consolidated
        assert truth is not None and draft.id in truth.pending and draft.id not in truth.amendments
        assert all(f.source.document_id != draft.id for f in truth.facts)
