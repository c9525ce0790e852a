"""`python -m sandbox.store.render_worker`: render chunks of a corpus for a parallel database build.

Reads a RenderJob (JSON) on stdin, writes one frame of compacted documents per chunk on stdout.
"""

from __future__ import annotations

import sys

from sandbox.corpus.generate import generate_records, render_contract
from sandbox.store.build import RenderJob, compact, write_frame


def main() -> None:
    job = RenderJob.model_validate_json(sys.stdin.buffer.read())
    records = generate_records(job.corpus)
    out = sys.stdout.buffer
    for start, stop in job.chunks:
        chunk = records.contracts[start:stop]
        write_frame(out, [compact(render_contract(records, record)) for record in chunk])
    out.flush()


if __name__ == "__main__":
    main()
