"""Effective dates that a form leaves blank, that only a deadline bounds, that the preamble gives across a layout gap,
and terms that end on the later of an anniversary and an event.

Every sentence here is written for these tests (none is taken from a real contract).
"""

from __future__ import annotations

from analysis import UNDETERMINED, TermKind, analyse

PARTIES = ' between Orchid Labs Inc. ("Orchid") and Kestrel Freight LLC ("Kestrel").\n\n'


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
