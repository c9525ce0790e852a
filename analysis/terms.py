"""Key-term extraction: every extractor over one prepared document, in a stable order."""

from __future__ import annotations

from collections.abc import Callable

from analysis.amendments import modified_terms
from analysis.context import Document
from analysis.models import KeyTerm
from analysis.parties import parties
from analysis.term_clauses import CLAUSE_EXTRACTORS
from analysis.term_law import governing_law
from analysis.term_lifecycle import lifecycle_terms

EXTRACTORS: tuple[Callable[[Document], list[KeyTerm]], ...] = (
    parties,
    lifecycle_terms,
    governing_law,
    *CLAUSE_EXTRACTORS,
    modified_terms,  # last: an amendment's "X is changed to Y" (other extractors find restated clauses)
)


def extract_terms(doc: Document) -> list[KeyTerm]:
    terms: list[KeyTerm] = []
    for extractor in EXTRACTORS:
        terms.extend(extractor(doc))
    return terms
