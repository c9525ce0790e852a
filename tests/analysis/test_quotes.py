"""Quotes are exact source spans or visibly elided, never cut mid-word, and always show the fact's words."""

from __future__ import annotations

import itertools
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import PERPETUAL, UNDETERMINED, analyse
from analysis.durations import same_length, to_iso
from analysis.models import TermKind
from analysis.quotes import ELLIPSIS, Quote, fact_spans, quote
from sandbox.corpus.generate import generate_records, render_contract
from sandbox.corpus.models import Corpus

NOTICE = (
    "Upon expiration of the Initial Term, this Agreement shall automatically renew for successive periods of one "
    "(1) year each unless either party gives the other written notice of non-renewal at least sixty (60) days "
    "prior to the expiration of the then-current Term."
)
SEP = f" {ELLIPSIS} "


def _word(char: str) -> bool:
    return char.isalnum() or char in "_'’"


def _check(text: str, span: tuple[int, int], must: list[tuple[int, int]], max_chars: int, shown: Quote) -> None:
    low, high = span
    while low < high and text[low].isspace():
        low += 1
    while high > low and text[high - 1].isspace():
        high -= 1
    if low >= high:
        assert shown.text == "" and shown.pieces == []
        return
    pieces = shown.pieces
    assert pieces and all(low <= s < e <= high for s, e in pieces)
    assert all(a[1] < b[0] and text[a[1] : b[0]].strip() for a, b in itertools.pairwise(pieces))
    # Exactness: the shown text is the pieces, verbatim, joined by visible ellipses.
    rebuilt = (ELLIPSIS + " " if pieces[0][0] > low else "") + SEP.join(text[s:e] for s, e in pieces)
    rebuilt += " " + ELLIPSIS if pieces[-1][1] < high else ""
    assert shown.text == rebuilt
    assert shown.elided == (pieces != [(low, high)])
    if not shown.elided:
        assert shown.text == text[low:high]
    # No mid-word cut (the span's own ends are the caller's).
    for s, e in pieces:
        assert s == low or not (_word(text[s - 1]) and _word(text[s]))
        assert e == high or not (_word(text[e - 1]) and _word(text[e]))
    # Every must-include span (clipped to the quote) is shown whole.
    for s, e in must:
        s, e = max(s, low), min(e, high)
        if s < e and text[s:e].strip():
            core_s, core_e = s, e
            while text[core_s].isspace():
                core_s += 1
            while text[core_e - 1].isspace():
                core_e -= 1
            assert any(ps <= core_s and core_e <= pe for ps, pe in pieces), (s, e, pieces)
    # Over the limit only when the fact's own words need the room: then nothing else is shown.
    if len(shown.text) > max_chars:
        assert all(any(ms < pe and ps < me for ms, me in must) for ps, pe in pieces) or len(pieces) == 1


WORDS = st.lists(st.text(alphabet="abcdefghij0123456789(),.;'’-", min_size=1, max_size=12), min_size=1, max_size=60)
SPACES = st.sampled_from([" ", " ", " ", "\n", "  ", "\n\n"])


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, tuple[int, int], list[tuple[int, int]], int]:
    words = draw(WORDS)
    text = "".join(w + draw(SPACES) for w in words)
    n = len(text)
    start = draw(st.integers(0, n))
    end = draw(st.integers(start, n))
    must = draw(st.lists(st.tuples(st.integers(0, n), st.integers(0, n)).map(sorted).map(tuple), max_size=3))
    return text, (start, end), [(a, b) for a, b in must], draw(st.integers(1, 200))


@settings(max_examples=3000, deadline=None)
@given(cases())
def test_quote_properties(case: tuple[str, tuple[int, int], list[tuple[int, int]], int]) -> None:
    text, span, must, max_chars = case
    _check(text, span, must, max_chars, quote(text, span, must_include=must, max_chars=max_chars))


def test_a_notice_clause_keeps_the_notice_period_and_elides_the_rest() -> None:
    days = NOTICE.index("sixty (60) days")
    shown = quote(NOTICE, (0, len(NOTICE)), must_include=[(days, days + len("sixty (60) days"))], max_chars=90)
    assert shown.elided and "sixty (60) days" in shown.text and len(shown.text) <= 90
    assert shown.text.startswith(ELLIPSIS + " ") and shown.text.endswith(" " + ELLIPSIS)
    assert (
        shown.text
        == f"{ELLIPSIS} notice of non-renewal at least sixty (60) days prior to the expiration of the {ELLIPSIS}"
    )


def test_a_short_span_is_quoted_exactly() -> None:
    shown = quote(NOTICE, (0, 35), max_chars=200)
    assert shown.text == "Upon expiration of the Initial Term" and not shown.elided


def test_fact_spans_find_the_words_carrying_each_fact_in_the_corpus() -> None:
    corpus = Corpus(contracts=60, seed=3, as_of=date(2025, 6, 30))
    records = generate_records(corpus)
    checked = 0
    for record in records.contracts:
        text = render_contract(records, record).text
        for term in analyse(text).terms:
            if term.kind not in (TermKind.RENEWAL_NOTICE_PERIOD, TermKind.PAYMENT_TERMS, TermKind.EFFECTIVE_DATE,
                                 TermKind.LIABILITY_CAP, TermKind.GOVERNING_LAW):  # fmt: skip
                continue
            if term.value in (UNDETERMINED, PERPETUAL):
                continue  # the text states no value: no words carry one
            spans = fact_spans(text, term.citation, term.kind, term.value)
            if term.kind is TermKind.LIABILITY_CAP and not term.value.split(" ")[-1].isdigit():
                continue  # "12 months fees": a period, checked below only by presence
            assert spans, (record.id, term.kind, term.citation.quote)
            start, end = spans[0]
            assert term.citation.start <= start < end <= term.citation.end
            words = text[start:end]
            if term.kind is TermKind.GOVERNING_LAW:
                assert term.value.split(" ")[0] in words, (words, term.value)
            elif term.kind in (TermKind.RENEWAL_NOTICE_PERIOD, TermKind.PAYMENT_TERMS):
                stated = to_iso(words)
                assert stated is not None and same_length(stated, term.value), (words, term.value)
            checked += 1
            shown = quote(text, (term.citation.start, term.citation.end), must_include=spans, max_chars=120)
            assert words in shown.text
    assert checked > 150


def test_fact_spans_read_past_invisible_characters_inside_an_amount_or_a_date() -> None:
    """A bidi control or a zero-width space inside the amount or the date (pasted or planted) must not hide the fact
    from the quote: the extractors skip them, so must the search for the words that carry it."""
    text = (
        "This Agreement is made on 3 Febr\u200buary 2025 between Alder Ltd and Birch GmbH.\n\n"
        "12.1 Each party's total liability under this Agreement shall not exceed GBP\u202e 2,400,000 (two million four "
        "hundred thousand pounds) in aggregate.\n"
    )
    result = analyse(text)
    for kind, carried in ((TermKind.LIABILITY_CAP, "2,400,000"), (TermKind.AGREEMENT_DATE, "2025")):
        term = next(t for t in result.terms if t.kind is kind)
        spans = fact_spans(text, term.citation, kind, term.value)
        assert spans, kind
        ((start, end),) = spans
        assert carried in text[start:end] and term.citation.start <= start < end <= term.citation.end
