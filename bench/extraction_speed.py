"""How fast `analysis.analyse` reads contracts: throughput over real filings, a 600,000-character contract,
and whether time grows linearly with length. All figures come from one run, side by side (the machine is
shared; compare ratios, not absolute seconds across runs).

    python bench/extraction_speed.py [--data ../shared/cuad-dev] [--repeat 5]
    python bench/extraction_speed.py --baseline /tmp/base [--repeat 3]   # before/after in one run

--baseline DIR compares CUAD throughput of the `analysis` package in DIR (e.g. an older commit's, exported with
`git archive <commit> analysis | tar -x -C DIR`) with this checkout's, in one run: each pass runs in a fresh
process and the two alternate (baseline, current, baseline, ...) so that load on a shared machine hits both alike.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis import analyse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "cuad-dev"

PREAMBLE = (
    'MASTER SERVICES AGREEMENT\n\nThis Master Services Agreement (this "Agreement") is entered into as of '
    'January 15, 2024 (the "Effective Date") by and between Acme Widgets, Inc., a Delaware corporation '
    '("Customer"), and Beta Cloud Services LLC, a New York limited liability company ("Provider").\n\n'
    "WHEREAS, Customer wishes to obtain services from Provider.\n\n"
)
CLAUSES = (
    "{n}. Fees\n{n}.1 Invoices. Provider shall invoice Customer monthly in arrears. Customer shall pay each "
    "undisputed invoice within {days} days after receipt of the invoice.\n{n}.2 Late Payment. Overdue amounts bear "
    "interest at one percent (1%) per month.\n\n",
    "{n}. Term and Renewal\n{n}.1 Term. The initial term of this Agreement shall be {years} years from the Effective "
    "Date.\n{n}.2 Renewal. This Agreement shall automatically renew for successive one (1) year periods unless "
    "either party gives written notice of non-renewal at least ninety (90) days prior to the end of the "
    "then-current term.\n\n",
    "{n}. Reports\n{n}.1 Provider shall deliver a usage report within fifteen (15) days after the end of each "
    "calendar quarter. Customer may audit Provider's books and records on thirty (30) days' notice.\n\n",
    "{n}. Confidentiality\n{n}.1 Each party shall hold the other party's Confidential Information in confidence "
    "and shall not disclose it to any third party except as permitted by this Section {n}. These obligations "
    "survive for three (3) years after termination.\n\n",
    "{n}. Liability and Insurance\n{n}.1 In no event shall either party's aggregate liability exceed $1,000,000. "
    "{n}.2 Provider shall maintain general liability insurance of not less than $2,000,000 per occurrence.\n\n",
    "{n}. Data Protection\n{n}.1 Provider shall notify Customer of any Personal Data Breach within seventy-two (72) "
    "hours after becoming aware of it, and shall process Personal Data only on Customer's instructions.\n\n",
)
CLOSING = (
    "99. Governing Law\n99.1 This Agreement shall be governed by the laws of the State of New York.\n\n"
    "IN WITNESS WHEREOF, the parties have executed this Agreement as of the Effective Date.\n"
)


def synthetic_contract(size: int) -> str:
    """A well-formed contract of at least `size` characters: a preamble, many numbered sections with varied
    figures (as schedules and exhibits make long contracts long), and a governing-law clause at the very end."""
    parts = [PREAMBLE]
    length = len(PREAMBLE) + len(CLOSING)
    n = 1
    while length < size:
        clause = CLAUSES[n % len(CLAUSES)].format(n=n, days=15 + n % 60, years=1 + n % 5)
        parts.append(clause)
        length += len(clause)
        n += 1
    parts.append(CLOSING)
    return "".join(parts)


def timed(function: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(median, minimum) seconds over `repeat` runs."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), min(runs)


def cuad_throughput(data: Path) -> None:
    folder = data / "full_contract_txt"
    if not folder.is_dir():
        print(f"cuad-dev: not found at {folder}, skipped")
        return
    texts = [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))]
    per_document: list[float] = []
    started = time.perf_counter()
    for text in texts:
        begin = time.perf_counter()
        analyse(text)
        per_document.append(time.perf_counter() - begin)
    elapsed = time.perf_counter() - started
    characters = sum(len(text) for text in texts)
    per_document.sort()
    print(f"cuad-dev: {len(texts)} contracts, {characters:,} characters in {elapsed:.2f} s (one process)")
    print(f"  throughput            {characters / elapsed / 1e6:6.2f} M characters/s")
    print(
        f"  per contract          p50 {per_document[len(per_document) // 2] * 1000:6.1f} ms   "
        f"p95 {per_document[int(len(per_document) * 0.95)] * 1000:6.1f} ms   max {per_document[-1] * 1000:6.1f} ms"
    )


_PASS = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from analysis import analyse
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[2]).glob("*.txt"))]
started = time.perf_counter()
for text in texts:
    analyse(text)
print(json.dumps({"seconds": time.perf_counter() - started, "characters": sum(map(len, texts))}))
"""


def _one_pass(root: Path, folder: Path) -> tuple[float, int]:
    """Seconds and characters for one pass over the folder, with `analysis` imported from `root`."""
    done = subprocess.run(
        [sys.executable, "-c", _PASS, str(root), str(folder)], capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return float(result["seconds"]), int(result["characters"])


def compare(baseline: Path, data: Path, repeat: int) -> None:
    folder = data / "full_contract_txt"
    if not (baseline / "analysis" / "__init__.py").is_file():
        raise SystemExit(f"--baseline {baseline}: no analysis package there")
    runs: dict[str, list[float]] = {"baseline": [], "current": []}
    characters = 0
    for _ in range(repeat):
        for label, root in (("baseline", baseline), ("current", ROOT)):
            seconds, characters = _one_pass(root, folder)
            runs[label].append(seconds)
    print(f"{datetime.date.today().isoformat()}: CUAD throughput, {characters:,} characters, {repeat} passes each,")
    print("alternating, one process per pass")
    for label, timings in runs.items():
        rates = [characters / seconds / 1e6 for seconds in timings]
        print(
            f"  {label:<9} median {statistics.median(rates):5.2f} M chars/s   best {max(rates):5.2f}   "
            f"worst {min(rates):5.2f}   ({label} = {baseline if label == 'baseline' else ROOT})"
        )
    ratio = statistics.median(runs["baseline"]) / statistics.median(runs["current"])
    print(f"  current / baseline throughput (medians): {ratio:.2f}")


def large_contracts(repeat: int) -> None:
    print(f"synthetic contracts (median of {repeat} runs):")
    print(f"  {'characters':>10}  {'median s':>9}  {'M chars/s':>9}  {'time / time(600k)':>17}")
    sizes = (150_000, 300_000, 600_000, 1_200_000)
    medians: dict[int, float] = {}
    for size in sizes:
        text = synthetic_contract(size)
        median, _ = timed(lambda text=text: analyse(text), repeat)  # type: ignore[misc]
        medians[size] = median
    for size in sizes:
        ratio = medians[size] / medians[600_000]
        print(f"  {size:>10,}  {medians[size]:9.3f}  {size / medians[size] / 1e6:9.2f}  {ratio:17.2f}")
    print(f"  linear growth means ratios near {[round(size / 600_000, 2) for size in sizes]}; below that, the")
    print("  per-document caps (sentences examined per kind of clause, obligations listed) are bounding the work")


def sandbox_huge_document(repeat: int) -> None:
    try:
        from datetime import date

        from sandbox.corpus.generate import generate_records, render_contract
        from sandbox.corpus.models import Corpus
    except ImportError:
        print("sandbox generator not importable: its 600k+ adversarial document skipped")
        return
    records = generate_records(Corpus(contracts=60, seed=11, as_of=date(2025, 1, 15)))
    huge = next((r for r in records.contracts if "huge" in r.adversarial), None)
    if huge is None:
        print("sandbox corpus has no 'huge' document at this size: skipped")
        return
    text = render_contract(records, huge).text
    median, fastest = timed(lambda: analyse(text), repeat)
    print(f"sandbox 'huge' document: {len(text):,} characters, median {median:.3f} s, fastest {fastest:.3f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="CUAD-layout folder")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="compare with the analysis package in this folder")
    args = parser.parse_args(argv)
    if args.baseline is not None:
        compare(args.baseline, args.data, args.repeat)
        return 0
    cuad_throughput(args.data)
    large_contracts(args.repeat)
    sandbox_huge_document(args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
