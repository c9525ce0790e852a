"""How contracts fix the end of their initial term: phrasings of the expiration date.

Every sentence here is written for these tests (none is taken from a real contract).
"""

from __future__ import annotations

from analysis import PERPETUAL, TermKind, analyse

PREAMBLE = (
    'WAREHOUSING AGREEMENT\n\nThis Warehousing Agreement is entered into as of March 9, 2020 (the "Effective Date") '
    'between Orchid Labs Inc. ("Orchid") and Kestrel Freight LLC ("Kestrel").\n\n'
)


def _expiry(body: str) -> str | None:
    found = analyse(PREAMBLE + body).first(TermKind.EXPIRATION_DATE)
    return found.value if found is not None else None


def _ends_on_event(body: str) -> str:
    """The quote of the expiry found, asserted to be undetermined because the term ends on an event."""
    found = analyse(PREAMBLE + body).first(TermKind.EXPIRATION_DATE)
    assert found is not None and found.value == "undetermined" and "event" in found.display, found
    return found.citation.quote


def test_until_the_end_of_a_year_ends_on_its_last_day() -> None:
    body = "1. Storage\nKestrel stores goods.\n\n2. Duration\nThis agreement will be in effect until the end of 2027."
    assert _expiry(body) == "2027-12-31"


def test_a_long_agreement_name_between_term_and_its_length() -> None:
    body = (
        "1. Initial Term\nThe Initial Term of this Regional Cold Storage Services Agreement is eighteen months, "
        "commencing on the Effective Date.\n"
    )
    assert _expiry(body) == "2021-09-09"


def test_the_sentence_that_defines_the_term_outweighs_a_survival_sentence() -> None:
    body = (
        "2. Commencement\n2.1 This Agreement starts on the Effective Date and shall continue until it is terminated "
        'under Section 12 ("Term").\n\n7. Term and Survival\n7.1 This Agreement shall remain in effect for so '
        "long as any storage order placed before its termination remains open.\n"
    )
    assert _expiry(body) == PERPETUAL


def test_an_end_on_the_defined_expiration_date_takes_that_date() -> None:
    # A guard more than a new phrasing: the sentence that defines the Term must not outweigh the defined date.
    body = (
        '1. Definitions\n"Expiration Date" means June 30, 2031.\n\n'
        "2. Term of the Agreement\nThe term of this Agreement begins on the Effective Date and, unless terminated "
        'earlier, shall expire on the Expiration Date (the "Term").\n'
    )
    assert _expiry(body) == "2031-06-30"


def test_an_expiration_date_defined_as_a_length_to_a_month_end() -> None:
    body = (
        "3. Term\nThe Term begins on the Effective Date and ends, without notice, on the Expiration Date stated in "
        "the Schedule.\n\nSCHEDULE\nSite: Bay 4     Expiration Date: at midnight on the last day of the month ten (10) "
        "years from the Effective Date     Monthly Fee: see Annex\n"
    )
    assert _expiry(body) == "2030-03-31"


def test_a_term_that_runs_for_a_defined_period_ends_where_the_period_ends() -> None:
    body = (
        '1. Definitions\n1.1 "Campaign Period" means May 1, 2022 through April 15, 2023.\n\n'
        "5. Term\n5.1 The Agreement shall commence on the Effective Date and continue in effect for the Campaign "
        "Period, unless terminated earlier under this Section.\n"
    )
    assert _expiry(body) == "2023-04-15"


def test_a_length_restated_in_parentheses_is_the_term() -> None:
    body = (
        '4. Term\nThe term of this Agreement (the "Term") shall commence on the Effective Date and end at the close '
        "of the Pilot Phase (i.e., a two (2) year period commencing on the Effective Date).\n"
    )
    assert _expiry(body) == "2022-03-09"


def test_a_deadline_on_or_prior_to_a_date_is_not_the_end_of_the_term() -> None:
    body = (
        "6. Registration\n6.1 This Agreement shall be valid in the Territory only if, on or prior to October 1, 2024, "
        "the product is registered there.\n"
    )
    assert _expiry(body) is None


def test_an_obligation_during_the_term_does_not_date_the_term() -> None:
    body = (
        "4. Volumes\n4.1 During the Term of this Agreement, Orchid shall store 500 pallets for the twelve-month "
        "period commencing July 1, 2023 and ending June 30, 2024.\n"
    )
    assert _expiry(body) is None


def test_a_termination_on_a_condition_is_not_a_term() -> None:
    body = "9. Link\n9.1 This Agreement shall terminate if the Master Lease between the parties is terminated.\n"
    assert _expiry(body) is None


def test_an_agreement_ended_only_by_a_party_exercising_its_right_is_perpetual() -> None:
    body = (
        "8. Term of Agreement\nThis Agreement shall end, subject to Section 9, on the exercise by Orchid of its right "
        "to terminate this Agreement under Section 8.2.\n"
    )
    assert _expiry(body) == PERPETUAL


def test_an_indemnity_that_lasts_until_liability_ends_is_not_the_term() -> None:
    body = (
        "11. Indemnity\nThe indemnity given under this Agreement will continue in full force and effect until every "
        "claim against Orchid arising from the storage has been settled.\n"
    )
    assert _expiry(body) is None


def test_terms_of_the_project_with_a_date_range() -> None:
    body = "2. Schedule\nTerms of the project: 10 weeks from April 6, 2020 to June 15, 2020.\n"
    assert _expiry(body) == "2020-06-15"


def test_the_later_of_an_event_and_the_last_day_of_a_month() -> None:
    body = (
        "3. Term\nThe term of this Agreement shall expire upon the later of: (a) the end of the 2025 harvest and "
        "(b) the last day in October, 2025, unless terminated earlier.\n"
    )
    assert _expiry(body) == "2025-10-31"


def test_a_term_from_a_commencement_date_the_parties_anticipate() -> None:
    body = (
        '1. Definitions\n"Commencement Date" means the date on which all stock has been moved to the warehouse. '
        "The parties anticipate the Commencement Date to be June 1, 2020.\n"
        '"Term" means the period commencing on the Effective Date and ending on the fifth anniversary of the '
        "Commencement Date.\n"
    )
    assert _expiry(body) == "2025-06-01"


def test_a_term_in_phases_ends_with_its_last_phase() -> None:
    body = (
        "2. Term\nThe set-up period shall be for a period of three (3) months to commence on April 1, 2020, and the "
        "remaining term of this Agreement shall be for a period of twelve (12) months to commence on the planned "
        "opening date of July 1, 2020, unless terminated earlier.\n"
    )
    assert _expiry(body) == "2021-07-01"


def test_the_earlier_of_a_termination_and_a_date_a_length_after_the_agreement() -> None:
    body = (
        "14. Term\nThis Agreement shall be effective until the earlier of (a) its termination under this Article 14 "
        "or (b) the date that is three (3) years after the date of this Agreement.\n"
    )
    assert _expiry(body) == "2023-03-09"


def test_the_end_of_a_numbered_year_of_the_agreement() -> None:
    body = (
        '1. Definitions\n"Year" means each period of twelve (12) consecutive months commencing on the Effective Date.'
        "\n\n10. Term\nThe term of this Agreement begins on the Effective Date and will end automatically upon the "
        "end of Year 4.\n"
    )
    assert _expiry(body) == "2024-03-09"


def test_contract_years_from_an_undated_start_give_no_date() -> None:
    body = (
        '1. Definitions\n"Contract Year" means each period of twelve months beginning on the date the first pallet '
        "is received.\n\n10. Term\nThe term of this Agreement begins on the Effective Date and ends at the end of "
        "the tenth (10th) Contract Year.\n"
    )
    found = analyse(PREAMBLE + body).first(TermKind.EXPIRATION_DATE)
    assert found is None or not found.value[:1].isdigit()


def test_a_term_that_starts_on_a_named_date_fixed_elsewhere_ends_from_that_date() -> None:
    text = (
        "CO-MARKETING AGREEMENT\n\nThis Co-Marketing Agreement is made as of March 2, 2008 between Orchid Labs Inc. "
        '("Orchid") and Kestrel Freight LLC ("Kestrel").\n\n1. Site\n1.1 The parties agree that the opening date of '
        "the Joint Store shall be May 15th, 2008 unless they agree otherwise in writing.\n2. Term\n2.1 The term of "
        'this Agreement shall be three (3) years (the "Term"). The effective date of the start of the Term will be '
        "from the Opening Date.\n"
    )
    found = analyse(text).first(TermKind.EXPIRATION_DATE)
    assert found is not None and found.value == "2011-05-15"


def test_a_term_from_execution_counts_from_the_signature_not_from_another_agreements_date() -> None:
    text = (
        "STORAGE AGREEMENT\n\nBetween Orchid Labs Inc. and Kestrel Freight LLC.\n\n1. Term\n1.1 This Agreement "
        "shall become effective on the date of its execution and shall remain in force for two years.\n"
        + "2. Storage\n2.1 Kestrel stores the goods that Orchid delivers to it.\n"
        * 150
        + "3. Entire agreement\n2.1 This Agreement replaces all earlier understandings, except the Mutual "
        "Nondisclosure Agreement between the parties dated April 4th, 2016.\n\nLisbon, July 12th, 2016\n"
        "/s/ Mara Quill /s/ Ivo Brandt\n"
    )
    found = analyse(text).first(TermKind.EXPIRATION_DATE)
    assert found is not None and found.value == "2018-07-12"


def test_the_length_of_an_automatic_extension_is_not_the_initial_term() -> None:
    # The initial term ends on an event; "extended automatically for a period of 12 months" is each renewal's
    # length, so the initial term is not 12 months from the effective date.
    body = (
        '1. Definitions\n"Initial Term" means the period commencing on the Effective Date and concluding on the last '
        "day of the month in which the first cargo is delivered under the Orchid supply programme.\n\n"
        "9. Term of the Contract\n9.1 This Contract shall come into force on the Effective Date, remain effective "
        "throughout the Initial Term, and be prolonged, or further extended automatically for a period of\n"
        "        twelve (12) months, each such extension commencing at the end of the Initial Term, unless either "
        "Party serves written notice of termination at least 65 days prior to the end of the Initial Term.\n"
    )
    analysis = analyse(PREAMBLE + body)
    assert _expiry(body) != "2021-03-09"
    initial = analysis.first(TermKind.INITIAL_TERM)
    assert initial is None or initial.value != "P12M"
    renewal = analysis.first(TermKind.RENEWAL_TERM)
    assert renewal is not None and renewal.value == "P12M"


def test_a_term_that_extends_for_a_period_is_the_initial_term() -> None:
    body = (
        "12. Term\n12.1 This Agreement shall commence on the Effective Date and shall extend for a period of Five "
        '(5) years thereafter ("Initial Term"), unless it is extended by mutual written agreement of the Parties.\n'
    )
    assert _expiry(body) == "2025-03-09"


def test_a_term_defined_by_two_dates_outranks_a_licence_for_the_term_with_its_own_length() -> None:
    body = (
        '1. Definitions\n1.4 "Term" means: 1st April 2020 to 315t March 2021 or until terminated under clause 9.\n\n'
        "4. Term of the Licence\nThe period of the licence granted shall be for the Term and shall extend for a "
        "period of thirty six (36) months or until terminated as per clause 9.\n"
    )
    assert _expiry(body) == "2021-03-31"


def test_a_right_to_cancel_at_an_anniversary_is_not_the_end_of_the_term() -> None:
    # The term ends on an event; the anniversary only says when a cancellation may take effect.
    body = (
        "1. Services\n1.1 The term of this Agreement will begin on the Effective Date and will not end until Kestrel "
        "has moved a total of 40,000 pallets for Orchid.\n1.2 If the parties fail to agree the volumes for the "
        "second year of the term, Orchid may cancel, effective on the first anniversary of this Agreement.\n"
    )
    assert _expiry(body) != "2021-03-09"


def test_the_word_term_before_a_definition_with_a_parenthesis_is_not_the_contracts_term() -> None:
    # 'the term "X" (including ...) means': "term" introduces a definition; the restricted period that follows in
    # the same paragraph is a covenant's, not the agreement's.
    body = (
        '1. Covenants\n(a) For purposes of this Agreement, the term "affiliate" (including the terms "affiliated '
        'with" and "under common ownership with") means any person owning half of another; (b) Kestrel agrees '
        "that for a period commencing on the Effective Date and ending four years after it, Kestrel shall not "
        "solicit Orchid's customers.\n"
    )
    assert _expiry(body) is None


def test_a_term_that_begins_and_continues_until_an_event_ends_on_that_event() -> None:
    body = (
        "6. Duration\nThe term of this Agreement shall start as of the Effective Date and continue until Orchid "
        "accepts the last of the warehouse audits described in Schedule B, unless earlier terminated under Section 9.\n"
    )
    _ends_on_event(body)


def test_a_payment_obligation_that_survives_until_paid_is_not_the_term() -> None:
    body = (
        "8. Fees\n8.1 Orchid pays the storage fees monthly.\n8.2 The obligation of Orchid to pay the storage fees "
        "under this Section shall survive the termination of this Agreement and remain in full force and effect "
        "until all such fees have been paid in full.\n"
    )
    assert _expiry(body) is None


def test_a_term_that_continues_through_the_completion_of_the_work_ends_on_that_event() -> None:
    body = (
        "2. Term\nThis Agreement will commence on the Effective Date and continue through the completion of the "
        "racking installation described in Schedule A.\n"
    )
    _ends_on_event(body)


def test_a_product_named_evergreen_does_not_make_the_agreement_perpetual() -> None:
    body = (
        "5. Payments\nCustomers pay through the Evergreen Gateway, and a stored card is valid for later orders "
        "placed through the application.\n"
    )
    assert _expiry(body) != PERPETUAL


def test_a_term_that_commences_and_ends_on_the_expiry_of_another_period_ends_on_that_event() -> None:
    body = (
        "3. Cooperation Period\nThe parties confirm that the term of cooperation under this Agreement shall commence "
        "on the date hereof and end on the expiration date of Kestrel's warehouse operating licence.\n"
    )
    _ends_on_event(body)


def test_an_agreement_that_extends_until_its_rights_expire_ends_on_that_event() -> None:
    body = (
        "7. Duration\n7.1 Unless terminated earlier under Section 8, this Storage Agreement shall extend until the "
        "last of the patents listed in Annex 2 lapses.\n"
    )
    _ends_on_event(body)


def test_a_standstill_period_that_extends_until_a_deadline_is_not_the_agreements_term() -> None:
    # Guard: "begins on the date of this Agreement and shall extend until" has the period, not the agreement, as its
    # subject; the sentence that ends the agreement is the other one.
    body = (
        '4. Standstill\n4.1 The standstill period (the "Standstill Period") begins on the date of this Agreement and '
        "shall extend until thirty (30) days before Orchid's next annual meeting.\n\n9. Termination\n9.1 This "
        "Agreement will terminate upon the earlier of (i) the end of the Standstill Period or (ii) written notice "
        "of an uncured breach.\n"
    )
    found = analyse(PREAMBLE + body).first(TermKind.EXPIRATION_DATE)
    assert found is not None and "9.1" in found.citation.quote


def test_underlining_rendered_as_hyphens_does_not_break_the_term_sentence() -> None:
    # SEC text puts the underline of a word beside it as a run of hyphens; the quote keeps the original text.
    body = (
        "2. Term\nThe term of this Agreement shall commence on the Effective Date and shall ---- thereafter "
        "continue until all the sponsor benefits described above are delivered.\n"
    )
    assert "shall ---- thereafter" in _ends_on_event(body)


def test_rights_that_continue_through_the_term_do_not_end_it_on_an_event() -> None:
    # Guard: "through the completion of" is an end by event; "through the Term" only says the rights last as long.
    body = (
        "5. Licence\nThe rights of Kestrel to use the Orchid marks shall continue through the Term of this Agreement.\n"
    )
    assert _expiry(body) is None


def test_an_exclusivity_until_a_date_granted_during_the_term_is_not_the_term() -> None:
    # "during the Term" names the term only as the time the right runs in; the date ends the exclusivity.
    body = (
        "2. Licence\nKestrel may store the Orchid archive during the Term of the Agreement, and shall have the "
        "exclusive right to store its cold samples until June 30, 2021.\n"
    )
    assert _expiry(body) is None


def test_an_agreement_that_remains_valid_during_the_term_of_another_ends_with_it() -> None:
    body = (
        "4. Term\n4.1 This Agreement comes into force on the Effective Date and shall remain valid during the term "
        "of the Master Logistics Agreement.\n\n9. Confidentiality\nInformation disclosed during the term of this "
        "Agreement shall be kept confidential during the term of this Agreement and for an indefinite period "
        "thereafter.\n"
    )
    assert "4.1" in _ends_on_event(body)
