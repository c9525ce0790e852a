"""One document as the extractors see it: cleaned text, sentences, sections, and how to cite a span."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from analysis.models import Citation, KeyTerm, TermKind
from analysis.segment import Segmentation, segment
from analysis.text import Prepared, Sentences, prepare, split_sentences

# Each extractor looks at no more than this many sentences, and no more than this many characters of
# one sentence around its keyword, so the work per document stays linear whatever the text repeats.
MAX_SENTENCES_PER_PATTERN = 400
WINDOW = 700


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
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.prepared.clean

    def cite(self, start: int, end: int, confidence: float) -> Citation:
        section, heading = self.sections.locate(start)
        return self.prepared.cite(start, end, section=section, heading=heading, confidence=confidence)

    def term(
        self, kind: TermKind, value: str, display: str, start: int, end: int, confidence: float
    ) -> KeyTerm:
        return KeyTerm(kind=kind, value=value, display=display, citation=self.cite(start, end, confidence))

    def sentence_window(self, position: int) -> Window:
        start, end = self.sentences.span_at(position)
        start = max(start, position - WINDOW)
        end = min(end, position + WINDOW)
        return Window(start=start, end=end, text=self.text[start:end], hit=position)

    def windows(self, pattern: re.Pattern[str], start: int = 0, end: int | None = None) -> Iterator[Window]:
        """The sentence around each hit of `pattern`, once per sentence, in document order."""
        seen: set[int] = set()
        stop = len(self.text) if end is None else end
        for match in pattern.finditer(self.text, start, stop):
            index = self.sentences.index_at(match.start())
            if index in seen:
                continue
            seen.add(index)
            yield self.sentence_window(match.start())
            if len(seen) >= MAX_SENTENCES_PER_PATTERN:
                return

    def heading_at(self, position: int) -> str:
        return (self.sections.locate(position)[1] or "").lower()


def build_document(text: str) -> Document:
    prepared = prepare(text)
    return Document(prepared=prepared, sentences=split_sentences(prepared.clean), sections=segment(prepared.clean))
