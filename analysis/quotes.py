"""Quotes a lawyer can check: the exact source span, or visibly elided, never cut mid-word.

    shown = quote(text, (start, end), must_include=[fact_span(text, citation, kind)], max_chars=200)
    shown.text     # 'Either party may ... at least sixty (60) days prior to the expiration …'
    shown.pieces   # [(start, end), ...]: each non-ellipsis piece is exactly text[start:end]

Elision keeps whole words: each piece starts and ends at a word boundary of the source (or the span's own
ends), and "…" stands wherever words were left out, including before or after a shortened quote.
The must-include spans (the words carrying the fact: a number of days, a date, an amount, a law) are always
shown whole, even if that alone exceeds `max_chars`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import Field

from analysis.dates import find_dates
from analysis.durations import find_durations, same_length
from analysis.models import Citation, Frozen, TermKind
from analysis.term_clauses import money
from analysis.text import prepare

ELLIPSIS = "…"
_MONEY = re.compile(
    r"(?:USD|EUR|GBP|CHF|CAD|AUD|JPY|SGD|[$€£¥])\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:million|thousand|billion))?"
    r"|\d[\d,]*(?:\.\d+)?\s?(?:USD|EUR|GBP|dollars|euros|pounds)",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"\d+(?:\.\d+)?\s?%|\d+(?:\.\d+)?\s+percent", re.IGNORECASE)
_LAW = re.compile(r"\blaws?\s+of\s+(?:the\s+)?(?P<place>[A-Z][\w.'-]*(?:\s+(?:of|and|[A-Z][\w.'-]*))*)")


class Quote(Frozen):
    text: str = Field(description="What to show: source pieces joined by ' … ', with '…' at elided ends")
    pieces: list[tuple[int, int]] = Field(description="Offsets of each shown piece in the source text")
    elided: bool = Field(description="True when words of the span were left out")


def _is_word(char: str) -> bool:
    return char.isalnum() or char in "_'’"


def _boundary(text: str, index: int) -> bool:
    """A cut at `index` splits no word."""
    return index <= 0 or index >= len(text) or not (_is_word(text[index - 1]) and _is_word(text[index]))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _grow_left(text: str, low: int, start: int, budget: int) -> int:
    """Move `start` left over whole words (not past `low`) while the piece stays within `budget` more chars."""
    best = start
    index = start
    while index > low:
        index -= 1
        if start - index > budget:
            break
        if _boundary(text, index) and not text[index].isspace():
            best = index
    return best


def _grow_right(text: str, end: int, high: int, budget: int) -> int:
    best = end
    index = end
    while index < high:
        index += 1
        if index - end > budget:
            break
        if _boundary(text, index) and not text[index - 1].isspace():
            best = index
    return best


def _merge(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _word_align(text: str, start: int, end: int, low: int, high: int) -> tuple[int, int]:
    """Widen a span to whole words, within [low, high]."""
    while start > low and not _boundary(text, start):
        start -= 1
    while end < high and not _boundary(text, end):
        end += 1
    return start, end


def _render(text: str, pieces: list[tuple[int, int]], low: int, high: int) -> str:
    parts: list[str] = []
    if pieces and pieces[0][0] > low:
        parts.append(ELLIPSIS + " ")
    for k, (start, end) in enumerate(pieces):
        if k:
            parts.append(" " + ELLIPSIS + " ")
        parts.append(text[start:end])
    if pieces and pieces[-1][1] < high:
        parts.append(" " + ELLIPSIS)
    return "".join(parts)


def quote(text: str, span: tuple[int, int], *, must_include: Sequence[tuple[int, int]] = (), max_chars: int) -> Quote:
    """`text[span]` if it fits in `max_chars`, else the must-include spans widened word by word around each
    (shared evenly) and joined with "…". Pieces never cut a word and are exact slices of `text`."""
    low, high = _trim(text, max(0, span[0]), min(len(text), span[1]))
    if low >= high:
        return Quote(text="", pieces=[], elided=False)
    if high - low <= max_chars:
        return Quote(text=text[low:high], pieces=[(low, high)], elided=False)
    # Each fact-carrying span, clipped to the quoted span and widened to whole words.
    kept = [
        _word_align(text, max(low, s), min(high, e), low, high) for s, e in must_include if min(high, e) > max(low, s)
    ]
    kept = _merge([_trim(text, s, e) for s, e in kept if _trim(text, s, e)[0] < _trim(text, s, e)[1]])
    if not kept:  # nothing to keep in particular: the opening words
        first = _grow_right(text, low, high, max(0, max_chars - 2))
        kept = [(low, first if first > low else _word_align(text, low, low + 1, low, high)[1])]
    used = sum(e - s for s, e in kept) + 3 * (len(kept) + 1)  # the ellipses and their spaces
    budget = max(0, max_chars - used)
    share = budget // (2 * len(kept))
    grown: list[tuple[int, int]] = []
    for index, (start, end) in enumerate(kept):
        left_limit = grown[-1][1] if grown else low
        right_limit = kept[index + 1][0] if index + 1 < len(kept) else high
        grown.append((_grow_left(text, left_limit, start, share), _grow_right(text, end, right_limit, share)))
    pieces = _merge(grown)
    # Adjacent pieces separated only by spaces are one piece (nothing was left out between them).
    joined: list[tuple[int, int]] = []
    for start, end in pieces:
        if joined and not text[joined[-1][1] : start].strip():
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    elided = joined != [(low, high)]
    return Quote(text=_render(text, joined, low, high), pieces=joined, elided=elided)


def fact_spans(text: str, citation: Citation, kind: TermKind, value: str | None = None) -> list[tuple[int, int]]:
    """The words inside a citation that carry its fact ("sixty (60) days" in a notice clause, the date,
    the amount, the law's place), as offsets into `text`. With `value` (the term's normalised value), the
    statement of that value is preferred over other periods or dates in the same sentence ("within thirty
    (30) days ... in any twelve (12) months"). [] when none is recognisable."""
    # Read as the extractors read: invisible characters inside an amount or a date ("EUR\u202e 1,858,000") are
    # skipped and typographic spaces are plain, while the spans returned are still offsets into `text`.
    prepared = prepare(text[citation.start : citation.end])
    quoted = prepared.clean

    def at(begin: int, end: int) -> tuple[int, int]:
        first, last = prepared.original_span(begin, end)
        return citation.start + first, citation.start + last

    found: list[tuple[tuple[int, int], str | None]] = []
    if kind in (TermKind.AGREEMENT_DATE, TermKind.EFFECTIVE_DATE, TermKind.EXPIRATION_DATE):
        # Both readings of "3/4/2021": the value says which one the document meant (US order first, for the fallback).
        found = [
            (at(d.start, d.end), d.value.isoformat())
            for day_first in (False, True)
            for d in find_dates(quoted, day_first=day_first)
            if d.value
        ]
    elif kind in (TermKind.LIABILITY_CAP, TermKind.INSURANCE):
        for m in _MONEY.finditer(quoted):
            amount = money(m.group(0))
            found.append((at(m.start(), m.end()), amount[0] if amount else None))
        if not found:  # "the fees paid in the twelve (12) months preceding the claim"
            found = [(at(d.start, d.end), None) for d in find_durations(quoted)]
    elif kind in (TermKind.SLA, TermKind.LATE_FEE):
        found = [(at(m.start(), m.end()), None) for m in _PERCENT.finditer(quoted)]
    elif kind is TermKind.GOVERNING_LAW:
        found = [(at(m.start("place"), m.end("place")), m.group("place")) for m in _LAW.finditer(quoted)]
    elif kind not in (TermKind.PARTIES, TermKind.AUTO_RENEWAL):
        found = [(at(d.start, d.end), d.duration.iso) for d in find_durations(quoted)]
    if value is not None:
        for span, stated in found:
            if stated is not None and _same_value(stated, value):
                return [span]
    return [span for span, _ in found[:1]]  # the first statement is normally the one the citation is about


def _same_value(stated: str, value: str) -> bool:
    if stated == value or (value and stated.startswith(value)):
        return True
    return stated.startswith("P") and value.startswith("P") and same_length(stated, value)
