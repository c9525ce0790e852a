"""Calendar periods as people ask for them: "2027-Q1", "2027-03", "2027", "next_quarter", "this_month"."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Final

from plugin.toolkit.errors import InvalidArgument

PERIOD_PATTERN: Final = (
    r"^(\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?|(last|this|next)_(month|quarter|year))$"  # checked again in `period_range`
)
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_RELATIVE = re.compile(r"^(last|this|next)_(month|quarter|year)$")


def month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


# The years a contract portfolio is reported over: four digits also match year 0 or 9999, whose months the calendar
# cannot end (date(10000, 1, 1) does not exist), so a period outside these is an argument to correct.
FIRST_YEAR: Final = 1900
LAST_YEAR: Final = 2999


def _months(year: int, first: int, count: int) -> tuple[date, date]:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidArgument(f"period year {year} is outside {FIRST_YEAR}-{LAST_YEAR}: give a year in that range.")
    last = first + count - 1
    return date(year, first, 1), month_end(year, last)


def period_range(period: str, as_of: date) -> tuple[date, date]:
    """The first and last day (inclusive) of `period`; relative periods count from `as_of`."""
    if match := _QUARTER.match(period):
        return _months(int(match[1]), 3 * int(match[2]) - 2, 3)
    if match := _MONTH.match(period):
        return _months(int(match[1]), int(match[2]), 1)
    if match := _YEAR.match(period):
        return _months(int(match[1]), 1, 12)
    match = _RELATIVE.match(period)
    if match is None:
        raise InvalidArgument(
            f"period '{period[:40]}' is not a calendar period: use e.g. 2027-Q1, 2027-03, 2027, this_quarter, "
            "next_quarter, next_month, last_year."
        )
    shift = {"last": -1, "this": 0, "next": 1}[match[1]]
    unit = match[2]
    if unit == "year":
        return _months(as_of.year + shift, 1, 12)
    if unit == "quarter":
        index = (as_of.year * 4 + (as_of.month - 1) // 3) + shift
        return _months(index // 4, 3 * (index % 4) + 1, 3)
    index = as_of.year * 12 + as_of.month - 1 + shift
    return _months(index // 12, index % 12 + 1, 1)


def describe(start: date, end: date) -> str:
    """'2027-Q1 (2027-01-01 to 2027-03-31)' for a whole quarter, month or year; else the two dates."""
    label = None
    if start.day == 1 and end == month_end(end.year, end.month) and start.year == end.year:
        span = end.month - start.month + 1
        if span == 12:
            label = f"{start.year}"
        elif span == 3 and start.month % 3 == 1:
            label = f"{start.year}-Q{start.month // 3 + 1}"
        elif span == 1:
            label = f"{start:%Y-%m}"
    dates = f"{start.isoformat()} to {end.isoformat()}"
    return f"{label} ({dates})" if label else dates
