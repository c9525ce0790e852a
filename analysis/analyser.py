"""`analyse`: the package's entry point, from a contract's text to its clauses, key terms and obligations."""

from __future__ import annotations

from analysis.context import build_document
from analysis.models import ContractAnalysis
from analysis.obligations import extract_obligations
from analysis.terms import extract_terms


def analyse(text: str, *, law: str | None = None) -> ContractAnalysis:
    """Clauses, key terms and obligations of one contract, each cited by offsets into `text`. `law`: the governing
    law of the agreement an amendment amends, for reading its numeric dates ("3/4/2021") when it names none."""
    if not text.strip():
        return ContractAnalysis(clauses=[], terms=[], obligations=[], warnings=["the document has no text"])
    doc = build_document(text, law=law)
    terms = extract_terms(doc)
    obligations = extract_obligations(doc)
    clauses = [
        clause.model_copy(update={"start": start, "end": end})
        for clause in doc.sections.clauses
        for start, end in [doc.prepared.original_span(clause.start, clause.end)]
    ]
    return ContractAnalysis(clauses=clauses, terms=terms, obligations=obligations, warnings=doc.warnings)
