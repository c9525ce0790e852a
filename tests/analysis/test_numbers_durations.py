"""Numbers and periods as contracts write them."""

from __future__ import annotations

import pytest

from analysis.durations import Duration, find_durations, from_iso, parse_duration, same_length, to_iso
from analysis.numbers import ordinal_to_int, parse_number, words_to_int


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("one", 1),
        ("twelve", 12),
        ("thirty-six", 36),
        ("thirty six", 36),
        ("ninety", 90),
        ("one hundred", 100),
        ("one hundred twenty", 120),
        ("one hundred and eighty", 180),
        ("three hundred sixty-five", 365),
        ("two thousand five hundred", 2500),
        ("Sixty", 60),
        ("fourty", 40),
    ],
)
def test_words_to_int(words: str, value: int) -> None:
    assert words_to_int(words) == value


@pytest.mark.parametrize("text", ["", "sixtyish", "seven dwarfs", "and", "hundreds"])
def test_words_to_int_rejects_non_numbers(text: str) -> None:
    assert words_to_int(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("sixty (60)", 60), ("sixty(60)", 60), ("(60)", 60), ("60", 60), ("1,000", 1000), ("sixty (90)", 90)],
)
def test_parse_number_prefers_the_figure_in_parentheses(text: str, value: int) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(("word", "value"), [("first", 1), ("twenty-first", 21), ("thirtieth", 30), ("second", 2)])
def test_ordinals(word: str, value: int) -> None:
    assert ordinal_to_int(word) == value


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("sixty (60) days", "P60D"),
        ("two years", "P2Y"),
        ("thirty-six (36) months", "P36M"),
        ("one (1) year", "P1Y"),
        ("ninety days", "P90D"),
        ("72 hours", "PT72H"),
        ("seventy-two (72) hours", "PT72H"),
        ("a 5-year term", "P5Y"),
        ("twelve-month period", "P12M"),
        ("one hundred eighty (180) days' prior written notice", "P180D"),
        ("thirty (30) calendar days", "P30D"),
        ("six (6) weeks", "P6W"),
    ],
)
def test_to_iso(text: str, iso: str) -> None:
    assert to_iso(text) == iso


def test_business_days_are_marked_and_not_calendar_days() -> None:
    duration = parse_duration("ten (10) business days")
    assert duration == Duration(amount=10, unit="day", business=True)
    assert duration.display == "10 business days"


def test_no_period_in_text() -> None:
    assert to_iso("the parties agree") is None
    assert parse_duration("Section 12.2") is None


def test_find_durations_reports_offsets_into_the_text() -> None:
    text = "Payment is due within thirty (30) days; notice of sixty days is required."
    found = list(find_durations(text))
    assert [text[f.start : f.end] for f in found] == ["thirty (30) days", "sixty days"]
    assert [f.duration.iso for f in found] == ["P30D", "P60D"]


def test_iso_round_trip_and_equivalence() -> None:
    assert from_iso("P60D") == Duration(amount=60, unit="day")
    assert from_iso("PT72H") == Duration(amount=72, unit="hour")
    assert from_iso("P1Y2M") is None  # not a single-unit period
    assert from_iso("sixty days") is None
    assert same_length("P12M", "P1Y")
    assert same_length("P2W", "P14D")
    assert not same_length("P30D", "P1M")  # a month is not thirty days
