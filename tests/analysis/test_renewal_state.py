"""Renewal states from the terms in force: hand-made cases (month ends, leap years, every state), then the
demo corpus: the locked-in renewals of the next 365 days must be exactly the truth's, and no terminated or
expired contract may get a future deadline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from analysis import analyse
from analysis.consolidation import DocumentRef, consolidate
from analysis.renewal_states import ClmRecord, RenewalState, TermFacts, renewal_state, term_facts
from sandbox.api_models import ContractStatus, ContractType
from sandbox.corpus.generate import generate_records, render_contract
from sandbox.corpus.models import Corpus
from sandbox.settings import DEMO_AS_OF

AUTO = TermFacts(
    effective_date=date(2024, 2, 29),
    initial_term="P1Y",
    expiration_date=None,
    auto_renewal=True,
    renewal_term="P1Y",
    notice_period="P60D",
)
ACTIVE = ClmRecord(status="active")


def test_notice_open_counts_days_left_from_a_leap_day_start() -> None:
    state = renewal_state(AUTO, ACTIVE, as_of=date(2024, 12, 1))
    assert state.state == "notice_open"
    assert state.current_term_end == date(2025, 2, 28)  # 29 February + 1 year clamps to the 28th
    assert state.notice_deadline == date(2024, 12, 30) and state.days_left == 29


def test_missed_notice_locks_in_the_next_renewal_term() -> None:
    state = renewal_state(AUTO, ACTIVE, as_of=date(2025, 1, 15))
    assert state.state == "notice_missed_locked_in"
    assert state.missed_on == date(2024, 12, 30) and state.renewal_date == date(2025, 2, 28)
    assert state.locked_in_until == date(2026, 2, 28)
    assert state.next_notice_deadline == date(2025, 12, 30)
    assert state.notice_deadline is None and state.days_left is None


def test_after_renewals_the_current_term_rolls_forward_without_drift() -> None:
    facts = AUTO.model_copy(
        update={"effective_date": date(2023, 1, 31), "renewal_term": "P1M", "notice_period": "P10D"}
    )
    state = renewal_state(facts, ACTIVE, as_of=date(2024, 3, 5))
    # Initial end 31 Jan 2024, renewed to 29 Feb, then 31 Mar (whole months from the initial end: no drift to the 29th).
    assert state.state == "notice_open" and state.current_term_end == date(2024, 3, 31)
    assert state.notice_deadline == date(2024, 3, 21) and state.renewals_elapsed == 2


def test_no_notice_period_renews_and_no_auto_renewal_ends() -> None:
    assert renewal_state(AUTO.model_copy(update={"notice_period": None}), ACTIVE, date(2024, 6, 1)).state == "renewed"
    fixed = AUTO.model_copy(update={"auto_renewal": False})
    state = renewal_state(fixed, ACTIVE, date(2024, 6, 1))
    assert state.state == "not_renewing" and state.current_term_end == date(2025, 2, 28)
    over = renewal_state(fixed, ACTIVE, date(2025, 6, 1))
    assert over.state == "ended" and [d.field for d in over.disagreements] == ["status"]


def test_terminated_never_gets_a_future_deadline_and_the_conflict_is_flagged() -> None:
    state = renewal_state(AUTO, ClmRecord(status="terminated", expiration_date=date(2024, 9, 1)), date(2024, 12, 1))
    assert state.state == "ended" and state.current_term_end == date(2024, 9, 1)
    assert state.notice_deadline is None and state.next_notice_deadline is None and state.days_left is None
    assert [(d.field, d.record) for d in state.disagreements] == [("status", "terminated")]
    assert state.in_force == AUTO  # what was in force is still shown


def test_record_dates_that_differ_from_the_text_are_listed_not_resolved() -> None:
    record = ClmRecord(
        status="active", expiration_date=date(2025, 3, 1), renewal_notice_date=date(2024, 12, 1), auto_renew=False
    )
    state = renewal_state(AUTO, record, date(2024, 11, 1))
    assert state.notice_deadline == date(2024, 12, 30)  # from the text
    assert {d.field for d in state.disagreements} == {"auto_renew", "expiration_date", "renewal_notice_date"}


def test_unsigned_and_undetermined() -> None:
    assert renewal_state(AUTO, ClmRecord(status="draft"), date(2024, 6, 1)).state == "not_in_force"
    unknown = AUTO.model_copy(update={"effective_date": None})
    state = renewal_state(unknown, ACTIVE, date(2024, 6, 1))
    assert state.state == "undetermined" and state.reason


# --- the demo corpus ---------------------------------------------------------------------------------------

DEMO = Corpus(contracts=300, seed=7, as_of=DEMO_AS_OF)


@pytest.fixture(scope="module")
def demo_states() -> list[tuple[str, ContractStatus, RenewalState]]:
    records = generate_records(DEMO)
    out = []
    for record in records.contracts:
        if record.type is ContractType.AMENDMENT:
            continue  # an amendment's deadlines are its agreement's
        base = analyse(render_contract(records, record).text)
        amendments = records.amendments_of(record)
        consolidated = None
        if amendments:
            texts = [
                (DocumentRef(id=a.id, effective_date=a.effective_date, status=a.status.value),
                 render_contract(records, a).text)
                for a in amendments
            ]  # fmt: skip
            consolidated = consolidate(DocumentRef(id=record.id), base, texts)
        clm = ClmRecord(
            status=record.status.value,
            expiration_date=record.expiration_date,
            renewal_notice_date=record.renewal_notice_date,
            auto_renew=record.auto_renew,
        )
        out.append((record.id, record.status, renewal_state(term_facts(base, consolidated), clm, DEMO.as_of)))
    return out


def test_locked_in_renewals_in_the_next_365_days_are_exactly_the_truth(
    demo_states: list[tuple[str, ContractStatus, RenewalState]],
) -> None:
    records = generate_records(DEMO)
    horizon = DEMO.as_of + timedelta(days=365)
    truth = {
        r.id
        for r in records.contracts
        if r.status is ContractStatus.ACTIVE
        and r.auto_renew
        and r.renewal_notice_date is not None
        and r.expiration_date is not None
        and r.renewal_notice_date < DEMO.as_of <= r.expiration_date <= horizon
    }
    found = {
        contract_id
        for contract_id, _, state in demo_states
        if state.state == "notice_missed_locked_in"
        and state.renewal_date is not None
        and DEMO.as_of <= state.renewal_date <= horizon
    }
    print(f"\nlocked-in renewals within 365 days: found {len(found)}, truth {len(truth)}, extra {len(found - truth)}")
    assert truth, "the demo corpus must hold locked-in renewals"
    assert (sorted(truth - found), sorted(found - truth)) == ([], [])


def test_no_terminated_or_expired_contract_gets_a_future_deadline(
    demo_states: list[tuple[str, ContractStatus, RenewalState]],
) -> None:
    ended = [
        (cid, s) for cid, status, s in demo_states if status in (ContractStatus.TERMINATED, ContractStatus.EXPIRED)
    ]
    with_deadline = [
        cid
        for cid, s in ended
        if s.state != "ended" or s.notice_deadline or s.next_notice_deadline or s.days_left is not None
    ]
    print(f"\nterminated/expired: {len(ended)}, with a future deadline: {len(with_deadline)}")
    assert len(ended) >= 20 and with_deadline == []


def test_open_notice_deadlines_equal_the_clm_records(
    demo_states: list[tuple[str, ContractStatus, RenewalState]],
) -> None:
    """The record holds the consolidated truth: where notice is open, text and record agree to the day."""
    records = {r.id: r for r in generate_records(DEMO).contracts}
    open_ = [(cid, s) for cid, _, s in demo_states if s.state == "notice_open"]
    wrong = [cid for cid, s in open_ if s.notice_deadline != records[cid].renewal_notice_date]
    print(f"\nnotice open: {len(open_)}, deadline differing from the record: {len(wrong)}")
    assert len(open_) >= 30 and wrong == []
