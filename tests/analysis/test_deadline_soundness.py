"""Deadlines and periods a lawyer would act on: a wrong date stated confidently is worse than "undetermined,
because ...". Contracts written for these tests, plus the red-team cases they generalise."""

from __future__ import annotations

from datetime import date

from analysis import UNDETERMINED, Duration, TermKind, analyse, initial_term_end, parse_duration, renewal_deadlines
from analysis.durations import find_durations

_PREAMBLE = (
    "HOSTING AGREEMENT\n\n"
    'This Hosting Agreement (the "Agreement") is entered into as of March 2, 2021 (the "Effective Date") by and '
    'between Orchard Mills Ltd ("Customer") and Cirrus Racks GmbH ("Host").\n\n'
)
_TAIL = (
    "\n\n7. Fees. Customer shall pay each invoice within thirty (30) days of receipt.\n\n"
    "8. Confidentiality. Each party shall keep the other party's information confidential.\n"
)


def _contract(*clauses: str) -> str:
    return _PREAMBLE + "\n\n".join(clauses) + _TAIL


def _first(text: str, kind: TermKind) -> str | None:
    found = analyse(text).first(kind)
    return found.value if found else None


# A term that starts on an undated event has no end and no notice deadline, whatever the effective date.


def test_term_from_an_undated_acceptance_has_no_end_and_no_deadline() -> None:
    text = _contract(
        "2. Term. This Agreement shall continue for a term of thirty-six (36) months commencing on the "
        "Acceptance Date.",
        "3. Renewal. Thereafter this Agreement shall automatically renew for successive one (1) year periods "
        "unless either party gives notice of non-renewal at least sixty (60) days prior to the end of the "
        "then-current term.",
    )
    terms = analyse(text).terms
    assert _first(text, TermKind.EXPIRATION_DATE) == UNDETERMINED
    end = initial_term_end(terms)
    assert end.value is None
    assert end.reason and "not determined" in end.reason
    deadline = renewal_deadlines(terms, as_of=date(2022, 5, 1))
    assert deadline.current_term_end is None
    assert deadline.notice_deadline is None
    assert deadline.reason


def test_term_from_a_regulatory_clearance_is_not_counted_from_the_signing_date() -> None:
    text = (
        "LICENCE AGREEMENT\n\nThis Agreement is entered into on 9 October 2022 between Pell Mapping Ltd and "
        "Quarry Lane Software Ltd.\n\n"
        "2. Conditions. This Agreement shall come into force only upon receipt of the Licensing Authority's "
        "clearance.\n\n"
        "3. Term. This Agreement shall continue for three (3) years from the date it comes into force.\n\n"
        "4. Renewal. Thereafter this Agreement shall automatically renew for successive one (1) year periods "
        "unless either party gives notice of non-renewal at least ninety (90) days prior to the end of the "
        "then-current term." + _TAIL
    )
    deadline = renewal_deadlines(analyse(text).terms, as_of=date(2023, 3, 1))
    assert deadline.current_term_end is None
    assert deadline.notice_deadline is None


def test_red_team_go_live_term_has_no_deadline() -> None:
    text = _contract(
        "3.1 Term. The Services shall be provided for a term of 24 months commencing on the Go-Live Date.",
        "3.2 Renewal. Thereafter this Agreement shall automatically renew for successive one (1) year periods "
        "unless either party gives notice of non-renewal at least ninety (90) days prior to the end of the "
        "then-current term.",
    )
    deadline = renewal_deadlines(analyse(text).terms, as_of=date(2023, 1, 1))
    assert (deadline.current_term_end, deadline.notice_deadline) == (None, None)


# A notice that lets a party walk away at will, or a notice about something else, is not the notice that
# stops the renewal, even when it is the next sentence.

_RENEWS = (
    "2.2 Renewal. After the Initial Term this Agreement shall renew automatically for further twelve (12) month terms."
)
_TERM = (
    '2.1 Term. This Agreement shall start on the Effective Date and continue for three (3) years (the "Initial Term").'
)


def test_convenience_termination_in_a_later_section_is_not_the_renewal_notice() -> None:
    text = _contract(
        _TERM,
        _RENEWS,
        "11. Customer may end this Agreement for its convenience on forty-five (45) days' written notice.",
    )
    terms = analyse(text).terms
    assert not [t for t in terms if t.kind == TermKind.RENEWAL_NOTICE_PERIOD]
    assert renewal_deadlines(terms, as_of=date(2023, 9, 1)).notice_deadline is None


def test_termination_at_any_time_after_the_renewal_sentence_is_not_the_renewal_notice() -> None:
    text = _contract(
        _TERM, _RENEWS + " Host may terminate this Agreement at any time by giving sixty (60) days' notice."
    )
    assert _first(text, TermKind.RENEWAL_NOTICE_PERIOD) is None


def test_notice_of_a_seat_change_before_renewal_is_not_the_renewal_notice() -> None:
    text = _contract(
        _TERM,
        _RENEWS,
        "3.1 Customer shall notify Host of any increase in rack capacity at least fifteen (15) days before the "
        "renewal date.",
    )
    assert _first(text, TermKind.RENEWAL_NOTICE_PERIOD) is None


def test_notice_in_a_sibling_subsection_still_stops_the_renewal() -> None:
    text = _contract(
        _TERM,
        _RENEWS,
        "2.3 Either party may cancel at any time before the expiry of the then-current term upon two (2) months' "
        "prior written notice.",
    )
    assert _first(text, TermKind.RENEWAL_NOTICE_PERIOD) == "P2M"


def test_such_notice_sentence_after_the_renewal_still_counts() -> None:
    text = _contract(
        _TERM,
        "2.2 Renewal. This Agreement shall renew automatically for further one (1) year terms unless a party "
        "notifies the other in writing of its intention not to renew. Such notice must be given thirty (30) days "
        "prior to the expiry of the then-current term.",
    )
    assert _first(text, TermKind.RENEWAL_NOTICE_PERIOD) == "P30D"


def test_red_team_convenience_notice_in_next_section() -> None:
    text = _contract(
        _TERM,
        "3.2 Renewal. Thereafter this Agreement shall automatically renew for successive one (1) year periods.",
        "9. Either party may terminate this Agreement for convenience on sixty (60) days' prior written notice.",
    )
    terms = analyse(text).terms
    assert not [t for t in terms if t.kind == TermKind.RENEWAL_NOTICE_PERIOD]
    assert renewal_deadlines(terms, as_of=date(2023, 6, 1)).notice_deadline is None


# A compound period is the whole period, never its first part.


def test_years_and_months_are_one_period() -> None:
    assert parse_duration("four (4) years and three (3) months") == Duration(amount=51, unit="month")
    assert parse_duration("one and a half years") == Duration(amount=18, unit="month")
    assert parse_duration("two weeks and two days") == Duration(amount=16, unit="day")


def test_a_compound_with_no_single_unit_form_is_not_cut_to_its_first_part() -> None:
    assert parse_duration("one (1) month and ten (10) days") is None
    spans = [(found.start, found.end) for found in find_durations("either ten days and thirty days")]
    assert len(spans) == 2  # a larger unit never follows a smaller one in a compound


def test_term_of_years_and_months_gives_the_right_expiry_and_deadline() -> None:
    text = _contract(
        "2.1 Term. This Agreement shall continue for a period of four years and three months from the Effective Date.",
        "2.2 Renewal. Thereafter this Agreement shall automatically renew for successive one (1) year periods "
        "unless either party gives notice of non-renewal at least sixty (60) days prior to the end of the "
        "then-current term.",
    )
    terms = analyse(text).terms
    assert _first(text, TermKind.INITIAL_TERM) == "P51M"
    deadline = renewal_deadlines(terms, as_of=date(2025, 1, 1))
    assert deadline.current_term_end == date(2025, 6, 2)
    assert deadline.notice_deadline == date(2025, 4, 3)


def test_red_team_three_years_and_six_months() -> None:
    text = _contract(
        "3. Term. The initial term of this Agreement is three years and six months from the Effective Date.",
    )
    assert _first(text, TermKind.EXPIRATION_DATE) == "2024-09-02"


def test_red_team_two_and_a_half_years() -> None:
    text = _contract("3. Term. This Agreement shall remain in force for two and a half years from the Effective Date.")
    assert _first(text, TermKind.INITIAL_TERM) == "P30M"


# A notice window gives its inner bound: notice later than that is too late.


def _renewing(notice_clause: str) -> str:
    return _contract(
        _TERM,
        "2.2 Renewal. Thereafter this Agreement shall automatically renew for successive one (1) year periods "
        + notice_clause,
    )


def test_notice_window_gives_the_later_deadline() -> None:
    text = _renewing(
        "unless a party serves notice of non-renewal no fewer than 45 and no more than 120 days before the "
        "end of the then-current term."
    )
    assert _first(text, TermKind.RENEWAL_NOTICE_PERIOD) == "P45D"


def test_notice_between_two_bounds_gives_the_inner_bound() -> None:
    text = _renewing("unless either party gives notice of non-renewal between 2 and 4 months before the renewal date.")
    assert _first(text, TermKind.RENEWAL_NOTICE_PERIOD) == "P2M"


def test_red_team_not_less_than_nor_more_than() -> None:
    text = _renewing(
        "unless, not less than 90 nor more than 180 days before the end of the then-current term, either party "
        "gives notice of non-renewal."
    )
    assert _first(text, TermKind.RENEWAL_NOTICE_PERIOD) == "P90D"


def test_extension_by_a_year_with_a_notice_period_to_the_end_of_the_year() -> None:
    text = _contract(
        _TERM,
        "2.2 Extension. After the Initial Term the agreement is extended tacitly by one year each time, unless it "
        "is cancelled with a notice period of six (6) weeks to the end of the relevant contract year.",
    )
    assert _first(text, TermKind.RENEWAL_TERM) == "P1Y"
    assert _first(text, TermKind.RENEWAL_NOTICE_PERIOD) == "P6W"


def test_red_team_german_style_extension() -> None:
    text = _contract(
        _TERM,
        "3.2 Renewal. Following the Initial Term, the contract is extended automatically by one year in each case, "
        "unless it is terminated with a notice period of three (3) months to the end of the respective contract "
        "year.",
    )
    assert _first(text, TermKind.RENEWAL_TERM) == "P1Y"
    assert _first(text, TermKind.RENEWAL_NOTICE_PERIOD) == "P3M"


# Business days are not calendar days: no calendar deadline is computed from them, and the reason says why.


def test_business_day_notice_is_not_reported_as_calendar_days() -> None:
    text = _renewing(
        "unless either party gives notice of non-renewal at least forty-five (45) business days before the end "
        "of the then-current term."
    )
    result = analyse(text)
    notice = result.first(TermKind.RENEWAL_NOTICE_PERIOD)
    assert notice is not None
    assert notice.value == UNDETERMINED
    assert notice.display == "45 business days"
    assert any("business days" in warning for warning in result.warnings)
    deadline = renewal_deadlines(result.terms, as_of=date(2023, 6, 1))
    assert deadline.current_term_end == date(2024, 3, 2)
    assert deadline.notice_deadline is None
    assert deadline.reason and "45 business days" in deadline.reason


def test_red_team_sixty_business_days() -> None:
    text = _renewing(
        "unless either party gives notice of non-renewal at least sixty (60) business days before the end of "
        "the then-current term."
    )
    assert _first(text, TermKind.RENEWAL_NOTICE_PERIOD) != "P60D"


# "The later of a date and an event": the date is only a floor, so the end and the deadline are undetermined.


def test_later_of_a_date_and_an_undated_event_is_undetermined() -> None:
    text = _contract(
        "2.1 Term. This Agreement remains in force until the later of (i) 30 June 2026 or (ii) the date on which "
        "the last migration project is accepted by Customer.",
        "2.2 Renewal. Thereafter this Agreement shall automatically renew for successive one (1) year periods "
        "unless either party gives notice of non-renewal at least sixty (60) days prior to the end of the "
        "then-current term.",
    )
    assert _first(text, TermKind.EXPIRATION_DATE) == UNDETERMINED
    deadline = renewal_deadlines(analyse(text).terms, as_of=date(2026, 1, 5))
    assert deadline.notice_deadline is None


def test_later_of_two_dates_and_earlier_of_a_date_and_an_event_keep_their_date() -> None:
    earlier = _contract(
        "2.1 Term. This Agreement remains in force until the earlier of (i) 30 June 2026 and (ii) the date on "
        "which the last migration project is accepted."
    )
    assert _first(earlier, TermKind.EXPIRATION_DATE) == "2026-06-30"
    later = _contract(
        "2.1 Term. This Agreement remains in force until the later of (i) 30 June 2026 and (ii) 31 December 2026."
    )
    assert _first(later, TermKind.EXPIRATION_DATE) == "2026-12-31"


def test_red_team_later_of_december_and_completion() -> None:
    text = _contract(
        "3. Term. This Agreement shall continue until the later of (a) December 31, 2025 and (b) the completion of "
        "all Services under any Statement of Work then in effect."
    )
    assert _first(text, TermKind.EXPIRATION_DATE) == UNDETERMINED


# Another document's date is not this agreement's date.

_UNDATED = (
    "RESELLER AGREEMENT\n\nThis Reseller Agreement is entered into by and between Tallow Robotics Ltd and Brisk "
    "Outlet SARL.\n\n"
)


def _agreement_date(*clauses: str) -> str | None:
    return _first(_UNDATED + "\n\n".join(clauses) + _TAIL, TermKind.AGREEMENT_DATE)


def test_a_quotation_or_order_date_is_not_the_agreement_date() -> None:
    assert _agreement_date("1. Products. Reseller buys the products listed in the quotation dated 4 May 2020.") is None
    assert _agreement_date("1. Scope. The work is set out in the Statement of Work issued on 9 June 2020.") is None


def test_a_defined_documents_date_is_not_the_agreement_date() -> None:
    assert _agreement_date('1. "MOU" means the memorandum between the parties signed on 2 March 2019.') is None


def test_a_superseded_letters_date_is_not_the_agreement_date() -> None:
    text = (
        "RESELLER AGREEMENT\n\nThis Reseller Agreement is made between Tallow Robotics Ltd and Brisk Outlet SARL "
        "and replaces the heads of terms signed by them on 30 April 2020." + _TAIL
    )
    assert _first(text, TermKind.AGREEMENT_DATE) is None


def test_red_team_proposal_and_price_list_dates() -> None:
    assert (
        _agreement_date("1. Scope. Provider shall perform the services described in its proposal dated 8 August 2021.")
        is None
    )
    assert (
        _agreement_date(
            "1. Prices. The prices are set out in the Price List dated 1 January 2022 attached as Schedule 2."
        )
        is None
    )


# A clause about disputing an invoice is not a second payment term.


def test_invoice_dispute_window_is_not_a_second_payment_term() -> None:
    text = _contract(
        "4. Invoices. Customer shall pay each invoice within thirty (30) days after receipt of the invoice.",
        "4.1 Queries. Should Customer wish to contest an invoice, it shall give Host notice in writing, with "
        "reasons, within seven (7) days of receipt of the invoice.",
    )
    result = analyse(text)
    assert [t.value for t in result.terms if t.kind == TermKind.PAYMENT_TERMS] == ["P30D"]
    assert not [w for w in result.warnings if w.startswith("payment_terms")]


def test_dispute_clause_that_also_sets_when_to_pay_keeps_its_period() -> None:
    text = (
        _PREAMBLE + "4. Invoices. Customer shall pay all undisputed amounts within twenty (20) days of receipt of "
        "the invoice and shall notify Host of any disputed amount." + _TAIL.replace("thirty (30)", "twenty (20)")
    )
    assert _first(text, TermKind.PAYMENT_TERMS) == "P20D"


def test_red_team_b_invoice_dispute_notice() -> None:
    text = _contract(
        "4.3 Payment. Company shall pay each invoice within thirty (30) days after receipt.",
        "4.4 Disputes. If Company disputes any invoice in good faith, it shall notify Consultant in writing within "
        "10 days after receipt of the invoice.",
    )
    assert [t.value for t in analyse(text).terms if t.kind == TermKind.PAYMENT_TERMS] == ["P30D"]


def test_effective_date_defined_by_another_agreements_event_is_undetermined() -> None:
    text = (
        "TRANSITION SERVICES AGREEMENT\n\nThis Agreement is made between Vale Foods plc and Orrin Dairy Ltd.\n\n"
        "2. The Effective Date of this Agreement shall be the Completion Date (as defined in the Asset Purchase "
        "Agreement dated 14 November 2021)." + _TAIL
    )
    result = analyse(text)
    effective = result.first(TermKind.EFFECTIVE_DATE)
    assert effective is not None and effective.value == UNDETERMINED
    assert result.first(TermKind.AGREEMENT_DATE) is None


def test_red_team_closing_date_of_a_stock_purchase_agreement() -> None:
    text = (
        "CONSULTING AGREEMENT\n\nThis Agreement is made between Acme Widgets, Inc. and Bolt Fasteners, LLC.\n\n"
        "2. The Effective Date of this Agreement shall be the Closing Date (as defined in the Stock Purchase "
        "Agreement dated May 1, 2019)." + _TAIL
    )
    assert _first(text, TermKind.EFFECTIVE_DATE) == UNDETERMINED


def test_effective_date_counted_from_the_date_hereof() -> None:
    text = (
        "SUPPORT AGREEMENT\n\nThis Agreement is made on 10 January 2023 between Vale Foods plc and Orrin Dairy "
        "Ltd.\n\n2. Commencement. This Agreement shall become effective two (2) months after the date hereof." + _TAIL
    )
    assert _first(text, TermKind.EFFECTIVE_DATE) == "2023-03-10"
    assert _first(text, TermKind.AGREEMENT_DATE) == "2023-01-10"


def test_red_team_effective_thirty_days_after_the_date_hereof() -> None:
    text = (
        "CONSULTING AGREEMENT\n\nThis Agreement is made on 4 April 2022 between Kestrel Media Ltd and Finch Studios "
        "Ltd.\n\n2. Effectiveness. This Agreement shall become effective thirty (30) days after the date hereof."
        + _TAIL
    )
    assert _first(text, TermKind.EFFECTIVE_DATE) == "2022-05-04"


# A contract that takes effect on an undated condition has an undetermined effective date, not none: left absent,
# the date at the top stands in for it and every period counted from it is wrong.

_SIGNED_ON = (
    "LICENCE AGREEMENT\n\nThis Licence Agreement is made on 12 May 2024 between Heron Labs Ltd and Osprey BV.\n\n"
)


def test_an_agreement_in_force_only_upon_an_undated_condition_has_an_undetermined_effective_date() -> None:
    for condition in (
        "2. Conditions. This Agreement shall come into force only upon the Licensee obtaining the export permit.",
        "2.1 This Licence Agreement shall not take effect unless and until the Licensor's shareholders approve it.",
        "2. Effectiveness. This Agreement is expressly conditional upon the completion of the Licensee's audit.",
        "2. This Agreement becomes effective upon the satisfaction or waiver of the conditions in Schedule 3.",
    ):
        text = _SIGNED_ON + condition + "\n\n3. Term. The term is three (3) years from the Effective Date." + _TAIL
        assert _first(text, TermKind.EFFECTIVE_DATE) == UNDETERMINED, condition
        assert renewal_deadlines(analyse(text).terms, as_of=date(2024, 6, 1)).current_term_end is None, condition


def test_a_waiver_or_change_effective_only_in_writing_does_not_make_the_agreement_conditional() -> None:
    for clause in (
        "9. Waiver. A waiver of any breach of this Agreement is not effective unless given in writing.",
        "10. Changes. A variation of any provision of this Agreement shall be effective only if both parties sign it.",
    ):
        assert _first(_SIGNED_ON + clause + _TAIL, TermKind.EFFECTIVE_DATE) != UNDETERMINED, clause
