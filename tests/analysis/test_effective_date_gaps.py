"""Effective and agreement dates the rules used to get wrong: a recital cut by an abbreviation, a year left blank,
a period counted from signing, a term clause spread over padded columns.

Every sentence here is written for these tests (none is taken from a real contract).
"""

from __future__ import annotations

from analysis import UNDETERMINED, TermKind, analyse

PARTIES = ' between Orchid Labs Inc. ("Orchid") and Kestrel Freight LLC ("Kestrel").\n\n'


def _value(text: str, kind: TermKind) -> str | None:
    term = analyse(text).first(kind)
    return term.value if term is not None else None


def test_a_date_in_a_recital_cut_by_an_abbreviation_is_not_the_agreements() -> None:
    # "Holdings Inc.)" ends a sentence for the splitter; the paragraph is still the recital it opened.
    text = (
        'LICENCE AGREEMENT\n\nbetween\n\nOrchid Labs Inc. ("Orchid")\n\nand\n\nKestrel Freight LLC ("Kestrel").\n\n'
        "WHEREAS Kestrel holds rights under a licence granted by Pell (as successor to J.R. Marsh & Sons Inc.) and "
        "Orchid, and the Product Supply Agreement between Pell and Orchid dated as of March 3, 1991 (the "
        '"Pell Agreements"); and\n\n'
        "WHEREAS the parties wish to work together.\n\n"
        "1. Effect\n1.1 This Agreement will be effective when signed by both parties.\n\n"
        "IN WITNESS WHEREOF the parties have signed this Agreement.\n\nLondon, May ____, 2004\n"
    )
    assert _value(text, TermKind.AGREEMENT_DATE) != "1991-03-03"
    assert _value(text, TermKind.EFFECTIVE_DATE) in (UNDETERMINED, None)


def test_a_preamble_date_whose_year_is_left_blank_is_undetermined() -> None:
    text = (
        'SUPPLY AGREEMENT\n\nTHIS AGREEMENT, made as of the 3rd day of October, (the "Effective Date") by and'
        f"{PARTIES}1. Prices\n1.1 Prices follow the Orchid tariff in effect as of July 1, 2009.\n"
        "2. Term\n2.1 The term of this Agreement shall commence on the date first above written.\n"
    )
    assert _value(text, TermKind.EFFECTIVE_DATE) == UNDETERMINED
    assert _value(text, TermKind.AGREEMENT_DATE) == UNDETERMINED


SIGNED = (
    "\n\nIN WITNESS WHEREOF, the parties have signed this Agreement.\n\n"
    "ORCHID LABS INC.\nBy: /s/ Mara Quill\nDate: March 3, 2015\n\n"
    "KESTREL FREIGHT LLC\nBy: /s/ Ivo Brandt\nDate: March 9, 2015\n"
)


def test_a_duty_that_starts_a_period_after_signing_does_not_date_the_agreement() -> None:
    text = (
        f"SUPPLY AGREEMENT\n\nThis Supply Agreement is made{PARTIES}1. Reports\n1.1 Kestrel shall send a report "
        "each month, commencing sixty (60) days after execution of this Agreement.\n" + SIGNED
    )
    assert _value(text, TermKind.EFFECTIVE_DATE) != "2015-03-09"


def test_an_agreement_effective_a_period_after_signing_is_counted_from_the_last_signature() -> None:
    text = (
        f"SUPPLY AGREEMENT\n\nThis Supply Agreement is made{PARTIES}1. Effect\n1.1 This Agreement shall become "
        "effective thirty (30) days after execution of this Agreement by both parties.\n" + SIGNED
    )
    assert _value(text, TermKind.EFFECTIVE_DATE) == "2015-04-08"


def test_a_term_that_starts_on_an_undated_event_in_padded_columns_is_undetermined() -> None:
    pad = " " * 28
    text = (
        f"SUPPLY AGREEMENT\n\nThis Supply Agreement is made this 7th day of May, 2001{PARTIES}"
        f'1.3  Term.  The term of this  Agreement  shall be five (5){pad}years (the "Term")  which shall  '
        f"commence on the date{pad}upon which Kestrel  delivers  the  first  pallet.\n"
    )
    assert _value(text, TermKind.EFFECTIVE_DATE) == UNDETERMINED


def test_the_dates_a_term_runs_between_are_not_the_date_the_agreement_was_made() -> None:
    text = (
        "SPONSORSHIP AGREEMENT\n\nSPONSOR: Orchid Labs Inc.\nTERM: The term shall commence on April 1, 2011 and end "
        "on March 31, 2012.\n\n1. Benefits\n1.1 Kestrel shall show the Orchid name at each game.\n\n"
        "IN WITNESS WHEREOF the parties have signed this Agreement.\n\nKESTREL FREIGHT LLC\nBy: /s/ Ivo Brandt\n"
        "Date: 2/14/11\n"
    )
    assert _value(text, TermKind.AGREEMENT_DATE) not in ("2012-03-31", "2011-04-01")


def test_an_agreement_made_and_effective_from_a_date_is_dated_that_day() -> None:
    text = (
        'SERVICES AGREEMENT\n\nThis Services Agreement (the "Agreement") is made and effective from 9th Day of June, '
        f"2016{PARTIES}1. Services\n1.1 Kestrel shall carry the goods.\n"
    )
    assert _value(text, TermKind.AGREEMENT_DATE) == "2016-06-09"


DATED = f'MAINTENANCE AGREEMENT\n\nThis Maintenance Agreement (this "Agreement") is dated as of June 4, 2019{PARTIES}'


def _shown(text: str, kind: TermKind) -> tuple[str | None, str | None]:
    term = analyse(text).first(kind)
    return (term.value, term.display) if term is not None else (None, None)


def test_an_effective_date_that_is_the_later_of_the_date_hereof_and_an_event_is_undetermined() -> None:
    # The date hereof is only a floor: read as the agreement's date, the term's end moves with it.
    text = DATED + (
        "2. Term. The services shall begin on the next business day after the later of (a) the date hereof, or (b) "
        'the date Kestrel has confirmed that the data has been migrated (the "Effective Date"), and shall continue '
        'for two (2) years thereafter (the "Initial Term").\n'
    )
    value, display = _shown(text, TermKind.EFFECTIVE_DATE)
    assert value == UNDETERMINED and display is not None and "later of" in display
    assert _value(text, TermKind.EXPIRATION_DATE) in (UNDETERMINED, None)
    assert _value(text, TermKind.AGREEMENT_DATE) == "2019-06-04"  # the date it bears is still its date


def test_an_agreement_effective_as_of_the_earlier_of_two_dates_is_undetermined() -> None:
    text = DATED + (
        "1. Effect. This Agreement shall become effective as of the earlier of the first delivery of Equipment "
        "or the date of this Agreement.\n2. Term. The term of this Agreement is three (3) years from the Effective "
        "Date.\n"
    )
    assert _value(text, TermKind.EFFECTIVE_DATE) == UNDETERMINED
    assert _value(text, TermKind.EXPIRATION_DATE) in (UNDETERMINED, None)


def test_an_effective_date_counted_in_business_days_from_the_date_hereof_is_undetermined() -> None:
    text = DATED + (
        "1. Effect. The parties agree that the fifth business day following the date hereof shall be the "
        '"Effective Date".\n'
    )
    value, _display = _shown(text, TermKind.EFFECTIVE_DATE)
    assert value in (UNDETERMINED, None) and value != "2019-06-04"


def test_an_agreement_effective_as_of_the_date_hereof_still_takes_that_date() -> None:
    text = DATED + (
        '1. Effect. This Agreement shall become effective as of the date hereof (the "Effective Date").\n'
        "2. Term. The term of this Agreement is three (3) years from the Effective Date.\n"
    )
    assert _value(text, TermKind.EFFECTIVE_DATE) == "2019-06-04"
    assert _value(text, TermKind.EXPIRATION_DATE) is not None
