"""One document as the extractors see it: cleaned text, sentences, sections, and how to cite a span."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from analysis.dates import DateMatch, find_dates
from analysis.models import Citation, KeyTerm, TermKind
from analysis.sections import Segmentation, segment
from analysis.text import Prepared, Sentences, prepare, split_sentences

# Each extractor looks at no more than this many sentences, and no more than this many characters of
# one sentence around its keyword, so the work per document stays linear whatever the text repeats.
MAX_SENTENCES_PER_PATTERN = 400
WINDOW = 700


# ASCII-only lower-casing keeps every offset (str.lower() can change the length of some characters).
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _lower(text: str) -> str:
    lowered = text.lower()
    # str.lower() is fast but can change the length of a few non-ASCII characters ("İ"): then fall back.
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)


def keywords(*alternatives: str) -> re.Pattern[str]:
    """A keyword scan for `Document.windows`: lower-case regex fragments matched on the lower-cased text at
    the start of a word. No case folding, no look-arounds: the scan over the whole text stays fast."""
    return re.compile("|".join(alternatives))


@dataclass(frozen=True)
class Window:
    """A stretch of clean text around a keyword hit (normally its sentence)."""

    start: int
    end: int
    text: str  # clean text of [start, end)
    hit: int  # offset of the keyword that found it


@dataclass
class Document:
    prepared: Prepared
    sentences: Sentences
    sections: Segmentation
    lower: str  # the clean text, ASCII lower-cased (same offsets)
    warnings: list[str] = field(default_factory=list)
    # The governing law of the agreement this document belongs to (an amendment's), for when it names none itself.
    law: str | None = None

    @property
    def text(self) -> str:
        return self.prepared.clean

    def cite(self, start: int, end: int, confidence: float) -> Citation:
        section, heading = self.sections.locate(start)
        return self.prepared.cite(start, end, section=section, heading=heading, confidence=confidence)

    def term(self, kind: TermKind, value: str, display: str, start: int, end: int, confidence: float) -> KeyTerm:
        return KeyTerm(kind=kind, value=value, display=display, citation=self.cite(start, end, confidence))

    def sentence_window(self, position: int) -> Window:
        start, end = self.sentences.span_at(position)
        start = max(start, position - WINDOW)
        end = min(end, position + WINDOW)
        return Window(start=start, end=end, text=self.text[start:end], hit=position)

    def windows(
        self, trigger: re.Pattern[str], start: int = 0, end: int | None = None, limit: int = MAX_SENTENCES_PER_PATTERN
    ) -> Iterator[Window]:
        """The sentence around each word-initial hit of a `keywords` trigger, once per sentence, in document
        order. After a hit the scan resumes at the end of its sentence."""
        stop = len(self.lower) if end is None else end
        position = start
        found = 0
        while position < stop and found < limit:
            match = trigger.search(self.lower, position, stop)
            if match is None:
                return
            at = match.start()
            if at > 0 and self.lower[at - 1].isalnum():
                position = at + 1  # inside a word ("determine" is not "term")
                continue
            yield self.sentence_window(at)
            found += 1
            position = max(match.end(), self.sentences.ends[self.sentences.index_at(at)])
        if found >= limit and position < stop and trigger.search(self.lower, position, stop) is not None:
            note = f"long document: only the first {limit} sentences of each kind of clause were examined"
            if note not in self.warnings:
                self.warnings.append(note)

    def matches(self, trigger: re.Pattern[str], pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """Matches of a detailed `pattern` (on the clean text) inside the sentences a cheap `trigger` finds,
        in document order: a full scan for the trigger only."""
        for window in self.windows(trigger):
            yield from pattern.finditer(self.text, window.start, window.end)

    @cached_property
    def day_first(self) -> bool:
        """Whether this document writes "3/4/2021" for 3 April (`analysis.term_law.reads_day_first`)."""
        from analysis.term_law import reads_day_first  # it reads the governing law, whose rules import this module

        return reads_day_first(self)

    def dates(self, start: int = 0, end: int | None = None) -> list[DateMatch]:
        """The dates in the clean text `[start, end)`, numeric ones read in the document's own order."""
        return find_dates(self.text, start, end, day_first=self.day_first)

    def heading_at(self, position: int) -> str:
        return (self.sections.locate(position)[1] or "").lower()

    def headings_at(self, position: int) -> str:
        """Every heading from the innermost section containing `position` up to the top, lower-cased."""
        return " / ".join(self.sections.headings(position)).lower()


def build_document(text: str, *, law: str | None = None) -> Document:
    """`law`: the governing law of the agreement the text belongs to, used where the text names none itself."""
    prepared = prepare(text)
    clean = prepared.clean
    return Document(
        prepared=prepared,
        sentences=split_sentences(clean),
        sections=segment(clean),
        lower=_lower(clean),
        law=law,
    )
