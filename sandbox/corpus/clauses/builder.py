"""Accumulates document text and records, at the moment text is written, where each fact lives.

Offsets are counted on the text exactly as emitted (after any adversarial transform), so a span
recorded here is always an exact slice of the final document.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import NamedTuple, TypedDict

from sandbox.corpus.clauses.invisible import INVISIBLE_CHARS
from sandbox.corpus.models import FactKind, GroundTruth, ObligationCategory


class _FactRow(NamedTuple):
    kind: FactKind
    value: str
    start: int
    end: int
    section: str | None


class _ObligationRow(NamedTuple):
    category: ObligationCategory
    party: str
    action: str
    due: str
    next_due: date | None
    recurrence: str | None
    start: int
    end: int
    section: str | None


class _SectionRow:
    __slots__ = ("end", "heading", "number", "start")

    def __init__(self, number: str, heading: str, start: int) -> None:
        self.number = number
        self.heading = heading
        self.start = start
        self.end = -1


# The shapes handed to `GroundTruth.model_validate` in one call: validating a whole tree at once
# in pydantic-core is about twice as fast as building ~100 small models one by one.
class _SpanDict(TypedDict):
    start: int
    end: int
    quote: str
    section: str | None


class _FactDict(TypedDict):
    kind: FactKind
    value: str
    span: _SpanDict


class _ObligationDict(TypedDict):
    category: ObligationCategory
    party: str
    action: str
    due: str
    next_due: date | None
    recurrence: str | None
    span: _SpanDict


class _SectionDict(TypedDict):
    number: str
    heading: str
    start: int
    end: int


class _MarkDict(TypedDict):
    name: str
    value: str
    span: _SpanDict


class _TruthDict(TypedDict):
    marks: list[_MarkDict]
    facts: list[_FactDict]
    obligations: list[_ObligationDict]
    sections: list[_SectionDict]
    renewal_notice_deadline: date | None
    current_term_end: date | None
    adversarial: list[str]


class DocBuilder:
    """Text accumulator with span bookkeeping. `transform` rewrites each piece before it is counted."""

    __slots__ = ("_facts", "_marks", "_obligations", "_open", "_parts", "_pos", "_sections", "_transform")

    def __init__(self, transform: Callable[[str], str] | None = None) -> None:
        self._parts: list[str] = []
        self._pos = 0
        self._open: list[_SectionRow] = []
        self._sections: list[_SectionRow] = []
        self._facts: list[_FactRow] = []
        self._obligations: list[_ObligationRow] = []
        self._marks: list[tuple[str, str, int, int, str | None]] = []
        self._transform = transform

    @property
    def pos(self) -> int:
        return self._pos

    @property
    def section(self) -> str | None:
        """Number of the innermost open section (the one a fact written now belongs to)."""
        return self._open[-1].number if self._open else None

    def add(self, piece: str) -> None:
        if self._transform is not None:
            piece = self._transform(piece)
        self._parts.append(piece)
        self._pos += len(piece)

    def trailing_newlines(self) -> int:
        """How many line breaks the text currently ends with (0, 1 or 2 and more)."""
        for part in reversed(self._parts):
            if self._transform is not None:
                part = part.rstrip(INVISIBLE_CHARS)  # a trailing invisible character ends no line
            if part:
                if part.endswith("\n\n"):
                    return 2
                return 1 if part.endswith("\n") else 0
        return 2  # the start of the document counts as the start of a paragraph

    def open(self, number: str, heading: str) -> None:
        row = _SectionRow(number, heading, self._pos)
        self._open.append(row)
        self._sections.append(row)

    def close(self) -> None:
        self._open.pop().end = self._pos

    def fact(self, kind: FactKind, value: str, start: int) -> None:
        """Record that the text from `start` to the current position states `kind` = `value`."""
        self._facts.append(_FactRow(kind, value, start, self._pos, self.section))

    def mark(self, name: str, value: str, start: int) -> None:
        """Record that the text from `start` to the current position is a precedence clause or an override."""
        self._marks.append((name, value, start, self._pos, self.section))

    def obligation(
        self,
        category: ObligationCategory,
        party: str,
        action: str,
        due: str,
        start: int,
        next_due: date | None = None,
        recurrence: str | None = None,
    ) -> None:
        self._obligations.append(
            _ObligationRow(category, party, action, due, next_due, recurrence, start, self._pos, self.section)
        )

    def finish(
        self,
        renewal_notice_deadline: date | None,
        current_term_end: date | None,
        adversarial: list[str],
    ) -> tuple[str, GroundTruth]:
        if self._open:
            raise RuntimeError(f"section {self._open[-1].number} was never closed")
        text = "".join(self._parts)
        facts: list[_FactDict] = [
            {
                "kind": row.kind,
                "value": row.value,
                "span": {
                    "start": row.start,
                    "end": row.end,
                    "quote": text[row.start : row.end],
                    "section": row.section,
                },
            }
            for row in self._facts
        ]
        obligations: list[_ObligationDict] = [
            {
                "category": row.category,
                "party": row.party,
                "action": row.action,
                "due": row.due,
                "next_due": row.next_due,
                "recurrence": row.recurrence,
                "span": {
                    "start": row.start,
                    "end": row.end,
                    "quote": text[row.start : row.end],
                    "section": row.section,
                },
            }
            for row in self._obligations
        ]
        sections: list[_SectionDict] = []
        for row in self._sections:
            end = row.end
            while end > row.start and text[end - 1].isspace():  # a section ends at its last visible char
                end -= 1
            sections.append({"number": row.number, "heading": row.heading, "start": row.start, "end": end})
        marks: list[_MarkDict] = [
            {"name": name, "value": value, "span": {"start": a, "end": b, "quote": text[a:b], "section": section}}
            for name, value, a, b, section in self._marks
        ]
        truth: _TruthDict = {
            "marks": marks,
            "facts": facts,
            "obligations": obligations,
            "sections": sections,
            "renewal_notice_deadline": renewal_notice_deadline,
            "current_term_end": current_term_end,
            "adversarial": adversarial,
        }
        return text, GroundTruth.model_validate(truth)
