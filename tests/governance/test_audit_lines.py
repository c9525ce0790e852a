"""Every audit record is exactly one line, whatever the arguments hold: line-splitting tools see one record."""

from __future__ import annotations

import json
from pathlib import Path

from plugin.observability.audit import AuditRecord, FileAuditSink, encode_record

# Every character str.splitlines() breaks on, and the C1/Unicode separators log shippers honour.
SEPARATORS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def record(value: str) -> AuditRecord:
    return AuditRecord(
        request_id="r1",
        mcp_request_id="1",
        session_id="s1",
        tool=f"tool{value}",
        arguments={"query": value, "nested": {"k": [value]}},
        outcome="ok",
        duration_ms=1.0,
        acting_user=None,
        client_name=f"client{value}",
        client_version=None,
        plugin_name="p",
        plugin_version="1",
    )


def test_line_separators_are_escaped(tmp_path: Path) -> None:
    value = "a" + "b".join(SEPARATORS) + "z"
    line = encode_record(record(value))
    assert len(line.splitlines()) == 1
    assert not set(SEPARATORS) & set(line)
    decoded = json.loads(line)
    assert decoded["arguments"]["query"] == value and decoded["tool"] == f"tool{value}"  # escaped, not lost
    path = tmp_path / "audit.jsonl"
    sink = FileAuditSink(path)
    sink.write(record(value))
    sink.write(record("plain"))
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2
    assert len(path.read_bytes().split(b"\n")) == 3  # two records, each ended by its one newline
