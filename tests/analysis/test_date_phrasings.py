"""How contracts state their dates and their end: phrasings of the agreement, effective and expiration dates.

Every sentence here is written for these tests (none is taken from a real contract).
"""

from __future__ import annotations

import pytest

from analysis import PERPETUAL, UNDETERMINED, TermKind, analyse
from analysis.dates import find_dates
from analysis.models import KeyTerm

PARTIES = ' between Orchid Labs Inc. ("Orchid") and Kestrel Freight LLC ("Kestrel").\n\n'


def _first(text: str, kind: TermKind) -> KeyTerm | None:
    return analyse(text).first(kind)


# --- agreement date ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "blank",
    ["this day of , 20", "the _____ day of ______________, 20__", "this day of ________________, 19__"],
)
def test_a_date_left_blank_down_to_the_century_is_a_blank_date(blank: str) -> None:
    found = find_dates(f"made as of {blank} between the parties")
    assert len(found) == 1 and found[0].value is None and "blank" in (found[0].reason or "")
    text = f"SERVICES AGREEMENT\n\nThis Services Agreement is made and entered into {blank}{PARTIES}1. Services\n"
    agreement = _first(text, TermKind.AGREEMENT_DATE)
    assert agreement is not None and agreement.value == UNDETERMINED


def test_a_page_of_blanks_is_still_not_a_date() -> None:
    assert find_dates("Name: ____________ Title: ______________ 20") == []


def test_effective_as_from_in_the_preamble_dates_the_agreement() -> None:
    text = f"LOGISTICS AGREEMENT\n\nThis Logistics Agreement is effective as from the 3rd day of July, 2011,{PARTIES}"
    agreement = _first(text, TermKind.AGREEMENT_DATE)
    assert agreement is not None and agreement.value == "2011-07-03"


def test_a_termination_agreement_is_dated_like_any_other() -> None:
    text = (
        "LEASE TERMINATION AGREEMENT\n\nThis Lease Termination Agreement is made and entered into on the 4th day "
        f"of May, 2012,{PARTIES}1. The lease ends on the date of this agreement.\n"
    )
    agreement = _first(text, TermKind.AGREEMENT_DATE)
    assert agreement is not None and agreement.value == "2012-05-04"


def test_backslash_signature_marks_date_the_agreement() -> None:
    body = "".join(f"{n}. Clause\n{n}.1 Kestrel shall carry the goods listed in Schedule {n}.\n" for n in range(1, 30))
    text = (
        "HAULAGE AGREEMENT\n\nThis Agreement sets out the terms on which Kestrel carries goods for Orchid.\n\n"
        + body
        + "\nKESTREL\n\\s\\ Mara Quill\nDirector\n7 Feb. 2001\n\nORCHID\n\\s\\ Ivo Brandt\n"
    )
    agreement = _first(text, TermKind.AGREEMENT_DATE)
    assert agreement is not None and agreement.value == "2001-02-07"


def test_the_date_of_the_filing_a_joint_filing_agreement_covers_is_not_its_date() -> None:
    text = (
        "JOINT FILING AGREEMENT\n\nEach of the parties below agrees that the statement on Schedule 13D concerning "
        "the ordinary shares of Orchid Labs Inc., dated as of March 31, 2021, together with later amendments, is "
        "filed for each of them.\n\nDated: April 9, 2021\n\nKESTREL FREIGHT LLC\n"
        "By: /s/ Ivo Brandt\n\nHERON CAPITAL LP\nBy: /s/ Mara Quill\n"
    )
    agreement = _first(text, TermKind.AGREEMENT_DATE)
    assert agreement is not None and agreement.value == "2021-04-09"


@pytest.mark.parametrize(
    ("closing", "expected"),
    [
        ("Dated the 4th day of October, 2011.", "2011-10-04"),
        ("Dated the ____ day of October, 2011.", UNDETERMINED),
        ("This Agreement replaces the Haulage Agreement dated the 1st day of October, 2009.", None),
    ],
)
def test_a_dated_line_at_the_signatures_dates_the_agreement(closing: str, expected: str | None) -> None:
    body = "".join(f"{n}. Clause\n{n}.1 Kestrel shall carry the goods listed in Schedule {n}.\n" for n in range(1, 120))
    text = (
        "HAULAGE AGREEMENT\n\nThis Agreement sets out the terms on which Kestrel carries goods for Orchid.\n\n"
        + body
        + f"120. Entire agreement\n120.1 This Agreement is the entire agreement of the parties.\n\n    {closing}\n\n"
        "KESTREL FREIGHT LLC\nPer: ______________\n\nORCHID LABS INC.\nPer: ______________\n"
    )
    agreement = _first(text, TermKind.AGREEMENT_DATE)
    assert (agreement.value if agreement else None) == expected


def test_a_dated_line_in_a_form_after_the_signatures_does_not_replace_their_dates() -> None:
    body = "".join(f"{n}. Clause\n{n}.1 Kestrel shall carry the goods listed in Schedule {n}.\n" for n in range(1, 120))
    text = (
        "HAULAGE AGREEMENT\n\nThis Agreement sets out the terms on which Kestrel carries goods for Orchid.\n\n"
        + body
        + "\nKESTREL FREIGHT LLC\nBy: /s/ Ivo Brandt\nDate: March 3, 2018\n\nORCHID LABS INC.\nBy: /s/ Mara Quill\n"
        "Date: March 9, 2018\n\nEXHIBIT A - FORM OF DELIVERY NOTICE\n\nKestrel delivers the goods listed below.\n"
        "Dated this ____ day of __________, 20__.\n"
    )
    agreement = _first(text, TermKind.AGREEMENT_DATE)
    assert agreement is not None and agreement.value == "2018-03-09"


def test_the_agreements_own_statement_of_its_date_beats_the_date_of_the_event_it_is_for() -> None:
    text = (
        "REGATTA SPONSORSHIP AGREEMENT\nHarbour Regatta, June 9, 2012\n\nOrchid sponsors the Harbour Regatta (the "
        '"Race"), which is sailed on June 9, 2012, and this Regatta Sponsorship Agreement (the "Agreement"), dated as '
        f"of May 2, 2012, is made{PARTIES}1. Sponsorship\n1.1 Orchid shall pay the fee.\n"
    )
    agreement = _first(text, TermKind.AGREEMENT_DATE)
    assert agreement is not None and agreement.value == "2012-05-02"


def test_a_title_that_dates_the_agreement_is_not_replaced_by_a_later_statement() -> None:
    text = (
        "SPONSORSHIP AGREEMENT\ndated as of March 1, 2010\n\nThis Sponsorship Agreement is made on March 5, 2010"
        f"{PARTIES}1. Sponsorship\n1.1 Orchid shall pay the fee.\n"
    )
    agreement = _first(text, TermKind.AGREEMENT_DATE)
    assert agreement is not None and agreement.value == "2010-03-01"


# --- effective date ----------------------------------------------------------------------------------


def test_a_date_label_named_for_the_end_of_the_term_is_not_a_signature_date() -> None:
    # No date in the preamble: the agreement is dated at the signatures, not by when its term ends.
    body = "".join(f"{n}. Clause\n{n}.1 Kestrel shall carry the goods listed in Schedule {n}.\n" for n in range(1, 120))
    text = (
        "SUPPLY AGREEMENT\n\nThis Supply Agreement is made" + PARTIES + body + "TERM OF SUPPLY\n\n"
        "Effective Date: April 1, 2017\nTermination Date: March 31, 2022\n\n"
        "120. Supply\n120.1 Kestrel shall deliver the goods each week.\n\n"
        "ORCHID LABS INC.\nBy: /s/ Mara Quill\nDate: March 3, 2018\n\n"
        "KESTREL FREIGHT LLC\nBy: /s/ Ivo Brandt\nDate: March 9, 2018\n"
    )
    agreement = _first(text, TermKind.AGREEMENT_DATE)
    assert agreement is not None and agreement.value == "2018-03-09"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("It shall be effective on 3 March 2015 and shall last two years.", "2015-03-03"),
        ("The Joint Venture shall commence on the 2nd of May, 2016.", "2016-05-02"),
        ("The commencement date for this contract will be 9th April 2013.", "2013-04-09"),
    ],
)
def test_the_agreement_taking_effect_in_other_words(sentence: str, expected: str) -> None:
    text = f"COOPERATION AGREEMENT\n\nThis Cooperation Agreement is made{PARTIES}1. Start\n1.1 {sentence}\n"
    effective = _first(text, TermKind.EFFECTIVE_DATE)
    assert effective is not None and effective.value == expected


# --- expiration date ---------------------------------------------------------------------------------

PREAMBLE = (
    f'SUPPLY AGREEMENT\n\nThis Supply Agreement is entered into as of June 1, 2020 (the "Effective Date"){PARTIES}'
)


def _expiry(*sentences: str) -> KeyTerm | None:
    body = "".join(f"{n}.1 {sentence}\n" for n, sentence in enumerate(sentences, start=1))
    return _first(PREAMBLE + body, TermKind.EXPIRATION_DATE)


def test_until_termination_as_provided_is_perpetual() -> None:
    found = _expiry(
        "This Agreement will commence on the Effective Date and continue until termination as provided in Section 9."
    )
    assert found is not None and found.value == PERPETUAL


def test_until_another_agreement_ends_is_an_undated_event() -> None:
    found = _expiry("This Agreement shall continue until the termination of the Master Purchase Agreement.")
    assert found is not None and found.value == UNDETERMINED


@pytest.mark.parametrize(
    "sentence",
    [
        "This Agreement will be in effect from the Effective Date until completion of the Pilot Study.",
        "The term of this Agreement begins on the Effective Date, ending on the expiration of all Work Orders.",
    ],
)
def test_a_term_running_to_an_undated_event_is_found_as_one(sentence: str) -> None:
    found = _expiry(sentence)
    assert found is not None and found.value == UNDETERMINED


@pytest.mark.parametrize(
    "sentence",
    [
        "In the event the Buyer fails to close by the outside date, this Agreement shall terminate upon refund "
        "of the deposit to the Buyer.",
        "This Agreement shall automatically terminate if the Carrier ceases to hold its operating licence.",
        "Kestrel may terminate this Agreement at any time; provided that this Agreement shall automatically "
        "terminate upon the termination of the Framework Agreement.",
        "The provisions of Sections 4 and 5 shall terminate upon a change of control of Orchid.",
    ],
)
def test_a_condition_that_ends_the_agreement_early_is_not_its_expiry(sentence: str) -> None:
    assert _expiry(sentence) is None


def test_a_perpetual_licence_does_not_make_the_agreement_perpetual() -> None:
    found = _expiry(
        "During the Term, Orchid grants Kestrel a royalty-free, perpetual, irrevocable, worldwide license to the Marks."
    )
    assert found is None or found.value != PERPETUAL


def test_term_label_with_a_length_from_the_date_of_the_agreement() -> None:
    found = _expiry("Term: twenty-four (24) months from the date of the Agreement.")
    assert found is not None and found.value == "2022-06-01"


def test_a_period_after_the_term_is_not_the_term() -> None:
    found = _expiry(
        "This Agreement shall be effective as of the Effective Date and shall continue in effect through "
        "June 30, 2022.",
        "For the term of this Agreement and for three (3) years thereafter, each Party shall keep the other's "
        "Confidential Information confidential.",
    )
    assert found is not None and found.value == "2022-06-30"


def test_the_definition_of_the_term_beats_a_period_in_termination_assistance() -> None:
    text = (
        PREAMBLE
        + '1. Definitions\n1.1 "Term" shall mean the period commencing on the Effective Date and ending on the third '
        "anniversary of the Effective Date.\n\n7. Termination Assistance\n7.1 At Orchid's request, given at least 60 "
        "days prior to expiration of the Term, Kestrel shall continue to carry the goods for a period of four (4) "
        "months.\n"
    )
    found = _first(text, TermKind.EXPIRATION_DATE)
    assert found is not None and found.value == "2023-06-01"


@pytest.mark.parametrize(
    "sentence",
    [
        "WHEREAS, the term of the parties' earlier haulage agreement expired on March 31, 2020.",
        "The representations and warranties in this Agreement shall terminate one year from the Effective Date.",
        "For a two-year period following the termination date, Kestrel will not carry goods for Orchid's rivals.",
    ],
)
def test_other_periods_and_other_agreements_are_not_the_expiry(sentence: str) -> None:
    assert _expiry(sentence) is None


def test_the_provisions_of_this_agreement_not_being_terminable_is_perpetual() -> None:
    found = _expiry("The provisions of this Agreement shall not be terminable or revocable for any reason.")
    assert found is not None and found.value == PERPETUAL


def test_a_long_form_date_right_after_effective_on() -> None:
    text = f"CARRIAGE AGREEMENT\n\nTHIS CARRIAGE AGREEMENT is effective on this 21st day of September, 2011,{PARTIES}"
    effective = _first(text, TermKind.EFFECTIVE_DATE)
    assert effective is not None and effective.value == "2011-09-21"


def test_a_defined_effective_date_whose_month_ends_with_a_full_stop() -> None:
    text = f'SERVICE AGREEMENT This Service Agreement is entered into on April. 3rd 2019 ("Effective Date"){PARTIES}'
    effective = _first(text, TermKind.EFFECTIVE_DATE)
    assert effective is not None and effective.value == "2019-04-03"
