"""`analyse` end to end on contracts written for these tests: key terms, obligations, citations."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import (
    PERPETUAL,
    UNDETERMINED,
    ContractAnalysis,
    ObligationCategory,
    TermKind,
    analyse,
    initial_term_end,
    parse_duration,
    renewal_deadlines,
)

PARAGRAPHS = (
    "MASTER SERVICES AGREEMENT",
    "",
    (
        'This Master Services Agreement (this "Agreement") is entered into as of March 1, 2023 (the '
        '"Effective Date") by and between Acme Widgets, Inc., a Delaware corporation ("Customer"), and Beta '
        'Cloud Services LLC, a New York limited liability company ("Provider").'
    ),
    "",
    "WHEREAS, Customer wishes to buy services from Provider.",
    "",
    "1. Fees and Payment",
    (
        "1.1 Invoices. Provider shall invoice Customer monthly. Customer shall pay each invoice within thirty"
        " (30) days after receipt of the invoice."
    ),
    "1.2 Late Payment. Overdue amounts bear interest at one and one-half percent (1.5%) per month.",
    (
        "1.3 Reports. Provider shall deliver a usage report within fifteen (15) days after the end of each "
        "calendar quarter."
    ),
    "",
    "2. Term and Renewal",
    "2.1 Term. The initial term of this Agreement shall be two (2) years from the Effective Date.",
    (
        "2.2 Renewal. This Agreement shall automatically renew for successive one (1) year periods unless "
        "either party gives written notice of non-renewal at least ninety (90) days prior to the end of the "
        "then-current term."
    ),
    "",
    "3. Termination",
    (
        "3.1 Termination for Convenience. Either party may terminate this Agreement for convenience upon "
        "sixty (60) days' prior written notice."
    ),
    "",
    "4. Confidentiality",
    (
        "4.1 Each party shall keep the other party's Confidential Information confidential. The obligations "
        "in this Section 4 shall survive for a period of three (3) years after termination of this Agreement."
    ),
    "",
    "5. Limitation of Liability",
    "5.1 In no event shall either party's aggregate liability under this Agreement exceed $500,000.",
    "",
    "6. Insurance",
    (
        "6.1 Provider shall maintain commercial general liability insurance with limits of not less than "
        "$2,000,000 per occurrence."
    ),
    "",
    "7. Audit",
    (
        "7.1 Customer may audit Provider's books and records relating to this Agreement upon thirty (30) "
        "days' written notice."
    ),
    "",
    "8. Data Protection",
    (
        "8.1 Provider shall notify Customer of any Personal Data Breach within seventy-two (72) hours after "
        "becoming aware of it."
    ),
    "",
    "9. Warranty",
    (
        "9.1 Provider warrants that the Services will conform to the Documentation for a period of ninety "
        "(90) days after delivery."
    ),
    "",
    "10. Governing Law",
    (
        "10.1 This Agreement shall be governed by the laws of the State of New York, without regard to its "
        "conflict of laws rules."
    ),
    "",
)
CONTRACT = "\n".join(PARAGRAPHS)

EXPECTED = {
    TermKind.PARTIES: "Acme Widgets, Inc.; Beta Cloud Services LLC",
    TermKind.AGREEMENT_DATE: "2023-03-01",
    TermKind.EFFECTIVE_DATE: "2023-03-01",
    TermKind.INITIAL_TERM: "P2Y",
    TermKind.EXPIRATION_DATE: "2025-03-01",
    TermKind.AUTO_RENEWAL: "true",
    TermKind.RENEWAL_TERM: "P1Y",
    TermKind.RENEWAL_NOTICE_PERIOD: "P90D",
    TermKind.TERMINATION_FOR_CONVENIENCE: "P60D",
    TermKind.PAYMENT_TERMS: "P30D",
    TermKind.LATE_FEE: "1.5% per month",
    TermKind.GOVERNING_LAW: "New York",
    TermKind.LIABILITY_CAP: "USD 500000",
    TermKind.CONFIDENTIALITY_PERIOD: "P3Y",
    TermKind.WARRANTY_DURATION: "P90D",
    TermKind.AUDIT_RIGHTS: "P30D",
    TermKind.INSURANCE: "USD 2000000",
    TermKind.DATA_PROTECTION: "PT72H",
}


@pytest.fixture(scope="module")
def analysis() -> ContractAnalysis:
    return analyse(CONTRACT)


def assert_citations_hold(text: str, result: ContractAnalysis) -> None:
    citations = [term.citation for term in result.terms] + [o.citation for o in result.obligations]
    for citation in citations:
        assert text[citation.start : citation.end] == citation.quote
    for clause in result.clauses:
        assert 0 <= clause.start <= clause.end <= len(text)


def test_every_key_term_is_found_with_its_normalised_value(analysis: ContractAnalysis) -> None:
    found = {kind: term.value for kind in EXPECTED if (term := analysis.first(kind)) is not None}
    assert found == EXPECTED


def test_terms_cite_the_clause_they_come_from(analysis: ContractAnalysis) -> None:
    law = analysis.first(TermKind.GOVERNING_LAW)
    assert law is not None
    assert law.citation.section == "10.1"
    assert law.citation.heading == "Governing Law"
    assert "laws of the State of New York" in law.citation.quote
    notice = analysis.first(TermKind.RENEWAL_NOTICE_PERIOD)
    assert notice is not None and notice.citation.section == "2.2" and notice.citation.heading == "Renewal"
    assert_citations_hold(CONTRACT, analysis)


def test_clauses(analysis: ContractAnalysis) -> None:
    headings = {clause.number: clause.heading for clause in analysis.clauses}
    assert headings["3.1"] == "Termination for Convenience"
    assert headings["10"] == "Governing Law"


def test_obligations_with_categories_parties_and_due_dates(analysis: ContractAnalysis) -> None:
    by_quote = {o.citation.quote: o for o in analysis.obligations}
    pay = next(o for q, o in by_quote.items() if "pay each invoice" in q)
    assert pay.category == ObligationCategory.PAYMENT
    assert pay.party == "Customer"
    assert (pay.due.kind, pay.due.period) == ("relative", "P30D")
    assert pay.due.event is not None and "receipt" in pay.due.event
    report = next(o for q, o in by_quote.items() if "usage report" in q)
    assert report.category == ObligationCategory.REPORTING
    assert (report.due.kind, report.due.period, report.due.recurrence) == ("recurring", "P15D", "P3M")
    assert report.due.event == "end of each calendar quarter"
    breach = next(o for q, o in by_quote.items() if "Personal Data Breach" in q)
    assert breach.category == ObligationCategory.DATA_PROTECTION
    assert (breach.due.kind, breach.due.period) == ("relative", "PT72H")
    insurance = next(o for q, o in by_quote.items() if "insurance" in q)
    assert insurance.category == ObligationCategory.INSURANCE and insurance.due.kind == "unspecified"


def test_deadlines_from_the_terms(analysis: ContractAnalysis) -> None:
    assert initial_term_end(analysis.terms).value == date(2025, 3, 1)
    status = renewal_deadlines(analysis.terms, as_of=date(2026, 1, 10))
    assert status.current_term_end == date(2026, 3, 1)
    assert status.notice_deadline == date(2025, 12, 1)
    assert status.deadline_passed is True
    assert status.next_notice_deadline == date(2026, 12, 1)


def test_invisible_characters_do_not_break_extraction_or_offsets() -> None:
    hidden = "\u200b\u202e\U000e0041\u2066\ufeff"
    text = CONTRACT.replace("governed by", f"gov{hidden}erned by").replace("ninety (90)", f"nin{hidden}ety (90)")
    result = analyse(text)
    law = result.first(TermKind.GOVERNING_LAW)
    notice = result.first(TermKind.RENEWAL_NOTICE_PERIOD)
    assert law is not None and law.value == "New York" and hidden in law.citation.quote
    assert notice is not None and notice.value == "P90D"
    assert_citations_hold(text, result)


def test_contradictory_clauses_are_both_reported_with_a_warning() -> None:
    text = CONTRACT.replace(
        "1.2 Late Payment.",
        "1.2 Payment Schedule. Invoices shall be paid by Customer no later than forty-five (45) days following "
        'receipt ("Net 45").\n1.4 Late Payment.',
    )
    result = analyse(text)
    values = [term.value for term in result.terms if term.kind == TermKind.PAYMENT_TERMS]
    assert sorted(values) == ["P30D", "P45D"]
    assert any("payment_terms" in warning and "different values" in warning for warning in result.warnings)


def test_blank_dates_are_undetermined_never_invented() -> None:
    text = (
        'This Agreement is made this ____ day of __________, 2004 by and between Alpha Corp. ("Alpha") and Beta '
        'Ltd. ("Beta").\n1. Term. This Agreement shall continue for a period of one (1) year from the date hereof.'
    )
    result = analyse(text)
    agreement = result.first(TermKind.AGREEMENT_DATE)
    assert agreement is not None and agreement.value == UNDETERMINED
    expiry = result.first(TermKind.EXPIRATION_DATE)
    assert expiry is not None and expiry.value == UNDETERMINED
    assert any("agreement_date" in warning for warning in result.warnings)
    assert initial_term_end(result.terms).value is None


def test_evergreen_contract() -> None:
    text = "This Agreement shall commence on January 1, 2020 and shall continue until terminated by either party."
    result = analyse(text)
    expiry = result.first(TermKind.EXPIRATION_DATE)
    assert expiry is not None and expiry.value == PERPETUAL
    assert renewal_deadlines(result.terms, as_of=date(2025, 1, 1)).notice_deadline is None


def test_empty_and_scanned_documents() -> None:
    for text in ("", "   \n\n  "):
        result = analyse(text)
        assert (result.clauses, result.terms, result.obligations) == ([], [], [])
        assert result.warnings == ["the document has no text"]


def test_a_600k_contract_is_analysed_with_exact_citations() -> None:
    body = CONTRACT.split("1. Fees and Payment")[1]
    sections = [f"{n}. Schedule Section {n}\n{n}.1 Additional provisions." + body for n in range(20, 20 + 320)]
    text = CONTRACT + "\n".join(sections)
    assert len(text) > 600_000
    result = analyse(text)
    assert result.first(TermKind.GOVERNING_LAW) is not None
    assert_citations_hold(text, result)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "This Agreement shall be governed by the laws of Delaware. ",
                "Customer shall pay within thirty (30) days. ",
                "\u200b",
                "\u202e",
                "\U000e0067",
                "\n\n",
                "   ",
                "12.2 Termination for Convenience\n",
                "dated as of January 5, 2024 ",
                "this ___ day of ____, 20__ ",
                "renew for successive one (1) year periods unless ninety (90) days prior notice. ",
                "(a) ",
                "İstanbul ",
                "ǅ ",
                "\t\x0c",
            ]
        ),
        max_size=40,
    )
)
def test_any_text_keeps_the_citation_invariant(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert_citations_hold(text, analyse(text))


RUNS = [
    " ",
    "\n",
    "\t",
    "_",
    "*",
    "1",
    "a",
    "A",
    ".",
    ",",
    "(",
    "[",
    '"',
    "\u00a0",
    "\u200b",
    " \n",
    "_ ",
    "1.",
    "(a) ",
]


@pytest.mark.timeout(120)  # catastrophic regex backtracking would hang here, not merely run slow
@pytest.mark.parametrize("run", RUNS, ids=[repr(r) for r in RUNS])
def test_long_runs_of_one_character_do_not_trigger_backtracking(run: str) -> None:
    text = "This Agreement is dated " + run * (60_000 // len(run)) + " and governed by the laws of Delaware."
    assert_citations_hold(text, analyse(text))


def test_effective_on_signature_without_a_signature_block_is_not_a_date_from_the_body() -> None:
    """The end of a short contract is its body: a milestone date there is no date of signature."""
    text = (
        'This Services Agreement is entered into as of the date of the last signature below (the "Effective Date") '
        'by and between Acme Inc. ("Customer") and Beta LLC ("Provider").\n\n'
        "5. Milestones\n5.1 Provider shall deliver the migration plan on or before March 1, 2024.\n"
    )
    effective = analyse(text).first(TermKind.EFFECTIVE_DATE)
    assert effective is None or effective.value != "2024-03-01"
    signed = text + "\nSigned by Customer. Date: March 3, 2024\n"
    dated = analyse(signed).first(TermKind.EFFECTIVE_DATE)
    assert dated is not None and dated.value == "2024-03-03"


def test_agreement_dated_only_at_signatures_without_in_witness_whereof() -> None:
    body = "".join(
        f"{n}. Clause\n{n}.1 Supplier shall perform the work described in Schedule {n}.\n" for n in range(1, 30)
    )
    text = (
        "OUTSOURCING AGREEMENT\n\nThis Agreement sets out the terms on which MMI Ltd provides services to Dragon "
        "Systems, Inc.\n\n" + body + "\nMMI\n/s/ John Dick\nGeneral Manager\n19 Jan. 1998\n\nDRAGON SYSTEMS, INC.\n"
        "/s/ Janet M. Baker\n"
    )
    agreement = analyse(text).first(TermKind.AGREEMENT_DATE)
    assert agreement is not None and agreement.value == "1998-01-19"
    unsigned = text.replace("/s/", "")
    assert analyse(unsigned).first(TermKind.AGREEMENT_DATE) is None  # a date alone is not a signature date


@pytest.mark.parametrize(
    "sentence",
    [
        'The term "Credit Data" means data of any borrower provided for a period of thirty-one (31) days.',
        "Consultant will not, during the Term, and for a period of one (1) year thereafter, solicit any employee.",
        'For a period of six (6) months at the end of the Term (the "Sell-off Period"), Distributor may sell stock.',
        "If the Celebrity is unable to speak during the Term for thirty (30) consecutive business days, Company may "
        "terminate.",
    ],
)
def test_periods_around_the_term_are_not_the_term(sentence: str) -> None:
    text = (
        'This Agreement is made as of February 26, 1999 (the "Effective Date") between Acme Inc. ("Company") and '
        'Beta LLC ("Consultant").\n\n1. Definitions\n' + sentence + "\n"
    )
    result = analyse(text)
    assert result.first(TermKind.INITIAL_TERM) is None
    assert result.first(TermKind.EXPIRATION_DATE) is None


def test_consecutive_business_days_are_business_days() -> None:
    found = parse_duration("thirty (30) consecutive business days")
    assert found is not None and found.business and found.amount == 30
