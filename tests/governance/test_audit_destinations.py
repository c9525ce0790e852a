"""Audit destinations: parsing CLM_AUDIT, file / stderr / syslog sinks, and failures that are never silent."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pytest

from plugin.observability.audit import (
    AuditConfigError,
    AuditWriteError,
    FileAuditSink,
    StreamAuditSink,
    SyslogAuditSink,
    audit_arguments,
    default_audit_path,
    open_audit_sink,
    parse_destination,
)
from tests.audit_records import record
from tests.plugin_parts import IDENTITY


@pytest.mark.parametrize(
    ("spec", "kind", "detail"),
    [
        ("off", "off", "off"),
        ("stderr", "stderr", "stderr"),
        ("file:/tmp/x/audit.jsonl", "file", "file /tmp/x/audit.jsonl"),
        ("syslog:/dev/log", "syslog", "syslog /dev/log"),
        ("syslog:127.0.0.1:5514", "syslog", "syslog udp://127.0.0.1:5514"),
        ("syslog:udp://siem.example:6514", "syslog", "syslog udp://siem.example:6514"),
        ("syslog:tcp://siem.example:6514", "syslog", "syslog tcp://siem.example:6514"),
        ("syslog:siem.example", "syslog", "syslog udp://siem.example:514"),
    ],
)
def test_parse_destination(spec: str, kind: str, detail: str) -> None:
    where = parse_destination(spec, IDENTITY)
    assert where.kind == kind
    assert where.describe() == detail


def test_default_file_is_under_the_user_state_dir() -> None:
    where = parse_destination("file", IDENTITY)
    assert where.path == default_audit_path(IDENTITY.name)
    assert where.path.parent == platformdirs.user_state_path("contract-intelligence")


@pytest.mark.parametrize(
    "spec", ["", "files:/tmp/a", "stdout", "off:now", "syslog:host:notaport", "syslog:host:70000", "syslog:udp://:5"]
)
def test_malformed_destination_is_a_config_error(spec: str) -> None:
    with pytest.raises(AuditConfigError, match="CLM_AUDIT"):
        parse_destination(spec, IDENTITY)


def test_file_sink_appends_one_json_line_per_record(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "audit.jsonl"
    sink = open_audit_sink(f"file:{path}", IDENTITY)
    assert isinstance(sink, FileAuditSink) and path.exists()
    sink.write(record(request_id="a"))
    sink.write(record(request_id="b"))
    lines = path.read_text().splitlines()
    assert [json.loads(line)["request_id"] for line in lines] == ["a", "b"]
    assert json.loads(lines[0])["timestamp"].endswith("Z") or "+00:00" in json.loads(lines[0])["timestamp"]


def test_unwritable_file_fails_at_open_not_at_first_call(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "plain-file"
    not_a_dir.write_text("x")  # a path under a regular file cannot be created, even by root
    with pytest.raises(AuditConfigError, match="cannot write the audit file"):
        open_audit_sink(f"file:{not_a_dir / 'audit.jsonl'}", IDENTITY)


def test_write_failure_raises_and_ready_turns_false(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    sink = FileAuditSink(path)
    assert sink.ready()
    path.unlink()
    path.mkdir()  # the file was replaced under us (e.g. a broken rotation): appending now fails
    assert not sink.ready()
    with pytest.raises(AuditWriteError, match=str(path)):
        sink.write(record())


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_disk_full_is_a_write_error() -> None:
    sink = FileAuditSink(Path("/dev/full"))
    with pytest.raises(AuditWriteError, match="/dev/full"):
        sink.write(record())


def test_stream_sink_writes_json_lines() -> None:
    buffer = io.StringIO()
    sink = StreamAuditSink(buffer)
    sink.write(record(tool="clm__get_contract"))
    assert json.loads(buffer.getvalue())["tool"] == "clm__get_contract"
    buffer.close()
    with pytest.raises(AuditWriteError):
        sink.write(record())


@pytest.fixture
def syslog_receiver() -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    yield sock
    sock.close()


def test_syslog_sink_sends_the_record_over_udp(syslog_receiver: socket.socket) -> None:
    port = syslog_receiver.getsockname()[1]
    sink = open_audit_sink(f"syslog:127.0.0.1:{port}", IDENTITY)
    assert isinstance(sink, SyslogAuditSink)
    try:
        sink.write(record(request_id="syslog-1", record_ids=["c-1"]))
    finally:
        sink.close()
    datagram = syslog_receiver.recv(65536).decode()
    # <PRI> with facility user (1) and severity info (6) = 14, then our ident, then the JSON record.
    assert datagram.startswith("<14>contract-intelligence: {")
    payload = json.loads(datagram.split(": ", 1)[1])
    assert payload["request_id"] == "syslog-1" and payload["record_ids"] == ["c-1"]


def test_syslog_over_tcp_frames_records_and_reconnects() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5)
    port = listener.getsockname()[1]
    sink = open_audit_sink(f"syslog:tcp://127.0.0.1:{port}", IDENTITY)
    assert isinstance(sink, SyslogAuditSink)
    try:
        conn, _ = listener.accept()
        sink.write(record(request_id="t1"))
        sink.write(record(request_id="t2"))
        received = b""
        while received.count(b"\n") < 2:
            received += conn.recv(65536)
        lines = received.decode().splitlines()
        assert [json.loads(line.split(": ", 1)[1])["request_id"] for line in lines] == ["t1", "t2"]
        conn.close()  # the collector goes away: a write fails loudly (maybe one later, TCP buffers)...
        with pytest.raises(AuditWriteError):
            for _ in range(50):
                sink.write(record(request_id="lost"))
        sink.write(record(request_id="t3"))  # ... and the next record reconnects
        conn, _ = listener.accept()
        conn.settimeout(5)
        assert b'"request_id":"t3"' in conn.recv(65536)
        conn.close()
    finally:
        sink.close()
        listener.close()


def test_syslog_to_a_missing_local_socket_fails_at_open(tmp_path: Path) -> None:
    with pytest.raises(AuditConfigError, match="cannot open the audit syslog"):
        open_audit_sink(f"syslog:{tmp_path / 'no-such-socket'}", IDENTITY)


def test_arguments_are_redacted_and_truncated() -> None:
    args = audit_arguments(
        {
            "q": "x" * 500,
            "note": "the full body of an annotation",
            "client_secret": "hunter2hunter2",
            "nested": {"authorization": "Bearer abcdefghijkl", "ok": 1},
            "ids": [str(i) for i in range(50)],
        }
    )
    assert isinstance(args["q"], str) and len(args["q"]) < 260 and "(500 chars)" in args["q"]
    assert args["note"] == "[REDACTED] (30 chars)"
    assert args["client_secret"] == "[REDACTED]"
    assert args["nested"] == {"authorization": "[REDACTED]", "ok": 1}
    assert isinstance(args["ids"], list) and len(args["ids"]) == 20
