"""The terms in force: a base agreement's key terms after its amendments, each with where it was set.

    terms = consolidate(base_ref, analyse(base_text), [(ref, amendment_text), ...])
    terms.value(TermKind.RENEWAL_NOTICE_PERIOD)    # "P90D", set by Amendment No. 1, Section 2.1

Works from the amendment TEXT (what a CLM returns), never from structured data: each amendment's
operations (`analysis.amendments`) are applied in effective-date order to the section of the base they
name. A replaced or added section sets the terms found inside it (and drops what the base stated there
but the new text no longer does); a deleted section removes its terms, and a deleted auto-renewal clause
means the agreement no longer renews. Amendments that are not signed are listed as pending, not applied.
Nothing is guessed: an operation on a section the base does not have, or an amendment without text, is
reported in `warnings`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import Field

from analysis.amendments import Operation, amendment_operations, value_as
from analysis.context import build_document
from analysis.dates import find_dates
from analysis.durations import same_length
from analysis.models import UNDETERMINED, UNSIGNED_STATUSES, Citation, ContractAnalysis, Frozen, KeyTerm, TermKind
from analysis.terms import extract_terms

# Kinds an amendment of the commercial terms may change (parties and dates of the base stay its own).
AMENDABLE_KINDS = frozenset(TermKind) - {TermKind.PARTIES, TermKind.AGREEMENT_DATE, TermKind.EFFECTIVE_DATE}


class DocumentRef(Frozen):
    """A document as the CLM lists it."""

    id: str
    title: str | None = None
    effective_date: date | None = None
    status: str | None = Field(default=None, description="CLM status; unsigned statuses are not applied")

    @property
    def in_force(self) -> bool:
        return (self.status or "").lower() not in UNSIGNED_STATUSES


class Source(Frozen):
    """Which document set a value, and where."""

    document_id: str
    section: str | None
    operation: str = Field(description="'base', or the amendment operation: replace / modify / add / delete")
    value: str | None = Field(description="The value it set; None when it deleted the term")
    citation: Citation | None = Field(description="Exact quote in that document (None for a deletion's effect)")


class TermInForce(Frozen):
    kind: TermKind
    value: str | None = Field(description="Normalised value in force; None: the term was deleted")
    display: str | None
    source: Source
    superseded: list[Source] = Field(default_factory=list, description="Earlier values, oldest first")


class ConsolidatedTerms(Frozen):
    base_id: str
    applied: list[str] = Field(description="Amendments applied, in effective-date order")
    pending: list[str] = Field(description="Amendments listed but not signed: not applied")
    terms: list[TermInForce]
    warnings: list[str]

    def get(self, kind: TermKind) -> TermInForce | None:
        return next((term for term in self.terms if term.kind == kind), None)

    def value(self, kind: TermKind) -> str | None:
        term = self.get(kind)
        return term.value if term is not None else None


def _covers(reference: str, section: str | None) -> bool:
    """Does "Section 9" / "9.2" cover a term cited in section "9.2(a)"?"""
    if section is None:
        return False
    return section == reference or section.startswith((reference + ".", reference + "("))


def _derived_expiry(term: KeyTerm) -> bool:
    """An expiry the extractor counted from the amendment's own effective date ("an initial period of three
    years") is not one the amendment states: the initial term runs from the base's effective date."""
    return term.kind is TermKind.EXPIRATION_DATE and not any(d.value for d in find_dates(term.citation.quote))


def _order(item: tuple[DocumentRef, str]) -> tuple[date, str]:
    ref = item[0]
    return (ref.effective_date or date.max, ref.id)


class _Ledger:
    def __init__(self, base_ref: DocumentRef, base: ContractAnalysis) -> None:
        self.base_id = base_ref.id
        self.in_force: dict[TermKind, TermInForce] = {}
        self.sections: dict[TermKind, str | None] = {}  # the section of the base (or an addition) stating it
        self.added: dict[str, str] = {}  # section number added by an amendment -> that amendment
        self.base_sections = {clause.number for clause in base.clauses if clause.number}
        for term in base.terms:
            if term.kind in AMENDABLE_KINDS and term.kind not in self.in_force:  # best-supported first
                self._set(term.kind, term, Source(
                    document_id=base_ref.id, section=term.citation.section, operation="base",
                    value=term.value, citation=term.citation,
                ))  # fmt: skip
                self.sections[term.kind] = term.citation.section

    def _set(self, kind: TermKind, term: KeyTerm | None, source: Source) -> None:
        previous = self.in_force.get(kind)
        superseded = [*previous.superseded, previous.source] if previous is not None else []
        if previous is not None and (previous.source.document_id, previous.value) == (source.document_id, source.value):
            superseded = previous.superseded  # the same document saying it again (with its quote): one change
            if source.citation is None:
                source = previous.source
        self.in_force[kind] = TermInForce(
            kind=kind,
            value=source.value,
            display=term.display if term is not None else None,
            source=source,
            superseded=superseded,
        )

    def kinds_in(self, reference: str) -> list[TermKind]:
        return [
            kind
            for kind, section in self.sections.items()
            if _covers(reference, section) and self.in_force[kind].value is not None
        ]

    def known(self, reference: str) -> bool:
        return (
            any(_covers(reference, number) or _covers(number, reference) for number in self.base_sections)
            or reference in self.added
        )

    def apply(self, ref: DocumentRef, operation: Operation, scoped: list[KeyTerm], warnings: list[str]) -> None:
        if operation.section and not self.known(operation.section):  # '': a term named by itself ("the Term")
            warnings.append(
                f"{ref.id}: {operation.op} of Section {operation.section}, which the base agreement does not have"
            )
        if operation.op == "modify":
            term = self._modified(operation)
            if term is None:
                warnings.append(
                    f"{ref.id}: Section {operation.section} is changed, but which term that changes cannot be "
                    "determined (the amendment does not name it and the base agreement's section states several "
                    "or none); the change is not applied"
                )
                return
            self._set(term.kind, term, self._source(ref, operation, term.value, term.citation))
            self._expiry_follows_term(ref, operation, {term.kind: term})
            return
        if operation.op == "delete":
            for kind in self.kinds_in(operation.section):
                was = self.in_force[kind].value
                value = "false" if kind is TermKind.AUTO_RENEWAL and was == "true" else None
                self._set(kind, None, self._source(ref, operation, value, None))
            for term in scoped:  # "Accordingly, the Agreement shall not renew automatically."
                self._set(term.kind, term, self._source(ref, operation, term.value, term.citation))
            return
        # replace / add: the new text's terms; what the old section stated and the new one does not is gone.
        stated: dict[TermKind, KeyTerm] = {}
        for term in scoped:
            stated.setdefault(term.kind, term)
        dropped = [kind for kind in self.kinds_in(operation.section) if kind not in stated]
        if operation.op == "add":
            self.added[operation.section] = ref.id
            dropped = []
        for kind in dropped:
            self._set(kind, None, self._source(ref, operation, None, None))
        for kind, term in stated.items():
            self._set(kind, term, self._source(ref, operation, term.value, term.citation))
            self.sections[kind] = operation.section
        self._expiry_follows_term(ref, operation, stated)

    def _modified(self, operation: Operation) -> KeyTerm | None:
        """The term a modify operation changes. The amendment's own noun names it best; else the base agreement's
        amended section does: the term stated there whose value is the one the amendment replaces ("deleting
        "fifteen days""), else the only term of that section the new value can be, else the heading's kind."""
        if operation.named:
            return operation.term
        readings = {reading.kind: reading for reading in operation.readings}
        stated = [kind for kind in self.kinds_in(operation.section) if kind in readings]
        if operation.previous is not None:
            was = [kind for kind in stated if self._holds(kind, operation.previous)]
            if len(was) == 1:
                return readings[was[0]]
        hinted = operation.term
        if hinted is not None and hinted.kind in stated:
            return hinted
        if len(stated) == 1:
            return readings[stated[0]]
        return hinted if not stated else None

    def _holds(self, kind: TermKind, text: str) -> bool:
        """Whether the value in force for `kind` is `text` (an amendment quoting the words it replaces)."""
        current, quoted = self.in_force[kind].value, value_as(kind, text)
        if current is None or quoted is None:
            return False
        return current == quoted[0] or (current.startswith("P") and same_length(current, quoted[0]))

    def _expiry_follows_term(self, ref: DocumentRef, operation: Operation, stated: dict[TermKind, KeyTerm]) -> None:
        """A new initial term makes an expiry date stated earlier stale: it no longer holds."""
        expiry = self.in_force.get(TermKind.EXPIRATION_DATE)
        if (
            TermKind.INITIAL_TERM in stated
            and TermKind.EXPIRATION_DATE not in stated
            and expiry is not None
            and expiry.source.document_id != ref.id
            and expiry.value is not None
        ):
            self._set(TermKind.EXPIRATION_DATE, None, self._source(ref, operation, None, None))

    @staticmethod
    def _source(ref: DocumentRef, operation: Operation, value: str | None, citation: Citation | None) -> Source:
        section = citation.section if citation is not None else None
        return Source(document_id=ref.id, section=section, operation=operation.op, value=value, citation=citation)


def consolidate(
    base_ref: DocumentRef,
    base: ContractAnalysis,
    amendments: Sequence[tuple[DocumentRef, str]],
) -> ConsolidatedTerms:
    """The base's key terms after applying its signed amendments (given as text) in effective-date order.

    `base` is `analysis.analyse(base_text)`; each amendment is (its CLM reference, its full text). Sources
    cite the amendment's own section (e.g. "2.1") and exact quote; `superseded` keeps every earlier value.
    """

    ledger = _Ledger(base_ref, base)
    # An amendment that names no law reads its numeric dates as its agreement does ("3/4/2021" under English law).
    base_law = next((t.value for t in base.terms if t.kind is TermKind.GOVERNING_LAW and t.value != UNDETERMINED), None)
    warnings: list[str] = []
    applied: list[str] = []
    pending: list[str] = []
    for ref, text in sorted(amendments, key=_order):
        if not ref.in_force:
            pending.append(ref.id)
            continue
        applied.append(ref.id)
        if not text.strip():
            warnings.append(f"{ref.id}: the amendment has no text layer; the terms it changes are unknown")
            continue
        doc = build_document(text, law=base_law)
        operations = amendment_operations(doc)
        if not operations:
            warnings.append(f"{ref.id}: no amendment of a numbered section of the agreement was found")
            continue
        # The key terms of the document just read (as `analyse` would give them; its obligations are not needed)
        terms = [t for t in extract_terms(doc) if t.kind in AMENDABLE_KINDS and not _derived_expiry(t)]
        scopes = [(op.start, op.end) for op in operations]
        for index, operation in enumerate(operations):
            # A structural operation's scope ends where the next operation starts ("Sections 3.1 and 3.2 are
            # replaced with: ..." is one operation for each section, over the same text).
            stop = min([s for s, _ in scopes[index + 1 :] if s > operation.start] + [operation.end])
            scoped = (
                []
                if operation.op == "modify"
                else [
                    t
                    for t in terms
                    if operation.start <= t.citation.start < stop
                    and not any(o.op == "modify" and o.term == t for o in operations)
                ]
            )
            ledger.apply(ref, operation, scoped, warnings)
    ordered = sorted(ledger.in_force.values(), key=lambda t: list(TermKind).index(t.kind))
    return ConsolidatedTerms(base_id=base_ref.id, applied=applied, pending=pending, terms=ordered, warnings=warnings)
