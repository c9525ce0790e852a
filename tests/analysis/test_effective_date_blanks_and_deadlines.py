"""Effective dates that a form leaves blank, that only a deadline bounds, that the preamble gives across a layout gap,
and terms that end on the later of an anniversary and an event.

Every sentence here is written for these tests (none is taken from a real contract).
"""

from __future__ import annotations

from analysis import UNDETERMINED, TermKind, analyse
from analysis.dates import find_dates

PARTIES = ' between Orchid Labs Inc. ("Orchid") and Kestrel Freight LLC ("Kestrel").\n\n'
SIGNATURES = (
    "\n\nIN WITNESS WHEREOF, the parties have signed this Agreement on the dates below.\n\n"
    "ORCHID LABS INC.\nBy: /s/ Mara Quill\nDate: March 3, 2015\n\n"
    "KESTREL FREIGHT LLC\nBy: /s/ Ivo Brandt\nDate: March 9, 2015\n"
)


def test_a_date_whose_year_a_line_of_underlining_pushes_away_is_still_read() -> None:
    # SEC filings lay the underlining of a word on the line above into the sentence ("1 July, ------ 2011"); the
    # clean text blanks the hyphens, which leaves a long run of spaces after the comma.
    gap = " " * 87
    text = f"made as of 1 July,{gap}2011, between"
    assert [found.value.isoformat() for found in find_dates(text) if found.value] == ["2011-07-01"]


def test_an_effective_date_at_the_close_of_business_on_the_preamble_date() -> None:
    gap = " " * 45 + "----------" + " " * 35
    text = (
        f'ALLIANCE AGREEMENT\n\nTHIS ALLIANCE AGREEMENT (this "Agreement") is made as of 1 July,{gap}2011,{PARTIES}'
        '1. Definitions\n\n"Effective Date" means the close of business on the date specified in the preamble '
        "hereof.\n\n2. Alliance\n\nOrchid and Kestrel shall share their road freight capacity.\n"
    )
    result = analyse(text)
    agreement = result.first(TermKind.AGREEMENT_DATE)
    effective = result.first(TermKind.EFFECTIVE_DATE)
    assert agreement is not None and agreement.value == "2011-07-01"
    assert effective is not None and effective.value == "2011-07-01"


def test_a_term_to_the_later_of_an_anniversary_and_an_event_has_no_calendar_end() -> None:
    text = (
        'ALLIANCE AGREEMENT\n\nThis Alliance Agreement is made as of 1 July 2011 (the "Effective Date")'
        + PARTIES
        + "7. Term\n\nThis Agreement shall terminate on the later of (i) the second anniversary of the Effective "
        "Date or (ii) the date on which Kestrel ceases to hold a freight licence.\n"
    )
    expiry = analyse(text).first(TermKind.EXPIRATION_DATE)
    assert expiry is not None and expiry.value == UNDETERMINED
    assert "later of (i) the second anniversary" in expiry.citation.quote


def test_an_effective_date_the_form_leaves_blank_is_blank_not_an_event() -> None:
    text = (
        "SERVICES AGREEMENT\n\nBETWEEN: ORCHID LABS INC. AND KESTREL FREIGHT LLC\n\n"
        "EFFECTIVE AS OF (EFFECTIVE DATE)\n\n1. SERVICES\n\nKestrel will carry Orchid's goods by road.\n" + SIGNATURES
    )
    effective = analyse(text).first(TermKind.EFFECTIVE_DATE)
    assert effective is not None and effective.value == UNDETERMINED
    assert "left blank" in effective.display and "event" not in effective.display


def test_an_effective_date_bounded_only_by_a_deadline_is_undetermined_and_quotes_the_definition() -> None:
    text = (
        f"LICENCE AGREEMENT\n\nThis Licence Agreement is entered into as of May 4, 2018{PARTIES}"
        '1. Definitions\n\n1.4 "Effective Date" shall have the meaning given to it in Section 8.1.\n\n'
        "8. Term\n\n8.1 This Agreement shall become effective upon the approval of the licence by the Harbour "
        'Authority, which must be granted no later than October 1, 2018 (such date, the "Effective Date").\n'
    )
    effective = analyse(text).first(TermKind.EFFECTIVE_DATE)
    assert effective is not None and effective.value == UNDETERMINED
    assert "deadline" in effective.display
    assert "Harbour Authority" in effective.citation.quote


def test_an_effective_date_defined_as_the_last_signature_in_time_is_quoted_from_its_definition() -> None:
    text = (
        f"LICENCE AGREEMENT\n\nentered into{PARTIES}"
        "2. Licence\n\nWith effect from the date when the party signing last in time appends its signature to this "
        'agreement ("the effective date"), Orchid grants Kestrel a licence to use the software.\n\n'
        "6. Duration\n\nThe licence granted hereunder shall become effective upon execution of this agreement by both "
        "parties.\n" + SIGNATURES
    )
    effective = analyse(text).first(TermKind.EFFECTIVE_DATE)
    assert effective is not None and effective.value == "2015-03-09"
    assert "signing last in time" in effective.citation.quote
