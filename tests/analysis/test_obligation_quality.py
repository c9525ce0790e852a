"""Obligations against the sandbox generator's ground truth: precision as well as recall, and who is bound.

The truth lists the duties a legal team tracks (a deadline, a cycle, or a standing duty such as keeping
insurance in force). An extracted obligation counts as right when it is paired, one to one, with a truth
obligation whose span its citation overlaps, of the same category, bound on the same party (case-insensitive),
and naming the same act: the two actions share a content word (compared on its first five letters) or their
verbs are synonyms ("report" / "notify", "furnish" / "deliver"), since the truth paraphrases the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from datetime import date as dt_date

import pytest

from analysis import Due, KeyTerm, Obligation, analyse
from analysis.obligations import due_wording, next_due
from sandbox.api_models import ContractStatus
from sandbox.corpus.generate import generate_records, render_contract
from sandbox.corpus.models import Corpus, TruthObligation

CORPUS = Corpus(contracts=260, seed=20240605, as_of=date(2025, 6, 30))
MIN_PRECISION = 0.90
MIN_RECALL = 0.95
MIN_OBLIGOR_ACCURACY = 0.97

_STOP = frozenset({"the", "a", "an", "of", "or", "and", "to", "for", "any", "all", "each", "with", "its", "be"})
_SYNONYMS = (
    frozenset({"notify", "inform", "report", "advise", "notifies", "give"}),
    frozenset({"pay", "remit"}),
    frozenset({"deliver", "provide", "furnish", "submit", "send", "complete"}),
    frozenset({"return", "destroy", "delete"}),
    frozenset({"maintain", "carry", "obtain"}),
    frozenset({"audit", "inspect", "permit", "make"}),
)
# Obligors that are documents, clauses or things, never parties.
_NOT_OBLIGORS = re.compile(
    r"\b(?:agreement|order\s+form|statement\s+of\s+work|sow|schedule|exhibit|pdf|firmware|notice|invoice|services|"
    r"deliverables|products|section|term)s?$",
    re.IGNORECASE,
)


def _stems(action: str) -> set[str]:
    return {word[:5] for word in re.findall(r"[a-z]+", action.lower()) if word not in _STOP}


def same_act(truth: str, got: str) -> bool:
    if _stems(truth) & _stems(got):
        return True
    truth_verb, got_verb = truth.split()[0].lower(), got.split()[0].lower()
    return any(truth_verb in group and got_verb in group for group in _SYNONYMS)


def _overlaps(o: Obligation, t: TruthObligation) -> bool:
    return o.citation.start < t.span.end and t.span.start < o.citation.end


@dataclass
class Quality:
    extracted: int = 0
    right: int = 0
    truth: int = 0
    found: int = 0
    overlapping: int = 0
    right_party: int = 0
    bad_obligors: list[str] = field(default_factory=list)
    noise: list[str] = field(default_factory=list)
    dated_truth: int = 0  # truth obligations with a next due date at the corpus' as-of date
    dated_right: int = 0
    undated_truth: int = 0  # recurring or renewal truth obligations whose text fixes no next date
    undated_given: list[str] = field(default_factory=list)
    date_misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.right / self.extracted

    @property
    def recall(self) -> float:
        return self.found / self.truth


def measure(extracted: list[Obligation], truth: list[TruthObligation], quality: Quality) -> None:
    used: set[int] = set()
    quality.truth += len(truth)
    for o in extracted:
        quality.extracted += 1
        if o.party is None or _NOT_OBLIGORS.search(o.party) or o.party.lower().startswith(("this ", "the agreement")):
            quality.bad_obligors.append(f"{o.party!r}: {o.action[:60]}")
        candidates = [(i, t) for i, t in enumerate(truth) if _overlaps(o, t)]
        if candidates:
            quality.overlapping += 1
            quality.right_party += any((o.party or "").lower() == t.party.lower() for _, t in candidates)
        hit = next(
            (
                i
                for i, t in candidates
                if i not in used
                and t.category.value == o.category.value
                and (o.party or "").lower() == t.party.lower()
                and same_act(t.action, o.action)
            ),
            None,
        )
        if hit is None:
            quality.noise.append(f"{o.category.value} | {o.party} | {o.action[:60]}")
        else:
            used.add(hit)
            quality.right += 1
    quality.found += len(used)


def measure_next_due(
    extracted: list[Obligation], terms: list[KeyTerm], truth: list[TruthObligation], quality: Quality, terminated: bool
) -> None:
    """`terminated`: the CLM records the contract as terminated early. Then it has no next due date whatever its text
    says, which only the record tells (the tools read it: tests/test_deadlines_in_force.py), so the text's own date
    is not counted as one given where none is due. An expired or unsigned contract's text shows it (a term that has
    run out, no effective date): those count."""
    for t in truth:
        paired = next((o for o in extracted if _overlaps(o, t) and o.category.value == t.category.value), None)
        got = next_due(paired, terms, CORPUS.as_of) if paired is not None else None
        if t.next_due is not None:
            quality.dated_truth += 1
            quality.dated_right += got == t.next_due
            if got != t.next_due:
                quality.date_misses.append(f"{t.due}: {got} vs {t.next_due}")
        elif not terminated and (t.recurrence is not None or t.category.value == "renewal"):
            quality.undated_truth += 1
            if got is not None:
                quality.undated_given.append(f"{t.due}: {got}")


@pytest.fixture(scope="module")
def quality() -> Quality:
    records = generate_records(CORPUS)
    result = Quality()
    for record in records.contracts:
        contract = render_contract(records, record)
        analysis = analyse(contract.text)
        measure(analysis.obligations, contract.truth.obligations, result)
        consolidated = contract.truth.consolidated
        if consolidated is None or not consolidated.amendments:
            # One document's own terms decide its dates here; an amended base's dates follow its amendments,
            # which the tool applies (tests/test_terms_in_force.py).
            terminated = record.status is ContractStatus.TERMINATED
            measure_next_due(analysis.obligations, analysis.terms, contract.truth.obligations, result, terminated)
    return result


def test_obligations_are_precise_at_high_recall(quality: Quality) -> None:
    print(
        f"\nobligations: {quality.extracted} extracted, {quality.truth} in the truth; precision "
        f"{quality.precision:.3f}, recall {quality.recall:.3f}"
    )
    assert quality.truth >= 500
    assert quality.recall >= MIN_RECALL
    assert quality.precision >= MIN_PRECISION, quality.noise[:10]


def test_the_obligor_is_a_party_never_a_document_or_a_thing(quality: Quality) -> None:
    accuracy = quality.right_party / quality.overlapping
    print(f"\nobligor accuracy on obligations overlapping a truth one: {accuracy:.3f}")
    assert quality.bad_obligors == []
    assert accuracy >= MIN_OBLIGOR_ACCURACY


def test_the_act_decides_the_category_not_a_word_further_on() -> None:
    text = (
        'This Supply Agreement is made between Acme Inc. ("Buyer") and Beta LLC ("Supplier").\n\n'
        "7. Indemnity\n7.1 Supplier shall indemnify Buyer against all claims arising from any delivery of "
        "defective Products within thirty (30) days after notice.\n"
        "7.2 Buyer shall review each shipment and shall notify Supplier of any defect within ten (10) days "
        "after delivery.\n"
    )
    found = [(o.category.value, o.party) for o in analyse(text).obligations]
    assert found == [("notice", "Buyer")]


def test_documents_things_and_deeming_clauses_bind_no_one() -> None:
    text = (
        'This Agreement is made between Acme Inc. ("Customer") and Beta LLC ("Provider").\n\n'
        "12. General\n12.1 Signatures delivered by PDF shall be deemed original signatures.\n"
        "12.2 This Agreement shall be delivered to the escrow agent within five (5) days after signature.\n"
        "12.3 Firmware shall be delivered with release notes within ten (10) days after release.\n"
        "12.4 Neither party shall deliver notices by fax within 5 days after the Effective Date.\n"
        "12.5 The Order Form shall be paid within 30 days after receipt.\n"
        "12.6 Provider shall deliver the Software within 10 days after the Effective Date.\n"
    )
    found = [(o.category.value, o.party) for o in analyse(text).obligations]
    assert found == [("delivery", "Provider")]


def test_passive_and_implied_duties_name_who_acts() -> None:
    text = (
        'This Services Agreement is made between Acme Inc. ("Client") and Beta LLC ("Vendor").\n\n'
        "4. Fees\n4.1 Client shall pay Vendor the Fees set out in Schedule 1.\n"
        "4.2 All invoices are due and payable thirty (30) days from the invoice date.\n"
        "9. Data\n9.1 Notification of any Personal Data Breach shall be made by Vendor to Client no later than "
        "seventy-two (72) hours after Vendor becomes aware of it.\n"
    )
    found = [(o.category.value, o.party, o.due.period) for o in analyse(text).obligations]
    assert found == [("payment", "Client", "P30D"), ("data_protection", "Vendor", "PT72H")]


def test_every_recurring_or_renewal_obligation_with_a_schedule_gets_its_next_due_date(quality: Quality) -> None:
    print(
        f"\nnext due date right for {quality.dated_right}/{quality.dated_truth} truth obligations that have one; "
        f"{len(quality.undated_given)}/{quality.undated_truth} given a date where the text fixes none"
    )
    assert quality.dated_truth >= 100
    assert quality.dated_right == quality.dated_truth, quality.date_misses[:5]
    assert quality.undated_truth >= 20 and quality.undated_given == []


CONTRACT = (
    'This Services Agreement is entered into as of January 15, 2024 (the "Effective Date") by and between Acme '
    'Inc. ("Customer") and Beta LLC ("Provider").\n\n'
    "2. Term\n2.1 The initial term of this Agreement is two (2) years from the Effective Date.\n"
    "2.2 This Agreement shall automatically renew for successive one (1) year periods unless either party gives "
    "the other written notice of non-renewal at least sixty (60) days prior to the end of the then-current term.\n"
    "5. Reports\n5.1 Within ten (10) days after the end of each calendar quarter, Provider shall deliver to "
    "Customer a written usage report.\n"
    "5.2 On or before the 5th day of each month, Provider shall submit a status report for the preceding month.\n"
    "5.3 Provider shall deliver the migration plan on or before March 1, 2024.\n"
)


def _by_quote(obligations: list[Obligation], words: str) -> Obligation:
    return next(o for o in obligations if words in o.citation.quote)


def test_next_due_dates_from_the_contracts_own_terms() -> None:
    result = analyse(CONTRACT)
    quarterly = _by_quote(result.obligations, "usage report")
    monthly = _by_quote(result.obligations, "status report")
    renewal = _by_quote(result.obligations, "non-renewal")
    plan = _by_quote(result.obligations, "migration plan")
    as_of = dt_date(2025, 5, 20)
    assert next_due(quarterly, result.terms, as_of) == dt_date(2025, 7, 10)  # quarter ending 30 June + 10 days
    assert next_due(monthly, result.terms, as_of) == dt_date(2025, 6, 5)  # 20 May is past the 5th
    assert next_due(monthly, result.terms, dt_date(2025, 6, 5)) == dt_date(2025, 6, 5)  # the day itself counts
    # The initial term ends 15 January 2026: notice by 16 November 2025 (60 days before).
    assert next_due(renewal, result.terms, as_of) == dt_date(2025, 11, 16)
    # Once that day has passed, the next term's deadline (term ending 15 January 2027).
    assert next_due(renewal, result.terms, dt_date(2025, 12, 1)) == dt_date(2026, 11, 16)
    assert next_due(plan, result.terms, dt_date(2024, 2, 1)) == dt_date(2024, 3, 1)
    assert next_due(plan, result.terms, as_of) is None  # a one-off date that has passed


def test_no_next_due_date_without_an_effective_date_or_for_an_event_driven_duty() -> None:
    undated = CONTRACT.replace("as of January 15, 2024", "as of the date of the last signature below")
    result = analyse(undated)
    quarterly = _by_quote(result.obligations, "usage report")
    assert next_due(quarterly, result.terms, dt_date(2025, 5, 20)) is None
    event = analyse(
        'This Agreement is made as of January 15, 2024 between Acme Inc. ("Customer") and Beta LLC ("Provider").\n'
        "4.1 Customer shall pay each invoice within thirty (30) days after receipt of the invoice.\n"
    )
    assert next_due(event.obligations[0], event.terms, dt_date(2025, 5, 20)) is None


def test_due_wording_is_in_words_never_iso_codes() -> None:
    result = analyse(CONTRACT)
    wording = {words: due_wording(_by_quote(result.obligations, words).due) for words in ("usage", "status", "plan")}
    assert wording == {
        "usage": "within 10 days after the end of each calendar quarter",
        "status": "on or before day 5 of each month",
        "plan": "by 1 March 2024",
    }
    assert due_wording(Due(kind="relative", period="P30D", event="receipt of invoice")) == (
        "within 30 days after receipt of invoice"
    )
    assert due_wording(Due(kind="relative", period="PT72H", event="discovery of the breach")) == (
        "within 72 hours after discovery of the breach"
    )
    assert due_wording(Due(kind="relative", period="P60D", event="before end of the then-current term")) == (
        "at least 60 days before end of the then-current term"
    )
    assert due_wording(Due(kind="relative", period="P1D", event="notice")) == "on 1 day's notice"
    assert due_wording(Due(kind="recurring", recurrence="P3M", event="quarterly")) == "every quarter"
    assert due_wording(Due(kind="unspecified")) == "no fixed date: a continuing duty"


def test_a_name_the_contract_binds_repeatedly_is_a_party_but_the_agreement_never_is() -> None:
    text = (
        'This Collaboration Agreement (the "Agreement") is made between Glaxo Group Limited and Theravance, Inc.\n\n'
        "6. Royalties\n6.1 GSK shall keep Theravance informed of its sales plans.\n"
        "6.2 GSK shall use reasonable efforts to launch the Product.\n"
        "6.3 Within twenty (20) days after the end of each Calendar Quarter, GSK shall pay Theravance royalty "
        "payments based on Net Sales.\n"
        "6.4 The Agreement shall be delivered to the registrar within ten (10) days after signature.\n"
        "6.5 Franchisee shall be required to notify Theravance within seven (7) days of changing managers.\n"
    )
    found = [(o.category.value, o.party) for o in analyse(text).obligations]
    assert found == [("payment", "GSK"), ("notice", "Franchisee")]


@pytest.mark.parametrize(
    ("party", "other"),
    [("Ñandú", "Kestrel"), ("Élan", "Orchid"), ("Øresund", "Kestrel"), ("Kestrel", "Ünal")],
)
def test_a_party_whose_name_begins_with_a_non_ascii_capital_keeps_its_obligations(party: str, other: str) -> None:
    """A duty is bound on its party whatever letter the name begins with: "[A-Z]" alone lost every obligation of a
    party named "Ñandú" (its renewal notice too, so the deadline list missed it). Written for this test."""
    text = (
        f'SUPPLY AGREEMENT\n\nThis Agreement is made as of January 26, 2021 between {party} Textiles S.A. ("{party}") '
        f'and {other} Freight LLC ("{other}").\n\n1. Payment\n1.1 {party} shall pay each invoice within 30 days after '
        f"receipt.\n1.2 All reports shall be delivered by {other} within 10 days after the end of each month.\n"
        "2. Term\n2.1 This Agreement begins on January 26, 2021 and continues for one year.\n2.2 This Agreement shall "
        'automatically renew for successive periods of 1 year each (each a "Renewal Term") unless '
        f"{party} notifies the other party in writing, not less than 30 days before the end of the then-current term, "
        "that it elects not to renew.\n"
    )
    found = {(o.category.value, o.party) for o in analyse(text).obligations}
    assert ("renewal", party) in found, found
    assert ("payment", party) in found, found
    assert any(who == other for _, who in found), found
