"""Plan what each amendment changes in its base agreement, and consolidate the base's record.

Planned with the records (before any text is rendered), so the CLM record of an amended base can
hold the terms in force - the consolidated values - while its own document states the terms as
signed (`ContractRecord.as_signed`). Every choice draws from a stream seeded by the amendment's id,
so the rest of the corpus is the same whether or not amendments change terms.

Term-affecting changes (initial term, renewal) are planned only for amendments that take effect
before the first notice deadline of the initial term: the consolidated term then runs as if agreed
from the start, which is what both the truth and the analysis compute.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Final

from sandbox.api_models import ContractStatus
from sandbox.corpus.clauses.risk import cap_value
from sandbox.corpus.models import AsSigned, ChangeOp, ContractRecord, FactKind, TermChange
from sandbox.corpus.terms import current_term_end, initial_expiry, renewal_notice_date
from sandbox.corpus.version import SHAPE_KEY

F = FactKind

WARRANTY: Final = "warranties.performance"
PAYMENT: Final = "payment.terms"
CAP: Final = "liability.cap"
INITIAL: Final = "term.initial"
RENEWAL: Final = "term.renewal"
# The base clauses amendments change, and the facts each states.
CLAUSE_KINDS: Final[dict[str, tuple[FactKind, ...]]] = {
    WARRANTY: (F.WARRANTY_DURATION,),
    PAYMENT: (F.PAYMENT_TERMS,),
    CAP: (F.LIABILITY_CAP,),
    INITIAL: (F.INITIAL_TERM,),
    RENEWAL: (F.AUTO_RENEWAL, F.RENEWAL_TERM, F.RENEWAL_NOTICE_PERIOD),
}
# The kinds whose consolidated value the ground truth records.
CONSOLIDATED_KINDS: Final = (
    F.INITIAL_TERM,
    F.AUTO_RENEWAL,
    F.RENEWAL_TERM,
    F.RENEWAL_NOTICE_PERIOD,
    F.PAYMENT_TERMS,
    F.LIABILITY_CAP,
    F.WARRANTY_DURATION,
)
_MAX_NOTICE = 180


def is_executed(record: ContractRecord) -> bool:
    """An amendment binds once signed; a draft states changes that are not in force."""
    return record.execution_date is not None


_cap_value = cap_value  # the normalised cap, exactly as the base's own clause states it


class _State:
    """The base's terms in force, as successive amendments change them."""

    def __init__(self, base: ContractRecord) -> None:
        self.initial = base.initial_term_months
        self.auto = base.auto_renew
        self.renewal = base.renewal_term_months
        self.notice = base.renewal_notice_days
        self.payment = base.payment_terms_days
        self.cap_amount = base.liability_cap_amount
        self.cap_description = base.liability_cap_description
        self.frozen: set[str] = set()  # clauses added or deleted: their numbers are no longer the base's

    def copy(self) -> _State:
        out = copy.copy(self)
        out.frozen = set(self.frozen)
        return out


def _renewal_values(auto: bool, renewal: int | None, notice: int | None) -> dict[FactKind, str]:
    if not auto:
        return {F.AUTO_RENEWAL: "false"}
    values = {F.AUTO_RENEWAL: "true"}
    if renewal:
        values[F.RENEWAL_TERM] = f"P{renewal}M"
    if notice:
        values[F.RENEWAL_NOTICE_PERIOD] = f"P{notice}D"
    return values


def _term_window_open(base: ContractRecord, amendment: ContractRecord, state: _State) -> bool:
    """Is the amendment early enough that a change of term or renewal applies from the start?"""
    if base.effective_date is None or not state.initial or amendment.effective_date is None:
        return False
    first_end = initial_expiry(base.effective_date, state.initial)
    return amendment.effective_date < first_end - timedelta(days=_MAX_NOTICE + 1)


def _plan_one(
    rng: random.Random,
    base: ContractRecord,
    amendment: ContractRecord,
    state: _State,
    base_keys: frozenset[str],
    term_changes: bool,
) -> list[TermChange]:
    currency = base.currency or "USD"
    candidates: list[str] = [
        clause
        for clause in (WARRANTY, PAYMENT, CAP, INITIAL, RENEWAL)
        if clause not in state.frozen and (clause in base_keys or (clause == RENEWAL and INITIAL in base_keys))
    ]
    if not term_changes or not _term_window_open(base, amendment, state):
        candidates = [c for c in candidates if c not in (INITIAL, RENEWAL)]
    if PAYMENT in candidates and not state.payment:
        candidates.remove(PAYMENT)
    if CAP in candidates and _cap_value(state.cap_amount, state.cap_description, currency) is None:
        candidates.remove(CAP)
    if INITIAL in candidates and not state.initial:
        candidates.remove(INITIAL)
    rng.shuffle(candidates)
    # Term and renewal changes are what the deadline tools are about: favour them.
    candidates.sort(key=lambda c: c not in (INITIAL, RENEWAL) and rng.random() < 0.5)
    chosen = sorted(candidates[: rng.choice((1, 1, 2, 2, 3))], key=(WARRANTY, PAYMENT, CAP, INITIAL, RENEWAL).index)
    changes: list[TermChange] = []
    for clause in chosen:
        op: ChangeOp
        if clause == WARRANTY:
            if rng.random() < 0.2:
                changes.append(TermChange(clause=clause, op="delete", values={}))
                state.frozen.add(clause)
                continue
            months = rng.choice((6, 12, 18, 24, 36))
            value = f"P{months}M" if rng.random() < 0.75 else f"P{rng.choice((120, 180, 365))}D"
            changes.append(TermChange(clause=clause, op="replace", values={F.WARRANTY_DURATION: value}))
        elif clause == PAYMENT:
            assert state.payment
            new = rng.choice([d for d in (30, 45, 60, 75, 90) if d != state.payment])
            op = "modify" if rng.random() < 0.6 else "replace"
            changes.append(
                TermChange(
                    clause=clause,
                    op=op,
                    values={F.PAYMENT_TERMS: f"P{new}D"},
                    previous={F.PAYMENT_TERMS: f"P{state.payment}D"},
                )
            )
            state.payment = new
        elif clause == CAP:
            previous = _cap_value(state.cap_amount, state.cap_description, currency)
            assert previous is not None
            if rng.random() < 0.6:
                base_amount = state.cap_amount or 500_000.0
                amount = float(round(base_amount * rng.choice((1.5, 2, 3, 0.5)) / 1000) * 1000) or 250_000.0
                state.cap_amount, state.cap_description = amount, f"{currency} {amount:,.0f}"
            else:
                months = rng.choice([m for m in (6, 12, 18, 24, 36) if f"{m} months fees" != previous])
                state.cap_amount = None
                state.cap_description = f"fees paid or payable in the {months} months preceding the claim"
            new_cap = _cap_value(state.cap_amount, state.cap_description, currency)
            assert new_cap is not None
            op = "modify" if state.cap_amount is not None and " " in previous and rng.random() < 0.5 else "replace"
            if op == "modify" and not previous.split(" ", 1)[1].replace(".", "").isdigit():
                op = "replace"  # only an amount can be swapped word for word
            changes.append(
                TermChange(
                    clause=clause, op=op, values={F.LIABILITY_CAP: new_cap}, previous={F.LIABILITY_CAP: previous}
                )
            )
        elif clause == INITIAL:
            assert state.initial
            new = state.initial + rng.choice((12, 12, 24))
            op = "modify" if rng.random() < 0.6 else "replace"
            changes.append(
                TermChange(
                    clause=clause,
                    op=op,
                    values={F.INITIAL_TERM: f"P{new}M"},
                    previous={F.INITIAL_TERM: f"P{state.initial}M"},
                )
            )
            state.initial = new
        else:
            previous_values = _renewal_values(state.auto, state.renewal, state.notice)
            if state.auto and state.notice:
                roll = rng.random()
                if roll < 0.25:
                    changes.append(TermChange(clause=clause, op="delete", values={}, previous=previous_values))
                    state.auto, state.renewal, state.notice = False, None, None
                    state.frozen.add(clause)
                    continue
                new_notice = rng.choice([d for d in (30, 45, 60, 90, 120) if d != state.notice])
                if roll < 0.7:
                    changes.append(
                        TermChange(
                            clause=clause,
                            op="modify",
                            values={F.RENEWAL_NOTICE_PERIOD: f"P{new_notice}D"},
                            previous=previous_values,
                        )
                    )
                    state.notice = new_notice
                    continue
                state.renewal = rng.choice((12, 12, 24)) if rng.random() < 0.5 else state.renewal
                state.notice = new_notice
                op = "replace"
            elif state.auto:
                continue  # renews without a notice period: nothing a lawyer acts on changes
            else:
                state.auto, state.renewal, state.notice = True, rng.choice((12, 12, 24)), rng.choice((30, 60, 90))
                op = "replace" if RENEWAL in base_keys else "add"
                if op == "add":
                    state.frozen.add(clause)
            changes.append(
                TermChange(
                    clause=clause,
                    op=op,
                    values=_renewal_values(state.auto, state.renewal, state.notice),
                    previous=previous_values,
                )
            )
    return changes


def plan_amendments(
    base: ContractRecord,
    amendments: Sequence[ContractRecord],
    base_keys: frozenset[str],
    *,
    seed: int,
    as_of: date,
    term_changes: bool,
) -> tuple[ContractRecord, list[ContractRecord]]:
    """The base with its consolidated terms (and `as_signed`), and the amendments with their changes.

    `base_keys`: the clause keys the base document has (from its plan); `term_changes`: False for
    a base whose deadline is planted on a fixed day, which must not move.
    """
    if base.adversarial:
        return base, list(amendments)
    state = _State(base)
    out: dict[str, ContractRecord] = {}
    for amendment in sorted(amendments, key=lambda a: (a.effective_date or date.max, a.id)):
        if amendment.adversarial:  # a scanned or doctored amendment: its changes could not be read
            out[amendment.id] = amendment
            continue
        rng = random.Random(f"sandbox-corpus:{seed}:{SHAPE_KEY}:amendment:{amendment.id}")
        # A draft is planned against the terms then in force, but changes nothing.
        working = state if is_executed(amendment) else state.copy()
        changes = _plan_one(rng, base, amendment, working, base_keys, term_changes)
        out[amendment.id] = amendment.model_copy(update={"changes": changes})
    updated = [out[a.id] for a in amendments]
    if not any(a.changes for a in updated if is_executed(a)):
        return base, updated
    return _consolidated_base(base, state, as_of), updated


def _consolidated_base(base: ContractRecord, state: _State, as_of: date) -> ContractRecord:
    signed = AsSigned(
        status=base.status,
        expiration_date=base.expiration_date,
        initial_term_months=base.initial_term_months,
        auto_renew=base.auto_renew,
        renewal_term_months=base.renewal_term_months,
        renewal_notice_days=base.renewal_notice_days,
        renewal_notice_date=base.renewal_notice_date,
        payment_terms_days=base.payment_terms_days,
        liability_cap_amount=base.liability_cap_amount,
        liability_cap_description=base.liability_cap_description,
    )
    status, end, notice = base.status, base.expiration_date, base.renewal_notice_date
    if base.status is not ContractStatus.TERMINATED and base.effective_date is not None:
        # The same lifecycle rules as the generator's, on the consolidated terms.
        end = initial_expiry(base.effective_date, state.initial) if state.initial else None
        if end is not None and state.auto and state.renewal:
            end = current_term_end(end, state.renewal, as_of)
        if end is not None and end < as_of:
            status, notice = ContractStatus.EXPIRED, None
        else:
            status = ContractStatus.ACTIVE
            notice = renewal_notice_date(end, state.notice) if end and state.auto and state.notice else None
    tags = [t for t in base.tags if t != "auto-renewal"]
    if state.auto:
        tags.insert(
            min(len(tags), base.tags.index("auto-renewal") if "auto-renewal" in base.tags else 1), "auto-renewal"
        )
    return base.model_copy(
        update={
            "status": status,
            "expiration_date": end,
            "initial_term_months": state.initial,
            "auto_renew": state.auto,
            "renewal_term_months": state.renewal,
            "renewal_notice_days": state.notice,
            "renewal_notice_date": notice,
            "payment_terms_days": state.payment,
            "liability_cap_amount": state.cap_amount,
            "liability_cap_description": state.cap_description,
            "tags": tags,
            "as_signed": signed,
        }
    )
