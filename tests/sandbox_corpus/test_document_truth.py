"""Ground truth agrees with the document text: exact spans, stated record values, sections, obligations."""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter, defaultdict
from datetime import timedelta

from sandbox.api_models import ContractStatus, ContractType
from sandbox.corpus.clauses.invisible import strip_invisible
from sandbox.corpus.clauses.wording import words
from sandbox.corpus.models import FactKind, ObligationCategory
from sandbox.corpus.terms import add_months
from tests.sandbox_corpus.checks import FORMATS, Rendered, expectations, spans, states, values

F = FactKind
CONTRADICTABLE = (F.PAYMENT_TERMS, F.RENEWAL_NOTICE_PERIOD, F.TERMINATION_FOR_CONVENIENCE)


def test_every_span_is_an_exact_slice_of_the_text(all_docs: list[Rendered]) -> None:
    checked = 0
    for doc in all_docs:
        for span in spans(doc.truth):
            assert 0 <= span.start < span.end <= len(doc.text), doc.label
            assert doc.text[span.start : span.end] == span.quote, doc.label
            assert span.quote == span.quote.strip(), f"{doc.label}: quote has surrounding whitespace"
            checked += 1
    assert checked > 50_000  # the corpus really exercised the property


def test_sections_nest_and_each_fact_names_its_innermost_section(all_docs: list[Rendered]) -> None:
    for doc in all_docs:
        sections = sorted(doc.truth.sections, key=lambda s: (s.start, -s.end))
        numbers = [s.number for s in sections]
        assert len(numbers) == len(set(numbers)), f"{doc.label}: duplicate section numbers"
        for a, b in itertools.pairwise(sections):
            assert b.start >= a.end or b.end <= a.end, f"{doc.label}: {a.number} and {b.number} overlap"
        by_number = {s.number: s for s in sections}
        for span in spans(doc.truth):
            containing = [s for s in sections if s.start <= span.start and span.end <= s.end]
            if span.section is None:
                assert not containing, f"{doc.label}: fact inside {containing[0].number} has no section"
                continue
            own = by_number[span.section]
            assert own.start <= span.start and span.end <= own.end, doc.label
            assert min(containing, key=lambda s: s.end - s.start) == own, doc.label


def test_each_section_starts_with_its_number_and_heading(all_docs: list[Rendered]) -> None:
    for doc in all_docs:
        for section in doc.truth.sections:
            head = strip_invisible(doc.text[section.start : section.start + len(section.heading) + 40])
            # A lettered sub-clause shows only its own mark: "12.2(a)" is labelled "(a)".
            label = "(" + section.number.rsplit("(", 1)[1] if "(" in section.number else section.number
            assert head.upper().startswith(("SECTION", "ARTICLE", "SCHEDULE", "EXHIBIT", "ANNEX", label.upper())), (
                f"{doc.label}: section {section.number} starts with {head[:30]!r}"
            )
            assert label.upper() in head.upper(), f"{doc.label}: {section.number} not in {head!r}"
            assert section.heading.upper() in head.upper(), f"{doc.label}: {section.heading!r} not in {head!r}"


def test_record_fields_the_text_states_are_in_the_truth_with_normalised_values(all_docs: list[Rendered]) -> None:
    for doc in all_docs:
        if not doc.text:
            continue
        contradicted = "contradictory" in doc.truth.adversarial
        for kind, expected in expectations(doc).items():
            stated = values(doc.truth, kind)
            if expected.required is not None:
                assert stated & expected.required, f"{doc.label}: {kind} missing (want {expected.required})"
            extra = stated - expected.allowed
            if contradicted and kind in CONTRADICTABLE and len(extra) == 1 and stated & expected.allowed:
                continue  # the deliberately contradicting clause
            assert not extra, f"{doc.label}: {kind} stated as {extra}, record allows {expected.allowed}"
        for fact in doc.truth.facts:
            if fact.kind in FORMATS:
                assert FORMATS[fact.kind].match(fact.value), f"{doc.label}: {fact.kind}={fact.value!r}"
        signed = doc.record.signed_view()  # the document alone: an amended base's terms as signed
        assert doc.truth.current_term_end == signed.expiration_date
        assert doc.truth.renewal_notice_deadline == signed.renewal_notice_date


def test_every_quote_states_its_value(all_docs: list[Rendered]) -> None:
    for doc in all_docs:
        for fact in doc.truth.facts:
            assert states(fact.kind, fact.value, fact.span.quote), (
                f"{doc.label}: {fact.kind}={fact.value!r} not evident in {fact.span.quote!r}"
            )


def test_obligations_have_well_formed_due_rules(all_docs: list[Rendered]) -> None:
    due_rule = re.compile(
        r"^(date:\d{4}-\d\d-\d\d|after:(P\d+D|PT\d+H|reasonable notice):.+|before:P\d+D:.+|recurring:P\d+[MY]:P\d+D"
        r"|ongoing:.+)$"
    )
    for doc in all_docs:
        for obligation in doc.truth.obligations:
            assert due_rule.match(obligation.due), f"{doc.label}: {obligation.due!r}"
            assert obligation.party and obligation.action
            if obligation.next_due is not None:
                assert obligation.next_due >= doc.as_of, doc.label
            if obligation.due.startswith("recurring:"):
                assert obligation.recurrence == obligation.due.split(":")[1]
            elif obligation.category != ObligationCategory.RENEWAL:
                assert obligation.recurrence is None


def test_recurring_reports_fall_due_at_the_next_period_end_plus_offset(all_docs: list[Rendered]) -> None:
    seen = 0
    for doc in all_docs:
        for obligation in doc.truth.obligations:
            if not obligation.due.startswith("recurring:") or obligation.next_due is None:
                continue
            _, period, offset = obligation.due.split(":")
            months = 12 if period == "P1Y" else int(period[1:-1])
            period_end = obligation.next_due - timedelta(days=int(offset[1:-1]))
            # The period ends on the last day of a month that closes a calendar month/quarter/year...
            assert (period_end + timedelta(days=1)).day == 1, doc.label
            assert period_end.month % months == 0, doc.label
            # ...and the previous occurrence was already due before the as-of date, or its period ended
            # before the contract took effect.
            effective = doc.record.effective_date
            assert effective is not None and period_end >= effective, doc.label
            previous_end = add_months(period_end.replace(day=1), -months + 1) - timedelta(days=1)
            assert previous_end + timedelta(days=int(offset[1:-1])) < doc.as_of or previous_end < effective, doc.label
            seen += 1
    assert seen > 500


def test_renewal_notice_obligation_matches_the_records_deadline(all_docs: list[Rendered]) -> None:
    seen = 0
    for doc in all_docs:
        r = doc.record.signed_view()
        if not (r.auto_renew and r.renewal_notice_days) or "contradictory" in doc.truth.adversarial:
            continue
        renewal = [o for o in doc.truth.obligations if o.category == ObligationCategory.RENEWAL]
        if not doc.text:
            assert not renewal
            continue
        assert len(renewal) == 1, doc.label
        next_due = renewal[0].next_due
        assert renewal[0].due == f"before:P{r.renewal_notice_days}D:end of current term"
        undated = r.effective_date is None and r.expiration_date is None
        if r.status in (ContractStatus.TERMINATED, ContractStatus.EXPIRED) or undated:
            assert next_due is None, doc.label  # over, or not yet dated: the text fixes no deadline
            continue
        assert next_due is not None, doc.label
        if r.renewal_notice_date is not None and r.renewal_notice_date >= doc.as_of:
            assert next_due == r.renewal_notice_date, doc.label  # the CLM's own deadline
        else:  # that one has passed: the next deadline is one renewal term later
            assert r.expiration_date is not None and r.renewal_term_months
            assert next_due == add_months(r.expiration_date, r.renewal_term_months) - timedelta(
                days=r.renewal_notice_days
            ), doc.label
        seen += 1
    assert seen > 300


def test_delivery_milestones_are_due_on_their_dates(all_docs: list[Rendered]) -> None:
    seen = 0
    for doc in all_docs:
        for obligation in doc.truth.obligations:
            if obligation.due.startswith("date:"):
                due = obligation.due.removeprefix("date:")
                expected = due if due >= doc.as_of.isoformat() else None
                assert (obligation.next_due.isoformat() if obligation.next_due else None) == expected
                seen += 1
    assert seen > 100


def test_payment_terms_come_with_a_payment_obligation(all_docs: list[Rendered]) -> None:
    for doc in all_docs:
        for fact in doc.truth.facts:
            if fact.kind != F.PAYMENT_TERMS:
                continue
            matching = [o for o in doc.truth.obligations if o.span == fact.span]
            assert len(matching) == 1 and matching[0].category == ObligationCategory.PAYMENT, doc.label
            assert matching[0].due.startswith(f"after:{fact.value}:")


def test_corpus_covers_every_type_fact_kind_obligation_category_and_flag(all_docs: list[Rendered]) -> None:
    assert {d.record.type for d in all_docs} == set(ContractType)
    assert {f.kind for d in all_docs for f in d.truth.facts} == set(FactKind)
    assert {o.category for d in all_docs for o in d.truth.obligations} == set(ObligationCategory)
    assert {flag for d in all_docs for flag in d.truth.adversarial} == {
        "huge",
        "invisible_chars",
        "injection",
        "scanned",
        "contradictory",
    }


_NUMBER_WORDS = re.compile(r"\b(" + "|".join(words(n) for n in range(200, 0, -1)) + r")\b")


def _template(quote: str, doc: Rendered) -> str:
    """A phrasing with the variable parts blanked out (numbers, names, dates)."""
    text = strip_invisible(quote).lower()
    for name in (doc.record.our_entity, doc.counterparty.name):
        text = text.replace(name.lower(), "@")
    text = re.sub(r"\d[\d,./-]*", "#", text)
    text = _NUMBER_WORDS.sub("#", text)
    return " ".join(text.split()[:6])


def test_key_clauses_come_in_several_phrasings(all_docs: list[Rendered]) -> None:
    phrasings: dict[FactKind, set[str]] = defaultdict(set)
    for doc in all_docs:
        for fact in doc.truth.facts:
            phrasings[fact.kind].add(_template(fact.span.quote, doc))
    for kind in (
        F.INITIAL_TERM,
        F.RENEWAL_NOTICE_PERIOD,
        F.TERMINATION_FOR_CONVENIENCE,
        F.PAYMENT_TERMS,
        F.LATE_FEE,
        F.GOVERNING_LAW,
        F.LIABILITY_CAP,
        F.CONFIDENTIALITY_PERIOD,
        F.WARRANTY_DURATION,
        F.DATA_PROTECTION,
        F.SLA,
        F.AUDIT_RIGHTS,
    ):
        assert len(phrasings[kind]) >= 3, f"{kind}: {phrasings[kind]}"


def test_numbers_dates_and_numbering_are_written_in_every_style(specimen_docs: list[Rendered]) -> None:
    text = "\n".join(strip_invisible(d.text) for d in specimen_docs if len(d.text) < 100_000)
    for pattern in (
        r"\bsixty \(60\) days\b",  # words and digits
        r"\b60 days\b",  # digits
        r"\bsixty days\b",  # words
        r"\b\w+ \(\d+\) years\b",
        r"\b\d+ months\b",
        r"\b(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}\b",
        r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b",
        r"\b\d{4}-\d\d-\d\d\b",
        r"\bthe \d{1,2}(st|nd|rd|th) day of [A-Z][a-z]+, \d{4}\b",
        r"\b\d\d/\d\d/\d{4}\b",
        r"anniversary of the Effective Date",
        r"^ARTICLE [IVX]+ - [A-Z]",
        r"^Section \d+\. [A-Z]",
        r"^Section \d+\.0\d [A-Z]",
        r"^\d+\.\d+ [A-Z]",
        r"\bSection \d+\.\d+\([a-z]\)",
        r"as set out in|in accordance with Section \d",
    ):
        assert re.search(pattern, text, re.MULTILINE), pattern


def test_typical_commercial_agreements_are_ten_to_twenty_five_thousand_characters(
    all_docs: list[Rendered],
) -> None:
    by_type: dict[ContractType, list[int]] = defaultdict(list)
    for doc in all_docs:
        if not doc.record.adversarial:
            by_type[doc.record.type].append(len(doc.text))
    for kind in (ContractType.MSA, ContractType.LICENSE, ContractType.SUPPLY):
        assert 10_000 <= statistics.median(by_type[kind]) <= 25_000, (kind, statistics.median(by_type[kind]))
    assert Counter(len(v) > 0 for v in by_type.values())[True] == len(ContractType)
