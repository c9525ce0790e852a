"""Dates as contracts write them, and the date arithmetic lawyers rely on.

Parsing: "January 5, 2024", "Jan. 5, 2024", "5th day of January, 2024", "the first day of July, 2017",
"5 January 2024", "01/05/2024" (US order unless the first figure cannot be a month, or the document writes day
first: `day_first`), "1/14/02",
"2024-01-05", "12-23-2019". A date with a blank part ("this ___ day of ______, 2004") is found but is
not a date: its `value` is None and `reason` says why. Nothing here ever guesses a missing part.

Arithmetic takes `as_of` explicitly (no clock reads) and returns None with a reason when a date cannot be
determined.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict

from analysis.durations import Duration
from analysis.numbers import ORDINAL_WORD, ordinal_to_int

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
_MONTH_ABBREVIATIONS = {name[:3]: number for name, number in _MONTHS.items()} | {"sept": 9}

MONTH = (
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)\b\.?"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
)
# OCR in filings splits suffixes ("15t h", "1s t") and reads "st" as "5t" ("315t December": 31st, a day that can
# be nothing else; "15t" stays 15, it could be 15th).
_SUFFIX = r"(?:\s?(?:s\s?t|n\s?d|r\s?d|t\s?h)\b|(?<=[23]1)5t\b)?"
# A blank to fill in: entered only at the start of a run and taken whole (possessive), so a page of
# underscores is read once, not once per character.
_BLANK = r"(?:(?<![_*])(?:_{1,60}+|\*{1,20}+)|\[[^\]\n]{0,12}\])"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_YEAR_OR_BLANK = rf"(?:{_YEAR}|(?P<year_blank>(?:19|20){_BLANK}))"
_DAY = r"(?P<day>[0-3]?\d)(?:(?!\d)|(?<=[23]1)(?=5t\b))"

_WS = r"\s{0,10}"  # bounded, so adjacent optional parts cannot backtrack quadratically
# After the comma a wider gap: filings lay a line of underlining out between "31 December," and "1996", and the
# run is taken whole (possessive), so it cannot backtrack either.
_COMMA = r"(?:,\s{0,120}+)?"
_PATTERNS = [
    # January 5, 2024 / Jan. 5th 2024 / November ___, 2006 / ___________ __, 2000
    re.compile(
        rf"(?<![A-Za-z])(?:(?P<month>{MONTH})|(?P<month_blank>{_BLANK})){_WS}"
        rf"(?:{_DAY}{_SUFFIX}|(?P<day_blank>{_BLANK}))?{_WS}{_COMMA}{_YEAR_OR_BLANK}",
        re.IGNORECASE,
    ),
    # 5th day of January, 2024 / 5 January 2024 / 1st of March, 2003 / this ___ day of _____, 2004
    re.compile(
        rf"(?:(?<![0-9/.-]){_DAY}{_SUFFIX}|(?P<day_word>\b{ORDINAL_WORD})|(?P<day_blank>{_BLANK})|\bthis\b)"
        r"(?:\s{0,3}\(\s{0,3}\d{1,2}\s{0,3}(?:st|nd|rd|th)?\s{0,3}\))?"
        rf"{_WS}(?:(?P<day_of>(?:day\s{{1,10}})?of\b)[\s-]{{0,80}})?"
        rf"(?:(?P<month>{MONTH})|(?P<month_blank>{_BLANK}))?{_WS}{_COMMA}{_YEAR_OR_BLANK}",
        re.IGNORECASE,
    ),
    # day of , 2012 (day and month both left empty)
    # ... or "this day of , 20" (the year's last digits left empty too)
    re.compile(
        rf"\b(?P<day_of>day\s{{1,10}}of){_WS}(?P<month_blank>,){_WS}(?:{_YEAR}|(?P<year_blank>(?:19|20)(?:{_BLANK}|(?![\d,]))))",
        re.IGNORECASE,
    ),
    # 01/05/2024, 1/14/02, 12-23-2019, 31.12.2020
    re.compile(r"\b(?P<a>[01]?\d|[23]\d)(?P<sep>[/.-])(?P<b>[0-3]?\d)(?P=sep)(?P<y>(?:19|20)\d\d|\d\d)\b"),
    # 2024-01-05
    re.compile(r"\b(?P<iso_y>(?:19|20)\d\d)-(?P<iso_m>[01]\d)-(?P<iso_d>[0-3]\d)\b"),
]


_ANY_DATE_HINT = re.compile(r"\d\d|_|\]|day\s+of")


class DateMatch(BaseModel):
    """A date found in text. `value` is None when the text leaves a part blank or states an impossible
    date; `reason` then says which."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: int
    end: int
    value: date | None
    year: int | None = None
    month: int | None = None
    reason: str | None = None


def _month_number(word: str) -> int:
    key = word.lower().rstrip(".")
    return _MONTHS.get(key) or _MONTH_ABBREVIATIONS[key[:4] if key.startswith("sept") else key[:3]]


def _full_year(two_or_four: str) -> int:
    year = int(two_or_four)
    if len(two_or_four) == 2:
        # Filings of the 1990s and 2000s: "9/21/98" is 1998, "1/14/02" is 2002.
        return 2000 + year if year < 50 else 1900 + year
    return year


def _build(start: int, end: int, year: int | None, month: int | None, day: int | None) -> DateMatch:
    if year is None or month is None or day is None:
        blank = [name for name, part in (("day", day), ("month", month), ("year", year)) if part is None]
        return DateMatch(
            start=start,
            end=end,
            value=None,
            year=year,
            month=month,
            reason=f"the {' and '.join(blank)} of this date is left blank",
        )
    try:
        value = date(year, month, day)
    except ValueError:
        return DateMatch(start=start, end=end, value=None, year=year, month=month, reason="no such date")
    return DateMatch(start=start, end=end, value=value, year=year, month=month)


def _from_words(match: re.Match[str]) -> DateMatch | None:
    groups = match.groupdict()
    month = _month_number(groups["month"]) if groups.get("month") else None
    year = int(groups["year"]) if groups.get("year") else None
    day: int | None = None
    if groups.get("day"):
        day = int(groups["day"])
    elif groups.get("day_word"):
        day = ordinal_to_int(groups["day_word"])
    has_blank = any(groups.get(name) for name in ("month_blank", "day_blank", "year_blank"))
    day_of = (groups.get("day_of") or "").lower()
    if month is None and not has_blank and not day_of:
        return None  # a bare number followed by a year is not a date
    if month is None and not groups.get("month_blank") and not day_of.startswith("day"):
        return None  # "Section 2.1 of 2004" is not a date
    if month is None and year is None and not (groups.get("year_blank") and day_of.startswith("day")):
        # Nothing but blanks: "________" is a signature line, not a date. "the ___ day of ____, 20__" is one.
        return None
    if not has_blank and day is None and not groups.get("day_of") and month is not None and year is not None:
        return DateMatch(
            start=match.start(),
            end=match.end(),
            value=None,
            year=year,
            month=month,
            reason="the day of this date is not stated",
        )
    text = match.group(0)
    lead = len(text) - len(text.lstrip())
    return _build(match.start() + lead, match.end(), year, month, day)


def _from_numeric(match: re.Match[str], day_first: bool = False) -> DateMatch | None:
    groups = match.groupdict()
    if groups.get("iso_y"):
        return _build(match.start(), match.end(), int(groups["iso_y"]), int(groups["iso_m"]), int(groups["iso_d"]))
    first, second = int(groups["a"]), int(groups["b"])
    if groups["sep"] == "." and len(groups["y"]) != 4:
        return None  # "1.2.03" is far more often a section number than a date
    month, day = (first, second) if first <= 12 else (second, first)
    if (groups["sep"] == "." or day_first) and second <= 12:
        month, day = second, first  # dotted dates are European
    return _build(match.start(), match.end(), _full_year(groups["y"]), month, day)


def find_dates(text: str, start: int = 0, end: int | None = None, *, day_first: bool = False) -> list[DateMatch]:
    """Every date (or date with blanks) stated in `text[start:end]`, in order, non-overlapping. `day_first` reads
    "3/4/2021" as 3 April (a document's own order: `Document.day_first`)."""
    stop = len(text) if end is None else end
    if _ANY_DATE_HINT.search(text, start, stop) is None:
        return []  # every pattern needs a year ("2004", "04") or a blank ("20__", "[*]", "day of ,")
    found: list[DateMatch] = []
    for index, pattern in enumerate(_PATTERNS):
        for match in pattern.finditer(text, start, stop):
            candidate = _from_words(match) if index < 3 else _from_numeric(match, day_first)
            if candidate is not None and candidate.end > candidate.start:
                found.append(candidate)
    # Prefer complete dates, then longer matches, where matches overlap.
    found.sort(key=lambda m: (m.value is None, -(m.end - m.start), m.start))
    chosen: list[DateMatch] = []
    for candidate in found:
        if all(candidate.end <= kept.start or candidate.start >= kept.end for kept in chosen):
            chosen.append(candidate)
    chosen.sort(key=lambda m: m.start)
    return chosen


def parse_date(text: str, *, day_first: bool = False) -> date | None:
    """The first complete date stated in `text`, or None (a date with a blank part is not a date)."""
    for found in find_dates(text, day_first=day_first):
        if found.value is not None:
            return found.value
    return None


# Evidence of the order a document writes day and month in: "13/04/2021" can only be day first, "04/13/2021"
# only month first; "3 April 2021" is written day first, "April 3, 2021" month first ("the 3rd day of April" is
# either). Each is (day-first count, month-first count).
_AMBIGUOUS_NUMERIC = re.compile(r"\b(?:0?[1-9]|1[0-2])([/-])(?:0?[1-9]|1[0-2])\1(?:(?:19|20)\d\d|\d\d)\b")
_DAY_MONTH_WORDS = re.compile(
    rf"(?<![0-9/.-])[0-3]?\d{_SUFFIX}\s{{1,3}}{MONTH},?\s{{1,3}}(?:1[89]|20)\d\d\b", re.IGNORECASE
)
_MONTH_DAY_WORDS = re.compile(
    rf"(?<![A-Za-z]){MONTH}\s{{1,3}}[0-3]?\d{_SUFFIX},?\s{{1,3}}(?:1[89]|20)\d\d\b", re.IGNORECASE
)


def has_ambiguous_numeric_date(text: str) -> bool:
    """Whether `text` writes a date like "3/4/2021", whose day and month could be either way round."""
    return _AMBIGUOUS_NUMERIC.search(text) is not None


def numeric_order_evidence(text: str) -> tuple[int, int]:
    day_first = month_first = 0
    for match in _PATTERNS[3].finditer(text):
        first, second = int(match.group("a")), int(match.group("b"))
        if match.group("sep") == ".":
            continue
        if 12 < first <= 31 and 1 <= second <= 12:
            day_first += 1
        elif 12 < second <= 31 and 1 <= first <= 12:
            month_first += 1
    return day_first, month_first


def word_order_evidence(text: str) -> tuple[int, int]:
    return sum(1 for _ in _DAY_MONTH_WORDS.finditer(text)), sum(1 for _ in _MONTH_DAY_WORDS.finditer(text))


# --- arithmetic -------------------------------------------------------------------------------------


class DateResult(BaseModel):
    """A computed date, or None with the reason it cannot be determined."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: date | None
    reason: str | None = None


def _delta(duration: Duration, times: int = 1) -> relativedelta | None:
    if duration.business or duration.unit == "hour":
        return None
    amount = duration.amount * times
    if duration.unit == "year":
        return relativedelta(years=amount)
    if duration.unit == "month":
        return relativedelta(months=amount)
    if duration.unit == "week":
        return relativedelta(weeks=amount)
    return relativedelta(days=amount)


def add_duration(start: date, duration: Duration, times: int = 1) -> DateResult:
    """`start` + `times` x `duration`, calendar-aware (Jan 31 + 1 month = Feb 28/29; Feb 29 + 1 year =
    Feb 28). Repeated periods are added in one step from `start`, so anniversaries do not drift."""
    delta = _delta(duration, times)
    if delta is None:
        return DateResult(
            value=None, reason=f"{duration.display} cannot be counted on a calendar without a holiday list"
        )
    return DateResult(value=start + delta)


def subtract_duration(end: date, duration: Duration) -> DateResult:
    delta = _delta(duration)
    if delta is None:
        return DateResult(
            value=None, reason=f"{duration.display} cannot be counted on a calendar without a holiday list"
        )
    return DateResult(value=end - delta)


def anniversary(start: date, nth: int = 1) -> date:
    """The nth anniversary of `start` ("the first anniversary of the Effective Date")."""
    return start + relativedelta(years=nth)


def expiry_date(effective: date | None, term: Duration | None) -> DateResult:
    """End of the initial term = effective date + term (the convention of the CUAD annotations and of
    most drafting: a one-year term from 5 January 2024 runs to 5 January 2025)."""
    if effective is None:
        return DateResult(value=None, reason="the effective date is not stated")
    if term is None:
        return DateResult(value=None, reason="the length of the initial term is not stated")
    return add_duration(effective, term)


class RenewalDeadline(BaseModel):
    """Where an auto-renewing contract stands at `as_of`.

    `current_term_end` is the end of the term running at `as_of` (the initial term rolled forward through
    renewal terms); `notice_deadline` the last day to give notice of non-renewal for that term. If that day
    has passed, `next_notice_deadline` is the last day for the following term, which is the next one a
    party can still act on. Any field that cannot be determined is None and `reason` says why.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    as_of: date
    current_term_end: date | None
    notice_deadline: date | None
    deadline_passed: bool | None
    next_notice_deadline: date | None
    renewals_elapsed: int | None
    reason: str | None = None


_MAX_RENEWALS = 1200  # a monthly renewal for a century; beyond that the inputs are nonsense


def roll_forward(initial_end: date, renewal_term: Duration | None, as_of: date) -> tuple[date | None, int, str | None]:
    """The end of the term running at `as_of` and how many renewals led to it (0 = the initial term).
    A term is still running on its last day."""
    if as_of <= initial_end:
        return initial_end, 0, None
    if renewal_term is None:
        return None, 0, "the initial term has ended and the renewal term is not stated"
    if renewal_term.amount <= 0:
        return None, 0, "the renewal term has no length"
    # Jump to just before the answer (exactly, in whole months or days), then step: no drift, no long loops.
    if renewal_term.unit in ("year", "month"):
        months = renewal_term.amount * (12 if renewal_term.unit == "year" else 1)
        behind = (as_of.year - initial_end.year) * 12 + (as_of.month - initial_end.month)
        renewals = max(1, behind // months - 1)
    else:
        days = renewal_term.amount * (7 if renewal_term.unit == "week" else 1)
        renewals = max(1, (as_of - initial_end).days // days - 1)
    if renewals > _MAX_RENEWALS:
        return None, 0, "the contract would have renewed implausibly many times before the as-of date"
    while True:
        end = add_duration(initial_end, renewal_term, renewals)
        if end.value is None:
            return None, 0, end.reason
        if end.value >= as_of:
            return end.value, renewals, None
        renewals += 1


def renewal_deadline(
    initial_end: date | None,
    renewal_term: Duration | None,
    notice_period: Duration | None,
    as_of: date,
) -> RenewalDeadline:
    """Last day to give notice of non-renewal = end of the current term - notice period, with the term
    rolled forward through renewals to the one running at `as_of`."""

    def undetermined(reason: str, term_end: date | None = None, renewals: int | None = None) -> RenewalDeadline:
        return RenewalDeadline(
            as_of=as_of,
            current_term_end=term_end,
            notice_deadline=None,
            deadline_passed=None,
            next_notice_deadline=None,
            renewals_elapsed=renewals,
            reason=reason,
        )

    if initial_end is None:
        return undetermined("the end of the initial term is not known")
    term_end, renewals, reason = roll_forward(initial_end, renewal_term, as_of)
    if term_end is None:
        return undetermined(reason or "the current term cannot be determined")
    if notice_period is None:
        return undetermined("the notice period for non-renewal is not stated", term_end, renewals)
    deadline = subtract_duration(term_end, notice_period)
    if deadline.value is None:
        return undetermined(deadline.reason or "the notice period cannot be counted", term_end, renewals)
    passed = deadline.value < as_of
    next_deadline: date | None = deadline.value
    next_reason: str | None = None
    if passed:
        if renewal_term is None:
            next_deadline, next_reason = None, "the renewal term is not stated"
        else:
            following_end = add_duration(initial_end, renewal_term, renewals + 1)
            following = subtract_duration(following_end.value, notice_period) if following_end.value else following_end
            next_deadline, next_reason = following.value, following.reason
    return RenewalDeadline(
        as_of=as_of,
        current_term_end=term_end,
        notice_deadline=deadline.value,
        deadline_passed=passed,
        next_notice_deadline=next_deadline,
        renewals_elapsed=renewals,
        reason=next_reason,
    )


def iter_anniversaries(start: date, period: Duration, until: date) -> Iterator[date]:
    """start + k x period for k = 1, 2, ... up to and including `until` (e.g. recurring due dates)."""
    for times in range(1, _MAX_RENEWALS + 1):
        step = add_duration(start, period, times)
        if step.value is None or step.value > until:
            return
        yield step.value
