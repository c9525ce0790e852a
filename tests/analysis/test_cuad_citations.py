"""On every real contract of ../shared/cuad-dev: analysis never fails and every citation quotes its offsets.

The quotes are checked against the text exactly as read from disk (SEC filings: page furniture, odd spacing,
non-ASCII punctuation), so this is the property a citation makes to a reader.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from analysis import analyse

# ../shared/cuad-dev beside the project, or the folder CUAD_DEV names (a clone elsewhere, as CI makes one)
CUAD = Path(os.environ.get("CUAD_DEV") or Path(__file__).resolve().parents[2].parent / "shared" / "cuad-dev") / (
    "full_contract_txt"
)
WORKERS = 2


def _violations(path: Path) -> tuple[str, int, list[str]]:
    text = path.read_text(encoding="utf-8")
    result = analyse(text)
    citations = [term.citation for term in result.terms] + [o.citation for o in result.obligations]
    problems = [
        f"{c.start}:{c.end}"
        for c in citations
        if not (0 <= c.start <= c.end <= len(text)) or text[c.start : c.end] != c.quote
    ]
    problems += [
        f"clause {clause.number} {clause.start}:{clause.end}"
        for clause in result.clauses
        if not (0 <= clause.start <= clause.end <= len(text))
    ]
    return path.name, len(citations), problems


@pytest.mark.skipif(not CUAD.is_dir(), reason=f"the CUAD development split is not at {CUAD}")
def test_every_citation_on_every_cuad_contract_quotes_its_offsets() -> None:
    paths = sorted(CUAD.glob("*.txt"))
    assert len(paths) >= 300, "cuad-dev holds 392 contracts"
    with ProcessPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(_violations, paths, chunksize=8))
    broken = {name: problems for name, _, problems in results if problems}
    assert broken == {}
    assert sum(count for _, count, _ in results) > 10 * len(paths), "citations are produced on real contracts"
