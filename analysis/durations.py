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
    rf"{NUMBER}[\s~-]*(?P<qual>(?:(?:calendar|business|working|banking|consecutive|full|contract)[\s-]+){{1,2}})?"
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


def _from_match(match: re.Match[str]) -> Duration | None:
    amount = number_from_match(match)
    if amount is None:
        return None
    qualifier = (match.group("qual") or "").lower()
    # "thirty (30) consecutive business days" is as much a business-day period as "30 business days".
    business = re.search(r"\b(?:business|working|banking)\b", qualifier) is not None
    return Duration(amount=amount, unit=_unit(match.group("unit")), business=business)


def find_durations(text: str, start: int = 0, end: int | None = None) -> Iterator[DurationMatch]:
    """Every period stated in `text[start:end]`, with offsets into `text`."""
    stop = len(text) if end is None else end
    for match in _DURATION_RE.finditer(text, start, stop):
        duration = _from_match(match)
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
