"""Number, date, money and deadline helpers of the clause library, against hand-worked examples."""

from __future__ import annotations

from datetime import date

import pytest

from sandbox.api_models import ContractStatus
from sandbox.corpus.clauses.context import next_number, sub_label
from sandbox.corpus.clauses.deadlines import next_notice_deadline, next_recurring_due
from sandbox.corpus.clauses.risk import cap_value
from sandbox.corpus.clauses.specimens import specimens
from sandbox.corpus.clauses.wording import (
    DateStyle,
    MoneyStyle,
    NumberStyle,
    add_months,
    amount_value,
    count,
    format_date,
    money,
    months_phrase,
    roman,
    title_case,
    words,
)
from sandbox.corpus.terms import add_months as generator_add_months


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "zero"),
        (7, "seven"),
        (21, "twenty-one"),
        (60, "sixty"),
        (120, "one hundred twenty"),
        (365, "three hundred sixty-five"),
        (2_500_000, "two million five hundred thousand"),
    ],
)
def test_numbers_in_words(n: int, text: str) -> None:
    assert words(n) == text


def test_count_styles() -> None:
    assert count(60, NumberStyle.WORDS_AND_DIGITS) == "sixty (60)"
    assert count(60, NumberStyle.DIGITS) == "60"
    assert count(60, NumberStyle.WORDS) == "sixty"


def test_durations_carry_the_unit_the_prose_uses() -> None:
    assert months_phrase(36, NumberStyle.WORDS_AND_DIGITS, prefer_years=True) == ("three (3) years", "P3Y")
    assert months_phrase(36, NumberStyle.DIGITS, prefer_years=False) == ("36 months", "P36M")
    assert months_phrase(18, NumberStyle.WORDS, prefer_years=True) == ("eighteen months", "P18M")
    assert months_phrase(12, NumberStyle.WORDS_AND_DIGITS, prefer_years=True) == ("one (1) year", "P1Y")


def test_dates_in_every_style() -> None:
    day = date(2024, 1, 5)
    assert [format_date(day, style) for style in DateStyle] == [
        "January 5, 2024",
        "5 January 2024",
        "2024-01-05",
        "the 5th day of January, 2024",
        "01/05/2024",
        "Jan. 5, 2024",
        "5th January 2024",
    ]
    assert format_date(date(2024, 3, 22), DateStyle.ORDINAL) == "the 22nd day of March, 2024"
    assert format_date(date(2024, 3, 13), DateStyle.ORDINAL) == "the 13th day of March, 2024"


def test_month_arithmetic_clamps_and_agrees_with_the_generator() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 1, 5), 12) == date(2025, 1, 5)
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    for start in (date(2020, 1, 31), date(2021, 8, 31), date(2024, 2, 29), date(2023, 12, 15)):
        for months in range(0, 61):
            assert add_months(start, months) == generator_add_months(start, months)


def test_money_and_its_normal_form() -> None:
    assert money(500_000, "USD", MoneyStyle.SYMBOL) == "$500,000"
    assert money(500_000, "USD", MoneyStyle.CODE_CENTS) == "USD 500,000.00"
    assert money(2_000_000, "EUR", MoneyStyle.WORDS) == "two million euros (EUR 2,000,000)"
    assert money(1_250, "CHF", MoneyStyle.SYMBOL) == "CHF 1,250"  # no unambiguous symbol
    assert amount_value(500_000.0, "USD") == "USD 500000"
    assert amount_value(1234567.89, "GBP") == "GBP 1234567.89"


def test_liability_cap_values() -> None:
    assert cap_value(750_000.0, "USD 750,000", "USD") == "USD 750000"
    assert cap_value(None, "fees paid or payable in the 12 months preceding the claim", "USD") == "12 months fees"
    assert cap_value(None, "two times the annual fees", "USD") == "two times the annual fees"
    assert cap_value(None, None, "USD") is None


def test_section_numbering_helpers() -> None:
    assert roman(7) == "VII" and roman(14) == "XIV" and roman(49) == "XLIX"
    assert sub_label("12.2", 0) == ("12.2(a)", "(a)")
    assert sub_label("5(a)", 2) == ("5(a)(iii)", "(iii)")
    assert next_number("12.4") == "12.5"
    assert next_number("12.09") == "12.10"
    assert next_number("5(c)") == "5(d)"
    assert title_case("TERMINATION FOR CONVENIENCE") == "Termination for Convenience"


def test_recurring_due_dates() -> None:
    as_of = date(2025, 6, 1)
    # Quarterly, 30 days after quarter end: Q1 2025 report was due Apr 30; next is Jul 30 (for Q2).
    assert next_recurring_due(3, 30, date(2023, 2, 10), None, as_of) == date(2025, 7, 30)
    # Monthly, 10 days after month end: May's report is due June 10.
    assert next_recurring_due(1, 10, date(2024, 1, 1), None, as_of) == date(2025, 6, 10)
    # Annual, 60 days after year end: 2025's is due 1 March 2026 (2024's was due 1 March 2025).
    assert next_recurring_due(12, 60, date(2020, 5, 5), None, as_of) == date(2026, 3, 1)
    # A contract starting in August owes its first quarterly report for Q3.
    assert next_recurring_due(3, 30, date(2025, 8, 15), None, as_of) == date(2025, 10, 30)
    # Term ended in March: the Q1 report (due Apr 30) is already past, nothing more is owed.
    assert next_recurring_due(3, 30, date(2023, 1, 1), date(2025, 3, 15), as_of) is None
    # Term ends mid-June: the Q2 report (due Jul 30) is still owed.
    assert next_recurring_due(3, 30, date(2023, 1, 1), date(2025, 6, 15), as_of) == date(2025, 7, 30)
    assert next_recurring_due(3, 30, None, None, as_of) is None


def test_notice_deadlines_roll_forward_by_whole_renewal_terms() -> None:
    base = next(iter(specimens(1, 1, date(2025, 6, 1)))).record
    record = base.model_copy(
        update={
            "status": ContractStatus.ACTIVE,
            "effective_date": date(2022, 3, 1),
            "initial_term_months": 24,
            "auto_renew": True,
            "renewal_term_months": 12,
            "renewal_notice_days": 60,
        }
    )
    # Term ends 2024-03-01, 2025-03-01, 2026-03-01: the next deadline is 60 days before the last.
    assert next_notice_deadline(record, 60, date(2025, 6, 1)) == date(2025, 12, 31)
    assert next_notice_deadline(record, 60, date(2024, 1, 1)) == date(2024, 1, 1)
    assert next_notice_deadline(record, 60, date(2024, 1, 2)) == date(2024, 12, 31)
    expired = record.model_copy(update={"status": ContractStatus.EXPIRED})
    assert next_notice_deadline(expired, 60, date(2025, 6, 1)) is None
    month_end = record.model_copy(update={"effective_date": date(2023, 5, 31), "initial_term_months": 9,
                                          "renewal_term_months": 1})  # fmt: skip
    # 2024-02-29 initial end, then 2024-03-29 ... (from the initial end, never from the effective date)
    assert next_notice_deadline(month_end, 10, date(2024, 3, 1)) == date(2024, 3, 19)
