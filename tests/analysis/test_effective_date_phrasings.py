"""How contracts say when they take effect: the effective date against other dates and other periods.

Every sentence here is written for these tests (none is taken from a real contract).
"""

from __future__ import annotations

import pytest

from analysis import UNDETERMINED, TermKind, analyse
from analysis.models import KeyTerm

PARTIES = ' between Orchid Labs Inc. ("Orchid") and Kestrel Freight LLC ("Kestrel").\n\n'
PREAMBLE = f"SUPPLY AGREEMENT\n\nThis Supply Agreement is made as of June 2, 2014{PARTIES}"
SIGNATURES = (
    "\n\nIN WITNESS WHEREOF, the parties have signed this Agreement on the dates below.\n\n"
    "ORCHID LABS INC.\nBy: /s/ Mara Quill\nDate: March 3, 2015\n\n"
    "KESTREL FREIGHT LLC\nBy: /s/ Ivo Brandt\nDate: March 9, 2015\n"
)


def _effective(text: str) -> KeyTerm | None:
    return analyse(text).first(TermKind.EFFECTIVE_DATE)


@pytest.mark.parametrize(
    "sentence",
    [
        "Orchid shall pay for goods ordered before the effective date of such termination.",
        "Kestrel shall keep its registration in force for one year from the effective date of the Offering Statement.",
        "The guarantee given by Kestrel's parent lapses three years after the effective date of the merger.",
        "Either party may change its address for notices by notice given ten days before the effective date of the "
        "change.",
    ],
)
def test_the_effective_date_of_something_else_is_not_the_agreements(sentence: str) -> None:
    text = PREAMBLE + f"1. Supply\n1.1 Kestrel shall deliver the goods each week.\n1.2 {sentence}\n"
    assert _effective(text) is None


def test_the_agreements_own_effective_date_still_takes_the_date_it_bears() -> None:
    text = PREAMBLE + "1. Term\n1.1 This Agreement shall commence on the Effective Date and run for two years.\n"
    effective = _effective(text)
    assert effective is not None and effective.value == "2014-06-02"


@pytest.mark.parametrize(
    "sentence",
    [
        'For purposes of this Agreement, the "Quiet Period" means the period commencing on the date of this '
        "Agreement and ending ninety days later.",
        'Throughout this Agreement, "Service Period" means that period of time commencing upon the full execution '
        "of this Agreement and ending when the last delivery is made.",
    ],
)
def test_another_period_commencing_on_the_date_of_the_agreement_is_not_its_effective_date(sentence: str) -> None:
    text = PREAMBLE + f"1. Definitions\n1.1 {sentence}\n2. Supply\n2.1 Kestrel shall deliver the goods.\n"
    assert _effective(text) is None


def test_signed_by_the_last_signatory_is_the_last_date_of_signature() -> None:
    text = (
        f"SUPPLY AGREEMENT\n\nThis Supply Agreement is made{PARTIES}1. Term\n1.1 The term of this Agreement "
        '("Term") will begin on the date this Agreement is signed by the last signatory ("Effective Date") and will '
        "last two years.\n2. Supply\n2.1 Kestrel shall deliver the goods." + SIGNATURES
    )
    effective = _effective(text)
    assert effective is not None and effective.value == "2015-03-09"


def test_a_term_that_begins_on_execution_starts_at_the_last_signature() -> None:
    text = (
        f"SERVICES AGREEMENT\n\nThis Services Agreement is made{PARTIES}1. Term\n1.1 The term of this Services "
        "Agreement shall begin on the date of execution and shall continue for a period of two years.\n2. Services\n"
        "2.1 Kestrel shall carry the goods." + SIGNATURES
    )
    effective = _effective(text)
    assert effective is not None and effective.value == "2015-03-09"


def test_effective_for_all_purposes_as_of_a_date() -> None:
    text = (
        "FIRST AMENDMENT TO SUPPLY AGREEMENT\n\nThis First Amendment is made and entered into, effective for all "
        f"purposes and in all respects as of the 9th day of March, 2004,{PARTIES}1. Prices\n1.1 Prices rise by 2%.\n"
    )
    effective = _effective(text)
    assert effective is not None and effective.value == "2004-03-09"


def test_a_hyphenated_agreement_name_effective_as_of_the_date_above() -> None:
    text = (
        f"COST-SHARING AGREEMENT\n\nThis Agreement is made this 5th day of August, 2016{PARTIES}"
        "WHEREAS, the parties agree that this cost-sharing agreement is to be effective as of the date first "
        "written above;\n\n1. Costs\n1.1 Each party bears half of the costs.\n"
    )
    effective = _effective(text)
    assert effective is not None and effective.value == "2016-08-05"


def test_an_appointment_that_begins_on_a_date() -> None:
    text = (
        f"SERVICE AGREEMENT\n\nThis Service Agreement is dated 1 November 2018{PARTIES}1. Appointment\n"
        "1.1 The Appointment will begin on 4 February 2019 and continue until ended by either party.\n"
    )
    effective = _effective(text)
    assert effective is not None and effective.value == "2019-02-04"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("COMMENCEMENT DATE FOR SUPPORT UNDER THIS ADDENDUM: APRIL 1, 2003", "2003-04-01"),
        ("Effective Dates: May 1, 2010, May 1, 2011", "2010-05-01"),
    ],
)
def test_a_labelled_effective_date_in_other_words(label: str, expected: str) -> None:
    text = f"SUPPORT ADDENDUM\n\nKestrel and Orchid agree as follows.\n\n{label}\n\n1. Support\n1.1 Kestrel supports.\n"
    effective = _effective(text)
    assert effective is not None and effective.value == expected


@pytest.mark.parametrize(
    "event",
    [
        "the date that the Affiliate Registration Form is approved by Orchid",
        "the first day of the Support Period for the first unit that Kestrel installs",
    ],
)
def test_commencing_on_the_date_of_an_undated_event_is_undetermined(event: str) -> None:
    text = (
        f"AFFILIATE AGREEMENT\n\nThis Affiliate Agreement is made{PARTIES}1. Term\n1.1 The term of this Agreement "
        f"will commence on {event} and will end when either party terminates it.\n"
    )
    effective = _effective(text)
    assert effective is not None and effective.value == UNDETERMINED


def test_effective_as_of_a_date_above_that_was_never_filled_in_is_undetermined() -> None:
    text = (
        f"SERVICE AGREEMENT\n\nThis Service Agreement is entered into as of [Date]{PARTIES}1. Services\n"
        "1.1 Kestrel shall carry the goods.\n2. Term\n2.1 This Agreement shall be effective as of the date set forth "
        "above in this Agreement.\n"
    )
    effective = _effective(text)
    assert effective is not None and effective.value == UNDETERMINED
