"""Due-date arithmetic for the obligations a document states (the `next_due` of the ground truth)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from sandbox.api_models import ContractStatus
from sandbox.corpus.clauses.wording import add_months
from sandbox.corpus.models import ContractRecord


def _period_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def next_recurring_due(
    period_months: int,
    offset_days: int,
    effective: date | None,
    term_end: date | None,
    as_of: date,
) -> date | None:
    """Next "within N days after the end of each calendar month/quarter/year" due date on/after `as_of`.

    Periods are calendar-aligned (quarters end Mar 31, Jun 30, Sep 30, Dec 31). Only periods that
    overlap the term count: none before the effective date, none starting after the term ends.
    None when the text fixes no such date (no effective date yet, or every period is over).
    """
    if effective is None or period_months not in (1, 3, 12):
        return None
    # The first period that contains the effective date.
    first_month = ((effective.month - 1) // period_months) * period_months + 1
    start = date(effective.year, first_month, 1)
    # Jump close to as_of without walking a long history one period at a time.
    if as_of > start + timedelta(days=400):
        months_between = (as_of.year - start.year) * 12 + (as_of.month - start.month)
        skip = max(0, months_between // period_months - 2)
        start = add_months(start, skip * period_months)
    while True:
        if term_end is not None and start > term_end:
            return None
        end_month = add_months(start, period_months - 1)
        due = _period_end(end_month.year, end_month.month) + timedelta(days=offset_days)
        if due >= as_of:
            return due
        start = add_months(start, period_months)


def next_notice_deadline(record: ContractRecord, notice_days: int, as_of: date) -> date | None:
    """First non-renewal notice deadline on/after `as_of`, or None once the contract has ended.

    Term ends follow `sandbox.corpus.terms`: the initial expiry (effective date + initial term),
    then that expiry plus whole renewal terms - never chained, so month-end clamping cannot drift.
    """
    if record.status in (ContractStatus.TERMINATED, ContractStatus.EXPIRED):
        return None
    if record.effective_date is not None and record.initial_term_months:
        first_end = add_months(record.effective_date, record.initial_term_months)
    elif record.expiration_date is not None:
        first_end = record.expiration_date  # only the current term is known (e.g. an amendment)
    else:
        return None
    renewal = record.renewal_term_months
    end, k = first_end, 0
    while end - timedelta(days=notice_days) < as_of:
        if not renewal:
            return None
        k += 1
        end = add_months(first_end, k * renewal)
    return end - timedelta(days=notice_days)
