"""Periods as contracts write them ("sixty (60) days", "two years", "5-year", "72 hours") -> ISO 8601."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from analysis.numbers import NUMBER, number_from_match

Unit = Literal["hour", "day", "week", "month", "year"]

_UNIT_LETTER: dict[Unit, str] = {"day": "D", "week": "W", "month": "M", "year": "Y"}


class Duration(BaseModel):
    """A period of time. `business` periods ("10 business days") have no calendar ISO form of their own:
    `iso` still says P10D, so date arithmetic refuses them (see `analysis.dates.add_duration`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: int = Field(ge=0)
    unit: Unit
    business: bool = False

    @property
    def iso(self) -> str:
        if self.unit == "hour":
            return f"PT{self.amount}H"
        return f"P{self.amount}{_UNIT_LETTER[self.unit]}"

    @property
    def display(self) -> str:
        qualifier = "business " if self.business else ""
        plural = "" if self.amount == 1 else "s"
        return f"{self.amount} {qualifier}{self.unit}{plural}"


class DurationMatch(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    start: int
    end: int
    duration: Duration


_DURATION_RE = re.compile(
    rf"{NUMBER}(?P<half>[\s-]+and[\s-]+(?:a|one)[\s-]+half\b)?[\s~-]*(?P<qual>(?:(?:calendar|business|working|banking|consecutive|full|contract)[\s-]+){{1,2}})?"
    r"(?P<unit>hours?|days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)
_ISO_RE = re.compile(r"^P(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?(?:T(?P<h>\d+)H)?$")


def _unit(word: str) -> Unit:
    stem = word.lower().rstrip("s")
    if stem == "hour":
        return "hour"
    if stem == "day":
        return "day"
    if stem == "week":
        return "week"
    if stem == "month":
        return "month"
    return "year"


# A larger unit and how many of the next smaller one it holds exactly: "three years and six months" is 42
# months, "two weeks and three days" 17 days. Other pairs (a month and ten days) have no single-unit form.
_SMALLER: dict[tuple[Unit, Unit], int] = {("year", "month"): 12, ("week", "day"): 7, ("day", "hour"): 24}
_ORDER: dict[Unit, int] = {"hour": 0, "day": 1, "week": 2, "month": 3, "year": 4}
_COMPOUND_JOIN = re.compile(r"[ \t]*,?[ \t]*(?:and|plus)[ \t]+", re.IGNORECASE)


def _from_match(match: re.Match[str]) -> Duration | None:
    amount = number_from_match(match)
    if amount is None:
        return None
    qualifier = (match.group("qual") or "").lower()
    # "thirty (30) consecutive business days" is as much a business-day period as "30 business days".
    business = re.search(r"\b(?:business|working|banking)\b", qualifier) is not None
    unit = _unit(match.group("unit"))
    if match.group("half"):
        # "two and a half years" is 30 months; half of a smaller unit has no exact single-unit form.
        if unit == "year":
            return Duration(amount=amount * 12 + 6, unit="month", business=business)
        if unit == "day" and not business:
            return Duration(amount=amount * 24 + 12, unit="hour")
        return None
    return Duration(amount=amount, unit=unit, business=business)


def _combined(first: Duration, second: Duration) -> Duration | None:
    factor = _SMALLER.get((first.unit, second.unit))
    if factor is None or first.business or second.business:
        return None
    return Duration(amount=first.amount * factor + second.amount, unit=second.unit)


def find_durations(text: str, start: int = 0, end: int | None = None) -> Iterator[DurationMatch]:
    """Every period stated in `text[start:end]`, with offsets into `text`. A compound period ("three years and
    six months") is one period in the smaller unit; one with no exact single-unit form ("one month and ten
    days") is left out whole rather than cut to its first part."""
    stop = len(text) if end is None else end
    position = start
    while (match := _DURATION_RE.search(text, position, stop)) is not None:
        position = match.end()
        duration = _from_match(match)
        join = _COMPOUND_JOIN.match(text, match.end(), stop)
        second = _DURATION_RE.match(text, join.end(), stop) if join else None
        if second is not None:
            following = _from_match(second)
            if duration is not None and following is not None and _ORDER[following.unit] < _ORDER[duration.unit]:
                position = second.end()
                duration = _combined(duration, following)
                if duration is not None:
                    yield DurationMatch(start=match.start(), end=second.end(), duration=duration)
                continue
        if duration is not None:
            yield DurationMatch(start=match.start(), end=match.end(), duration=duration)


def parse_duration(text: str) -> Duration | None:
    """The first period stated in `text` ("sixty (60) days" -> P60D), or None."""
    return next((found.duration for found in find_durations(text)), None)


def to_iso(text: str) -> str | None:
    """ "thirty-six (36) months" -> "P36M"; None if `text` states no period."""
    duration = parse_duration(text)
    return duration.iso if duration else None


def from_iso(value: str) -> Duration | None:
    """Parse a single-unit ISO 8601 duration ("P60D", "P1Y", "PT72H"); None for anything else."""
    match = _ISO_RE.match(value)
    if not match:
        return None
    units: tuple[tuple[str | None, Unit], ...] = (
        (match.group("y"), "year"),
        (match.group("mo"), "month"),
        (match.group("w"), "week"),
        (match.group("d"), "day"),
        (match.group("h"), "hour"),
    )
    parts: list[tuple[int, Unit]] = [(int(group), unit) for group, unit in units if group is not None]
    if len(parts) != 1:
        return None
    amount, unit = parts[0]
    return Duration(amount=amount, unit=unit)


def same_length(a: str, b: str) -> bool:
    """Whether two ISO durations state the same period ("P12M" == "P1Y", "P2W" == "P14D")."""
    left, right = from_iso(a), from_iso(b)
    if left is None or right is None:
        return a == b
    return _canonical(left) == _canonical(right)


def _canonical(duration: Duration) -> tuple[str, int]:
    if duration.unit == "year":
        return ("month", duration.amount * 12)
    if duration.unit == "week":
        return ("day", duration.amount * 7)
    return (duration.unit, duration.amount)
