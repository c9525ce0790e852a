"""Opening the sandbox database (building or copying the corpus as needed) and its connection pool.

SQLite connections are not shared between threads at the same time: each request borrows one
from the pool for its duration. WAL mode lets readers run while an annotation is written.
"""

from __future__ import annotations

import logging
import os
import queue
import secrets
import shutil
import sqlite3
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sandbox.corpus.models import Corpus
from sandbox.importing import ImportResult, import_digest, import_into
from sandbox.store import cache
from sandbox.store.build import ProgressFn, build_database

BUSY_TIMEOUT_MS = 30_000
logger = logging.getLogger("sandbox")


class DatabaseMismatchError(RuntimeError):
    """The database file given was built for other corpus parameters."""


class Database:
    """A pool of connections to one SQLite file; `read()` and `write()` borrow one per transaction."""

    def __init__(self, path: Path, *, owned_dir: Path | None = None) -> None:
        self.path = path
        self._owned_dir = owned_dir  # a private throw-away copy, deleted on close
        if owned_dir is not None:  # ... or when garbage-collected / at exit if never closed
            self._cleanup = weakref.finalize(self, shutil.rmtree, owned_dir, True)
        self._idle: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA synchronous = FULL")  # an acknowledged annotation survives a crash
        conn.execute("PRAGMA cache_size = -32768")  # 32 MiB per connection
        with self._lock:
            if self._closed:
                conn.close()
                raise RuntimeError("database is closed")
            self._all.append(conn)
        return conn

    @contextmanager
    def _borrow(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            conn = self._connect()
        try:
            yield conn
        finally:
            if conn.in_transaction:  # a failure mid-transaction must not leak into the next borrower
                conn.execute("ROLLBACK")
            self._idle.put(conn)

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees the same snapshot (page and total agree)."""
        with self._borrow() as conn:
            conn.execute("BEGIN")
            yield conn
            conn.execute("COMMIT")

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, taken up front (BEGIN IMMEDIATE) so check-then-insert is atomic."""
        with self._borrow() as conn:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            connections, self._all = self._all, []
        for conn in connections:
            conn.close()
        if self._owned_dir is not None:
            self._cleanup()


def open_database(
    db: Path | None,
    corpus: Corpus,
    *,
    memory: bool = False,
    cache_dir: Path | None = None,
    progress: ProgressFn | None = None,
    imports: Sequence[Path] = (),
) -> Database:
    """The database for `corpus`: the cached build (db None), a throw-away copy of it (memory), or `db`.

    `imports`: files or folders of your own contracts, added to it (see `sandbox.importing`).
    """
    if db is not None and not memory:
        key = cache.generator_key()
        if db.exists():
            _check_corpus(db, corpus, key)
        else:
            build_database(db, corpus, key, progress)
        if imports:
            import_into(db, imports, corpus.as_of)  # contracts already there are skipped: cheap on every start
        return Database(db)
    cached = cached_corpus(corpus, cache_dir, progress)
    if imports:
        cached = cached_with_imports(cached, imports, corpus.as_of)
    if not memory:
        return Database(cached)
    owned = Path(tempfile.mkdtemp(prefix="sandbox-db-"))
    copy = owned / "sandbox.db"
    copy_database(cached, copy)
    return Database(copy, owned_dir=owned)


def cached_corpus(corpus: Corpus, cache_dir: Path | None = None, progress: ProgressFn | None = None) -> Path:
    """The cached build of `corpus`, built first if missing (old builds of the same corpus are removed)."""
    key = cache.generator_key()
    cached = cache.cached_corpus_path(cache_dir or cache.default_cache_dir(), corpus, key)
    if not cached.exists():
        build_database(cached, corpus, key, progress)
        for stale in [*cache.stale_siblings(cached, corpus), *cache.outdated_days(cached, corpus)]:
            for suffix in ("", "-wal", "-shm"):  # SQLite's WAL files go with their database
                stale.with_name(stale.name + suffix).unlink(missing_ok=True)
    return cached


def cached_with_imports(
    cached: Path,
    imports: Sequence[Path],
    as_of: date,
    on_result: Callable[[ImportResult], None] | None = None,
) -> Path:
    """A cached copy of a corpus build with the files under `imports` added (keyed by what they hold now).

    Built beside the corpus build under a temporary name and renamed into place, like the corpus
    itself; older builds for other versions of the files are removed.
    """
    path = cached.with_name(f"{cached.stem}-imp{import_digest(imports)}.db")
    if path.exists() and on_result is None:
        return path
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        if path.exists():
            copy_database(path, tmp)
        else:
            copy_database(cached, tmp)
        import_into(tmp, imports, as_of, on_result)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    for stale in path.parent.glob(f"{cached.stem}-imp*.db"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return path


def copy_database(source_path: Path, target_path: Path) -> None:
    """A private copy of a database (SQLite backup: consistent even while another process writes)."""
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode = WAL")
    finally:
        source.close()
        target.close()


def _check_corpus(path: Path, corpus: Corpus, key: str) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as exc:
        raise DatabaseMismatchError(f"{path} is not a sandbox database: {exc}") from exc
    finally:
        conn.close()
    try:
        built_for = Corpus.model_validate_json(meta.get("corpus", ""))
    except ValueError as exc:
        raise DatabaseMismatchError(f"{path} has no readable corpus parameters: {exc}") from exc
    if built_for != corpus:
        raise DatabaseMismatchError(
            f"{path} holds a corpus built with {built_for.model_dump(mode='json')}, not "
            f"{corpus.model_dump(mode='json')}: pass matching --contracts/--seed/--as-of or another --db"
        )
    if meta.get("generator_key") != key:
        # Kept as is: it may hold annotations. Delete the file to rebuild it with the current generator.
        logger.warning("%s was built by an older corpus generator (delete it to rebuild)", path)
