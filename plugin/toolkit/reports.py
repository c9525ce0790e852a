"""Full report results kept for the client to fetch as an MCP resource (CSV), while the tool returns a summary."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence

from cachetools import TTLCache

from plugin.toolkit.untrusted import strip_invisible

REPORTS_PATH = "reports/"


class ReportStore:
    """Recent reports by id, in memory for an hour (a report is a snapshot, not a record).

    `scheme` is the identity's resource scheme: a report's URI is `<scheme>://reports/<id>`.
    """

    def __init__(self, scheme: str, maxsize: int = 32, ttl: float = 3600) -> None:
        self.prefix = f"{scheme}://{REPORTS_PATH}"
        self._reports: TTLCache[str, str] = TTLCache(maxsize=maxsize, ttl=ttl)

    def put_csv(self, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
        """Store a CSV and return its resource URI."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for row in rows:
            # Text cells that a spreadsheet would run as a formula are neutralised (see `_safe_cell`).
            writer.writerow([_safe_cell(value) for value in row])
        report_id = f"{uuid.uuid4().hex[:12]}.csv"
        self._reports[report_id] = buffer.getvalue()
        return self.prefix + report_id

    def get(self, report_id: str) -> str | None:
        return self._reports.get(report_id)


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
