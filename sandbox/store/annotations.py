"""Annotations and their idempotency keys.

`create_annotation` runs inside a write transaction taken with BEGIN IMMEDIATE, so the check for
an earlier use of the key and the insert are one atomic step: twenty identical concurrent POSTs
create one row, and the other nineteen replay it.
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


@dataclass(frozen=True)
class CreateOutcome:
    annotation: Annotation
    replayed: bool  # True: the key was seen before with this same request; nothing new was written


def request_fingerprint(contract_id: str, create: AnnotationCreate, author: str) -> str:
    canonical = json.dumps(
        {"contract_id": contract_id, "annotation": create.model_dump(mode="json"), "author": author},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def create_annotation(
    conn: sqlite3.Connection, client_id: str, key: str, contract_id: str, create: AnnotationCreate, author: str
) -> CreateOutcome:
    """Insert once per (client, key); call inside `Database.write()`."""
    fingerprint = request_fingerprint(contract_id, create, author)
    seen = conn.execute(
        "SELECT fingerprint, annotation_id FROM idempotency_keys WHERE client_id = ? AND key = ?", (client_id, key)
    ).fetchone()
    if seen is not None:
        if seen["fingerprint"] != fingerprint:
            raise IdempotencyConflictError(key)
        original = conn.execute("SELECT * FROM annotations WHERE id = ?", (seen["annotation_id"],)).fetchone()
        return CreateOutcome(_from_row(original), replayed=True)
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
            annotation.target.model_dump_json() if annotation.target is not None else None,
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
