"""Rendered documents shared by the corpus-renderer tests (rendered once per session)."""

from __future__ import annotations

from datetime import date

import pytest

from sandbox.corpus.clauses.specimens import specimens
from sandbox.corpus.document import render_document
from sandbox.corpus.generate import generate_records
from sandbox.corpus.models import Corpus
from tests.sandbox_corpus.checks import Rendered

AS_OF = date(2025, 6, 1)
SEED = 20250601
SPECIMENS = 3000  # every type and adversarial flag, a few huge documents among them
GENERATED = 1500  # records from the real corpus generator


@pytest.fixture(scope="session")
def specimen_docs() -> list[Rendered]:
    out = []
    for specimen in specimens(SPECIMENS, SEED, AS_OF):
        text, truth = render_document(specimen.record, specimen.counterparty, specimen.parent, AS_OF, SEED)
        out.append(Rendered(specimen.record, specimen.counterparty, specimen.parent, AS_OF, SEED, text, truth))
    return out


@pytest.fixture(scope="session")
def generated_docs() -> list[Rendered]:
    corpus = Corpus(contracts=GENERATED, seed=7, as_of=AS_OF)
    records = generate_records(corpus)
    out = []
    for record in records.contracts:
        counterparty, parent = records.counterparty_of(record), records.parent_of(record)
        text, truth = render_document(record, counterparty, parent, corpus.as_of, corpus.seed)
        out.append(Rendered(record, counterparty, parent, corpus.as_of, corpus.seed, text, truth))
    return out


@pytest.fixture(scope="session")
def all_docs(specimen_docs: list[Rendered], generated_docs: list[Rendered]) -> list[Rendered]:
    return specimen_docs + generated_docs
