"""Annotations and their idempotency keys.

`create_annotation` runs inside a write transaction taken with BEGIN IMMEDIATE, so the check for
an earlier use of the key and the insert are one atomic step: twenty identical concurrent POSTs
create one row, and the other nineteen replay it.

Two more guards make notes trustworthy: the same author writing the same body on the same target
of a contract again (under a new key) gets the existing note back, flagged as a duplicate, and a
target must exist in the document (a section of its section list, offsets inside its text).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sandbox.api_models import Annotation, AnnotationCreate, AnnotationTarget
from sandbox.store.paging import KeysetOrder, KeyValue, Position, Slice, split_page

ORDER: Final = KeysetOrder("seq", "id")


class IdempotencyConflictError(Exception):
    """The idempotency key was already used for a different request."""


class TargetError(Exception):
    """The annotation's target does not exist in the document."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class CreateOutcome:
    annotation: Annotation
    replayed: bool  # True: the key was seen before with this same request; nothing new was written
    duplicate: bool = False  # True: the same author had written this body on this target; nothing new written


def check_target(conn: sqlite3.Connection, contract_seq: int, target: AnnotationTarget | None) -> None:
    """Raise TargetError naming the field unless `target` exists in the contract's document."""
    if target is None:
        return
    span: tuple[int, int] | None = None
    if target.section is not None:
        row = conn.execute(
            "SELECT start, end_ FROM sections WHERE contract_seq = ? AND number = ? ORDER BY start LIMIT 1",
            (contract_seq, target.section),
        ).fetchone()
        if row is None:
            known = [r[0] for r in conn.execute(
                "SELECT number FROM sections WHERE contract_seq = ? ORDER BY start LIMIT 12", (contract_seq,)
            )]  # fmt: skip
            listed = f"its sections include {', '.join(known)}" if known else "it has no numbered sections"
            raise TargetError("target.section", f"no section {target.section!r} in this document; {listed}")
        span = (row["start"], row["end_"])
    if target.start is None and target.end is None:
        return
    if target.start is None or target.end is None:
        missing = "target.start" if target.start is None else "target.end"
        raise TargetError(missing, "give both target.start and target.end, or neither")
    total, has_text = conn.execute(
        "SELECT total_chars, has_text FROM documents WHERE contract_seq = ?", (contract_seq,)
    ).fetchone()
    if not has_text:
        raise TargetError("target.start", "the document has no text (scanned): offsets cannot point into it")
    if target.end <= target.start:
        raise TargetError("target.end", "must be greater than target.start")
    if target.end > total:
        raise TargetError("target.end", f"is past the end of the document ({total} characters)")
    if span is not None and not (span[0] <= target.start and target.end <= span[1]):
        raise TargetError("target.start", f"offsets lie outside section {target.section} ({span[0]}-{span[1]})")


def _same_body(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def request_fingerprint(contract_id: str, create: AnnotationCreate, author: str) -> str:
    canonical = json.dumps(
        {"contract_id": contract_id, "annotation": create.model_dump(mode="json"), "author": author},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def create_annotation(
    conn: sqlite3.Connection,
    client_id: str,
    key: str,
    contract_id: str,
    create: AnnotationCreate,
    author: str,
    contract_seq: int,
) -> CreateOutcome:
    """Insert once per (client, key); call inside `Database.write()`.

    A key already used answers first (a replay, or a conflict); only then is the target checked.
    """
    fingerprint = request_fingerprint(contract_id, create, author)
    seen = conn.execute(
        "SELECT fingerprint, annotation_id FROM idempotency_keys WHERE client_id = ? AND key = ?", (client_id, key)
    ).fetchone()
    if seen is not None:
        if seen["fingerprint"] != fingerprint:
            raise IdempotencyConflictError(key)
        original = conn.execute("SELECT * FROM annotations WHERE id = ?", (seen["annotation_id"],)).fetchone()
        return CreateOutcome(_from_row(original), replayed=True)
    check_target(conn, contract_seq, create.target)
    target_json = create.target.model_dump_json() if create.target is not None else None
    for row in conn.execute(
        "SELECT * FROM annotations WHERE contract_id = ? AND author = ? AND target IS ? ORDER BY seq",
        (contract_id, author, target_json),
    ).fetchall():
        if _same_body(row["body"], create.body):
            # Remember the key too: a retry of this request replays this answer.
            conn.execute(
                "INSERT INTO idempotency_keys (client_id, key, fingerprint, annotation_id) VALUES (?, ?, ?, ?)",
                (client_id, key, fingerprint, row["id"]),
            )
            return CreateOutcome(_from_row(row), replayed=False, duplicate=True)
    annotation = Annotation(
        id=f"ann_{uuid.uuid4().hex[:24]}",
        contract_id=contract_id,
        body=create.body,
        target=create.target,
        author=author,
        author_type=create.author_type,
        created_at=datetime.now(UTC),
    )
    conn.execute(
        "INSERT INTO annotations (id, contract_id, body, target, author, author_type, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            annotation.id,
            contract_id,
            annotation.body,
            target_json,
            author,
            annotation.author_type,
            annotation.created_at.isoformat(),
        ),
    )
    conn.execute(
        "INSERT INTO idempotency_keys (client_id, key, fingerprint, annotation_id) VALUES (?, ?, ?, ?)",
        (client_id, key, fingerprint, annotation.id),
    )
    return CreateOutcome(annotation, replayed=False)


def list_annotations(
    conn: sqlite3.Connection, contract_id: str, after: Position | None, limit: int
) -> Slice[Annotation]:
    total = conn.execute("SELECT count(*) FROM annotations WHERE contract_id = ?", (contract_id,)).fetchone()[0]
    clauses: list[str] = ["contract_id = ?"]
    params: list[KeyValue] = [contract_id]
    if after is not None:
        keyset_sql, keyset_params = ORDER.after(after)
        clauses.append(keyset_sql)
        params.extend(keyset_params)
    rows = conn.execute(
        f"SELECT * FROM annotations WHERE {' AND '.join(clauses)} ORDER BY {ORDER.order_by()} LIMIT ?",  # noqa: S608
        [*params, limit + 1],
    ).fetchall()
    rows, next_position = split_page(rows, limit, "seq")
    return Slice(rows=[_from_row(r) for r in rows], next_position=next_position, total=total)


def get_annotation(conn: sqlite3.Connection, contract_id: str, annotation_id: str) -> Annotation | None:
    row = conn.execute(
        "SELECT * FROM annotations WHERE id = ? AND contract_id = ?", (annotation_id, contract_id)
    ).fetchone()
    return _from_row(row) if row is not None else None


def _from_row(row: sqlite3.Row) -> Annotation:
    return Annotation(
        id=row["id"],
        contract_id=row["contract_id"],
        body=row["body"],
        target=AnnotationTarget.model_validate_json(row["target"]) if row["target"] is not None else None,
        author=row["author"],
        author_type=row["author_type"],
        created_at=datetime.fromisoformat(row["created_at"]),
    )
