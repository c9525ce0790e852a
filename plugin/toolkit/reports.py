"""Full report results the client fetches as MCP resources (CSV), while the tool returns a summary.

Reports persist in the installation's state directory until they expire, so a report made by
one server process can be read by the next (the MCP Inspector CLI starts a server per call).
The store is capped in count and bytes (oldest dropped first); files are mode 0600 and named
by a random id plus a MAC of the installation key, so a report id cannot be guessed or forged.
"""

from __future__ import annotations

import contextlib
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


class ReportStore:
    """`scheme` is the identity's resource scheme: a report's URI is `<scheme>://reports/<id>`."""

    def __init__(
        self,
        scheme: str,
        directory: Path,
        keys: KeyRing,
        *,
        ttl: float = REPORT_TTL_SECONDS,
        max_reports: int = MAX_REPORTS,
        max_bytes: int = MAX_TOTAL_BYTES,
    ) -> None:
        self.prefix = f"{scheme}://{REPORTS_PATH}"
        self.ttl = ttl
        self._dir = directory
        self._key = keys.installation_key("report-id")
        self._max_reports = max_reports
        self._max_bytes = max_bytes

    def _tag(self, random_part: str) -> str:
        return hmac.new(self._key, random_part.encode(), hashlib.sha256).hexdigest()[:16]

    def put_csv(self, headers: Sequence[str], rows: Sequence[Sequence[object]], *, title: str = "Report") -> str:
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
        meta = {"title": title, "created": now, "expires": now + self.ttl}
        self._dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        _write_private(self._dir / f"{report_id}.json", json.dumps(meta).encode())
        _write_private(self._dir / report_id, data)
        self._prune()
        return self.prefix + report_id

    def get(self, report_id: str) -> str | None:
        """The report's text, or None when it expired, was dropped, or is not one this installation made."""
        stored = self._stored(report_id)
        if stored is None:
            return None
        try:
            return (self._dir / report_id).read_text(encoding="utf-8")
        except OSError:
            return None

    def live(self) -> list[StoredReport]:
        """Reports that have not expired, newest first."""
        found = []
        with contextlib.suppress(OSError):
            for path in self._dir.iterdir():
                stored = self._stored(path.name)
                if stored is not None:
                    found.append(stored)
        return sorted(found, key=lambda r: r.created, reverse=True)

    def _stored(self, report_id: str) -> StoredReport | None:
        match = _ID.match(report_id)
        if match is None or not hmac.compare_digest(match.group(2), self._tag(match.group(1))):
            return None
        try:
            meta = json.loads((self._dir / f"{report_id}.json").read_text(encoding="utf-8"))
            size = (self._dir / report_id).stat().st_size
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or time.time() > float(meta.get("expires", 0)):
            return None
        return StoredReport(
            report_id=report_id,
            uri=self.prefix + report_id,
            title=str(meta.get("title", "Report"))[:200],
            created=float(meta.get("created", 0)),
            expires=float(meta["expires"]),
            size=size,
        )

    def _prune(self) -> None:
        """Drop expired reports, then the oldest until the count and byte caps hold."""
        live = self.live()
        keep: set[str] = set()
        total = 0
        for report in live:  # newest first
            if len(keep) < self._max_reports and total + report.size <= self._max_bytes:
                keep.add(report.report_id)
                total += report.size
        with contextlib.suppress(OSError):
            for path in self._dir.iterdir():
                name = path.name.removesuffix(".json")
                if _ID.match(name) and name not in keep:
                    with contextlib.suppress(OSError):
                        path.unlink()


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
