"""What an amendment does to the agreement it amends: the operations it states, section by section.

    ops = amendment_operations(build_document(text))

Four operations, as drafters write them:
- replace: "Section 9.2 of the Agreement is deleted and replaced by: "...""; "... is amended and restated
  to read as follows"; "... shall read: "...""
- modify: "Section 4.3 is amended by deleting "thirty (30) days" and replacing it with "sixty (60) days"";
  "The payment period in Section 4.3 is changed from thirty (30) days to sixty (60) days"; "The Initial
  Term set out in Section 3.1 is extended to four (4) years"
- add: "A new Section 14.6 is added: "...""; "The following is inserted as a new Section 3.3 of the
  Agreement"; "The following is added at the end of Section 3.1"
- delete: "Section 3.3 is deleted in its entirety."; "... shall be of no further force or effect"

Several sections at once ("Sections 3.1 and 3.2 are deleted and replaced with: ...") are one operation each.

A modify operation carries its own key term (kind and new value, cited); the terms a replace or add
operation sets are the key terms the ordinary extractors find inside its scope (the amendment clause
that holds it). `modified_terms` exposes the modify terms to `analysis.terms` as an extractor.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from analysis.context import Document
from analysis.durations import parse_duration
from analysis.models import Frozen, KeyTerm, TermKind
from analysis.term_clauses import money

OperationKind = Literal["replace", "modify", "add", "delete"]

_NUMBER = r"[0-9IVXLC]+(?:\.[0-9]+)*(?:\([a-z0-9]+\))*"
# "Section 3.2 (Renewal) of the Agreement": a heading in brackets may follow the number.
_SECTION = r"(?:Section|Clause|Article|Paragraph)\s+(?P<sec>" + _NUMBER + r")(?:\s+\((?![a-z0-9]\))[^()\n]{2,60}\))?"
# "Sections 3.1 and 3.2 of the Agreement are deleted and replaced ...": one operation for each.
_SECTIONS = (
    r"(?:Sections|Clauses|Articles|Paragraphs)\s+(?P<sec>"
    + _NUMBER
    + r")(?P<more>(?:\s*,\s*"
    + _NUMBER
    + r")*\s*,?\s+(?:and|to)\s+"
    + _NUMBER
    + r")"
)
_OF_AGREEMENT = r"(?:\s+of\s+the\s+(?:Agreement|Contract|Master\s+Services\s+Agreement))?"
_IS = r"\s+(?:is|are|shall\s+be)\s+(?:hereby\s+)?"
_REPLACE_WORDS = (
    r"(?:deleted\s+(?:in\s+(?:its|their)\s+entirety\s+)?and\s+replaced\s+(?:with|by)|amended\s+and\s+restated"
    r"|replaced\s+(?:in\s+(?:its|their)\s+entirety\s+)?(?:with|by))"
)
_REPLACE = re.compile(_SECTION + _OF_AGREEMENT + r"[^.;:\"]{0,60}?" + _IS + _REPLACE_WORDS, re.IGNORECASE)
_REPLACE_SEVERAL = re.compile(_SECTIONS + _OF_AGREEMENT + _IS + _REPLACE_WORDS, re.IGNORECASE)
# "... shall read", "... shall henceforth read", "... is amended to read as follows", "... amended so as to read"
_READ = re.compile(
    r"(?<!new )"
    + _SECTION
    + _OF_AGREEMENT
    + r"\s+(?:shall\s+(?:hereafter\s+|henceforth\s+)?read\b|(?:is|shall\s+be)\s+(?:hereby\s+)?amended\s+"
    r"(?:so\s+as\s+)?to\s+read\b)",
    re.IGNORECASE,
)
_DELETE_WORDS = (
    r"(?:" + _IS + r"(?:deleted|removed|struck(?:\s+out)?|omitted|revoked|repealed)"
    r"(?!\s+(?:in\s+(?:its|their)\s+entirety\s+)?and\s+replaced)"
    r"|\s+shall\s+(?:be\s+of|have)\s+no\s+further\s+(?:force\s+(?:or|and)\s+)?effect"
    r"|\s+shall\s+(?:cease\s+to\s+(?:have\s+effect|apply)|no\s+longer\s+apply))"
)
_DELETE = re.compile(_SECTION + _OF_AGREEMENT + _DELETE_WORDS, re.IGNORECASE)
_DELETE_SEVERAL = re.compile(_SECTIONS + _OF_AGREEMENT + _DELETE_WORDS, re.IGNORECASE)
_ADD = re.compile(
    r"\bnew\s+" + _SECTION + r"|\badded\s+(?:at\s+the\s+end\s+of|to)\s+" + _SECTION.replace("sec", "sec2"),
    re.IGNORECASE,
)
# Words replaced inside a section, as drafters write it: '... is amended by deleting "X" and replacing it with
# "Y"' / 'by replacing "X" with "Y"' / 'by striking "X" and inserting "Y" in lieu thereof' / 'by deleting the
# words "X" and inserting in their place the words "Y"'; and passive: 'In Section 3.2, the words "X" are replaced
# by "Y"' / 'The words "X" in Section 3.2 are replaced with "Y"'.
_WORDS = r"(?:the\s+(?:words?|figures?|phrase|number)\s+)?"
_OLD = r"[\"“](?P<old>[^\"”]{1,200})[\"”]"
_NEW = r"[\"“](?P<new>[^\"”]{1,200})[\"”]"
_WHERE = r"(?:\s+(?:wherever|where)\s+(?:it|they)\s+appears?(?:\s+therein)?)?"
_SWAP = re.compile(
    _SECTION
    + _OF_AGREEMENT
    + _IS
    + r"amended\s+by\s+(?:deleting|striking(?:\s+out)?|removing|replacing)\s+"
    + _WORDS
    + _OLD
    + _WHERE
    + r"\s+(?:and\s+(?:replacing\s+(?:it|them|the\s+same)\s+with|substituting(?:\s+therefor)?|inserting"
    r"(?:\s+in\s+(?:its|their)\s+place)?)|with|by)\s+" + _WORDS + _NEW,
    re.IGNORECASE,
)
_SWAP_IN = re.compile(
    r"\bIn\s+"
    + _SECTION
    + _OF_AGREEMENT
    + r",?\s+"
    + _WORDS
    + _OLD
    + _WHERE
    + r"\s+(?:is|are|shall\s+be)\s+(?:hereby\s+)?(?:deleted\s+and\s+)?(?:replaced|substituted)\s+(?:with|by)\s+"
    + _WORDS
    + _NEW,
    re.IGNORECASE,
)
_SWAP_WORDS_IN = re.compile(
    _WORDS
    + _OLD
    + r"\s+(?:in|of)\s+"
    + _SECTION
    + _OF_AGREEMENT
    + _WHERE
    + r"\s+(?:is|are|shall\s+be)\s+(?:hereby\s+)?(?:deleted\s+and\s+)?(?:replaced|substituted)\s+(?:with|by)\s+"
    + _WORDS
    + _NEW,
    re.IGNORECASE,
)
_CHANGE = re.compile(
    r"\bThe\s+(?P<noun>[a-z][a-z -]{2,60}?)\s+(?:set\s+out\s+|stated\s+|provided\s+)?(?:in|under)\s+"
    + _SECTION
    + _OF_AGREEMENT
    + r"\s+(?:is|shall\s+be)\s+(?:hereby\s+)?(?:changed\s+from\s+(?P<old>(?:[^.;]|\.(?=\d)){1,160}?)\s+to"
    r"|(?:extended|increased|reduced|decreased|shortened|amended)\s+to)\s+(?P<new>[^;]{1,200}?)\.(?:\s|$)",
    re.IGNORECASE,
)
# The same without a noun: "Section 2.1 of the Agreement is extended to three years." ("amended to" is left to
# the structural patterns: without a noun it introduces restated text, not a new value.)
_SECTION_CHANGE = re.compile(
    r"(?<![a-z] )" + _SECTION + _OF_AGREEMENT + r"\s+(?:is|shall\s+be)\s+(?:hereby\s+)?(?:changed\s+from\s+"
    r"(?P<old>(?:[^.;]|\.(?=\d)){1,160}?)\s+to|(?:extended|increased|reduced|decreased|shortened)\s+to)\s+"
    r"(?P<new>[^;]{1,200}?)\.(?:\s|$)",
    re.IGNORECASE,
)

# "The Initial Term is hereby extended until December 31, 2028" / "The Term of this Agreement shall be extended through
# 30 June 2027": a new last day, named by the term itself (drafters often give no section number for it).
_TERM_EXTENDED = re.compile(
    r"\bThe\s+(?:Initial\s+|current\s+|then[- ]current\s+)?Term(?:\s+of\s+(?:this|the)\s+(?:Agreement|Contract))?"
    r"(?:\s+(?:set\s+out|stated|provided)\s+(?:in|under)\s+"
    + _SECTION
    + r")?"
    + _OF_AGREEMENT
    + r"\s+(?:is|shall\s+be)\s+(?:hereby\s+)?extended\s+(?:until|through|to|up\s+to(?:\s+and\s+including)?)\s+"
    r"(?:and\s+including\s+)?",
    re.IGNORECASE,
)

# Which key term a changed period or amount is, by the words around it (noun or clause heading).
_KIND_WORDS: tuple[tuple[TermKind, tuple[str, ...]], ...] = (
    (TermKind.RENEWAL_NOTICE_PERIOD, ("non-renewal", "notice of renewal", "renewal notice", "notice period")),
    (TermKind.PAYMENT_TERMS, ("payment", "invoice")),
    (TermKind.WARRANTY_DURATION, ("warrant",)),
    (TermKind.LIABILITY_CAP, ("liabilit",)),
    (TermKind.CONFIDENTIALITY_PERIOD, ("confidential",)),
    (TermKind.RENEWAL_TERM, ("renewal term", "renewal period", "renew")),
    (TermKind.INITIAL_TERM, ("initial term", "term of the agreement", "extension of term", "term")),
)
_MONEY_KINDS = (TermKind.LIABILITY_CAP, TermKind.INSURANCE)
# The kinds a modify operation can change: a period or an amount stated in a section.
MODIFIABLE_KINDS = frozenset(kind for kind, _ in _KIND_WORDS) | frozenset(_MONEY_KINDS)


class Operation(Frozen):
    """One thing an amendment does to one section of the agreement it amends."""

    op: OperationKind
    section: str = Field(
        description="The amended agreement's section it acts on, e.g. '9.2'; '' for a term named without one"
    )
    start: int = Field(ge=0, description="Start of the operative words in the amendment's text")
    end: int = Field(ge=0, description="End of its scope: the amendment clause (or quoted text) holding it")
    term: KeyTerm | None = Field(default=None, description="modify only: the term and its new value, cited")
    previous: str | None = Field(default=None, description="modify only: the old value as the amendment quotes it")
    # modify only: the new value read as each kind it could be (a period, an amount), all citing the operative
    # words. When the words around it do not name the term, the amended section of the base agreement does
    # (analysis.consolidation picks the reading whose kind that section states).
    readings: list[KeyTerm] = Field(default_factory=list)
    named: bool = Field(default=False, description="modify only: the amendment itself names the term (its noun)")


def _kind_for(words: str) -> TermKind | None:
    low = words.lower()
    for kind, needles in _KIND_WORDS:
        if any(needle in low for needle in needles):
            return kind
    return None


def value_as(kind: TermKind, text: str) -> tuple[str, str] | None:
    """(normalised value, display) of `text` read as a `kind` (a period, or an amount); None if it is not one."""
    if kind in _MONEY_KINDS:
        return money(text)
    duration = parse_duration(text)
    return (duration.iso, duration.display) if duration is not None else None


def _scope_end(doc: Document, position: int) -> int:
    """End of what an operation at `position` governs: its paragraph, or the innermost numbered clause
    holding it when that runs on (a restated section quoted over several paragraphs)."""
    newline = doc.text.find("\n\n", position)
    end = len(doc.text) if newline < 0 else newline
    best = None
    for clause in doc.sections.clauses:
        if clause.start <= position < clause.end and (best is None or clause.start >= best.start):
            best = clause
    return max(end, best.end) if best is not None else end


_OPENING_QUOTE = re.compile(r"\s*(?:the\s+following\s*)?:?\s*[\"“]")
_CLOSING_QUOTE = re.compile(r"[\"”](?=\s*(?:[.;]|$|\n))")


def _quoted_end(text: str, position: int) -> int:
    """End of the quoted text that follows an operation's words at `position` ("... replaced by: "..."."), else
    `position`: restated text is the operation's own, whatever words it contains."""
    opening = _OPENING_QUOTE.match(text, position)
    if opening is None:
        return position
    closing = _CLOSING_QUOTE.search(text, opening.end())
    return closing.end() if closing is not None else position


def _sentence_start(doc: Document, position: int) -> int:
    """Operations are cited from the start of their sentence ("With effect from ..., Section 9.2 shall read")."""
    return doc.sentences.span_at(position)[0]


def _modify(doc: Document, match: re.Match[str], noun: str | None) -> Operation | None:
    """A changed period or amount. Its kind comes from the amendment's own noun ("The payment period in
    Section 4.3"), else from the heading around it; `readings` keep every kind the new value could be, for
    when neither names the term ("Section 4.3 is amended by deleting "fifteen days" and replacing ...")."""
    named = _kind_for(noun) if noun else None
    hinted = named or _kind_for(doc.heading_at(match.start()))
    start, end = match.start(), match.end()
    readings: list[KeyTerm] = []
    for kind in sorted(MODIFIABLE_KINDS, key=lambda k: k != hinted):  # the hinted kind first
        value = value_as(kind, match.group("new"))
        if value is not None:
            readings.append(doc.term(kind, value[0], value[1], start, end, 0.9))
    if not readings:
        return None
    term = next((reading for reading in readings if reading.kind is hinted), None)
    if term is not None and term.kind is TermKind.RENEWAL_TERM and term.value.endswith("D"):
        # a renewal clause's period in days is its notice period
        term = next(r for r in readings if r.kind is TermKind.RENEWAL_NOTICE_PERIOD)
    return Operation(
        op="modify",
        section=match.group("sec"),
        start=doc.prepared.to_original(_sentence_start(doc, start)),
        end=doc.prepared.to_original(end),
        term=term,
        previous=match.groupdict().get("old"),
        readings=readings,
        named=named is not None,
    )


def _extended_until(doc: Document, match: re.Match[str]) -> Operation | None:
    """The term extended to a stated last day: a modify of the expiration date (its section, if named; else "")."""
    found = next(iter(doc.dates(match.end(), min(len(doc.text), match.end() + 40))), None)
    if found is None or found.value is None or found.start != match.end():
        return None  # "extended until the completion of the Services": no date to set
    term = doc.term(
        TermKind.EXPIRATION_DATE,
        found.value.isoformat(),
        found.value.strftime("%B %-d, %Y"),
        match.start(),
        found.end,
        0.9,
    )
    return Operation(
        op="modify",
        section=match.group("sec") or "",
        start=doc.prepared.to_original(_sentence_start(doc, match.start())),
        end=doc.prepared.to_original(found.end),
        term=term,
        readings=[term],
        named=True,
    )


# Where a section is named ("Section", "Clauses", ...): every match of a pattern led by _SECTION or _SECTIONS
# starts at one of these, so such a pattern is tried there only. Searched from every position of the text, each of
# them cost about as much as this one search (~4 ms a contract), and every contract is read for amendments.
_SECTION_WORD = re.compile(r"(?:Section|Clause|Article|Paragraph)", re.IGNORECASE)
_SECTION_LED_PATTERNS = frozenset({_SWAP, _SECTION_CHANGE, _REPLACE_SEVERAL, _DELETE_SEVERAL, _REPLACE, _READ, _DELETE})


def _section_led(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern whose every match starts at one of `starts` (ascending): the same
    matches, non-overlapping and leftmost first."""
    end = 0
    for start in starts:
        if start < end:
            continue
        match = pattern.match(text, start)
        if match is not None:
            yield match
            end = match.end()


def amendment_operations(doc: Document) -> list[Operation]:
    """Every operation the amendment states, in document order; offsets index the original text."""
    found: list[tuple[int, Operation]] = []
    taken: list[tuple[int, int]] = []
    starts = [match.start() for match in _SECTION_WORD.finditer(doc.text)]

    def free(start: int, end: int) -> bool:
        return all(end <= s or e <= start for s, e in taken)

    def matches(pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        led = pattern in _SECTION_LED_PATTERNS
        return _section_led(pattern, doc.text, starts) if led else pattern.finditer(doc.text)

    modifying = ((_SWAP, False), (_SWAP_IN, False), (_SWAP_WORDS_IN, False), (_CHANGE, True), (_SECTION_CHANGE, False))
    for pattern, noun in modifying:
        for match in matches(pattern):
            if not free(match.start(), match.end()):
                continue
            operation = _modify(doc, match, match.group("noun") if noun else None)
            if operation is not None:
                found.append((match.start(), operation))
                taken.append((match.start(), match.end()))
    for match in _TERM_EXTENDED.finditer(doc.text):
        operation = _extended_until(doc, match) if free(match.start(), match.end()) else None
        if operation is not None:
            found.append((match.start(), operation))
            taken.append((match.start(), match.end()))
    structural: tuple[tuple[re.Pattern[str], OperationKind], ...] = (
        (_REPLACE_SEVERAL, "replace"),
        (_DELETE_SEVERAL, "delete"),
        (_REPLACE, "replace"),
        (_READ, "replace"),
        (_ADD, "add"),
        (_DELETE, "delete"),
    )
    for pattern, op in structural:
        for match in matches(pattern):
            if not free(match.start(), match.end()):
                continue
            groups = match.groupdict()
            sections = [groups.get("sec") or groups.get("sec2") or ""]
            if groups.get("more"):
                sections += re.findall(_NUMBER, groups["more"])
            start = doc.prepared.to_original(_sentence_start(doc, match.start()))
            end = doc.prepared.to_original(_scope_end(doc, match.start()))
            found += [(match.start(), Operation(op=op, section=number, start=start, end=end)) for number in sections]
            # Only the operative words and the text they quote are taken: a scope that runs on (a clause the
            # segmenter reads as longer than it is) must not hide the next operation.
            taken.append((match.start(), _quoted_end(doc.text, match.end()) if op != "delete" else match.end()))
    return [operation for _, operation in sorted(found, key=lambda item: item[0])]


def modified_terms(doc: Document) -> list[KeyTerm]:
    """The key terms stated by modify operations ("is extended to ...", "deleting X and replacing it with Y"):
    the ordinary extractors do not read those (the new value sits beside the old one)."""
    if "amend" not in doc.lower and "changed from" not in doc.lower:
        return []
    return [operation.term for operation in amendment_operations(doc) if operation.term is not None]
