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
        # The effective date of something else.
        "Orchid shall pay for goods ordered before the effective date of such termination.",
        "Kestrel shall keep its registration in force for one year from the effective date of the Offering Statement.",
        "The guarantee given by Kestrel's parent lapses three years after the effective date of the merger.",
        "Either party may change its address for notices by notice given ten days before the effective date of the "
        "change.",
        # Another period that starts with the agreement.
        'For purposes of this Agreement, the "Quiet Period" means the period commencing on the date of this '
        "Agreement and ending ninety days later.",
        'Throughout this Agreement, "Service Period" means that period of time commencing upon the full execution '
        "of this Agreement and ending when the last delivery is made.",
    ],
)
def test_other_effective_dates_and_other_periods_are_not_the_agreements_effective_date(sentence: str) -> None:
    text = PREAMBLE + f"1. Supply\n1.1 Kestrel shall deliver the goods each week.\n1.2 {sentence}\n"
    assert _effective(text) is None


# (why, contract text, the effective date it states)
STATED: list[tuple[str, str, str]] = [
    (
        "the agreement's own Effective Date, undefined, is the date it bears",
        PREAMBLE + "1. Term\n1.1 This Agreement shall commence on the Effective Date and run for two years.\n",
        "2014-06-02",
    ),
    (
        "the agreement's own effective date, in other words, is the date it bears",
        PREAMBLE + "1. Fees\n1.1 Fees paid before the date this Agreement becomes effective are credited against "
        "the first invoice.\n",
        "2014-06-02",
    ),
    (
        "a definition that names this agreement before its date",
        PREAMBLE.replace(" as of June 2, 2014", "")
        + '1. Definitions\n1.1 "Effective Date" means, for the purposes of this Agreement, March 1, 2010.\n',
        "2010-03-01",
    ),
    (
        "a counterparts clause that agrees with a definition by signature",
        f'SUPPLY AGREEMENT\n\nThis Supply Agreement is made{PARTIES}1. Definitions\n1.1 "Effective Date" means '
        "the date on which both parties have executed this Agreement.\n2. Counterparts\n2.1 This Agreement may be "
        "signed in several counterparts, and it shall become effective once counterparts have been signed by both "
        "parties." + SIGNATURES,
        "2015-03-09",
    ),
    (
        "signed by the last signatory: the last date of signature",
        f"SUPPLY AGREEMENT\n\nThis Supply Agreement is made{PARTIES}1. Term\n1.1 The term of this Agreement "
        '("Term") will begin on the date this Agreement is signed by the last signatory ("Effective Date") and will '
        "last two years.\n2. Supply\n2.1 Kestrel shall deliver the goods." + SIGNATURES,
        "2015-03-09",
    ),
    (
        "a term that begins on execution starts at the last signature",
        f"SERVICES AGREEMENT\n\nThis Services Agreement is made{PARTIES}1. Term\n1.1 The term of this Services "
        "Agreement shall begin on the date of execution and shall continue for a period of two years.\n2. Services\n"
        "2.1 Kestrel shall carry the goods." + SIGNATURES,
        "2015-03-09",
    ),
    (
        "effective for all purposes as of a date",
        "FIRST AMENDMENT TO SUPPLY AGREEMENT\n\nThis First Amendment is made and entered into, effective for all "
        f"purposes and in all respects as of the 9th day of March, 2004,{PARTIES}1. Prices\n1.1 Prices rise by 2%.\n",
        "2004-03-09",
    ),
    (
        "a hyphenated agreement name effective as of the date above",
        f"COST-SHARING AGREEMENT\n\nThis Agreement is made this 5th day of August, 2016{PARTIES}"
        "WHEREAS, the parties agree that this cost-sharing agreement is to be effective as of the date first "
        "written above;\n\n1. Costs\n1.1 Each party bears half of the costs.\n",
        "2016-08-05",
    ),
    (
        "an appointment that begins on a date",
        f"SERVICE AGREEMENT\n\nThis Service Agreement is dated 1 November 2018{PARTIES}1. Appointment\n"
        "1.1 The Appointment will begin on 4 February 2019 and continue until ended by either party.\n",
        "2019-02-04",
    ),
    (
        "a commencement date labelled for this addendum",
        "SUPPORT ADDENDUM\n\nKestrel and Orchid agree as follows.\n\nCOMMENCEMENT DATE FOR SUPPORT UNDER THIS "
        "ADDENDUM: APRIL 1, 2003\n\n1. Support\n1.1 Kestrel supports.\n",
        "2003-04-01",
    ),
    (
        "a plural label",
        "SUPPORT ADDENDUM\n\nKestrel and Orchid agree as follows.\n\nEffective Dates: May 1, 2010, May 1, 2011\n\n"
        "1. Support\n1.1 Kestrel supports.\n",
        "2010-05-01",
    ),
    (
        "commencing on the date of an undated event",
        f"AFFILIATE AGREEMENT\n\nThis Affiliate Agreement is made{PARTIES}1. Term\n1.1 The term of this Agreement "
        "will commence on the date that the Affiliate Registration Form is approved by Orchid and will end when "
        "either party terminates it.\n",
        UNDETERMINED,
    ),
    (
        "commencing on the first day of an undated period",
        f"AFFILIATE AGREEMENT\n\nThis Affiliate Agreement is made{PARTIES}1. Term\n1.1 The term of this Agreement "
        "will commence on the first day of the Support Period for the first unit that Kestrel installs.\n",
        UNDETERMINED,
    ),
    (
        "an Effective Date defined as the date the opening paragraph states",
        f"LICENCE AGREEMENT\n\nThis Licence Agreement is entered into as of 14 October, 2009{PARTIES}1. Definitions\n"
        '1.1 "Effective Date" means 5:00 p.m. on the date stated in the opening paragraph of this Agreement.\n'
        "2. Licence\n2.1 Orchid grants Kestrel a licence from the Effective Date.\n",
        "2009-10-14",
    ),
    (
        "an Effective Date defined as the date given in the preamble",
        f"LICENCE AGREEMENT\n\nThis Licence Agreement is made as of 3 July, 2011{PARTIES}1. Definitions\n"
        '1.1 "Effective Date" shall mean the date set out in the preamble hereto.\n',
        "2011-07-03",
    ),
    (
        "not effective until signed: the last date of signature",
        f"REFERRAL AGREEMENT\n\nThis Referral Agreement is made{PARTIES}1. Referrals\n1.1 Kestrel refers buyers to "
        "Orchid.\n2. Acceptance\n2.1 This Agreement will not be binding on, or otherwise effective for, either party "
        "until executed by both of them." + SIGNATURES,
        "2015-03-09",
    ),
    (
        "not in force unless signed: the last date of signature",
        f"REFERRAL AGREEMENT\n\nThis Referral Agreement is made{PARTIES}1. Referrals\n1.1 Kestrel refers buyers to "
        "Orchid.\n2. Signature\n2.1 This Agreement shall not be deemed accepted or effective unless it has been "
        "signed by authorised officers of both parties." + SIGNATURES,
        "2015-03-09",
    ),
    (
        "effective as of a date above that was never filled in",
        f"SERVICE AGREEMENT\n\nThis Service Agreement is entered into as of [Date]{PARTIES}1. Services\n"
        "1.1 Kestrel shall carry the goods.\n2. Term\n2.1 This Agreement shall be effective as of the date set forth "
        "above in this Agreement.\n",
        UNDETERMINED,
    ),
]


@pytest.mark.parametrize(("text", "expected"), [(t, e) for _, t, e in STATED], ids=[why for why, _, _ in STATED])
def test_the_effective_date_in_other_words(text: str, expected: str) -> None:
    effective = _effective(text)
    assert effective is not None and effective.value == expected


# Rules of issue 11 point 6 (generalisation): cross-references a contract makes for its own dates.
CROSS_REFERENCES: list[tuple[str, str, str]] = [
    (
        "effective on execution: another agreement's date near the end is not a signature date",
        "STORAGE AGREEMENT\n\nBetween Orchid Labs Inc. and Kestrel Freight LLC.\n\n1. Term\n1.1 This Agreement "
        "shall become effective on the date of its execution and shall remain in force for two years.\n"
        + "2. Storage\n2.1 Kestrel stores the goods that Orchid delivers to it.\n"
        * 150
        + "3. Entire agreement\n2.1 This Agreement replaces all earlier understandings, except the Mutual "
        "Nondisclosure Agreement between the parties dated April 4th, 2016.\n\nLisbon, July 12th, 2016\n"
        "/s/ Mara Quill /s/ Ivo Brandt\n",
        "2016-07-12",
    ),
    (
        "'executed by <party> on' about another agreement is not the signature clause",
        "HOSTING AGREEMENT\n\nUnder this Hosting Agreement Kestrel Freight LLC hosts the web shop of Orchid Labs "
        'Inc. ("Orchid"). This Agreement ("Agreement") will be effective on the date of last signature '
        '("Effective Date").\n\n'
        + "1. Services\n1.1 Kestrel hosts the shop and keeps it online.\n"
        * 150
        + "2. Confidentiality\n2.1 The Agreement for Exchange of Trade Secrets executed by "
        "Orchid on May 2, 2011 applies to the services.\n"
        + "3. Services\n3.1 Kestrel hosts the shop.\n" * 120
        + (
            "\nAgreed and accepted:\nOrchid Labs Inc.  By: /s/ Mara Quill  3/1/12\n"
            "Kestrel Freight LLC  By: /s/ Ivo Brandt  3/6/12\n"
        ),
        "2012-03-06",
    ),
    (
        "effective on the day after the last signature",
        f"SUPPLY AGREEMENT\n\nThis Supply Agreement is made{PARTIES}1. Term\n1.1 This Agreement takes effect at "
        'the start of the day after the date of last signature ("Effective Date") and runs for two years.\n'
        "2. Supply\n2.1 Kestrel shall deliver the goods." + SIGNATURES,
        "2015-03-10",
    ),
    (
        "the defined name in quotes is the subject that takes effect",
        'CAPITAL SUPPORT AGREEMENT\n\nThis Amended and Restated Parent Capital Support Agreement (this "Agreement"), '
        "is made, entered into and effective as of October 3, 2017, by and between Orchid Labs Inc. and Kestrel "
        "Freight LLC.\n\n1. Support\n1.1 Orchid shall keep Kestrel's capital above the minimum.\n",
        "2017-10-03",
    ),
    (
        "the term starts on a named date that the contract fixes elsewhere",
        f"CO-MARKETING AGREEMENT\n\nThis Co-Marketing Agreement is made as of March 2, 2008{PARTIES}1. Site\n"
        "1.1 The parties agree that the opening date of the Joint Store shall be May 15th, 2008 unless they agree "
        'otherwise in writing.\n2. Term\n2.1 The term of this Agreement shall be three (3) years (the "Term"). The '
        "effective date of the start of the Term will be from the Opening Date.\n",
        "2008-05-15",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for _, t, e in CROSS_REFERENCES], ids=[why for why, _, _ in CROSS_REFERENCES]
)
def test_dates_the_contract_states_by_cross_reference(text: str, expected: str) -> None:
    effective = _effective(text)
    assert effective is not None and effective.value == expected


def test_another_agreements_execution_is_not_this_agreements_date() -> None:
    text = (
        "HOSTING AGREEMENT\n\nUnder this Hosting Agreement Kestrel Freight LLC hosts the web shop of Orchid Labs "
        "Inc.\n\n"
        + "1. Services\n1.1 Kestrel hosts the shop and keeps it online.\n"
        * 150
        + "2. Confidentiality\n2.1 The Agreement for Exchange of Trade Secrets executed by Orchid on May 2, "
        "2011 applies to the services.\n"
        + "3. Services\n3.1 Kestrel hosts the shop.\n" * 120
        + (
            "\nAgreed and accepted:\nOrchid Labs Inc.  By: /s/ Mara Quill  3/1/12\n"
            "Kestrel Freight LLC  By: /s/ Ivo Brandt  3/6/12\n"
        )
    )
    agreement = analyse(text).first(TermKind.AGREEMENT_DATE)
    assert agreement is not None and agreement.value == "2012-03-06"


EARLIER_AGREEMENT_RECITAL = (
    "STRATEGIC ALLIANCE AGREEMENT\n\nThis Strategic Alliance Agreement is entered into as of the date on which the "
    'Offering Circular is declared effective by the SEC (the "Effective Date"), by and among Orchid Labs Inc. '
    '("Orchid") and Kestrel Freight LLC ("Kestrel").\n\nRECITALS\n\nA. Orchid sells annuities.\n'
    "B. Orchid and Kestrel have previously entered into a Referral Agreement, effective as of March 3, 2004, under "
    "which Kestrel refers customers to Orchid.\n\n1. Alliance\n1.1 Kestrel shall promote the annuities.\n"
)


def test_an_effective_date_defined_by_an_undated_event_after_a_capitalised_word_stays_undetermined() -> None:
    effective = _effective(EARLIER_AGREEMENT_RECITAL)
    assert effective is not None and effective.value == UNDETERMINED


def test_an_earlier_agreement_entered_into_is_not_dated_by_this_one() -> None:
    assert analyse(EARLIER_AGREEMENT_RECITAL).first(TermKind.AGREEMENT_DATE) is None


AMENDMENT = (
    'AMENDMENT NO. 2 TO THE HAULAGE AGREEMENT\n\nThis Amendment No. 2 to the Haulage Agreement (this "Amendment") '
    f"is made as of September 14, 2019{PARTIES}1. Capitalised terms used in this Amendment have the meanings given "
    "to them in the Haulage Agreement.\n2. Section 7 of the Haulage Agreement is replaced with the following:\n"
    '"7. Term. This Agreement shall commence on the Effective Date and run until the last load is delivered."\n'
    "3. All other terms of the Haulage Agreement stay in force.\n"
)


def test_an_amendment_does_not_date_the_effective_date_of_the_agreement_it_amends() -> None:
    # The "Effective Date" is defined in the amended agreement: the amendment's own date is not it.
    assert _effective(AMENDMENT) is None


def test_an_amendments_own_effective_date_undefined_is_the_date_it_bears() -> None:
    text = AMENDMENT + "4. The new rates apply to loads collected after the Amendment Effective Date.\n"
    effective = _effective(text)
    assert effective is not None and effective.value == "2019-09-14"


LICENCE_PREAMBLE = (
    'RECORDINGS LICENSE AGREEMENT\n\nThis Recordings License Agreement (this "Agreement") takes effect on the day '
    'the sale of the archive completes (the "Effective Date"), between Orchid Labs Inc. ("Orchid") and Kestrel '
    'Freight LLC ("Kestrel").\n\n'
)
# (why, contract text): each defines or dates the effective date by something the text does not date.
NOT_THIS_DATE: list[tuple[str, str]] = [
    (
        "another agreement that took effect on a date",
        LICENCE_PREAMBLE + "1. Recordings\n1.1 Kestrel may copy the recordings under this Agreement, subject to "
        "that certain berth licence agreement effective as of February 11, 2009 between Orchid and the port.\n",
    ),
    (
        "a definition by what follows is not dated by a date before it",
        "RECORDINGS LICENSE AGREEMENT\n\nThis Recordings License Agreement is made between Orchid Labs Inc. and "
        'Kestrel Freight LLC.\n\n1. Definitions\n1.1 Lease Agreement. "Lease Agreement" means the warehouse lease '
        "agreement dated May 4, 2011 between the parties, a copy of which is Annex B. 1.2 Effective Date The "
        'expression "Effective Date" means the Completion Date.\n2. Licence\n2.1 Kestrel may copy the recordings.\n',
    ),
    (
        "a definition by another agreement's closing is not that agreement's date",
        "RECORDINGS LICENSE AGREEMENT\n\nThis Recordings License Agreement is made between Orchid Labs Inc. and "
        'Kestrel Freight LLC.\n\n1. Definitions\n1.1 "Effective Date" means completion under the Share Sale '
        "Agreement dated 7 July 2015.\n2. Licence\n2.1 Kestrel may copy the recordings.\n",
    ),
    (
        "the counterparts clause yields to the contract's definition",
        "RECORDINGS LICENSE AGREEMENT\n\nThis Recordings License Agreement is made between Orchid Labs Inc. and "
        'Kestrel Freight LLC.\n\n1. Definitions\n1.1 "Effective Date" means the day on which the harbour authority '
        "approves the berth lease.\n2. Licence\n2.1 Kestrel may copy the recordings.\n3. Counterparts\n3.1 This "
        "Agreement may be signed in several counterparts, and it shall become effective once counterparts have been "
        "signed by both parties.\n" + SIGNATURES,
    ),
]


@pytest.mark.parametrize("text", [t for _, t in NOT_THIS_DATE], ids=[why for why, _ in NOT_THIS_DATE])
def test_an_effective_date_the_text_does_not_date_is_not_another_date(text: str) -> None:
    effective = _effective(text)
    assert effective is not None and effective.value == UNDETERMINED


@pytest.mark.parametrize(
    ("date_text", "expected"),
    [("as of March 2, 2016", "2016-03-02"), ("this ______ day of ______________, 2016", UNDETERMINED)],
)
def test_the_defined_name_of_a_long_title_is_the_subject_that_takes_effect(date_text: str, expected: str) -> None:
    text = (
        "HAULAGE AND STORAGE AGREEMENT\n\nThis Refrigerated Goods Haulage and Storage Agreement (the "
        f'"Agreement") is effective {date_text}, by and between Orchid Labs Inc. ("Orchid") and Kestrel Freight LLC '
        '("Kestrel").\n\n1. Haulage\n1.1 Kestrel shall carry the goods each week.\n'
    )
    effective = _effective(text)
    assert effective is not None and effective.value == expected
