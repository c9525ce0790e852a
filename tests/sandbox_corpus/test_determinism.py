"""Same arguments -> the same document and truth, in this process and in a fresh one with another hash seed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from sandbox.corpus.clauses.specimens import specimens
from sandbox.corpus.document import render_document
from sandbox.corpus.generate import generate_records
from sandbox.corpus.models import Corpus
from tests.sandbox_corpus.checks import Rendered

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2025, 6, 1)

# Renders a fixed set of specimens and prints one digest over every text and truth.
_DIGEST_SCRIPT = """
import hashlib
from datetime import date
from sandbox.corpus.clauses.specimens import specimens
from sandbox.corpus.document import render_document

digest = hashlib.sha256()
for s in specimens(400, 11, date(2025, 6, 1), huge=False):
    text, truth = render_document(s.record, s.counterparty, s.parent, date(2025, 6, 1), 11)
    digest.update(text.encode())
    digest.update(truth.model_dump_json().encode())
print(digest.hexdigest())
"""


def _digest_here() -> str:
    digest = hashlib.sha256()
    for s in specimens(400, 11, AS_OF, huge=False):
        text, truth = render_document(s.record, s.counterparty, s.parent, AS_OF, 11)
        digest.update(text.encode())
        digest.update(truth.model_dump_json().encode())
    return digest.hexdigest()


def test_rendering_twice_gives_identical_text_and_truth(specimen_docs: list[Rendered]) -> None:
    for doc in specimen_docs[:600]:
        text, truth = render_document(doc.record, doc.counterparty, doc.parent, doc.as_of, doc.seed)
        assert text == doc.text, doc.label
        assert truth == doc.truth, doc.label


def test_output_does_not_depend_on_the_process_or_its_hash_seed() -> None:
    expected = _digest_here()
    for hash_seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        result = subprocess.run(
            [sys.executable, "-c", _DIGEST_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        assert result.stdout.strip() == expected, f"PYTHONHASHSEED={hash_seed}"


def test_the_seed_and_the_as_of_date_are_the_only_other_inputs(specimen_docs: list[Rendered]) -> None:
    changed_by_seed = changed_by_as_of = 0
    sample = [d for d in specimen_docs if d.text][:200]
    for doc in sample:
        other_seed, _ = render_document(doc.record, doc.counterparty, doc.parent, doc.as_of, doc.seed + 1)
        changed_by_seed += other_seed != doc.text
        later_text, later_truth = render_document(doc.record, doc.counterparty, doc.parent, date(2026, 1, 1), doc.seed)
        assert later_text == doc.text  # the text does not depend on the as-of date...
        changed_by_as_of += later_truth.obligations != doc.truth.obligations  # ...the next due dates do
    assert changed_by_seed == len(sample)
    assert changed_by_as_of > len(sample) // 4


def _shape(contracts: int, seed: int, as_of: date) -> list[tuple[object, ...]]:
    records = generate_records(Corpus(contracts=contracts, seed=seed, as_of=as_of))
    return [
        (r.id, r.type, r.status, r.parent_id, r.amends_id, r.counterparty_id, r.adversarial) for r in records.contracts
    ]


@pytest.mark.parametrize(("contracts", "seed"), [(120, 11), (300, 7), (40, 3)])
def test_another_business_date_moves_the_dates_not_the_contracts(contracts: int, seed: int) -> None:
    """The demo corpus is dated from today: the tests and a demo must meet the same contracts every day (a tool's
    example names ids that must stay what they are), with their dates moved along (and the numbers that carry a
    year with them)."""
    base_day = date(2026, 12, 4)
    base = _shape(contracts, seed, base_day)
    for later in (1, 31, 92, 366, 1461):
        day = base_day + timedelta(days=later)
        assert _shape(contracts, seed, day) == base, f"the corpus changed shape {later} days later"
    moved = generate_records(Corpus(contracts=contracts, seed=seed, as_of=base_day + timedelta(days=31))).contracts
    first = generate_records(Corpus(contracts=contracts, seed=seed, as_of=base_day)).contracts
    # Top-level contracts draw their dates from as_of; work under an agreement is clamped to its term, so moves with it
    drawn = [(a.effective_date, b.effective_date) for a, b in zip(first, moved, strict=True) if a.parent_id is None]
    dated = [(a, b) for a, b in drawn if a is not None and b is not None]
    assert len(dated) > len(drawn) // 2 and all(b == a + timedelta(days=31) for a, b in dated)
