"""Full report results the client fetches as MCP resources (CSV), while the tool returns a summary.

Reports persist in the installation's state directory until they expire, so a report made by
one server process can be read by the next (the MCP Inspector CLI starts a server per call); with
`<env_prefix>STATE_URL` set they live in Redis instead (`RedisReports`), readable by every replica.
The store is capped in count and bytes (oldest dropped first); files are mode 0600 and named
by a random id plus a MAC of the installation key, so a report id cannot be guessed or forged.

Remote mode serves several people from one store: `owned_by(owner)` is the view of one verified
identity, whose MAC also covers the owner, so a report is listed to and read by the identity that
made it only (another's id fails the MAC exactly like a forged one). The unowned view (stdio: one
person) is the store as it always was.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import hashlib
import hmac
import io
import json
import os
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from plugin.config.state import KeyRing
from plugin.toolkit.untrusted import strip_invisible

REPORTS_PATH = "reports/"
REPORT_TTL_SECONDS = 24 * 3600
MAX_REPORTS = 64
MAX_TOTAL_BYTES = 32 * 1024 * 1024
_ID = re.compile(r"^([0-9a-f]{16})-([0-9a-f]{16})\.csv$")


@dataclass(frozen=True)
class StoredReport:
    report_id: str
    uri: str
    title: str
    created: float
    expires: float
    size: int
    mime_type: str = "text/csv"


@dataclass(frozen=True)
class ReportMeta:
    title: str
    created: float
    expires: float


class ReportBackend(Protocol):
    """Where report bytes live: files in the state directory, or a Redis shared by replicas.

    It stores and returns what it is given; ids, MACs, expiry and the caps are the store's.
    """

    async def save(self, report_id: str, meta: ReportMeta, data: bytes) -> None: ...

    async def read(self, report_id: str) -> tuple[ReportMeta, bytes] | None: ...

    async def entries(self) -> list[tuple[str, ReportMeta, int]]:
        """(report id, metadata, size in bytes) of every report held, expired or not."""
        ...

    async def delete(self, report_ids: Sequence[str]) -> None: ...


class ReportStore:
    """`scheme` is the identity's resource scheme: a report's URI is `<scheme>://reports/<id>`.

    `storage` is a directory (local files) or a `ReportBackend` (e.g. `RedisReports`).
    """

    def __init__(
        self,
        scheme: str,
        storage: Path | ReportBackend,
        keys: KeyRing,
        *,
        ttl: float = REPORT_TTL_SECONDS,
        max_reports: int = MAX_REPORTS,
        max_bytes: int = MAX_TOTAL_BYTES,
    ) -> None:
        self.prefix = f"{scheme}://{REPORTS_PATH}"
        self.ttl = ttl
        self._backend: ReportBackend = FileReports(storage) if isinstance(storage, Path) else storage
        self._key = keys.installation_key("report-id")
        self._max_reports = max_reports
        self._max_bytes = max_bytes
        self._owner: str | None = None

    def owned_by(self, owner: str | None) -> ReportStore:
        """The same storage as seen by one identity (`None`: the single user of a stdio server)."""
        view = copy.copy(self)
        view._owner = owner
        return view

    def _tag(self, random_part: str) -> str:
        bound = random_part if self._owner is None else f"{random_part}\x00{self._owner}"
        return hmac.new(self._key, bound.encode(), hashlib.sha256).hexdigest()[:16]

    def _ours(self, report_id: str) -> bool:
        match = _ID.match(report_id)
        return match is not None and hmac.compare_digest(match.group(2), self._tag(match.group(1)))

    async def put_csv(self, headers: Sequence[str], rows: Sequence[Sequence[object]], *, title: str = "Report") -> str:
        """Store a CSV and return its resource URI."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for row in rows:
            # Text cells that a spreadsheet would run as a formula are neutralised (see `_safe_cell`).
            writer.writerow([_safe_cell(value) for value in row])
        data = buffer.getvalue().encode("utf-8")
        random_part = secrets.token_hex(8)
        report_id = f"{random_part}-{self._tag(random_part)}.csv"
        now = time.time()
        await self._backend.save(report_id, ReportMeta(title=title, created=now, expires=now + self.ttl), data)
        await self._prune()
        return self.prefix + report_id

    async def get(self, report_id: str) -> str | None:
        """The report's text, or None when it expired, was dropped, or is not one this installation made."""
        if not self._ours(report_id):
            return None
        found = await self._backend.read(report_id)
        if found is None or time.time() > found[0].expires:
            return None
        return found[1].decode("utf-8")

    async def live(self) -> list[StoredReport]:
        """Reports that have not expired, newest first."""
        now = time.time()
        found = [
            StoredReport(
                report_id=report_id,
                uri=self.prefix + report_id,
                title=str(meta.title)[:200],
                created=meta.created,
                expires=meta.expires,
                size=size,
            )
            for report_id, meta, size in await self._backend.entries()
            if self._ours(report_id) and now <= meta.expires
        ]
        return sorted(found, key=lambda r: r.created, reverse=True)

    async def _prune(self) -> None:
        """Drop expired reports, then the oldest until the count and byte caps hold.

        Over every owner's reports: a view cannot check another owner's MAC, and must not drop their
        reports as if they were forged."""
        now = time.time()
        held = await self._backend.entries()
        keep: set[str] = set()
        total = 0
        for report_id, meta, size in sorted(held, key=lambda entry: entry[1].created, reverse=True):
            live = _ID.match(report_id) is not None and now <= meta.expires
            if live and len(keep) < self._max_reports and total + size <= self._max_bytes:
                keep.add(report_id)
                total += size
        await self._backend.delete([report_id for report_id, _meta, _size in held if report_id not in keep])


class FileReports:
    """Two files per report in one directory (mode 0600): `<id>` (the CSV) and `<id>.json` (its metadata)."""

    def __init__(self, directory: Path) -> None:
        self._dir = directory

    async def save(self, report_id: str, meta: ReportMeta, data: bytes) -> None:
        self._dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        body = {"title": meta.title, "created": meta.created, "expires": meta.expires}
        _write_private(self._dir / f"{report_id}.json", json.dumps(body).encode())
        _write_private(self._dir / report_id, data)

    async def read(self, report_id: str) -> tuple[ReportMeta, bytes] | None:
        try:
            meta = self._meta(report_id)
            return meta, (self._dir / report_id).read_bytes()
        except (OSError, ValueError, TypeError):
            return None

    def _meta(self, report_id: str) -> ReportMeta:
        meta = json.loads((self._dir / f"{report_id}.json").read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise ValueError("report metadata is not an object")
        return ReportMeta(
            title=str(meta.get("title", "Report")),
            created=float(meta.get("created", 0)),
            expires=float(meta.get("expires", 0)),
        )

    async def entries(self) -> list[tuple[str, ReportMeta, int]]:
        found = []
        with contextlib.suppress(OSError):
            for path in self._dir.iterdir():
                if not _ID.match(path.name):
                    continue
                try:
                    size = path.stat().st_size
                except OSError:
                    continue
                try:
                    meta = self._meta(path.name)
                except (OSError, ValueError, TypeError):
                    meta = ReportMeta(title="", created=0.0, expires=0.0)  # unreadable: expired, so pruned
                found.append((path.name, meta, size))
        return found

    async def delete(self, report_ids: Sequence[str]) -> None:
        for report_id in report_ids:
            for name in (report_id, f"{report_id}.json"):
                with contextlib.suppress(OSError):
                    (self._dir / name).unlink()


class RedisReports:
    """One Redis hash per report (`<ns>report:<id>`, expiring with the report) and an index sorted by creation.

    Any replica reads what another stored; the caps hold across replicas (whoever stores prunes).
    """

    def __init__(self, client: Any, prefix: str) -> None:
        self._redis = client  # redis.asyncio.Redis
        self._index = f"{prefix}reports"
        self._prefix = f"{prefix}report:"

    async def save(self, report_id: str, meta: ReportMeta, data: bytes) -> None:
        key = self._prefix + report_id
        ttl_ms = max(1, int((meta.expires - time.time()) * 1000))
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                key,
                mapping={
                    "title": meta.title,
                    "created": repr(meta.created),
                    "expires": repr(meta.expires),
                    "size": len(data),
                    "data": data,
                },
            )
            pipe.pexpire(key, ttl_ms)
            pipe.zadd(self._index, {report_id: meta.created})
            await pipe.execute()

    async def read(self, report_id: str) -> tuple[ReportMeta, bytes] | None:
        title, created, expires, data = await self._redis.hmget(
            self._prefix + report_id, ["title", "created", "expires", "data"]
        )
        if created is None or expires is None or data is None:
            return None
        meta = ReportMeta(title=bytes(title or b"Report").decode(), created=float(created), expires=float(expires))
        return meta, bytes(data)

    async def entries(self) -> list[tuple[str, ReportMeta, int]]:
        ids = [bytes(raw).decode() for raw in await self._redis.zrange(self._index, 0, -1)]
        if not ids:
            return []
        async with self._redis.pipeline(transaction=False) as pipe:
            for report_id in ids:
                pipe.hmget(self._prefix + report_id, ["title", "created", "expires", "size"])
            rows = await pipe.execute()
        found, gone = [], []
        for report_id, (title, created, expires, size) in zip(ids, rows, strict=True):
            if created is None or expires is None or size is None:
                gone.append(report_id)  # the hash expired: only its index entry is left
                continue
            meta = ReportMeta(title=bytes(title or b"Report").decode(), created=float(created), expires=float(expires))
            found.append((report_id, meta, int(size)))
        if gone:
            await self._redis.zrem(self._index, *gone)
        return found

    async def delete(self, report_ids: Sequence[str]) -> None:
        if not report_ids:
            return
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(*(self._prefix + report_id for report_id in report_ids))
            pipe.zrem(self._index, *report_ids)
            await pipe.execute()


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    tmp.replace(path)


_FORMULA_LEAD = frozenset("=+-@|")
# Spreadsheets skip leading whitespace and control characters before deciding a cell is a formula.
_IGNORED_LEAD = " \t\r\n\x0b\x0c\u00a0\u3000"


def _safe_cell(value: object) -> str:
    """A CSV cell no spreadsheet runs as a formula (OWASP CSV injection: a leading quote makes it text).

    Numbers stay numbers; text is checked after its leading whitespace and control characters, so
    `\\t=HYPERLINK(...)` and `\\r=1+1` are caught as well as `=1+1`, `@SUM(...)` and `|cmd`.
    """
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = strip_invisible(str(value))
    if text.lstrip(_IGNORED_LEAD)[:1] in _FORMULA_LEAD:
        return "'" + text
    return text
