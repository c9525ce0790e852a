"""Phrasings a red-team pass found read wrongly: a time of day cutting a sentence, a term "in effect from ... until",
a renewal stopped by cancelling or opting out, an extension a party may choose, day-first numeric dates, signature
blocks without "IN WITNESS WHEREOF", and a heading run into its clause.

Every sentence here is written for these tests (none is taken from a real contract).
"""

from __future__ import annotations

from datetime import date

import pytest

from analysis import TermKind, analyse, build_document
from analysis.amendments import amendment_operations
from analysis.consolidation import DocumentRef, consolidate
from analysis.text import split_sentences


def _value(text: str, kind: TermKind) -> str | None:
    term = analyse(text).first(kind)
    return term.value if term is not None else None


def _sentences(text: str) -> list[str]:
    found = split_sentences(text)
    return [text[start:end] for start, end in zip(found.starts, found.ends, strict=True)]


# --- a time of day does not end a sentence ------------------------------------------------------------


@pytest.mark.parametrize(
    "clause",
    [
        "Notice must reach the Agent by 5:00 p.m. Eastern time on the tenth day before the Closing.",
        "Orders placed before 10:30 a.m. (Pacific Time) on a Business Day ship the same day.",
        "The window closes at 5 P.M. New York City time on the last day of each quarter.",
        "Bids are due no later than 11:59 p.m. Friday of the week in which the tender is published.",
        "Delivery is made at 9 a.m. CET on the date stated in the order.",
    ],
)
def test_a_time_of_day_followed_by_its_zone_does_not_end_the_sentence(clause: str) -> None:
    assert _sentences(clause) == [clause]


def test_a_time_of_day_at_the_end_of_a_sentence_still_ends_it() -> None:
    assert _sentences("Payment is due by 5:00 p.m. The Buyer shall pay in euros.") == [
        "Payment is due by 5:00 p.m.",
        "The Buyer shall pay in euros.",
    ]


def test_a_renewal_notice_timed_to_the_hour_keeps_its_period() -> None:
    text = (
        "RESELLER AGREEMENT\n\nThis Reseller Agreement is made as of June 2, 2020 between Corvid Systems Inc. and "
        "Talus Retail LLC.\n\n7. Term and Renewal\n7.1 The initial term is three (3) years from the date hereof. It "
        "renews automatically for successive one (1) year terms unless either party sends notice of non-renewal by "
        "5:00 p.m. Eastern Time on the day that is sixty (60) days before the end of the then-current term.\n"
    )
    assert _value(text, TermKind.RENEWAL_NOTICE_PERIOD) == "P60D"
    assert _value(text, TermKind.RENEWAL_TERM) == "P1Y"


# --- "shall have effect from ... until ..." -----------------------------------------------------------

_LICENCE = (
    "LICENCE AGREEMENT\n\nThis Licence Agreement is made on 10 March 2021 between Brackwater Holdings Limited and "
    "Fennick Media Limited.\n\n2. Duration\n2.1 "
)
_LICENCE_END = "\n3. Law\n3.1 This Agreement is governed by the laws of England.\n"


@pytest.mark.parametrize(
    "clause",
    [
        "This Agreement shall have effect from 1 April 2021 until 31 March 2024.",
        "This Agreement shall be in force from 1 April 2021 to 31 March 2024.",
        "This Agreement shall remain in effect from 1 April 2021 through 31 March 2024, unless terminated earlier.",
        "This Agreement will have effect as from 1 April 2021 and will continue until 31 March 2024.",
        'Subject to clause 9, this Agreement shall have effect from 1 April 2021 until 31 March 2024 (the "Term").',
        "This Agreement shall be in full force and effect from 1 April 2021 until 31 March 2024.",
        "This Agreement shall have effect for the period from 1 April 2021 to 31 March 2024.",
        "This Agreement is valid from 1 April 2021 until 31 March 2024.",
        "The term of this Agreement shall be from 1 April 2021 until 31 March 2024.",
    ],
)
def test_an_agreement_in_effect_from_one_date_until_another_has_both(clause: str) -> None:
    text = _LICENCE + clause + _LICENCE_END
    assert _value(text, TermKind.AGREEMENT_DATE) == "2021-03-10"
    assert _value(text, TermKind.EFFECTIVE_DATE) == "2021-04-01"
    assert _value(text, TermKind.EXPIRATION_DATE) == "2024-03-31"


def test_prices_in_effect_from_a_date_do_not_date_the_agreement() -> None:
    text = (
        _LICENCE + "This Agreement continues until terminated. The prices under this Agreement in effect from "
        "1 January 2022 are those in Schedule 2." + _LICENCE_END
    )
    assert _value(text, TermKind.EFFECTIVE_DATE) != "2022-01-01"


# --- a renewal stopped by cancelling or opting out ----------------------------------------------------

_SUBSCRIPTION = (
    "SUBSCRIPTION AGREEMENT\n\nThis Subscription Agreement is made as of May 4, 2022 between Lumen Grove Inc. and "
    "Pike Harbor LLC.\n\n3. Term\n3.1 The initial term of this Agreement is two (2) years from the date hereof.\n3.2 "
)
_SUBSCRIPTION_END = "\n4. Fees\n4.1 Pike Harbor shall pay the fees monthly.\n"


@pytest.mark.parametrize(
    ("clause", "notice"),
    [
        (
            "This Agreement renews automatically for successive one-year terms unless a party cancels no later than "
            "60 days before the renewal date.",
            "P60D",
        ),
        (
            "This Agreement shall automatically renew for additional one (1) year periods unless either party opts "
            "out by written notice at least 90 days prior to the end of the then-current term.",
            "P90D",
        ),
        (
            "This Agreement will renew automatically for further one-year periods unless either party opts out at "
            "least forty-five (45) days before the anniversary date.",
            "P45D",
        ),
        (
            "The subscription renews automatically for successive annual terms unless the Customer cancels not later "
            "than thirty (30) days prior to the end of the then-current term.",
            "P30D",
        ),
        (
            "This Agreement renews automatically for successive one-year terms. Either party may cancel no later "
            "than 60 days before the next renewal date.",
            "P60D",
        ),
        (
            "This Agreement renews automatically for successive one-year terms unless either party opts out of "
            "renewal no fewer than sixty (60) days before the expiration of the then-current term.",
            "P60D",
        ),
        (
            "This Agreement renews automatically for successive one-year terms unless either party cancels the "
            "renewal at least two (2) months before it begins.",
            "P2M",
        ),
    ],
)
def test_a_renewal_a_party_cancels_or_opts_out_of_has_its_notice_period(clause: str, notice: str) -> None:
    text = _SUBSCRIPTION + clause + _SUBSCRIPTION_END
    assert _value(text, TermKind.RENEWAL_NOTICE_PERIOD) == notice
    assert _value(text, TermKind.RENEWAL_TERM) == "P1Y"


@pytest.mark.parametrize(
    "clause",
    [
        "This Agreement renews automatically for successive one-year terms. Pike Harbor may cancel any purchase "
        "order no later than ten (10) days before its delivery date.",
        "This Agreement renews automatically for successive one-year terms. Pike Harbor may cancel an event booking "
        "at least ten (10) days before the event.",
    ],
)
def test_cancelling_an_order_after_a_renewal_clause_is_no_renewal_notice(clause: str) -> None:
    assert _value(_SUBSCRIPTION + clause + _SUBSCRIPTION_END, TermKind.RENEWAL_NOTICE_PERIOD) is None


# --- day-first numeric dates --------------------------------------------------------------------------

_MILL = (
    "SUPPLY AGREEMENT\n\nThis Supply Agreement is dated 3/4/2021 and is made between Alder Mill Limited and Stroud "
    "Ceramics Limited.\n\n1. Term\n1.1 This Agreement commences on 3/4/2021 and expires on {end}.\n"
)


@pytest.mark.parametrize(
    ("end", "law", "expires"),
    [
        ("2/5/2023", "the laws of England and Wales", "2023-05-02"),
        ("2/5/2023", "English law", "2023-05-02"),
        ("2/5/2023", "the laws of the Republic of Singapore", "2023-05-02"),
        ("28/02/2023", "the laws of the State of Ohio", "2023-02-28"),  # the document's own order beats the law's
        ("2 May 2023", None, "2023-05-02"),
    ],
)
def test_a_numeric_date_is_read_day_first_where_the_contract_writes_dates_so(
    end: str, law: str | None, expires: str
) -> None:
    text = _MILL.format(end=end) + (f"2. Law\n2.1 This Agreement is governed by {law}.\n" if law else "")
    assert _value(text, TermKind.AGREEMENT_DATE) == "2021-04-03"
    assert _value(text, TermKind.EFFECTIVE_DATE) == "2021-04-03"
    assert _value(text, TermKind.EXPIRATION_DATE) == expires


@pytest.mark.parametrize(
    ("end", "law"),
    [
        ("2/5/2023", "the laws of the State of Ohio"),
        ("2/5/2023", None),
        ("12/31/2023", "the laws of England"),  # "12/31" shows the drafter writes month first
        ("May 2, 2023", "the laws of England"),
    ],
)
def test_a_numeric_date_stays_month_first_without_day_first_evidence(end: str, law: str | None) -> None:
    text = _MILL.format(end=end) + (f"2. Law\n2.1 This Agreement is governed by {law}.\n" if law else "")
    assert _value(text, TermKind.AGREEMENT_DATE) == "2021-03-04"
    assert _value(text, TermKind.EFFECTIVE_DATE) == "2021-03-04"


def test_reading_the_law_for_the_date_order_does_not_repeat_its_warning() -> None:
    text = (
        _MILL.format(end="2/5/2023") + "2. Law\n2.1 This Agreement is governed by the laws of England.\n3. Other\n"
        "3.1 This Agreement shall be governed by the laws of the State of New York.\n"
    )
    warnings = analyse(text).warnings
    assert len([w for w in warnings if w.startswith("governing_law")]) == 1
    assert _value(text, TermKind.AGREEMENT_DATE) == "2021-03-04"  # two laws: no day-first evidence


_AMENDMENT = (
    "FIRST AMENDMENT\n\nThis First Amendment is made between Alder Mill Limited and Stroud Ceramics Limited.\n\n"
    "1. Amendment\n1.1 The Term of the Agreement is hereby extended until 3/4/2025.\n"
)


def test_an_amendment_reads_its_dates_in_the_order_analyse_does() -> None:
    text = _AMENDMENT + "2. Law\n2.1 This Amendment is governed by the laws of England and Wales.\n"
    operations = [op for op in amendment_operations(build_document(text)) if op.term is not None]
    assert [op.term.value for op in operations if op.term is not None] == ["2025-04-03"]
    assert _value(text, TermKind.EXPIRATION_DATE) == "2025-04-03"


def test_an_amendment_that_names_no_law_reads_dates_as_its_agreement_does() -> None:
    base = _MILL.format(end="2/5/2023") + "2. Law\n2.1 This Agreement is governed by the laws of England and Wales.\n"
    ref = DocumentRef(id="am1", effective_date=date(2023, 1, 10), status="active")
    terms = consolidate(DocumentRef(id="base", status="active"), analyse(base), [(ref, _AMENDMENT)])
    assert terms.value(TermKind.EXPIRATION_DATE) == "2025-04-03"


# --- signature blocks without "IN WITNESS WHEREOF" ----------------------------------------------------

_CONSULTING = (
    "CONSULTING AGREEMENT\n\nThis Consulting Agreement is entered into by Harbor Analytics Inc. and Juniper Works "
    "LLC.\n\n"
)
_CONSULTING_BODY = (
    "\n2. Services. Juniper shall provide advisory services as requested.\n3. Fees. Harbor shall pay the fees in "
    "Exhibit A.\n4. Governing Law. This Agreement is governed by the laws of the State of Delaware."
)
_BLOCKS = [
    "\n\nHARBOR ANALYTICS INC.\nSigned by: /s/ Ada Prentiss\nName: Ada Prentiss\nTitle: CEO\nDate: March 3, 2015\n\n"
    "JUNIPER WORKS LLC\nSigned by: /s/ Tomas Reyes\nName: Tomas Reyes\nTitle: Manager\nDate: March 9, 2015\n",
    "\n\nSigned for and on behalf of Harbor Analytics Inc.\nName: Ada Prentiss\nTitle: CEO\nDated: 3 March 2015\n\n"
    "Signed for and on behalf of Juniper Works LLC\nName: Tomas Reyes\nTitle: Manager\nDated: 9 March 2015\n",
    "\n\nHarbor Analytics Inc.\nSignature: __________\nName: Ada Prentiss\nTitle: CEO\nDate signed: March 3, 2015\n\n"
    "Juniper Works LLC\nSignature: __________\nName: Tomas Reyes\nTitle: Manager\nDate signed: March 9, 2015\n",
    "\n\nHARBOR ANALYTICS INC.                  JUNIPER WORKS LLC\nSigned by: Ada Prentiss                "
    "Signed by: Tomas Reyes\nTitle: CEO                             Title: Manager\n"
    "Date: March 9, 2015                    Date: March 3, 2015\n",
    "\n\nHARBOR ANALYTICS INC.\nBy: /s/ Ada Prentiss\nAda Prentiss, CEO\nMarch 3, 2015\n\n"
    "JUNIPER WORKS LLC\nBy: /s/ Tomas Reyes\nTomas Reyes, Manager\nMarch 9, 2015\n",
    "\n\nHARBOR ANALYTICS INC.\nSignature: /s/ Ada Prentiss\nPrinted name: Ada Prentiss\nTitle: CEO\n"
    "Date of signature: March 3, 2015\n\nJUNIPER WORKS LLC\nSignature: /s/ Tomas Reyes\nPrinted name: Tomas Reyes\n"
    "Title: Manager\nDate of signature: March 9, 2015\n",
]
# Clauses enough to put the signatures past the first pages (where a short contract's fall in its preamble).
_LONGER_BODY = "".join(
    f"\n{number}. Records. Each party shall keep records of the services for audit under clause {number}."
    for number in range(5, 95)
)
_EFFECTIVE_ON_SIGNATURE = [
    "1. Effective Date. This Agreement shall be effective on the date of the last signature below.",
    "1. Term. This Agreement shall take effect on the date on which it has been signed by both parties.",
    "1. Term. This Agreement shall become effective upon the later of the two signature dates below.",
    "1. Term. The effective date of this Agreement is the date of the last signature set forth below.",
    "1. Term. This Agreement is effective as of the date on which the last party signs it.",
]


@pytest.mark.parametrize("longer", [False, True])
@pytest.mark.parametrize("block", _BLOCKS)
@pytest.mark.parametrize("clause", _EFFECTIVE_ON_SIGNATURE)
def test_an_agreement_effective_on_the_last_signature_takes_the_last_signature_date(
    clause: str, block: str, longer: bool
) -> None:
    text = _CONSULTING + clause + _CONSULTING_BODY + (_LONGER_BODY if longer else "") + block
    assert _value(text, TermKind.EFFECTIVE_DATE) == "2015-03-09"
    # one party's date at the signatures is not the agreement's: the agreement is made when the last one signs
    assert _value(text, TermKind.AGREEMENT_DATE) == "2015-03-09"


def test_a_date_in_a_signature_block_does_not_beat_the_preamble_date() -> None:
    text = (
        "CONSULTING AGREEMENT\n\nThis Consulting Agreement is made as of February 20, 2015 by Harbor Analytics Inc. "
        "and Juniper Works LLC.\n\n1. Term. This Agreement shall be effective on the date of the last signature below."
        + _CONSULTING_BODY
        + _BLOCKS[0]
    )
    assert _value(text, TermKind.AGREEMENT_DATE) == "2015-02-20"
    assert _value(text, TermKind.EFFECTIVE_DATE) == "2015-03-09"


# --- a heading run into its clause --------------------------------------------------------------------

_SERVICES = (
    "SERVICES AGREEMENT\n\nThis Services Agreement is made as of January 5, 2019 between Osprey Lane Corp. and "
    "Wren Data LLC.\n\n"
)
_SERVICES_END = "\n3. Fees. Wren Data shall pay the fees within thirty days of invoice.\n"


@pytest.mark.parametrize(
    "clause",
    [
        "1.1 Initial Term. Three (3) years from the date hereof.",
        "2.1 Term of this Agreement. Three years from the date hereof, unless terminated earlier under Section 9.",
        "2. TERM OF AGREEMENT. Commencing on the date hereof, for a period of three (3) years.",
        "2.1 Initial Term. Commencing on the date hereof and continuing for three (3) years thereafter.",
        "Section 2. Duration: thirty-six (36) months from the date hereof.",
        "2. Term of Agreement. This Agreement shall continue for a period of three years from the date hereof.",
        "2.1 Duration. The Agreement runs for three years from the date hereof.",
    ],
)
def test_a_term_clause_run_on_from_its_heading_is_read_as_the_term(clause: str) -> None:
    text = _SERVICES + clause + _SERVICES_END
    assert _value(text, TermKind.INITIAL_TERM) in ("P3Y", "P36M")
    assert _value(text, TermKind.EXPIRATION_DATE) == "2022-01-05"


def test_a_heading_after_a_company_abbreviation_starts_a_new_sentence() -> None:
    text = "This Agreement is made between Osprey Lane Corp. and Wren Data LLC.\n\n1.1 Initial Term. Three years."
    assert _sentences(text)[0].endswith("Wren Data LLC.")


@pytest.mark.parametrize(
    "clause",
    [
        "2. Term. Two (2) years after termination of this Agreement, Wren Data shall return all records.",
        "2. Term. Wren Data will deliver the reports until December 31, 2020.",
        "2. Duration. The warranty lasts twelve (12) months from delivery.",
    ],
)
def test_a_term_heading_over_a_clause_about_something_else_gives_no_term(clause: str) -> None:
    text = _SERVICES + clause + _SERVICES_END
    assert _value(text, TermKind.INITIAL_TERM) is None
    assert _value(text, TermKind.EXPIRATION_DATE) is None


# --- an extension a party may choose, and one that happens by itself ----------------------------------

_EXTENDED = (
    "SERVICES AGREEMENT\n\nThis Services Agreement is made as of January 5, 2019 between Osprey Lane Corp. and "
    "Wren Data LLC.\n\n2. Term\n2.1 This Agreement shall continue for a period of two (2) years from the date "
    "hereof.\n2.2 "
)


@pytest.mark.parametrize(
    "clause",
    [
        "Either party may extend the term by one year by written notice to the other.",
        "Either party may extend the Term by one (1) year by giving notice at least sixty (60) days before it ends.",
        "The Customer may extend the Term for one additional year.",
    ],
)
def test_an_extension_a_party_may_choose_is_an_option_of_its_length(clause: str) -> None:
    text = _EXTENDED + clause + _SERVICES_END
    assert _value(text, TermKind.AUTO_RENEWAL) != "true"
    assert _value(text, TermKind.RENEWAL_TERM) == "P1Y"
    assert _value(text, TermKind.RENEWAL_NOTICE_PERIOD) is None  # notice to take up the option stops nothing
    assert _value(text, TermKind.EXPIRATION_DATE) == "2021-01-05"


@pytest.mark.parametrize(
    ("clause", "notice"),
    [
        (
            "The Term automatically extends for successive one-year periods unless either party gives notice of "
            "non-renewal at least 30 days before the end of the then-current term.",
            "P30D",
        ),
        (
            "Thereafter the Term automatically extends by one (1) year at a time unless a party objects in writing "
            "ninety (90) days before expiry.",
            "P90D",
        ),
        ("The Term extends automatically by one year at the end of each year.", None),
    ],
)
def test_a_term_that_extends_itself_is_an_automatic_renewal_of_its_length(clause: str, notice: str | None) -> None:
    text = _EXTENDED + clause + _SERVICES_END
    assert _value(text, TermKind.AUTO_RENEWAL) == "true"
    assert _value(text, TermKind.RENEWAL_TERM) == "P1Y"
    assert _value(text, TermKind.RENEWAL_NOTICE_PERIOD) == notice
