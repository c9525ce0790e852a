"""How numbers, dates, durations and amounts are written in contract prose, and their normal forms.

Every phrasing function returns text a lawyer would write; the matching `iso_*` / `*_value` helpers
give the normalised value recorded in the ground truth (see `FactKind` in `sandbox.corpus.models`).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import Enum
from functools import lru_cache

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = ((1_000_000_000, "billion"), (1_000_000, "million"), (1_000, "thousand"))
_ORDINAL_WORDS = {
    1: "first",
    2: "second",
    3: "third",
    4: "fourth",
    5: "fifth",
    6: "sixth",
    7: "seventh",
    8: "eighth",
    9: "ninth",
    10: "tenth",
    11: "eleventh",
    12: "twelfth",
}
# Spelled out, not calendar.month_name: that one follows the process locale.
MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS_ABBR = ("", "Jan.", "Feb.", "Mar.", "Apr.", "May", "Jun.", "Jul.", "Aug.", "Sep.", "Oct.", "Nov.", "Dec.")


@lru_cache(maxsize=4096)
def words(n: int) -> str:
    """Cardinal number in words: 60 -> "sixty", 1250000 -> "one million two hundred fifty thousand"."""
    if n < 0:
        return "minus " + words(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _TENS[tens] + ("-" + _ONES[unit] if unit else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return _ONES[hundreds] + " hundred" + (" " + words(rest) if rest else "")
    for scale, name in _SCALES:
        if n >= scale:
            high, rest = divmod(n, scale)
            return words(high) + " " + name + (" " + words(rest) if rest else "")
    raise AssertionError("unreachable")


def ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def ordinal_word(n: int) -> str:
    """1 -> "first" (used for anniversaries; larger numbers fall back to "13th")."""
    return _ORDINAL_WORDS.get(n) or ordinal_suffix(n)


_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"))
_ROMAN_SMALL = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


@lru_cache(maxsize=256)
def roman(n: int) -> str:
    out: list[str] = []
    for value, symbol in _ROMAN + _ROMAN_SMALL:
        while n >= value:
            out.append(symbol)
            n -= value
    return "".join(out)


class NumberStyle(Enum):
    """How a count is written: "sixty (60)", "60" or "sixty"."""

    WORDS_AND_DIGITS = "words_and_digits"
    DIGITS = "digits"
    WORDS = "words"


def count(n: int, style: NumberStyle) -> str:
    if style is NumberStyle.WORDS_AND_DIGITS:
        return f"{words(n)} ({n})"
    if style is NumberStyle.DIGITS:
        return str(n)
    return words(n)


def quantity(n: int, unit: str, style: NumberStyle) -> str:
    """`quantity(60, "day", ...)` -> "sixty (60) days"; singular for one."""
    return f"{count(n, style)} {unit if n == 1 else unit + 's'}"


def iso_days(n: int) -> str:
    return f"P{n}D"


def iso_months(n: int) -> str:
    return f"P{n}M"


def iso_years(n: int) -> str:
    return f"P{n}Y"


def iso_hours(n: int) -> str:
    return f"PT{n}H"


def months_phrase(months: int, style: NumberStyle, prefer_years: bool) -> tuple[str, str]:
    """A period of whole months as prose and its ISO duration in the unit the prose uses.

    36 months -> ("three (3) years", "P3Y") or ("thirty-six (36) months", "P36M").
    """
    if prefer_years and months % 12 == 0:
        years = months // 12
        return quantity(years, "year", style), iso_years(years)
    return quantity(months, "month", style), iso_months(months)


def add_months(start: date, months: int) -> date:
    """Calendar month arithmetic, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29).

    This is the convention for "expiry = effective date + term": a twelve-month term from
    2024-01-05 ends on 2025-01-05 (its first anniversary).
    """
    total = start.month - 1 + months
    year = start.year + total // 12
    month = total % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def minus_days(day: date, days: int) -> date:
    return day - timedelta(days=days)


class DateStyle(Enum):
    US_LONG = "us_long"  # January 5, 2024
    UK_LONG = "uk_long"  # 5 January 2024
    ISO = "iso"  # 2024-01-05
    ORDINAL = "ordinal"  # the 5th day of January, 2024
    US_NUMERIC = "us_numeric"  # 01/05/2024
    US_ABBR = "us_abbr"  # Jan. 5, 2024
    UK_ORDINAL = "uk_ordinal"  # 5th January 2024


def format_date(day: date, style: DateStyle) -> str:
    if style is DateStyle.US_LONG:
        return f"{MONTHS[day.month]} {day.day}, {day.year}"
    if style is DateStyle.UK_LONG:
        return f"{day.day} {MONTHS[day.month]} {day.year}"
    if style is DateStyle.ISO:
        return day.isoformat()
    if style is DateStyle.ORDINAL:
        return f"the {ordinal_suffix(day.day)} day of {MONTHS[day.month]}, {day.year}"
    if style is DateStyle.US_NUMERIC:
        return f"{day.month:02d}/{day.day:02d}/{day.year}"
    if style is DateStyle.US_ABBR:
        return f"{MONTHS_ABBR[day.month]} {day.day}, {day.year}"
    return f"{ordinal_suffix(day.day)} {MONTHS[day.month]} {day.year}"


def all_date_renderings(day: date) -> tuple[str, ...]:
    """Every way this module can write `day` (tests use it to find a date inside a quote)."""
    return tuple(format_date(day, style) for style in DateStyle)


_CURRENCY_SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£"}
_CURRENCY_NAME = {
    "USD": "United States dollars",
    "EUR": "euros",
    "GBP": "pounds sterling",
    "CHF": "Swiss francs",
    "JPY": "Japanese yen",
    "CAD": "Canadian dollars",
    "AUD": "Australian dollars",
    "SGD": "Singapore dollars",
    "INR": "Indian rupees",
    "SEK": "Swedish kronor",
}


def amount_value(amount: float, currency: str) -> str:
    """Normalised money value: "USD 500000" (no separators; cents only when present)."""
    return f"{currency} {_plain_number(amount)}"


def _plain_number(amount: float) -> str:
    return str(int(amount)) if amount == int(amount) else f"{amount:.2f}"


def _grouped(amount: float, cents: bool) -> str:
    if cents or amount != int(amount):
        return f"{amount:,.2f}"
    return f"{int(amount):,}"


class MoneyStyle(Enum):
    CODE = "code"  # USD 500,000
    SYMBOL = "symbol"  # $500,000 (falls back to the code for currencies without an unambiguous symbol)
    CODE_CENTS = "code_cents"  # USD 500,000.00
    WORDS = "words"  # five hundred thousand United States dollars (USD 500,000)


def money(amount: float, currency: str, style: MoneyStyle) -> str:
    if style is MoneyStyle.SYMBOL and currency in _CURRENCY_SYMBOL:
        return f"{_CURRENCY_SYMBOL[currency]}{_grouped(amount, cents=False)}"
    if style is MoneyStyle.CODE_CENTS:
        return f"{currency} {_grouped(amount, cents=True)}"
    if style is MoneyStyle.WORDS and amount == int(amount) and currency in _CURRENCY_NAME:
        return f"{words(int(amount))} {_CURRENCY_NAME[currency]} ({currency} {_grouped(amount, cents=False)})"
    return f"{currency} {_grouped(amount, cents=False)}"


def title_case(heading: str) -> str:
    """Heading as recorded in the ground truth: "TERMINATION FOR CONVENIENCE" -> "Termination for Convenience"."""
    small = {"and", "or", "of", "for", "to", "the", "a", "an", "in", "on", "by", "with"}
    out = []
    for i, word in enumerate(heading.lower().split(" ")):
        out.append(word if i and word in small else word[:1].upper() + word[1:])
    return " ".join(out)
