"""Order of precedence between an agreement and the documents under it, and express overrides.

    rules = precedence_rules(text, clauses)        # "the Agreement shall prevail except to the extent ..."
    found = express_overrides(text, clauses, terms) # "Notwithstanding Section 4.3 of the Agreement, ..."

A precedence rule says whether the document's express modifications of the agreement prevail
(`allows_override=True`: "... except to the extent that this SOW expressly states otherwise", "Where this
SOW expressly modifies a provision of the Agreement, the modification applies", or in the agreement
"... unless the Statement of Work expressly states that it overrides a specific provision") or the agreement
prevails without exception (`allows_override=False`). An express override is a key term stated in a
sentence that sets a section of the agreement aside ("Notwithstanding Section 4.3 of the Agreement").
Every result is cited: `quote == text[start:end]`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import Field

from analysis.models import Citation, Clause, Frozen, KeyTerm, TermKind

_DOC = r"(?:SOW|Statement\s+of\s+Work|Order\s+Form|Order|Schedule|Addendum|DPA|Work\s+Order)"
_AGREEMENT = r"(?:the\s+)?(?:Agreement|Master\s+(?:Services\s+)?Agreement|MSA)"
_ALLOW = (
    re.compile(
        r"shall\s+(?:prevail|govern|control)\s*,?\s+(?:except|save)\s+(?:to\s+the\s+extent\s+)?(?:that\s+)?"
        r"(?:where\s+)?this\s+" + _DOC + r"\s+expressly\s+(?:states|provides)\s+otherwise",
        re.IGNORECASE,
    ),
    re.compile(
        r"where\s+this\s+" + _DOC + r"\s+expressly\s+(?:modifies|amends|overrides|varies)\s+(?:a|any)\s+"
        r"(?:provision|term)\s+of\s+" + _AGREEMENT,
        re.IGNORECASE,
    ),
    re.compile(
        r"shall\s+prevail\s+unless\s+the\s+" + _DOC + r"\s+expressly\s+(?:states|provides)\s+that\s+it\s+"
        r"(?:overrides|modifies|prevails\s+over)",
        re.IGNORECASE,
    ),
)
_STRICT = re.compile(
    r"in\s+the\s+event\s+of\s+(?:any\s+|a\s+)?conflict(?:\s+or\s+inconsistency)?\s+between\s+this\s+" + _DOC
    + r"\s+and\s+" + _AGREEMENT + r",\s+(?:the\s+terms\s+of\s+)?" + _AGREEMENT
    + r"\s+shall\s+(?:prevail|govern|control)(?=\s*[.;])",
    re.IGNORECASE,
)  # fmt: skip
_NOTWITHSTANDING = re.compile(
    r"\bNotwithstanding\s+(?:(?:Section|Clause|Article|Paragraph)\s+(?P<sec>[0-9IVXLC]+(?:\.[0-9]+)*(?:\([a-z0-9]+\))*)"
    r"\s+of\s+" + _AGREEMENT + r"|anything\s+to\s+the\s+contrary\s+in\s+" + _AGREEMENT + r")",
    re.IGNORECASE,
)
# Words a sentence stating a kind of term uses (to tell which of several citations it is about).
_WORDS: dict[TermKind, tuple[str, ...]] = {
    TermKind.PAYMENT_TERMS: ("pay", "invoice"),
    TermKind.LIABILITY_CAP: ("liabilit",),
    TermKind.GOVERNING_LAW: ("governed", "laws of"),
    TermKind.WARRANTY_DURATION: ("warrant",),
    TermKind.CONFIDENTIALITY_PERIOD: ("confidential",),
    TermKind.AUDIT_RIGHTS: ("audit",),
    TermKind.INSURANCE: ("insurance",),
    TermKind.DATA_PROTECTION: ("breach", "personal data"),
    TermKind.TERMINATION_FOR_CONVENIENCE: ("terminat",),
}
_SENTENCE_END = re.compile(r"[.;](?=\s|$)")


class PrecedenceRule(Frozen):
    allows_override: bool = Field(description="True: the document's express modifications of the agreement prevail")
    citation: Citation


class Override(Frozen):
    kind: TermKind
    agreement_section: str | None = Field(description="The agreement's section set aside; None: 'anything ...'")
    citation: Citation = Field(description="The sentence that sets it aside")


def _section_at(clauses: Sequence[Clause], offset: int) -> tuple[str | None, str | None]:
    """The innermost numbered clause holding `offset`."""
    best: Clause | None = None
    for clause in clauses:
        if clause.number and clause.start <= offset < clause.end and (best is None or clause.start >= best.start):
            best = clause
    return (best.number, best.heading) if best is not None else (None, None)


def _cite(text: str, clauses: Sequence[Clause], start: int, end: int, confidence: float) -> Citation:
    section, heading = _section_at(clauses, start)
    return Citation(
        section=section, heading=heading, quote=text[start:end], start=start, end=end, confidence=confidence
    )


def _sentence(text: str, start: int) -> tuple[int, int]:
    """From the start of the sentence holding `start` to its end (bounded)."""
    head = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    begin = head + 1 if head >= 0 else 0
    while begin < start and text[begin].isspace():
        begin += 1
    match = _SENTENCE_END.search(text, start, min(len(text), start + 800))
    return begin, (match.end() if match else min(len(text), start + 800))


def precedence_rules(text: str, clauses: Sequence[Clause]) -> list[PrecedenceRule]:
    """The document's order-of-precedence statements, in text order."""
    found: list[PrecedenceRule] = []
    for pattern, allows in [*((p, True) for p in _ALLOW), (_STRICT, False)]:
        for match in pattern.finditer(text):
            start, end = _sentence(text, match.start())
            found.append(PrecedenceRule(allows_override=allows, citation=_cite(text, clauses, start, end, 0.9)))
    found.sort(key=lambda r: r.citation.start)
    # One sentence, one rule (an allowing pattern and the strict one never both match a sentence; be safe).
    unique: dict[int, PrecedenceRule] = {}
    for rule in found:
        unique.setdefault(rule.citation.start, rule)
    return list(unique.values())


def express_overrides(text: str, clauses: Sequence[Clause], terms: Sequence[KeyTerm]) -> list[Override]:
    """Key terms stated in a sentence that expressly sets a section of the agreement aside."""
    found: list[Override] = []
    seen: set[tuple[TermKind, int]] = set()
    for match in _NOTWITHSTANDING.finditer(text):
        start, end = _sentence(text, match.start())
        within = [t for t in terms if start <= t.citation.start < end]
        if not within:  # a citation that opens before the sentence (at its heading): the one this sentence is about
            holding = [t for t in terms if t.citation.start <= match.start() < t.citation.end]
            sentence = text[start:end].lower()
            about = [t for t in holding if any(word in sentence for word in _WORDS.get(t.kind, ()))]
            within = sorted(about or holding, key=lambda t: t.citation.end - t.citation.start)[:1]
        for term in within:
            if (term.kind, start) in seen:
                continue
            seen.add((term.kind, start))
            found.append(
                Override(
                    kind=term.kind,
                    agreement_section=match.group("sec"),
                    citation=_cite(text, clauses, start, end, 0.9),
                )
            )
    return found
