"""Telemetry for pilots, from the audit trail: `python server.py audit-report [--file F]`.

Per tool: calls, error rate, p50/p95 latency; errors by code; and the sessions whose last call
failed (where users gave up on a workflow). Reads JSON lines written by `plugin.observability.audit`; lines that
are not audit records (a truncated last line, another program's output) are counted and skipped.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from plugin.observability.audit import AuditRecord


class ToolStats(BaseModel):
    model_config = ConfigDict(frozen=True)

    tool: str
    calls: int
    errors: int
    p50_ms: float
    p95_ms: float

    @property
    def error_rate(self) -> float:
        return self.errors / self.calls if self.calls else 0.0


class AbandonedSession(BaseModel):
    """A session whose last call ended in an error: the user likely gave up there."""

    model_config = ConfigDict(frozen=True)

    session_id: str
    calls: int
    last_tool: str
    last_outcome: str
    client_name: str | None


class TelemetryReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    records: int
    skipped_lines: int
    sessions: int
    tools: list[ToolStats]
    errors_by_code: dict[str, int]
    abandoned: list[AbandonedSession]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation: every figure is a latency that really happened)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(len(ordered) * fraction))
    return ordered[rank - 1]


def read_records(lines: Iterable[str]) -> tuple[list[AuditRecord], int]:
    records: list[AuditRecord] = []
    skipped = 0
    for line in lines:
        if not line.strip():
            continue
        try:
            records.append(AuditRecord.model_validate(json.loads(line)))
        except (ValueError, ValidationError):
            skipped += 1
    return records, skipped


def error_code(outcome: str) -> str | None:
    """`error:not_found` -> `not_found`; `exception:KeyError` -> `exception:KeyError`; ok -> None."""
    if outcome == "ok":
        return None
    kind, _, detail = outcome.partition(":")
    return detail if kind == "error" and detail else outcome


def build_report(records: list[AuditRecord], skipped_lines: int = 0) -> TelemetryReport:
    by_tool: dict[str, list[AuditRecord]] = defaultdict(list)
    by_session: dict[str, list[AuditRecord]] = defaultdict(list)
    for record in records:
        by_tool[record.tool].append(record)
        by_session[record.session_id].append(record)
    tools = [
        ToolStats(
            tool=tool,
            calls=len(rows),
            errors=sum(1 for r in rows if r.outcome != "ok"),
            p50_ms=percentile([r.duration_ms for r in rows], 0.50),
            p95_ms=percentile([r.duration_ms for r in rows], 0.95),
        )
        for tool, rows in sorted(by_tool.items())
    ]
    codes = Counter(code for r in records if (code := error_code(r.outcome)) is not None)
    abandoned = []
    for session_id, rows in by_session.items():
        last = max(rows, key=lambda r: r.timestamp)
        if last.outcome != "ok":
            abandoned.append(
                AbandonedSession(
                    session_id=session_id,
                    calls=len(rows),
                    last_tool=last.tool,
                    last_outcome=last.outcome,
                    client_name=last.client_name,
                )
            )
    return TelemetryReport(
        records=len(records),
        skipped_lines=skipped_lines,
        sessions=len(by_session),
        tools=tools,
        errors_by_code=dict(codes.most_common()),
        abandoned=sorted(abandoned, key=lambda a: a.session_id),
    )


def report_file(path: Path) -> TelemetryReport:
    with path.open(encoding="utf-8", errors="replace") as handle:
        records, skipped = read_records(handle)
    return build_report(records, skipped)


def render(report: TelemetryReport, source: str) -> Iterator[str]:
    yield f"Audit report: {source}"
    yield (
        f"{report.records} calls in {report.sessions} session{'' if report.sessions == 1 else 's'}"
        + (f" ({report.skipped_lines} unreadable lines skipped)" if report.skipped_lines else "")
    )
    yield ""
    yield f"{'tool':<28} {'calls':>6} {'errors':>6} {'error %':>8} {'p50 ms':>9} {'p95 ms':>9}"
    for row in report.tools:
        yield (
            f"{row.tool:<28} {row.calls:>6} {row.errors:>6} {row.error_rate * 100:>7.1f}% "
            f"{row.p50_ms:>9.1f} {row.p95_ms:>9.1f}"
        )
    all_calls = sum(r.calls for r in report.tools)
    all_errors = sum(r.errors for r in report.tools)
    if all_calls:
        yield f"{'(all)':<28} {all_calls:>6} {all_errors:>6} {all_errors / all_calls * 100:>7.1f}%"
    yield ""
    yield "Errors by code:"
    if not report.errors_by_code:
        yield "  none"
    for code, count in report.errors_by_code.items():
        share = count / all_calls * 100 if all_calls else 0.0
        yield f"  {code:<34} {count:>6}  ({share:.1f}% of calls)"
    yield ""
    yield f"Sessions that ended right after an error: {len(report.abandoned)} of {report.sessions}"
    for item in report.abandoned:
        client = f", client {item.client_name}" if item.client_name else ""
        yield f"  {item.session_id}: last call {item.last_tool} -> {item.last_outcome} ({item.calls} calls{client})"
