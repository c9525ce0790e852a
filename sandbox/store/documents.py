"""Document text: stored compressed, decompressed on demand, recent ones kept for chunked reads."""

from __future__ import annotations

import sqlite3
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass

from sandbox.api_models import DocumentInfo
from sandbox.store.access import ContractView
from sandbox.store.paging import where_sql


@dataclass(frozen=True)
class StoredDocument:
    seq: int
    info: DocumentInfo
    text: str


class DocumentCache:
    """Decompressed texts of the most recently read documents (a reader pages through one at a time)."""

    def __init__(self, max_documents: int = 16) -> None:
        self._max = max_documents
        self._texts: OrderedDict[int, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, seq: int) -> str | None:
        with self._lock:
            text = self._texts.get(seq)
            if text is not None:
                self._texts.move_to_end(seq)
            return text

    def put(self, seq: int, text: str) -> None:
        with self._lock:
            self._texts[seq] = text
            self._texts.move_to_end(seq)
            while len(self._texts) > self._max:
                self._texts.popitem(last=False)


def load_document(
    conn: sqlite3.Connection, cache: DocumentCache, contract_id: str, view: ContractView
) -> StoredDocument | None:
    """The contract's document, or None when there is no such contract or `view` does not see it."""
    clauses, params = view.where()
    row = conn.execute(
        "SELECT d.contract_seq, d.total_chars, d.sha256, d.has_text, d.scanned, d.source_mime_type"  # noqa: S608
        f" FROM documents AS d JOIN contracts AS c ON c.seq = d.contract_seq {where_sql(['c.id = ?', *clauses])}",
        [contract_id, *params],
    ).fetchone()
    if row is None:
        return None
    seq = int(row["contract_seq"])
    info = DocumentInfo(
        total_chars=row["total_chars"],
        sha256=row["sha256"],
        has_text=bool(row["has_text"]),
        scanned=bool(row["scanned"]),
        source_mime_type=row["source_mime_type"],
    )
    text = cache.get(seq)
    if text is None:
        body = conn.execute("SELECT body FROM documents WHERE contract_seq = ?", (seq,)).fetchone()[0]
        text = zlib.decompress(body).decode("utf-8")
        cache.put(seq, text)
    return StoredDocument(seq=seq, info=info, text=text)
