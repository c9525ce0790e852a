"""The pilot telemetry report computed from audit records."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from plugin.observability.audit import AuditRecord, FileAuditSink
from plugin.observability.audit_report import build_report, percentile, read_records, render, report_file

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def rec(session: str, n: int, tool: str, outcome: str, ms: float) -> AuditRecord:
    return AuditRecord(
        timestamp=T0 + timedelta(seconds=n),
        request_id=f"{session}-{n}",
        mcp_request_id=str(n),
        session_id=session,
        tool=tool,
        arguments={},
        outcome=outcome,
        duration_ms=ms,
        acting_user=None,
        client_name="pilot",
        client_version="1",
        plugin_name="contract-intelligence",
        plugin_version="0.1.0",
    )


def sample() -> list[AuditRecord]:
    rows = [rec("s1", i, "clm__search_contracts", "ok", float(i + 1)) for i in range(20)]  # 1..20 ms
    rows += [
        rec("s1", 30, "clm__get_contract", "error:not_found", 5.0),
        rec("s1", 31, "clm__get_contract", "ok", 7.0),  # s1 recovered: not abandoned
        rec("s2", 1, "clm__read_contract", "ok", 3.0),
        rec("s2", 2, "clm__read_contract", "error:rate_limited", 4.0),  # s2 ended on an error
        rec("s3", 1, "clm__get_contract", "exception:KeyError", 9.0),  # s3 ended on a crash
    ]
    return rows


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 0.5) == 10.0 and percentile(values, 0.95) == 19.0
    assert percentile([4.0], 0.95) == 4.0 and percentile([], 0.5) == 0.0


def test_report_counts_errors_latency_and_abandoned_sessions() -> None:
    report = build_report(sample())
    by_tool = {t.tool: t for t in report.tools}
    assert report.records == 25 and report.sessions == 3
    assert by_tool["clm__search_contracts"].calls == 20 and by_tool["clm__search_contracts"].errors == 0
    assert (by_tool["clm__search_contracts"].p50_ms, by_tool["clm__search_contracts"].p95_ms) == (10.0, 19.0)
    assert by_tool["clm__get_contract"].calls == 3 and by_tool["clm__get_contract"].errors == 2
    assert report.errors_by_code == {"not_found": 1, "rate_limited": 1, "exception:KeyError": 1}
    assert [(a.session_id, a.last_outcome) for a in report.abandoned] == [
        ("s2", "error:rate_limited"),
        ("s3", "exception:KeyError"),
    ]
    text = "\n".join(render(report, "sample"))
    assert "Sessions that ended right after an error: 2 of 3" in text
    assert "clm__get_contract" in text and "66.7%" in text


def test_unreadable_lines_are_counted_not_fatal() -> None:
    good = sample()[0].model_dump_json()
    records, skipped = read_records([good, "", "not json", '{"tool": "x"}', good[:20]])
    assert len(records) == 1 and skipped == 3


def test_cli_reads_the_file_the_sink_wrote(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    sink = FileAuditSink(path)
    for row in sample():
        sink.write(row)
    assert report_file(path).records == 25
    proc = subprocess.run(
        [sys.executable, "server.py", "audit-report", "--file", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "25 calls in 3 sessions" in proc.stdout and "rate_limited" in proc.stdout
    missing = subprocess.run(
        [sys.executable, "server.py", "audit-report", "--file", str(tmp_path / "nope.jsonl")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert missing.returncode == 2 and "cannot read the audit file" in missing.stderr


def test_cli_defaults_to_the_configured_audit_file(tmp_path: Path) -> None:
    path = tmp_path / "configured.jsonl"
    sink = FileAuditSink(path)
    for row in sample()[:5]:
        sink.write(row)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLM_")}
    proc = subprocess.run(
        [sys.executable, "server.py", "audit-report"],
        cwd=ROOT,
        env={**env, "CLM_AUDIT": f"file:{path}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"Audit report: {path}" in proc.stdout and "5 calls in 1 session\n" in proc.stdout
    not_a_file = subprocess.run(
        [sys.executable, "server.py", "audit-report"],
        cwd=ROOT,
        env={**env, "CLM_AUDIT": "stderr"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert not_a_file.returncode == 2 and "pass --file FILE" in not_a_file.stderr
