"""Date parsing and the date arithmetic lawyers rely on."""

from __future__ import annotations

from datetime import date

import pytest

from analysis.dates import (
    add_duration,
    anniversary,
    expiry_date,
    find_dates,
    iter_anniversaries,
    parse_date,
    renewal_deadline,
    roll_forward,
    subtract_duration,
)
from analysis.durations import Duration

YEAR = Duration(amount=1, unit="year")
MONTH = Duration(amount=1, unit="month")


@pytest.mark.parametrize(
    "text",
    [
        "January 5, 2024",
        "5th day of January, 2024",
        "the 5th day of January 2024",
        "01/05/2024",
        "1/5/24",
        "2024-01-05",
        "Jan. 5, 2024",
        "JANUARY 5, 2024",
        "5 January 2024",
        "05-Jan-2024".replace("-Jan-", " Jan "),
        "January 5th, 2024",
        "5t h day of January, 2024",
        "fifth day of January, 2024",
    ],
)
def test_formats_of_the_same_date(text: str) -> None:
    assert parse_date(text) == date(2024, 1, 5)


def test_ocr_reads_st_as_5t_only_where_the_day_can_be_nothing_else() -> None:
    # "215t" and "315t" are no days, so they are 21st and 31st; "15t" could be 15th, so it is never read as the 1st.
    assert parse_date("215t March 2022") == date(2022, 3, 21)
    assert parse_date("ending 315t October 2019") == date(2019, 10, 31)
    assert parse_date("15t December 2019") != date(2019, 12, 1)
    assert parse_date("3155 October 2019") is None


def test_day_first_when_the_first_figure_cannot_be_a_month() -> None:
    assert parse_date("13/01/2020") == date(2020, 1, 13)
    assert parse_date("31.12.2020") == date(2020, 12, 31)


def test_two_digit_years() -> None:
    assert parse_date("9/21/98") == date(1998, 9, 21)
    assert parse_date("1/14/02") == date(2002, 1, 14)


@pytest.mark.parametrize(
    ("text", "year", "month"),
    [
        ("as of the ___ day of ________, 2004", 2004, None),
        ("November ___, 2006", 2006, 11),
        ("this  day of , 2012", 2012, None),
        ("[●], 2019", 2019, None),
        ("this ____ day of March, 2018", 2018, 3),
    ],
)
def test_partially_blank_dates_are_found_but_are_not_dates(text: str, year: int, month: int | None) -> None:
    found = find_dates(text)
    assert len(found) == 1
    assert found[0].value is None
    assert found[0].year == year
    assert found[0].month == month
    assert found[0].reason is not None and "blank" in found[0].reason
    assert parse_date(text) is None


def test_impossible_dates_are_not_dates() -> None:
    found = find_dates("February 30, 2023")
    assert found and found[0].value is None and found[0].reason == "no such date"


def test_not_dates() -> None:
    assert find_dates("Section 2.1 of 2004") == []
    assert parse_date("the term is 12 months") is None


def test_find_dates_reports_offsets_into_the_text() -> None:
    text = "Made on March 1, 2020 and effective as of 2020-04-01."
    found = find_dates(text)
    assert [text[d.start : d.end] for d in found] == ["March 1, 2020", "2020-04-01"]


# --- arithmetic ---------------------------------------------------------------------------------------


def test_expiry_is_effective_date_plus_term() -> None:
    assert expiry_date(date(2024, 1, 5), YEAR).value == date(2025, 1, 5)
    assert expiry_date(date(2020, 3, 1), Duration(amount=36, unit="month")).value == date(2023, 3, 1)
    assert expiry_date(date(2024, 1, 5), Duration(amount=90, unit="day")).value == date(2024, 4, 4)


def test_expiry_without_a_start_or_a_term_is_undetermined_with_a_reason() -> None:
    missing_start = expiry_date(None, YEAR)
    assert missing_start.value is None and missing_start.reason
    missing_term = expiry_date(date(2024, 1, 5), None)
    assert missing_term.value is None and missing_term.reason


def test_leap_years_and_month_ends() -> None:
    assert add_duration(date(2024, 2, 29), YEAR).value == date(2025, 2, 28)
    assert add_duration(date(2024, 2, 29), Duration(amount=4, unit="year")).value == date(2028, 2, 29)
    assert add_duration(date(2023, 1, 31), MONTH).value == date(2023, 2, 28)
    assert add_duration(date(2024, 1, 31), MONTH).value == date(2024, 2, 29)
    assert subtract_duration(date(2024, 3, 1), Duration(amount=1, unit="day")).value == date(2024, 2, 29)


def test_repeated_periods_do_not_drift_at_month_end() -> None:
    # Three one-month renewals from 31 January land on 30 April, not on the 28th.
    assert add_duration(date(2023, 1, 31), MONTH, times=3).value == date(2023, 4, 30)


def test_first_anniversary() -> None:
    assert anniversary(date(2023, 6, 15)) == date(2024, 6, 15)
    assert anniversary(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert anniversary(date(2020, 5, 1), 5) == date(2025, 5, 1)


def test_business_days_and_hours_cannot_be_counted_on_a_calendar() -> None:
    result = add_duration(date(2024, 1, 5), Duration(amount=10, unit="day", business=True))
    assert result.value is None and result.reason
    assert subtract_duration(date(2024, 1, 5), Duration(amount=72, unit="hour")).value is None


def test_notice_deadline_within_the_initial_term() -> None:
    status = renewal_deadline(date(2025, 12, 31), YEAR, Duration(amount=90, unit="day"), as_of=date(2025, 6, 1))
    assert status.current_term_end == date(2025, 12, 31)
    assert status.notice_deadline == date(2025, 10, 2)
    assert status.deadline_passed is False
    assert status.renewals_elapsed == 0


def test_notice_deadline_rolls_forward_through_renewals() -> None:
    # Initial term ended 2021-03-01; one-year renewals: the term running on 2024-07-10 ends 2025-03-01.
    status = renewal_deadline(date(2021, 3, 1), YEAR, Duration(amount=60, unit="day"), as_of=date(2024, 7, 10))
    assert status.current_term_end == date(2025, 3, 1)
    assert status.renewals_elapsed == 4
    assert status.notice_deadline == date(2024, 12, 31)
    assert status.deadline_passed is False


def test_a_passed_deadline_points_to_the_next_term() -> None:
    status = renewal_deadline(date(2025, 2, 6), YEAR, Duration(amount=90, unit="day"), as_of=date(2025, 1, 15))
    assert status.current_term_end == date(2025, 2, 6)
    assert status.notice_deadline == date(2024, 11, 8)
    assert status.deadline_passed is True
    assert status.next_notice_deadline == date(2025, 11, 8)


def test_the_last_day_of_a_term_is_still_in_that_term() -> None:
    end, renewals, _ = roll_forward(date(2024, 6, 30), YEAR, as_of=date(2024, 6, 30))
    assert end == date(2024, 6, 30) and renewals == 0
    end, renewals, _ = roll_forward(date(2024, 6, 30), YEAR, as_of=date(2024, 7, 1))
    assert end == date(2025, 6, 30) and renewals == 1


def test_monthly_renewals_over_decades_stay_exact() -> None:
    end, renewals, reason = roll_forward(date(2000, 1, 31), MONTH, as_of=date(2030, 3, 15))
    assert reason is None
    assert end == date(2030, 3, 31)
    assert renewals == 362


def test_deadlines_that_cannot_be_determined_say_why() -> None:
    no_end = renewal_deadline(None, YEAR, Duration(amount=30, unit="day"), as_of=date(2025, 1, 1))
    assert no_end.notice_deadline is None and no_end.reason
    no_notice = renewal_deadline(date(2026, 1, 1), YEAR, None, as_of=date(2025, 1, 1))
    assert no_notice.notice_deadline is None and no_notice.current_term_end == date(2026, 1, 1) and no_notice.reason
    no_renewal = renewal_deadline(date(2020, 1, 1), None, Duration(amount=30, unit="day"), as_of=date(2025, 1, 1))
    assert no_renewal.current_term_end is None and no_renewal.reason


def test_recurring_due_dates_are_counted_from_the_start_without_drift() -> None:
    quarters = list(iter_anniversaries(date(2024, 1, 31), Duration(amount=3, unit="month"), until=date(2025, 1, 31)))
    assert quarters == [date(2024, 4, 30), date(2024, 7, 31), date(2024, 10, 31), date(2025, 1, 31)]
    assert list(iter_anniversaries(date(2024, 1, 1), YEAR, until=date(2024, 12, 31))) == []
