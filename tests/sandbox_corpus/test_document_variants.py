"""Adversarial variants, cross-references and references into the parent agreement."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from sandbox.api_models import ContractType
from sandbox.corpus.clauses.invisible import BIDI_CONTROLS, TAGS, ZERO_WIDTH, strip_invisible
from sandbox.corpus.document import render_document
from sandbox.corpus.models import FactKind, GroundTruth
from tests.sandbox_corpus.checks import Rendered, spans

BASES = 240  # records per forced flag (every type appears among them)


def _with_flag(docs: list[Rendered], flag: str, limit: int = BASES) -> Iterator[tuple[Rendered, Rendered]]:
    """(clean rendering, rendering of the same record with only `flag`) for records without flags."""
    count = 0
    for doc in docs:
        if doc.record.adversarial:
            continue
        record = doc.record.model_copy(update={"adversarial": [flag]})
        text, truth = render_document(record, doc.counterparty, doc.parent, doc.as_of, doc.seed)
        yield doc, Rendered(record, doc.counterparty, doc.parent, doc.as_of, doc.seed, text, truth)
        count += 1
        if count == limit:
            return


def _assert_exact(doc: Rendered) -> None:
    for span in spans(doc.truth):
        assert doc.text[span.start : span.end] == span.quote, doc.label


def test_invisible_characters_are_present_and_spans_stay_exact(specimen_docs: list[Rendered]) -> None:
    for clean, variant in _with_flag(specimen_docs, "invisible_chars"):
        assert variant.truth.adversarial == ["invisible_chars"]
        present = set(variant.text)
        assert present & set(ZERO_WIDTH), variant.label
        assert present & set(BIDI_CONTROLS), variant.label
        assert present & set(TAGS), variant.label
        _assert_exact(variant)
        # Remove the characters and the clean document reappears, fact for fact.
        assert strip_invisible(variant.text) == clean.text, variant.label
        assert [(f.kind, f.value, strip_invisible(f.span.quote)) for f in variant.truth.facts] == [
            (f.kind, f.value, f.span.quote) for f in clean.truth.facts
        ]


def test_injection_text_is_present_inside_a_section_and_never_a_fact(specimen_docs: list[Rendered]) -> None:
    for clean, variant in _with_flag(specimen_docs, "injection"):
        assert variant.truth.adversarial == ["injection"]
        at = variant.text.lower().find("previous instructions")
        assert at >= 0, variant.label
        assert any(s.start <= at < s.end for s in variant.truth.sections), variant.label
        assert not any(s.start <= at < s.end for s in spans(variant.truth)), variant.label
        _assert_exact(variant)
        assert _facts(variant) == _facts(clean), variant.label  # the clause states nothing


def test_huge_documents_exceed_600k_characters_with_exact_truth(specimen_docs: list[Rendered]) -> None:
    for clean, variant in _with_flag(specimen_docs, "huge", limit=8):
        assert len(variant.text) > 600_000, variant.label
        assert variant.truth.adversarial == ["huge"]
        _assert_exact(variant)
        # The clauses are all still there, and one more obligation sits beyond the first 600,000 characters.
        assert _facts(variant) == _facts(clean), variant.label
        late = [o for o in variant.truth.obligations if o.span.start > 600_000]
        assert len(late) == 1 and late[0].due.startswith("recurring:P3M:"), variant.label
        r = variant.record
        if r.effective_date is not None:
            # Quarterly, due N days after each quarter end, for every quarter the term touches.
            offset = int(late[0].due.split(":")[2][1:-1])
            end = r.expiration_date
            last_due = None if end is None else _quarter_end(end) + timedelta(days=offset)
            running = last_due is None or last_due >= variant.as_of
            assert (late[0].next_due is not None) == running, variant.label


def test_scanned_documents_have_no_text_and_empty_truth(specimen_docs: list[Rendered]) -> None:
    for _, variant in _with_flag(specimen_docs, "scanned", limit=20):
        assert variant.text == ""
        assert variant.truth == GroundTruth(
            facts=[],
            obligations=[],
            sections=[],
            renewal_notice_deadline=None,
            current_term_end=None,
            adversarial=["scanned"],
        )


def test_contradictory_documents_state_two_different_values(specimen_docs: list[Rendered]) -> None:
    applied = 0
    for clean, variant in _with_flag(specimen_docs, "contradictory"):
        if variant.truth.adversarial != ["contradictory"]:
            assert _facts(variant) == _facts(clean)  # nothing in this document to contradict
            continue
        applied += 1
        _assert_exact(variant)
        before, after = Counter(_facts(clean)), Counter(_facts(variant))
        assert not before - after, variant.label  # every clean statement is still made
        added = list((after - before).elements())
        assert len(added) == 1, variant.label
        kind, value, _ = added[0]
        original = {v for k, v, _ in before if k == kind}
        assert original and value not in original, f"{variant.label}: {kind} {value} vs {original}"
        if kind == FactKind.PAYMENT_TERMS:
            assert original == {f"P{variant.record.payment_terms_days}D"}
    assert applied > BASES * 0.9


def _quarter_end(day: date) -> date:
    month = (day.month - 1) // 3 * 3 + 3
    return date(day.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _facts(doc: Rendered) -> list[tuple[FactKind, str, str]]:
    return [(f.kind, f.value, f.span.quote) for f in doc.truth.facts]


# The number is matched atomically, so "Section 5.2(b) of the Agreement" cannot match as "Section 5.2".
_REFERENCE = re.compile(r"\b(Section|Article) ((?>(?:[IVXLC]+|\d+)(?:\.\d+)?(?:\([a-z]+\))*))(?=\W)(?! of the)")


def test_cross_references_cite_sections_that_exist(all_docs: list[Rendered]) -> None:
    checked = 0
    for doc in all_docs:
        if not doc.text or doc.record.type == ContractType.AMENDMENT:
            continue
        numbers = {s.number for s in doc.truth.sections}
        for match in _REFERENCE.finditer(strip_invisible(doc.text)):
            if match.group(0).startswith("Article") and match.group(2).isdigit() and int(match.group(2)) > 60:
                continue  # "Article 28 of the GDPR" style citations of other instruments
            assert match.group(2) in numbers, f"{doc.label}: {match.group(0)} cites no section"
            checked += 1
    assert checked > 5_000


def _parent_rendering(doc: Rendered) -> GroundTruth:
    assert doc.parent is not None
    _, truth = render_document(doc.parent, doc.counterparty, None, doc.as_of, doc.seed)
    return truth


_PARENT_SECTION = re.compile(r"\bSection ([\d.]+(?:\([a-z]+\))*) of the Agreement")
_NEW_SECTION = re.compile(r"new Section ([\d.]+(?:\([a-z]+\))*) of the Agreement")


@pytest.mark.parametrize("kind", [ContractType.AMENDMENT, ContractType.SOW])
def test_references_into_the_parent_cite_its_real_sections(all_docs: list[Rendered], kind: ContractType) -> None:
    checked = 0
    for doc in all_docs:
        parent_record = doc.parent
        if doc.record.type != kind or parent_record is None or not doc.text or "scanned" in parent_record.adversarial:
            continue
        parent = _parent_rendering(doc)
        parent_sections = {s.number for s in parent.sections}
        for fact in doc.truth.facts:
            quote = strip_invisible(fact.span.quote)
            new = _NEW_SECTION.search(quote)
            if new:
                assert new.group(1) not in parent_sections, f"{doc.label}: 'new' section already exists"
                continue
            for match in _PARENT_SECTION.finditer(quote):
                cited = match.group(1)
                assert cited in parent_sections, f"{doc.label}: cites {cited}, parent has no such section"
                same_kind = [f.span.section or "" for f in parent.facts if f.kind == fact.kind]
                if same_kind:  # the cited clause is where the parent states the amended term
                    assert any(section.startswith(cited) for section in same_kind), (doc.label, cited, same_kind)
                checked += 1
    assert checked > 20
