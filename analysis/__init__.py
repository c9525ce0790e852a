"""Contract analysis: pure functions from contract text to cited, structured facts (no I/O).

    analysis = analyse(text)                      # clauses, key terms, obligations, warnings
    deadline = renewal_deadlines(analysis.terms, as_of=date(2025, 1, 1))

Every citation satisfies `citation.quote == text[citation.start:citation.end]` for the text passed in
(invisible and bidi characters are skipped while reading, never while quoting).

Values: dates ISO "YYYY-MM-DD", periods ISO 8601 ("P60D", "P1Y", "PT72H"), "true"/"false", amounts
"USD 500000", jurisdictions by name. `UNDETERMINED` when the text states a fact but leaves its value blank,
redacted or tied to an undated event; `PERPETUAL` when there is no fixed end. Terms of one kind come best
first; several values of one kind mean the contract contradicts itself, and `warnings` says so.

Modules: `analyser` (`analyse`), `text` (cleaning, sentences), `sections` (numbered sections),
`numbers`/`durations`/`dates` (parsing and date arithmetic), `term_dates`/`term_length`/`term_renewal`/
`term_lifecycle`, `term_law` (and whether "3/4/2021" is day first), `term_clauses`, `parties` (key terms),
`obligations`, `deadlines` (renewal and expiry dates computed from key terms), `amendments` (what an amendment
does to its agreement), `consolidation` (the terms in force after the amendments, with provenance),
`renewal_states` (notice open / missed and locked in / ended ... at a date, with record-vs-text disagreements),
`quotes` (exact or visibly elided quotes and the words carrying a fact).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.analyser import analyse
    from analysis.consolidation import ConsolidatedTerms, DocumentRef, Source, TermInForce, consolidate
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
    from analysis.renewal_states import ClmRecord, Disagreement, RenewalState, TermFacts, renewal_state, term_facts
    from analysis.sections import segment
    from analysis.terms import extract_terms

# The names of the package, each with the module that holds it. They load on first use (PEP 562): importing
# every rule module compiles a few hundred patterns (~110 ms cold, most of it in the term, amendment and
# obligation rules), and a caller that needs only dates or the renewal state (a list tool's rows, ~25 ms) should
# not pay for the rest.
_HOME: dict[str, str] = {
    "analyse": "analyser",
    "ConsolidatedTerms": "consolidation",
    "DocumentRef": "consolidation",
    "Source": "consolidation",
    "TermInForce": "consolidation",
    "consolidate": "consolidation",
    "build_document": "context",
    "DateResult": "dates",
    "RenewalDeadline": "dates",
    "add_duration": "dates",
    "anniversary": "dates",
    "expiry_date": "dates",
    "find_dates": "dates",
    "iter_anniversaries": "dates",
    "parse_date": "dates",
    "renewal_deadline": "dates",
    "subtract_duration": "dates",
    "initial_term_end": "deadlines",
    "renewal_deadlines": "deadlines",
    "Duration": "durations",
    "from_iso": "durations",
    "parse_duration": "durations",
    "to_iso": "durations",
    "PERPETUAL": "models",
    "UNDETERMINED": "models",
    "Citation": "models",
    "Clause": "models",
    "ContractAnalysis": "models",
    "Due": "models",
    "KeyTerm": "models",
    "Obligation": "models",
    "ObligationCategory": "models",
    "TermKind": "models",
    "parse_number": "numbers",
    "words_to_int": "numbers",
    "extract_obligations": "obligations",
    "Quote": "quotes",
    "fact_spans": "quotes",
    "quote": "quotes",
    "ClmRecord": "renewal_states",
    "Disagreement": "renewal_states",
    "RenewalState": "renewal_states",
    "TermFacts": "renewal_states",
    "renewal_state": "renewal_states",
    "term_facts": "renewal_states",
    "segment": "sections",
    "extract_terms": "terms",
}


if not TYPE_CHECKING:  # hidden from type checkers, so a misspelt name stays an error rather than `Any`

    def __getattr__(name: str) -> Any:
        home = _HOME.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
        globals()[name] = value  # later lookups are plain attribute reads
        return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])


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
    "build_document",
    "consolidate",
    "expiry_date",
    "extract_obligations",
    "extract_terms",
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
