"""Speed of the corpus document renderer (`sandbox.corpus.document.render_document`).

    python bench/render_speed.py [--quick]

Measured side by side in one run. The machine is shared and noisy: wall-clock throughput includes
whatever else is running (the load average is printed), so per-document figures are medians and
90th percentiles over repeated passes, which other processes disturb far less than means.
1. the corpus generator's own record mix (what `python -m sandbox --contracts N` renders):
   documents/s and characters/s (wall clock), then per contract type the median ms per document;
2. "typical" documents of 10,000-25,000 characters: p50 / p90 ms per document (target <= 1 ms);
3. the 600,000+ character "huge" adversarial document: ms, and characters/s against (1);
4. the share of a typical render spent validating the ground truth (pydantic), for context.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sandbox.api_models import ContractType
from sandbox.corpus.document import render_document
from sandbox.corpus.generate import CorpusRecords, generate_records
from sandbox.corpus.models import ContractRecord, Corpus, GeneratedCounterparty, GroundTruth

AS_OF = date(2025, 6, 1)
Job = tuple[ContractRecord, GeneratedCounterparty, ContractRecord | None]


def jobs_of(records: CorpusRecords) -> list[Job]:
    return [(r, records.counterparty_of(r), records.parent_of(r)) for r in records.contracts if not r.adversarial]


def timed_pass(jobs: list[Job], seed: int) -> tuple[float, int, dict[ContractType, list[float]]]:
    per_type: dict[ContractType, list[float]] = defaultdict(list)
    chars = 0
    clock = time.perf_counter
    start = clock()
    for record, counterparty, parent in jobs:
        t0 = clock()
        text, _ = render_document(record, counterparty, parent, AS_OF, seed)
        per_type[record.type].append(clock() - t0)
        chars += len(text)
    return clock() - start, chars, per_type


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer documents and passes")
    args = parser.parse_args()
    count, passes = (1000, 3) if args.quick else (5000, 5)
    seed = 42

    records = generate_records(Corpus(contracts=count, seed=seed, as_of=AS_OF))
    jobs = jobs_of(records)
    render_document(*jobs[0], AS_OF, seed)  # warm caches (number words, imports)

    walls, per_type_runs = [], []
    chars = 0
    for _ in range(passes):
        wall, chars, per_type = timed_pass(jobs, seed)
        walls.append(wall)
        per_type_runs.append(per_type)
    wall = statistics.median(walls)
    load = os.getloadavg()[0]
    print(f"Renderer speed over the generator's record mix ({len(jobs)} documents, median of {passes} passes; "
          f"load average {load:.1f} on {os.cpu_count()} CPUs)")  # fmt: skip
    print(f"  {len(jobs) / wall:,.0f} documents/s   {chars / wall / 1e6:,.1f} M characters/s   "
          f"{wall / len(jobs) * 1e3:.3f} ms/document   mean {chars / len(jobs):,.0f} characters")  # fmt: skip
    print("  per type: median ms/document (mean characters)")
    lengths: dict[ContractType, list[int]] = defaultdict(list)
    typical_jobs: list[Job] = []
    for job in jobs:
        text, _ = render_document(*job, AS_OF, seed)
        lengths[job[0].type].append(len(text))
        if 10_000 <= len(text) <= 25_000:
            typical_jobs.append(job)
    for kind in ContractType:
        times = [statistics.median(run[kind]) for run in per_type_runs if run.get(kind)]
        if times:
            print(f"    {kind.value:<17} {statistics.median(times) * 1e3:6.3f} ms   "
                  f"({statistics.mean(lengths[kind]):,.0f} chars)")  # fmt: skip

    per_doc: list[list[float]] = [[] for _ in typical_jobs]
    for _ in range(passes):
        for index, job in enumerate(typical_jobs):
            t0 = time.perf_counter()
            render_document(*job, AS_OF, seed)
            per_doc[index].append(time.perf_counter() - t0)
    typical = sorted(min(samples) for samples in per_doc)  # best of the passes: this document's own cost
    p50, p90 = typical[len(typical) // 2], typical[int(len(typical) * 0.9)]
    mean = statistics.mean(typical)
    print(f"Typical documents (10k-25k characters, {len(typical_jobs)} of them): p50 {p50 * 1e3:.3f} ms, "
          f"p90 {p90 * 1e3:.3f} ms, mean {mean * 1e3:.3f} ms per document (target <= 1 ms)")  # fmt: skip

    record, counterparty, parent = next(j for j in jobs if j[0].type == ContractType.MSA)
    huge = record.model_copy(update={"adversarial": ["huge"]})
    huge_times, huge_len = [], 0
    for _ in range(passes):
        t0 = time.perf_counter()
        text, truth = render_document(huge, counterparty, parent, AS_OF, seed)
        huge_times.append(time.perf_counter() - t0)
        huge_len = len(text)
    huge_ms = statistics.median(huge_times) * 1e3
    rate = huge_len / (huge_ms / 1e3) / 1e6
    print(f"Huge document: {huge_len:,} characters in {huge_ms:.1f} ms "
          f"({rate:,.1f} M characters/s vs {chars / wall / 1e6:,.1f} M for the mix)")  # fmt: skip

    truth_dicts = []
    for job in typical_jobs[:500]:
        _, truth = render_document(*job, AS_OF, seed)
        truth_dicts.append(truth.model_dump())
    runs = []
    for _ in range(passes):  # best of the passes, like the per-document figures it is compared with
        t0 = time.perf_counter()
        for dumped in truth_dicts:
            GroundTruth.model_validate(dumped)
        runs.append((time.perf_counter() - t0) / len(truth_dicts))
    validate = min(runs)
    print(f"Ground-truth validation: {validate * 1e3:.3f} ms/document ({validate / p50:.0%} of a typical render)")


if __name__ == "__main__":
    main()
