"""Contract analysis: pure functions from contract text to cited, structured facts (no I/O).

    analysis = analyse(text)                      # clauses, key terms, obligations, warnings
    deadline = renewal_deadlines(analysis.terms, as_of=date(2025, 1, 1))

Every citation satisfies `citation.quote == text[citation.start:citation.end]` for the text passed in
(invisible and bidi characters are skipped while reading, never while quoting).

Values: dates ISO "YYYY-MM-DD", periods ISO 8601 ("P60D", "P1Y", "PT72H"), "true"/"false", amounts
"USD 500000", jurisdictions by name. `UNDETERMINED` when the text states a fact but leaves its value blank,
redacted or tied to an undated event; `PERPETUAL` when there is no fixed end. Terms of one kind come best
first; several values of one kind mean the contract contradicts itself, and `warnings` says so.

Modules: `text` (cleaning, sentences), `segment` (sections), `numbers`/`durations`/`dates` (parsing and date
arithmetic), `term_dates`/`term_length`/`term_renewal`/`term_lifecycle`, `term_law`, `term_clauses`,
`parties` (key terms), `obligations`, `deadlines` (renewal and expiry dates computed from key terms),
`amendments` (what an amendment does to its agreement), `consolidate` (the terms in force after the
amendments, with provenance), `renewal_state` (notice open / missed and locked in / ended ... at a date,
with record-vs-text disagreements), `quotes` (exact or visibly elided quotes and the words carrying a fact).
"""

from __future__ import annotations

from analysis.consolidate import ConsolidatedTerms, DocumentRef, Source, TermInForce, consolidate
from analysis.context import build_document
from analysis.dates import (
    DateResult,
    RenewalDeadline,
    add_duration,
    anniversary,
    expiry_date,
    find_dates,
    iter_anniversaries,
    parse_date,
    renewal_deadline,
    subtract_duration,
)
from analysis.deadlines import initial_term_end, renewal_deadlines
from analysis.durations import Duration, from_iso, parse_duration, to_iso
from analysis.models import (
    PERPETUAL,
    UNDETERMINED,
    Citation,
    Clause,
    ContractAnalysis,
    Due,
    KeyTerm,
    Obligation,
    ObligationCategory,
    TermKind,
)
from analysis.numbers import parse_number, words_to_int
from analysis.obligations import extract_obligations
from analysis.quotes import Quote, fact_spans, quote
from analysis.renewal_state import ClmRecord, Disagreement, RenewalState, TermFacts, renewal_state, term_facts
from analysis.segment import segment
from analysis.terms import extract_terms


def analyse(text: str) -> ContractAnalysis:
    """Clauses, key terms and obligations of one contract, each cited by offsets into `text`."""
    if not text.strip():
        return ContractAnalysis(clauses=[], terms=[], obligations=[], warnings=["the document has no text"])
    doc = build_document(text)
    terms = extract_terms(doc)
    obligations = extract_obligations(doc)
    clauses = [
        clause.model_copy(update={"start": start, "end": end})
        for clause in doc.sections.clauses
        for start, end in [doc.prepared.original_span(clause.start, clause.end)]
    ]
    return ContractAnalysis(clauses=clauses, terms=terms, obligations=obligations, warnings=doc.warnings)


__all__ = [
    "PERPETUAL",
    "UNDETERMINED",
    "Citation",
    "Clause",
    "ClmRecord",
    "ConsolidatedTerms",
    "ContractAnalysis",
    "DateResult",
    "Disagreement",
    "DocumentRef",
    "Due",
    "Duration",
    "KeyTerm",
    "Obligation",
    "ObligationCategory",
    "Quote",
    "RenewalDeadline",
    "RenewalState",
    "Source",
    "TermFacts",
    "TermInForce",
    "TermKind",
    "add_duration",
    "analyse",
    "anniversary",
    "consolidate",
    "expiry_date",
    "fact_spans",
    "find_dates",
    "from_iso",
    "initial_term_end",
    "iter_anniversaries",
    "parse_date",
    "parse_duration",
    "parse_number",
    "quote",
    "renewal_deadline",
    "renewal_deadlines",
    "renewal_state",
    "segment",
    "subtract_duration",
    "term_facts",
    "to_iso",
    "words_to_int",
]
