"""Contract term arithmetic: initial expiry, the current term under auto-renewal, the notice deadline.

Month arithmetic uses relativedelta (month ends clamp: 31 January + 1 month = 28/29 February).
Renewal terms are added to the initial expiry as whole multiples, never chained, so clamping
never drifts the day of month from one renewal to the next.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


def add_months(day: date, months: int) -> date:
    result: date = day + relativedelta(months=months)
    return result


def initial_expiry(effective: date, initial_term_months: int) -> date:
    return add_months(effective, initial_term_months)


def current_term_end(initial_end: date, renewal_term_months: int, as_of: date) -> date:
    """The initial end rolled forward by whole renewal terms until it is on or after `as_of`."""
    if initial_end >= as_of:
        return initial_end
    # Jump close to the answer, then step: a 100-year-old evergreen-ish term must not loop for long.
    months_behind = (as_of.year - initial_end.year) * 12 + (as_of.month - initial_end.month)
    renewals = max(0, months_behind // renewal_term_months - 1)
    end = add_months(initial_end, renewals * renewal_term_months)
    while end < as_of:
        renewals += 1
        end = add_months(initial_end, renewals * renewal_term_months)
    return end


def renewal_notice_date(term_end: date, notice_days: int) -> date:
    """Last day to give notice of non-renewal for the term ending on `term_end`."""
    return term_end - timedelta(days=notice_days)
