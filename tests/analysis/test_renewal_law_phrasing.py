"""Renewal term, the notice that stops a renewal, and governing law, as contracts phrase them.

Every sentence here was written for these tests (none comes from a real contract). Each case is one way of
writing the clause that the rules must read the same way wherever it appears.
"""

from __future__ import annotations

import pytest

from analysis import PERPETUAL, UNDETERMINED, TermKind, analyse

OPENING = (
    'This Agreement is made as of May 4, 2021 (the "Effective Date") between Northwind Traders Inc. ("Supplier") '
    'and Harbor Foods LLC ("Buyer").\n\n'
)


def _value(text: str, kind: TermKind) -> str | None:
    found = analyse(OPENING + text + "\n").first(kind)
    return found.value if found is not None else None


# --- renewal term -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "renewal", "notice"),
    [
        pytest.param(
            "The parties' cooperation under this Agreement shall commence on the Effective Date and shall remain "
            "in force until the third anniversary of the first delivery of goods (such period, as it may be "
            'lengthened, the "Service Period"), unless sooner ended as set out in Section 9 hereof, and shall '
            "automatically renew for successive two-year periods, unless the Buyer gives sixty (60) days' notice of "
            "termination before any such successive period.",
            "P2Y",
            "P60D",
            id="a coordinated verb shares the agreement as subject",
        ),
        pytest.param(
            "At the end of the initial term, the Buyer may, at its option, renew the distributorship granted "
            "hereunder for 3 additional terms of 5 years each on the conditions below.",
            "P5Y",
            None,
            id="a number of additional terms",
        ),
        pytest.param(
            "The Supply Term may be extended for up to two (2) additional periods of twenty-four (24) months by "
            "written notice given by Buyer to Supplier not less than six (6) months prior to the expiration of the "
            "then-current period.",
            "P24M",
            "P6M",
            id="up to a number of additional periods",
        ),
        pytest.param(
            "It runs by calendar year and is renewed tacitly every year.",
            "P1Y",
            None,
            id="tacit renewal",
        ),
        pytest.param(
            "This Agreement shall be for a term of two years; thereafter, the Agreement shall renew automatically "
            "under these same terms unless replaced by a later agreement.",
            "P2Y",
            None,
            id="renews on the same terms: the same length",
        ),
        pytest.param(
            "Except as stated elsewhere, the Parties' rights under this Agreement shall commence on the Effective "
            "Date and shall remain in full force for seven (7) years after the first shipment of goods, and shall "
            "thereafter automatically renew for an unlimited period of time unless ended under Section 12.2.",
            PERPETUAL,
            None,
            id="renews for an unlimited period",
        ),
        pytest.param(
            "Should the Parties not have signed a successor agreement by [***], this Agreement shall stay in force "
            'for a maximum of [***] or until the successor agreement is signed (the "Renewal Term").',
            UNDETERMINED,
            None,
            id="a defined renewal term with its length redacted",
        ),
        pytest.param(
            "4. Duration. This Agreement starts on the Effective Date and runs for three (3) years. Thereafter it "
            "renews automatically for further periods of two (2) years each unless the Buyer gives written notice at "
            "least ninety (90) days before the then-current period ends.",
            "P2Y",
            "P90D",
            id="'it' renews: the previous sentence's agreement is the antecedent",
        ),
        pytest.param(
            "The initial term shall be eighteen (18) months. It shall then be renewed automatically for successive "
            "twelve (12) month terms, unless either party gives thirty (30) days' notice of non-renewal.",
            "P12M",
            "P30D",
            id="'it' renews: the previous sentence's term is the antecedent",
        ),
    ],
)
def test_renewal_phrasings(sentence: str, renewal: str, notice: str | None) -> None:
    assert _value(sentence, TermKind.RENEWAL_TERM) == renewal
    assert _value(sentence, TermKind.RENEWAL_NOTICE_PERIOD) == notice


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param(
            "If the Supplier fails to hold its annual review by June 30, the Cooperation Period under this Agreement "
            "shall automatically be extended until 5:00 pm on the date that is ten (10) days prior to the next review.",
            id="extended until a moment",
        ),
        pytest.param(
            "This Agreement becomes effective on the date first written above and will continue in effect "
            "thereafter until terminated under Paragraph 7.3 below.",
            id="open-ended from the start: no first term to renew",
        ),
        pytest.param(
            "If fewer than 10,000 visitors reach the Buyer Page within the first twelve (12) months, the first year "
            "of the term of the Agreement will be extended at no charge for up to an additional three (3) months.",
            id="a year inside the term is extended",
        ),
        pytest.param(
            "Notwithstanding the Supplier's right to extend the term of this Agreement, each party acknowledges "
            "that this Agreement is limited to a definite term and that no promise has been made about renewal.",
            id="a right granted elsewhere, qualified",
        ),
        pytest.param(
            "Under the same pricing framework as the original agreement, the Supplier will renew the vehicle rental "
            "agreement for a further 24 (twenty-four) months.",
            id="the renewal of another agreement",
        ),
        pytest.param(
            "This Agreement shall commence on the Effective Date and shall continue for eight (8) Contract Years, "
            "unless terminated under Section 5 or extended by renewal by written agreement of the Parties under "
            "Section 14.",
            id="a first term, renewable only if both agree",
        ),
        pytest.param(
            "The Supplier's warranty on each delivery lasts for one (1) year. Thereafter it renews automatically "
            "for successive one (1) year periods for as long as the Buyer pays the maintenance fee.",
            id="'it' renews, but the antecedent is a warranty",
        ),
    ],
)
def test_not_a_renewal(sentence: str) -> None:
    assert _value(sentence, TermKind.RENEWAL_TERM) is None
    assert _value(sentence, TermKind.RENEWAL_NOTICE_PERIOD) is None


# --- notice that stops a renewal ------------------------------------------------------------------------

RENEWS = "2. Term. This Agreement shall automatically renew for successive one (1) year periods. "


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param(
            "Buyer shall exercise its option, if at all, by delivering written notice to Supplier at least four "
            "(4) months prior to expiration of the Term.",
            id="notice that exercises an option",
        ),
        pytest.param(
            "In the event of cancellation, non-renewal or material modification, the Buyer shall receive thirty "
            "(30) days written notice thereof.",
            id="an insurance policy's change",
        ),
        pytest.param(
            "Either party wishing to terminate the Agreement must give written notice to the other at least "
            "forty-five (45) days prior to the desired date of termination.",
            id="a termination date the party chooses",
        ),
        pytest.param(
            "Two months prior to the expiry of the Term, the parties may discuss new pricing, failing which the "
            "prices stay.",
            id="no one gives notice",
        ),
        pytest.param(
            "This Agreement may be terminated by either party with cause upon fifteen (15) days written notice.",
            id="termination with cause",
        ),
        pytest.param(
            "At least one (1) year before the expiration of the Term, the Supplier will give the Buyer written "
            "notice of any deficiencies that could cause the Supplier not to renew.",
            id="notice of deficiencies",
        ),
    ],
)
def test_not_a_notice_to_stop_renewal(sentence: str) -> None:
    assert _value(RENEWS + sentence, TermKind.RENEWAL_TERM) == "P1Y"
    assert _value(RENEWS + sentence, TermKind.RENEWAL_NOTICE_PERIOD) is None


@pytest.mark.parametrize(
    ("text", "notice"),
    [
        pytest.param(
            "4. Extended Term. Following the Initial Term this Agreement shall automatically renew for an Extended "
            "Term of two (2) years. Prices may change once a year. The Supplier may terminate this Agreement only "
            "during the Extended Term, with or without cause, upon prior written notice to the Buyer of not less "
            "than four (4) months.",
            "P4M",
            id="termination during the extended term",
        ),
        pytest.param(
            "It runs by calendar year and is renewed tacitly every year. The Agreement is nevertheless cancellable "
            "by either party before the expiry date of the Agreement or any of its renewals, upon two months "
            "prior written notice.",
            "P2M",
            id="cancellable before the expiry of any renewal",
        ),
        pytest.param(
            "13.1 The Agreement runs by calendar year and is renewed tacitly every year.\n13.2. Either party may "
            "nevertheless cancel it at any time before the end of the then-current term, upon three months prior "
            "written notice.",
            "P3M",
            id="the requirement after a bare clause number",
        ),
        pytest.param(
            "Upon expiry of the Initial Term, this Agreement [***] unless a notice of non-renewal is given by either "
            "Party [***] prior to the expiry of the Initial Term or the end of a renewal period.",
            UNDETERMINED,
            id="non-renewal notice with the period redacted",
        ),
        pytest.param(
            'The term is two years (the "Initial Term"), with automatic renewal for additional successive one-year '
            "terms unless no later than [***] days prior to the end of the Initial Term either party notifies the "
            "other that it wishes to terminate this Agreement effective the end of the Initial Term.",
            UNDETERMINED,
            id="terminate effective the end of the term, period redacted",
        ),
    ],
)
def test_notice_phrasings(text: str, notice: str) -> None:
    assert _value(text, TermKind.RENEWAL_NOTICE_PERIOD) == notice


# --- governing law --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "laws"),
    [
        pytest.param(
            "This Agreement has been made in the State of Oregon and shall be governed by and construed in "
            "accordance with the laws thereof without regard to conflicts principles.",
            {"Oregon"},
            id="the laws thereof",
        ),
        pytest.param(
            "This Agreement was accepted in the state where the Supplier's head office (currently the State of "
            "Colorado) is located and shall be governed by the laws of such state.",
            {"Colorado"},
            id="the laws of such state",
        ),
        pytest.param(
            "This Agreement will be governed by the laws of the state where a claim is properly filed under this "
            "section, being either Ohio or Texas.",
            {"Ohio", "Texas"},
            id="the laws of the state where a suit is filed",
        ),
        pytest.param(
            "The Master License Agreement requires application of the laws of Ontario.",
            {"Ontario"},
            id="application of the laws of",
        ),
        pytest.param("This Agreement is subject to Austrian law.", {"Austria"}, id="subject to <adjective> law"),
        pytest.param(
            "This Contract shall be subject to the substantive laws of Finland.", {"Finland"}, id="subject to the laws"
        ),
    ],
)
def test_governing_law_phrasings(sentence: str, laws: set[str]) -> None:
    assert _value("12. Miscellaneous. " + sentence, TermKind.GOVERNING_LAW) in laws


def test_subject_to_applicable_law_chooses_no_law() -> None:
    laws, _ = _laws("12. Disclosure. Subject to applicable law, either party may disclose the terms of this Agreement.")
    assert laws == []


def _laws(text: str) -> tuple[list[str], list[str]]:
    found = analyse(OPENING + text)
    laws = [term.value for term in found.terms if term.kind is TermKind.GOVERNING_LAW]
    return laws, [w for w in found.warnings if w.startswith("governing_law")]


def test_two_clauses_choosing_different_laws_are_both_reported() -> None:
    laws, warnings = _laws(
        "8. Governing Law. This Agreement shall be governed by the laws of the State of Oregon.\n\n"
        "9. Notices. Notices shall be sent by courier.\n\n"
        "15. General. This Agreement is governed by and construed under the laws of the Province of Ontario.\n"
    )
    assert laws == ["Oregon", "Ontario"]
    assert len(warnings) == 1 and "Oregon (section 8)" in warnings[0] and "Ontario (section 15)" in warnings[0]


@pytest.mark.parametrize(
    "second",
    [
        pytest.param(
            "Any arbitration under Section 14 shall be governed by the laws of the State of New York.",
            id="the law of the arbitration only",
        ),
        pytest.param(
            "This Agreement shall be governed by the laws of the State of Oregon, without regard to conflicts rules.",
            id="the same law stated twice",
        ),
    ],
)
def test_a_second_clause_that_does_not_contradict(second: str) -> None:
    laws, warnings = _laws(
        "8. Governing Law. This Agreement shall be governed by the laws of the State of Oregon.\n\n"
        f"15. General. {second}\n"
    )
    assert laws == ["Oregon"] and warnings == []
