"""Precision and recall per fact kind against the sandbox generator's ground truth, and exact notice dates.

We generated this text, so the bar is high. Counting, per contract and fact kind:
- a hit when the analysis's first value of that kind is one of the values the truth records (durations compared
  by length, P12M == P1Y);
- precision over the contracts where the analysis states a value. "perpetual" / "undetermined" where the truth
  records nothing are not counted against it: they say the text fixes no value, which is what an absent truth
  fact means (e.g. an effective date "as of the date of the last signature", a term "until terminated");
- recall over the contracts whose truth records the kind.
Deadlines: for every contract whose truth has a renewal-notice deadline for the term current at the corpus'
as-of date, `renewal_deadlines(terms, as_of).notice_deadline` must equal it.
Obligations: a truth obligation is found when an extracted obligation's citation overlaps its span; for the found
ones we count the same category, the same party, and the same timing (period after an event, recurring cycle,
fixed date, or "unspecified" for a duty that runs through the term).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import pytest

from analysis import PERPETUAL, UNDETERMINED, Due, Obligation, analyse, renewal_deadlines
from analysis.durations import same_length
from sandbox.corpus.generate import generate_records, render_contract
from sandbox.corpus.models import Corpus, GroundTruth

CORPUS = Corpus(contracts=260, seed=20240605, as_of=date(2025, 6, 30))
MIN_PRECISION = 0.97
MIN_RECALL = 0.97
MIN_DEADLINE_ACCURACY = 0.99
MIN_OBLIGATIONS_FOUND = 0.93
MIN_OBLIGATION_DETAIL = 0.85  # category, party and timing among the found ones


@dataclass
class Tally:
    hits: int = 0
    predicted: int = 0
    truth: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.hits / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.truth if self.truth else 1.0


@dataclass
class Obligations:
    truth: int = 0
    found: int = 0
    category: int = 0
    party: int = 0
    timing: int = 0


@dataclass
class Measured:
    obligations: Obligations
    kinds: dict[str, Tally]
    deadlines_right: int
    deadlines: int
    deadline_misses: list[str]
    adversarial_seen: set[str]


def _matches(predicted: str, truth: set[str]) -> bool:
    return any(
        predicted == value or (predicted.startswith("P") and value.startswith("P") and same_length(predicted, value))
        for value in truth
    )


def _same_timing(truth_due: str, due: Due) -> bool:
    """Truth `due` strings: "after:P30D:invoice receipt", "before:P60D:end of current term",
    "recurring:P3M:P30D", "date:2025-03-01", "ongoing:term"."""
    kind, _, rest = truth_due.partition(":")
    period = rest.split(":")[0]
    if kind in ("after", "before"):
        return due.kind == "relative" and due.period == period
    if kind == "recurring":
        return due.kind == "recurring" and due.recurrence == period
    if kind == "date":
        return due.kind == "date" and due.date is not None and due.date.isoformat() == period
    return due.kind == "unspecified"


def _measure_obligations(tally: Obligations, truth: GroundTruth, extracted: list[Obligation]) -> None:
    for expected in truth.obligations:
        tally.truth += 1
        overlapping = [
            o for o in extracted if o.citation.start < expected.span.end and expected.span.start < o.citation.end
        ]
        if not overlapping:
            continue
        got = overlapping[0]
        tally.found += 1
        tally.category += got.category.value == expected.category.value
        tally.party += (got.party or "").lower() == expected.party.lower()
        tally.timing += _same_timing(expected.due, got.due)


@pytest.fixture(scope="module")
def measured() -> Measured:
    records = generate_records(CORPUS)
    kinds: dict[str, Tally] = defaultdict(Tally)
    obligations = Obligations()
    right = total = 0
    deadline_misses: list[str] = []
    adversarial: set[str] = set()
    for record in records.contracts:
        contract = render_contract(records, record)
        adversarial.update(record.adversarial)
        result = analyse(contract.text)
        truth: dict[str, set[str]] = defaultdict(set)
        for fact in contract.truth.facts:
            truth[fact.kind.value].add(fact.value)
        first: dict[str, str] = {}
        for term in result.terms:
            first.setdefault(term.kind.value, term.value)
        for kind in set(truth) | set(first):
            tally = kinds[kind]
            value = first.get(kind)
            if kind in truth:
                tally.truth += 1
            if value is None or (kind not in truth and value in (PERPETUAL, UNDETERMINED)):
                continue
            tally.predicted += 1
            if kind in truth and _matches(value, truth[kind]):
                tally.hits += 1
            else:
                tally.misses.append(f"{record.id}: {value!r} vs {sorted(truth.get(kind, set()))}")
        _measure_obligations(obligations, contract.truth, result.obligations)
        expected = contract.truth.renewal_notice_deadline
        if expected is not None:
            total += 1
            got = renewal_deadlines(result.terms, CORPUS.as_of).notice_deadline
            right += got == expected
            if got != expected:
                deadline_misses.append(f"{record.id}: {got} vs {expected}")
    return Measured(obligations, dict(kinds), right, total, deadline_misses, adversarial)


def test_the_corpus_exercises_every_fact_kind_and_the_adversarial_documents(measured: Measured) -> None:
    assert len([k for k, t in measured.kinds.items() if t.truth >= 10]) >= 18
    assert {"huge", "invisible_chars", "injection", "contradictory", "scanned"} <= measured.adversarial_seen


def test_precision_and_recall_per_fact_kind(measured: Measured) -> None:
    print("\nfact kind                     precision  recall  (hits / predicted / truth)")
    for kind, tally in sorted(measured.kinds.items()):
        print(
            f"{kind:<30} {tally.precision:9.3f} {tally.recall:7.3f}  ({tally.hits} / {tally.predicted} / {tally.truth})"
        )
    weak = {
        kind: (round(t.precision, 3), round(t.recall, 3), t.misses[:3])
        for kind, t in measured.kinds.items()
        if t.precision < MIN_PRECISION or t.recall < MIN_RECALL
    }
    assert weak == {}


def test_renewal_notice_deadlines_are_exact(measured: Measured) -> None:
    assert measured.deadlines >= 20
    accuracy = measured.deadlines_right / measured.deadlines
    print(f"\nrenewal-notice deadline accuracy: {accuracy:.3f} ({measured.deadlines_right}/{measured.deadlines})")
    assert accuracy >= MIN_DEADLINE_ACCURACY, measured.deadline_misses[:5]


def test_obligations_are_found_with_their_category_party_and_timing(measured: Measured) -> None:
    o = measured.obligations
    assert o.truth >= 500
    found = o.found / o.truth
    category, party, timing = (o.category / o.found, o.party / o.found, o.timing / o.found)
    print(
        f"\nobligations found {found:.3f} ({o.found}/{o.truth}); among them same category {category:.3f}, "
        f"same party {party:.3f}, same timing {timing:.3f}"
    )
    assert found >= MIN_OBLIGATIONS_FOUND
    assert min(category, party, timing) >= MIN_OBLIGATION_DETAIL
