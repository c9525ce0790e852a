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
- delete: "Section 3.3 is deleted in its entirety."

A modify operation carries its own key term (kind and new value, cited); the terms a replace or add
operation sets are the key terms the ordinary extractors find inside its scope (the amendment clause
that holds it). `modified_terms` exposes the modify terms to `analysis.terms` as an extractor.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from analysis.context import Document
from analysis.durations import parse_duration
from analysis.models import Frozen, KeyTerm, TermKind
from analysis.term_clauses import money

OperationKind = Literal["replace", "modify", "add", "delete"]

_SECTION = r"(?:Section|Clause|Article|Paragraph)\s+(?P<sec>[0-9IVXLC]+(?:\.[0-9]+)*(?:\([a-z0-9]+\))*)"
_OF_AGREEMENT = r"(?:\s+of\s+the\s+(?:Agreement|Contract|Master\s+Services\s+Agreement))?"
_REPLACE = re.compile(
    _SECTION + _OF_AGREEMENT + r"[^.;:\"]{0,60}?\s+(?:is|shall\s+be)\s+(?:hereby\s+)?"
    r"(?:deleted\s+(?:in\s+its\s+entirety\s+)?and\s+replaced\s+(?:with|by)|amended\s+and\s+restated|replaced\s+(?:with|by))",
    re.IGNORECASE,
)
_READ = re.compile(r"(?<!new )" + _SECTION + _OF_AGREEMENT + r"\s+shall\s+(?:hereafter\s+)?read\b", re.IGNORECASE)
_DELETE = re.compile(
    _SECTION + _OF_AGREEMENT + r"\s+(?:is|shall\s+be)\s+(?:hereby\s+)?deleted(?!\s+and\s+replaced)"
    r"(?!\s+in\s+its\s+entirety\s+and\s+replaced)",
    re.IGNORECASE,
)
_ADD = re.compile(
    r"\bnew\s+" + _SECTION + r"|\badded\s+(?:at\s+the\s+end\s+of|to)\s+" + _SECTION.replace("sec", "sec2"),
    re.IGNORECASE,
)
_SWAP = re.compile(
    _SECTION + _OF_AGREEMENT + r"\s+is\s+(?:hereby\s+)?amended\s+by\s+deleting\s+[\"“](?P<old>[^\"”]{1,200})[\"”]"
    r"\s+and\s+(?:replacing\s+it\s+with|substituting)\s+[\"“](?P<new>[^\"”]{1,200})[\"”]",
    re.IGNORECASE,
)
_CHANGE = re.compile(
    r"\bThe\s+(?P<noun>[a-z][a-z -]{2,60}?)\s+(?:set\s+out\s+|stated\s+|provided\s+)?(?:in|under)\s+"
    + _SECTION
    + _OF_AGREEMENT
    + r"\s+(?:is|shall\s+be)\s+(?:hereby\s+)?(?:changed\s+from\s+(?P<old>[^.;]{1,160}?)\s+to"
    r"|(?:extended|increased|reduced|decreased|shortened|amended)\s+to)\s+(?P<new>[^;]{1,200}?)\.(?:\s|$)",
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


class Operation(Frozen):
    """One thing an amendment does to one section of the agreement it amends."""

    op: OperationKind
    section: str = Field(description="The amended agreement's section it acts on, e.g. '9.2'")
    start: int = Field(ge=0, description="Start of the operative words in the amendment's text")
    end: int = Field(ge=0, description="End of its scope: the amendment clause (or quoted text) holding it")
    term: KeyTerm | None = Field(default=None, description="modify only: the term and its new value, cited")
    previous: str | None = Field(default=None, description="modify only: the old value as the amendment quotes it")


def _kind_for(words: str) -> TermKind | None:
    low = words.lower()
    for kind, needles in _KIND_WORDS:
        if any(needle in low for needle in needles):
            return kind
    return None


def _value(kind: TermKind, text: str) -> tuple[str, str] | None:
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


def _sentence_start(doc: Document, position: int) -> int:
    """Operations are cited from the start of their sentence ("With effect from ..., Section 9.2 shall read")."""
    return doc.sentences.span_at(position)[0]


def _modify(doc: Document, match: re.Match[str], noun: str | None) -> Operation | None:
    heading = doc.heading_at(match.start())
    kind = (_kind_for(noun) if noun else None) or _kind_for(heading)
    if kind is None:
        return None
    value = _value(kind, match.group("new"))
    if value is None:
        return None
    if kind is TermKind.RENEWAL_TERM and value[0].endswith("D"):
        kind = TermKind.RENEWAL_NOTICE_PERIOD  # a renewal clause's period in days is its notice period
    start, end = match.start(), match.end()
    term = doc.term(kind, value[0], value[1], start, end, 0.9)
    return Operation(
        op="modify",
        section=match.group("sec"),
        start=doc.prepared.to_original(_sentence_start(doc, start)),
        end=doc.prepared.to_original(end),
        term=term,
        previous=match.groupdict().get("old"),
    )


def amendment_operations(doc: Document) -> list[Operation]:
    """Every operation the amendment states, in document order; offsets index the original text."""
    found: list[tuple[int, Operation]] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or e <= start for s, e in taken)

    for pattern, noun in ((_SWAP, False), (_CHANGE, True)):
        for match in pattern.finditer(doc.text):
            if not free(match.start(), match.end()):
                continue
            operation = _modify(doc, match, match.group("noun") if noun else None)
            if operation is not None:
                found.append((match.start(), operation))
                taken.append((match.start(), match.end()))
    structural: tuple[tuple[re.Pattern[str], OperationKind], ...] = (
        (_REPLACE, "replace"),
        (_READ, "replace"),
        (_ADD, "add"),
        (_DELETE, "delete"),
    )
    for pattern, op in structural:
        for match in pattern.finditer(doc.text):
            if not free(match.start(), match.end()):
                continue
            section = match.group("sec") or match.groupdict().get("sec2") or ""
            end = _scope_end(doc, match.start())
            found.append(
                (
                    match.start(),
                    Operation(
                        op=op,
                        section=section,
                        start=doc.prepared.to_original(_sentence_start(doc, match.start())),
                        end=doc.prepared.to_original(end),
                    ),
                )
            )
            taken.append((match.start(), end if op != "delete" else match.end()))
    return [operation for _, operation in sorted(found, key=lambda item: item[0])]


def modified_terms(doc: Document) -> list[KeyTerm]:
    """The key terms stated by modify operations ("is extended to ...", "deleting X and replacing it with Y"):
    the ordinary extractors do not read those (the new value sits beside the old one)."""
    if "amend" not in doc.lower and "changed from" not in doc.lower:
        return []
    return [operation.term for operation in amendment_operations(doc) if operation.term is not None]
