"""Deadlines computed from extracted key terms: expiry and the last day to give notice of non-renewal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from analysis.dates import DateResult, RenewalDeadline, expiry_date, renewal_deadline
from analysis.durations import Duration, from_iso
from analysis.models import PERPETUAL, UNDETERMINED, KeyTerm, TermKind


def _value(terms: Sequence[KeyTerm], kind: TermKind) -> str | None:
    return next((term.value for term in terms if term.kind == kind), None)


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None  # "undetermined", "perpetual"


def _duration(value: str | None) -> Duration | None:
    return from_iso(value) if value else None


def initial_term_end(terms: Sequence[KeyTerm]) -> DateResult:
    """End of the initial term: the stated expiration date, else effective (or agreement) date + term.
    An expiry the text leaves undetermined (a term running from an undated event such as a go-live date or
    an approval) stays undetermined: counting from the effective or agreement date instead would give a
    confident, wrong date."""
    expiry = next((term for term in terms if term.kind == TermKind.EXPIRATION_DATE), None)
    stated = expiry.value if expiry else None
    if stated == PERPETUAL:
        return DateResult(value=None, reason="the contract has no fixed term (perpetual)")
    if expiry is not None and stated == UNDETERMINED:
        return DateResult(value=None, reason=f"the end of the initial term is not determined: {expiry.display}")
    if (found := _date(stated)) is not None:
        return DateResult(value=found)
    start = _date(_value(terms, TermKind.EFFECTIVE_DATE)) or _date(_value(terms, TermKind.AGREEMENT_DATE))
    return expiry_date(start, _duration(_value(terms, TermKind.INITIAL_TERM)))


def renewal_deadlines(terms: Sequence[KeyTerm], as_of: date) -> RenewalDeadline:
    """Where the contract's renewal stands at `as_of`: the current term's end and the last day to give
    notice of non-renewal (rolled forward through renewal terms). Undeterminable parts are None, with a
    reason; a contract that does not renew automatically has no renewal notice deadline."""
    end = initial_term_end(terms)
    if _value(terms, TermKind.AUTO_RENEWAL) != "true":
        return RenewalDeadline(
            as_of=as_of,
            current_term_end=end.value if end.value and end.value >= as_of else None,
            notice_deadline=None,
            deadline_passed=None,
            next_notice_deadline=None,
            renewals_elapsed=None,
            reason="the contract does not state that it renews automatically",
        )
    if end.value is None:
        return RenewalDeadline(
            as_of=as_of,
            current_term_end=None,
            notice_deadline=None,
            deadline_passed=None,
            next_notice_deadline=None,
            renewals_elapsed=None,
            reason=end.reason,
        )
    notices = [
        d for d in (_duration(t.value) for t in terms if t.kind == TermKind.RENEWAL_NOTICE_PERIOD) if d is not None
    ]
    renewal = _duration(_value(terms, TermKind.RENEWAL_TERM))
    uncounted = next((t for t in terms if t.kind == TermKind.RENEWAL_NOTICE_PERIOD and t.value == UNDETERMINED), None)
    if not notices and uncounted is not None:
        # Stated but not countable (business days, redacted): say so rather than "not stated".
        outcome = renewal_deadline(end.value, renewal, None, as_of)
        return outcome.model_copy(
            update={
                "reason": f"the notice period for non-renewal cannot be counted on the calendar: {uncounted.display}"
            }
        )
    if len(notices) <= 1:
        return renewal_deadline(end.value, renewal, notices[0] if notices else None, as_of)
    # Contradictory notice periods: the earliest deadline is the only safe one to act on.
    outcomes = [renewal_deadline(end.value, renewal, notice, as_of) for notice in notices]
    dated = [outcome for outcome in outcomes if outcome.notice_deadline is not None]
    if not dated:
        return outcomes[0]
    earliest = min(dated, key=lambda outcome: outcome.notice_deadline or as_of)
    stated = ", ".join(notice.display for notice in notices)
    return earliest.model_copy(
        update={"reason": f"the contract states different notice periods ({stated}); the earliest deadline is given"}
    )
