"""Build a corpus database: records, compressed documents, the FTS index and tracked obligations.

Builds go to a temporary file that is renamed into place when complete, so a reader never sees a
half-built database and two processes building the same cache at once both end up correct.
Large corpora render their documents in worker processes (rendering dominates the build); this
process alone writes to SQLite, in corpus order, so the result is the same as a serial build.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import queue
import secrets
import sqlite3
import subprocess
import sys
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, NamedTuple

from pydantic import BaseModel, ConfigDict

from sandbox.corpus.models import ContractRecord, Corpus, GeneratedContract, GeneratedCounterparty, ObligationCategory
from sandbox.store.schema import AGG_DDL, DDL, ROLLUP_DDL, SCHEMA_VERSION
from sandbox.store.text import fold

if TYPE_CHECKING:
    from sandbox.corpus.generate import CorpusRecords

ProgressFn = Callable[[int, int], None]

_REPO_ROOT = Path(__file__).resolve().parents[2]
PARALLEL_THRESHOLD = 3000  # below this, worker start-up costs more than it saves
CHUNK = 400
ZLIB_LEVEL = 1  # level 6 saves ~8% space at twice the time; the build is CPU-bound


class ObligationRow(NamedTuple):
    id: str
    category: str
    party: str
    description: str
    due_date: str
    recurrence: str | None
    section: str | None


class SectionRow(NamedTuple):
    number: str
    heading: str
    start: int
    end: int


class RenderedDocument(NamedTuple):
    """What the database keeps of one rendered contract (compact, cheap to pickle)."""

    body: bytes  # zlib-compressed UTF-8
    total_chars: int
    sha256: str
    has_text: bool
    obligations: tuple[ObligationRow, ...]
    sections: tuple[SectionRow, ...] = ()
    scanned: bool = False
    source_mime_type: str | None = None

    def text(self) -> str:
        return zlib.decompress(self.body).decode("utf-8")


def compact(generated: GeneratedContract) -> RenderedDocument:
    text = generated.text
    encoded = text.encode("utf-8")
    stem = generated.record.id.removeprefix("ctr_")
    obligations: list[ObligationRow] = []
    consolidated = generated.truth.consolidated
    for truth in generated.truth.obligations:
        next_due = truth.next_due
        if consolidated is not None and truth.category is ObligationCategory.RENEWAL:
            # An amendment may have moved or removed the deadline: the CLM tracks the one in force.
            next_due = consolidated.next_notice_deadline
        if next_due is None:
            continue  # the CLM tracks only obligations with a date it can put in a calendar
        obligations.append(
            ObligationRow(
                id=f"obl_{stem}_{len(obligations) + 1:02d}",
                category=truth.category.value,
                party=truth.party,
                description=truth.action,
                due_date=next_due.isoformat(),
                recurrence=truth.recurrence,
                section=truth.span.section,
            )
        )
    return RenderedDocument(
        body=zlib.compress(encoded, ZLIB_LEVEL),
        total_chars=len(text),
        sha256=hashlib.sha256(encoded).hexdigest(),
        has_text=bool(text),
        obligations=tuple(obligations),
        sections=tuple(SectionRow(s.number, s.heading, s.start, s.end) for s in generated.truth.sections),
    )


def build_database(
    path: Path, corpus: Corpus, generator_key: str, progress: ProgressFn | None = None, *, workers: int | None = None
) -> None:
    """Build the corpus database at `path` (atomically replacing whatever is there).

    `workers`: render processes; None = one per CPU for large corpora, none (render here) for small ones.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            _fill(conn, corpus, generator_key, progress, workers)
        finally:
            conn.close()
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _fill(
    conn: sqlite3.Connection, corpus: Corpus, generator_key: str, progress: ProgressFn | None, workers: int | None
) -> None:
    # The file is private until renamed: durability and locking buy nothing while building.
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("PRAGMA cache_size = -262144")  # 256 MiB
    # 16 KiB pages hold several compressed documents each; at 4 KiB most spill onto half-empty overflow pages.
    conn.execute("PRAGMA page_size = 16384")
    conn.executescript(DDL)
    if workers is None:
        workers = min(os.cpu_count() or 1, 8) if corpus.contracts >= PARALLEL_THRESHOLD else 1
    parallel = WorkerRendering(corpus, workers) if workers > 1 else None
    try:
        _insert_all(conn, corpus, generator_key, progress, parallel)
    finally:
        if parallel is not None:
            parallel.close()
    conn.executescript(AGG_DDL)  # sorting once here beats maintaining them row by row
    conn.executescript(ROLLUP_DDL)  # one GROUP BY here; its triggers keep it exact on later writes
    conn.execute("INSERT INTO contracts_fts (contracts_fts) VALUES ('optimize')")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA locking_mode = NORMAL")
    conn.execute("PRAGMA journal_mode = WAL")  # persistent: the served database reads while it writes


def _insert_all(
    conn: sqlite3.Connection,
    corpus: Corpus,
    generator_key: str,
    progress: ProgressFn | None,
    parallel: WorkerRendering | None,
) -> None:
    # Imported only to build: opening a cached build (every start but the first of the day) skips its ~200 ms.
    from sandbox.corpus.generate import generate_records

    records = generate_records(corpus)
    documents = parallel.documents() if parallel is not None else _render_here(records)
    conn.execute("BEGIN")
    meta = {
        "schema_version": SCHEMA_VERSION,
        "generator_key": generator_key,
        "corpus": corpus.model_dump_json(),
    }
    conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta.items())
    insert_counterparties(conn, records.counterparties)
    names = {c.id: c.name for c in records.counterparties}
    total = len(records.contracts)
    for done, (record, rendered) in enumerate(zip(records.contracts, documents, strict=True), start=1):
        insert_contract(conn, record, names[record.counterparty_id], rendered)
        if progress is not None and (done % 1000 == 0 or done == total):
            progress(done, total)
    conn.execute("COMMIT")


def insert_counterparties(conn: sqlite3.Connection, counterparties: Iterable[GeneratedCounterparty]) -> None:
    conn.executemany(
        "INSERT INTO counterparties (id, name, name_folded, country) VALUES (?, ?, ?, ?)",
        ((c.id, c.name, fold(c.name), c.country) for c in counterparties),
    )


def insert_contract(
    conn: sqlite3.Connection,
    record: ContractRecord,
    counterparty_name: str,
    doc: RenderedDocument,
    extra: dict[str, object] | None = None,
) -> int:
    """One contract with its document, search entry, sections and obligations (in the caller's transaction).

    `extra`: more contract columns (an imported contract's source, file and derived fields). Returns its seq.
    """
    row = {**_contract_row(record), **(extra or {})}
    cursor = conn.execute(
        f"INSERT INTO contracts ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",  # noqa: S608 - column names are ours
        tuple(row.values()),
    )
    seq = cursor.lastrowid
    assert seq is not None
    conn.execute(
        "INSERT INTO documents (contract_seq, body, total_chars, sha256, has_text, scanned, source_mime_type)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (seq, doc.body, doc.total_chars, doc.sha256, int(doc.has_text), int(doc.scanned), doc.source_mime_type),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO sections (contract_seq, start, number, heading, end_) VALUES (?, ?, ?, ?, ?)",
        ((seq, s.start, s.number, s.heading, s.end) for s in doc.sections),
    )
    conn.execute(
        "INSERT INTO contracts_fts (rowid, title, counterparty, body) VALUES (?, ?, ?, ?)",
        (seq, record.title, counterparty_name, doc.text()),
    )
    conn.executemany(
        "INSERT INTO obligations (id, contract_seq, category, party, description, due_date, recurrence, section)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ((o.id, seq, o.category, o.party, o.description, o.due_date, o.recurrence, o.section) for o in doc.obligations),
    )
    return seq


def append_contracts(
    conn: sqlite3.Connection, contracts: Sequence[GeneratedContract], counterparty_names: dict[str, str]
) -> None:
    """Add contracts to a live database (one write transaction), e.g. to test pagination under inserts."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for generated in contracts:
            name = counterparty_names[generated.record.counterparty_id]
            insert_contract(conn, generated.record, name, compact(generated))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _contract_row(record: ContractRecord) -> dict[str, object]:
    row = record.model_dump(mode="json", exclude={"adversarial", "changes", "as_signed"})
    row["tags"] = json.dumps(record.tags, ensure_ascii=False)
    row["auto_renew"] = int(record.auto_renew)
    row["termination_for_convenience"] = int(record.termination_for_convenience)
    row["updated_at"] = record.updated_at.isoformat()
    return row


def _render_here(records: CorpusRecords) -> Iterator[RenderedDocument]:
    from sandbox.corpus.generate import render_contract  # see build_database

    for record in records.contracts:
        yield compact(render_contract(records, record))


class WorkerRendering:
    """`python -m sandbox.store.render_worker` processes rendering chunks of a corpus, read in order.

    Plain subprocesses rather than multiprocessing: nothing re-imports the caller's `__main__`, so
    building from any script, thread or server is safe. The workers start at once (they generate
    the records while this process does too). Chunks go round-robin to the workers; one reader
    thread per worker drains its pipe into a short queue, so no worker waits for this process to
    finish inserting a chunk, and the queues bound the memory held in flight.
    """

    def __init__(self, corpus: Corpus, workers: int) -> None:
        total = corpus.contracts
        self._chunks = [(start, min(start + CHUNK, total)) for start in range(0, total, CHUNK)]
        path = os.pathsep.join(filter(None, (str(_REPO_ROOT), os.environ.get("PYTHONPATH"))))
        self._processes: list[subprocess.Popen[bytes]] = []
        self._queues: list[queue.Queue[list[RenderedDocument] | BaseException]] = []
        try:
            for k in range(workers):
                process = subprocess.Popen(
                    [sys.executable, "-m", "sandbox.store.render_worker"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    cwd=_REPO_ROOT,
                    env={**os.environ, "PYTHONPATH": path},
                )
                self._processes.append(process)
                assert process.stdin is not None
                process.stdin.write(
                    RenderJob(corpus=corpus, chunks=self._chunks[k::workers]).model_dump_json().encode()
                )
                process.stdin.close()
                self._queues.append(_drain(process))
        except BaseException:
            self.close()
            raise

    def documents(self) -> Iterator[RenderedDocument]:
        for index in range(len(self._chunks)):
            frame = self._queues[index % len(self._queues)].get()
            if isinstance(frame, BaseException):
                raise RuntimeError("a render worker failed (see its error above)") from frame
            yield from frame

    def close(self) -> None:
        for process in self._processes:
            if process.poll() is None:
                process.kill()
            process.wait()
            if process.stdout is not None:
                process.stdout.close()


def _drain(process: subprocess.Popen[bytes]) -> queue.Queue[list[RenderedDocument] | BaseException]:
    frames: queue.Queue[list[RenderedDocument] | BaseException] = queue.Queue(maxsize=3)
    stream = process.stdout
    assert stream is not None

    def read() -> None:
        try:
            while True:
                frames.put(read_frame(stream))
        except EOFError:
            return  # the worker finished its chunks
        except BaseException as exc:  # handed to the consumer, which raises it
            frames.put(exc)

    threading.Thread(target=read, name="render-worker-reader", daemon=True).start()
    return frames


class RenderJob(BaseModel):
    """What one render worker does: these chunks (start, stop) of this corpus, in this order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    corpus: Corpus
    chunks: list[tuple[int, int]]


def write_frame(stream: IO[bytes], documents: list[RenderedDocument]) -> None:
    payload = pickle.dumps(documents, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(payload).to_bytes(8, "big"))
    stream.write(payload)


def read_frame(stream: IO[bytes]) -> list[RenderedDocument]:
    """The next frame; EOFError at a clean end of stream, RuntimeError if it ends mid-frame."""
    header = stream.read(8)
    if not header:
        raise EOFError
    size = int.from_bytes(header, "big") if len(header) == 8 else -1
    payload = stream.read(size) if size >= 0 else b""
    if len(header) != 8 or len(payload) != size:
        raise RuntimeError("a render worker stopped mid-frame")
    documents: list[RenderedDocument] = pickle.loads(payload)  # noqa: S301 - from our own child process
    return documents
