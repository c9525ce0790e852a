"""Where a contract's renewal stands on a given day, and what a lawyer can still do about it.

    facts = term_facts(analyse(base_text), consolidate(...))       # the terms in force
    state = renewal_state(facts, ClmRecord(status="active", ...), as_of=date(2026, 11, 24))

States (exactly one):
- `notice_open`: the contract renews automatically and the last day to give notice of non-renewal is today
  or later (`notice_deadline`, `days_left`).
- `notice_missed_locked_in`: that day has passed (`missed_on`); it renews on `renewal_date` and is locked in
  until `locked_in_until`; `next_notice_deadline` is the first chance to stop the renewal after that.
- `renewed`: it renews automatically but states no notice period, so there is no deadline to act on.
- `not_renewing`: no automatic renewal; it ends on `current_term_end`.
- `ended`: terminated or expired (by the CLM, or the text's term is over): never a future deadline.
- `not_in_force`: not signed yet (draft, in negotiation, pending signature).
- `undetermined`: the text does not fix the term (`reason` says what is missing).

The CLM record's own dates never override the text, nor the text the record: where they differ, the
difference is listed in `disagreements` for a person to resolve.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from analysis.dates import add_duration, expiry_date, renewal_deadline
from analysis.durations import Duration, from_iso
from analysis.models import UNSIGNED_STATUSES, ContractAnalysis, Frozen, TermKind

if TYPE_CHECKING:  # an annotation only: the consolidation rules are not needed to compute a state
    from analysis.consolidation import ConsolidatedTerms

_Disagree = Callable[[str, object, object, str], None]
ENDED_STATUSES = frozenset({"terminated", "expired", "cancelled", "void", "superseded"})

StateName = Literal[
    "notice_open", "notice_missed_locked_in", "renewed", "not_renewing", "ended", "not_in_force", "undetermined"
]


class TermFacts(Frozen):
    """The term and renewal facts in force (normally from `term_facts`)."""

    effective_date: date | None
    initial_term: str | None = Field(description="ISO 8601 duration, e.g. 'P2Y'")
    expiration_date: date | None = Field(description="Stated end of the initial term, if the text states one")
    auto_renewal: bool | None
    renewal_term: str | None = Field(description="ISO 8601 duration")
    notice_period: str | None = Field(description="ISO 8601 duration of the non-renewal notice")


class ClmRecord(Frozen):
    """What the CLM's own record says (any field may be unknown)."""

    status: str
    expiration_date: date | None = None
    renewal_notice_date: date | None = None
    auto_renew: bool | None = None


class Disagreement(Frozen):
    field: str = Field(description="'status', 'auto_renew', 'expiration_date' or 'renewal_notice_date'")
    record: str | None = Field(description="What the CLM record says")
    text: str | None = Field(description="What the contract text (as amended) says")
    note: str


class RenewalState(Frozen):
    state: StateName
    as_of: date
    current_term_end: date | None = Field(description="End of the term running at as_of (or the one that ended)")
    notice_deadline: date | None = Field(description="notice_open only: the last day to give notice")
    days_left: int | None = Field(description="notice_open only: days from as_of to the deadline")
    missed_on: date | None = Field(description="notice_missed_locked_in only: the deadline that passed")
    renewal_date: date | None = Field(description="notice_missed_locked_in only: the day it renews")
    locked_in_until: date | None = Field(description="notice_missed_locked_in only: end of the renewal term")
    next_notice_deadline: date | None = Field(description="notice_missed_locked_in only: the next chance")
    renewals_elapsed: int | None
    reason: str | None
    in_force: TermFacts
    disagreements: list[Disagreement]


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None  # "perpetual", "undetermined"


def _iso(value: str | None) -> str | None:
    return value if value and from_iso(value) is not None else None


def term_facts(base: ContractAnalysis, consolidated: ConsolidatedTerms | None = None) -> TermFacts:
    """The term facts of `base`, as amended when `consolidated` is given (dates of the base stay its own)."""

    def value(kind: TermKind) -> str | None:
        if consolidated is not None and consolidated.get(kind) is not None:
            return consolidated.value(kind)
        term = base.first(kind)
        return term.value if term is not None else None

    stated = base.first(TermKind.EFFECTIVE_DATE) or base.first(TermKind.AGREEMENT_DATE)
    effective = _date(stated.value if stated is not None else None)
    if effective is None and stated is not None and stated.kind is TermKind.EFFECTIVE_DATE:
        agreement = base.first(TermKind.AGREEMENT_DATE)  # "effective as of the date of the last signature"
        effective = _date(agreement.value if agreement is not None else None)
    auto = value(TermKind.AUTO_RENEWAL)
    return TermFacts(
        effective_date=effective,
        initial_term=_iso(value(TermKind.INITIAL_TERM)),
        expiration_date=_date(value(TermKind.EXPIRATION_DATE)),
        auto_renewal=None if auto is None else auto == "true",
        renewal_term=_iso(value(TermKind.RENEWAL_TERM)),
        notice_period=_iso(value(TermKind.RENEWAL_NOTICE_PERIOD)),
    )


def _duration(value: str | None) -> Duration | None:
    return from_iso(value) if value else None


def _initial_end(facts: TermFacts) -> tuple[date | None, str | None]:
    if facts.expiration_date is not None:
        return facts.expiration_date, None
    result = expiry_date(facts.effective_date, _duration(facts.initial_term))
    return result.value, result.reason


def renewal_state(facts: TermFacts, record: ClmRecord, as_of: date) -> RenewalState:
    """The renewal state at `as_of` (deterministic: dates only from the facts, the record and `as_of`)."""
    status = record.status.strip().lower()
    initial_end, reason = _initial_end(facts)
    renewal = _duration(facts.renewal_term)
    notice = _duration(facts.notice_period)
    rolled = renewal_deadline(initial_end, renewal, notice, as_of) if facts.auto_renewal and initial_end else None
    # What the text alone says about the term running at as_of.
    text_end = rolled.current_term_end if rolled is not None else initial_end
    text_runs = text_end is not None and text_end >= as_of
    disagreements: list[Disagreement] = []

    def disagree(name: str, on_record: object, in_text: object, note: str) -> None:
        shown = (None if on_record is None else str(on_record), None if in_text is None else str(in_text))
        disagreements.append(Disagreement(field=name, record=shown[0], text=shown[1], note=note))

    if record.auto_renew is not None and facts.auto_renewal is not None and record.auto_renew != facts.auto_renewal:
        disagree(
            "auto_renew", record.auto_renew, facts.auto_renewal, "the record and the text differ on automatic renewal"
        )

    def result(state: StateName, **fields: object) -> RenewalState:
        base: dict[str, object] = {
            "current_term_end": None, "notice_deadline": None, "days_left": None, "missed_on": None,
            "renewal_date": None, "locked_in_until": None, "next_notice_deadline": None,
            "renewals_elapsed": rolled.renewals_elapsed if rolled is not None else None, "reason": None,
        }  # fmt: skip
        base.update(fields)
        return RenewalState.model_validate(
            {"state": state, "as_of": as_of, "in_force": facts, "disagreements": disagreements, **base}
        )

    if status in ENDED_STATUSES:
        if facts.auto_renewal and text_runs:
            disagree("status", status, f"renews automatically (term to {text_end})",
                     f"the record says {status}, but the text renews automatically")  # fmt: skip
        elif text_runs:
            disagree("status", status, f"runs until {text_end}", f"the record says {status}, but the text's term runs")
        # What was in force when it ended: the record's end date, else the text's; never a deadline.
        ended_on = record.expiration_date or (text_end if text_end is not None and text_end < as_of else None)
        return result("ended", current_term_end=ended_on, reason=f"the contract is {status}")
    if status in UNSIGNED_STATUSES:
        return result("not_in_force", reason=f"the contract is not signed ({status})")
    if initial_end is None:
        return result("undetermined", reason=reason or "the end of the term is not stated")
    if not facts.auto_renewal:
        if initial_end < as_of:
            disagree("status", status, f"ended on {initial_end}", "the record says it is in force; its term is over")
            return result("ended", current_term_end=initial_end, reason="the term stated in the text is over")
        _compare_dates(record, initial_end, None, disagree)
        return result("not_renewing", current_term_end=initial_end)
    assert rolled is not None
    if rolled.current_term_end is None:
        return result("undetermined", reason=rolled.reason)
    if rolled.notice_deadline is None:
        _compare_dates(record, rolled.current_term_end, None, disagree)
        return result("renewed", current_term_end=rolled.current_term_end, reason=rolled.reason)
    _compare_dates(record, rolled.current_term_end, rolled.notice_deadline, disagree)
    if not rolled.deadline_passed:
        days = (rolled.notice_deadline - as_of).days
        return result(
            "notice_open",
            current_term_end=rolled.current_term_end,
            notice_deadline=rolled.notice_deadline,
            days_left=days,
        )
    locked = add_duration(rolled.current_term_end, renewal).value if renewal is not None else None
    return result(
        "notice_missed_locked_in",
        current_term_end=rolled.current_term_end,
        missed_on=rolled.notice_deadline,
        renewal_date=rolled.current_term_end,
        locked_in_until=locked,
        next_notice_deadline=rolled.next_notice_deadline,
        reason=None if locked is not None else "the renewal term is not stated",
    )


def _compare_dates(record: ClmRecord, term_end: date, deadline: date | None, disagree: _Disagree) -> None:
    if record.expiration_date is not None and record.expiration_date != term_end:
        disagree(
            "expiration_date", record.expiration_date, term_end, "the record and the text end the term differently"
        )
    if record.renewal_notice_date is not None and deadline is not None and record.renewal_notice_date != deadline:
        disagree("renewal_notice_date", record.renewal_notice_date, deadline,
                 "the record and the text give different notice deadlines")  # fmt: skip
