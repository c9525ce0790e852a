"""The per-call fast paths give exactly what the general code gives (issue 15 point 7: every call cheaper).

The stdin reader reads chunks instead of a byte per system call; the Markdown cell cleaner skips its regexes
for printable ASCII; the structured result skips the secret walk when no registered value can be inside it.
Each is checked against the general code over generated inputs, chunk boundaries and secrets included.
stdout is written on the event loop (no worker thread per message) and keeps the SDK's guarantees: every byte
in order through a full pipe, and a stray print never on the protocol's pipe. A mandatory-audit call checks the
audit file's path once, not twice, and still follows a rotation.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import typing
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import plugin.observability.audit as audit
from plugin.observability.audit import AuditRecord, FileAuditSink, encode_record
from plugin.observability.redaction import REDACTED, SecretRegistry
from plugin.server.stdio import LoopLines, PipeWriter, split_lines
from plugin.toolkit.markdown import table
from plugin.toolkit.untrusted import _INVISIBLE, _WHITESPACE, clean_inline, inert_markdown, strip_invisible
from tests.audit_records import record

# Characters that matter to the cleaners: plain ASCII, white space of every kind, controls, invisible and
# bidi characters, a pipe and a backtick, and ordinary non-ASCII text.
_TRICKY = st.sampled_from(list("ab Z09.-|`  \t\n\r\x00\x07\x1b\x7f\x85\xa0\xad\u200b\u200e\u202e\u2028\ufeffé中"))
TEXT = st.lists(st.one_of(_TRICKY, st.characters()), max_size=60).map("".join)


def chunks_of(data: bytes, cuts: list[int]) -> Iterator[bytes]:
    edges = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    return (data[a:b] for a, b in itertools.pairwise(edges))


@given(
    st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=8),
    st.booleans(),
    st.lists(st.integers(0, 10_000), max_size=12),
)
def test_stdin_lines_are_the_same_whatever_the_chunks(lines: list[bytes], trailing: bool, cuts: list[int]) -> None:
    data = b"".join(line + b"\n" for line in lines) + (b"partial" if trailing else b"")
    pieces = iter([*chunks_of(data, cuts), b""])
    got = list(split_lines(lambda: next(pieces)))
    assert got == re.findall(rb"[^\n]*\n|[^\n]+$", data)
    assert b"".join(got) == data


def test_a_line_is_yielded_as_soon_as_it_is_complete() -> None:
    reads = iter([b'{"id": 1}\n{"id"', b": 2}\n", b""])
    lines = split_lines(lambda: next(reads))
    assert next(lines) == b'{"id": 1}\n'  # before the next read: a request is never held back by the one after
    assert next(lines) == b'{"id": 2}\n'


def _clean_inline_general(value: str, max_chars: int) -> str:
    """clean_inline's definition, step by step on every input: invisible characters out, white space collapsed, a
    pipe escaped unless an odd run of backslashes already escapes it, backticks made quotes, Markdown made inert,
    then cut."""
    text = _WHITESPACE.sub(" ", _INVISIBLE.sub("", value)).strip()
    text = re.sub(r"(?<!\\)((?:\\\\)*)\|", r"\1\\|", text).replace("`", "'")
    text = inert_markdown(text)
    return text[: max_chars - 1] + "…" if len(text) > max_chars else text


@given(TEXT, st.integers(1, 80))
def test_clean_inline_fast_path_is_the_general_one(value: str, max_chars: int) -> None:
    assert clean_inline(value, max_chars) == _clean_inline_general(value, max_chars)
    assert strip_invisible(value) == _INVISIBLE.sub("", value)


@given(TEXT)
def test_a_field_cleaned_twice_is_cleaned_once(value: str) -> None:
    """Tools clean fields for their output and tables clean every cell again: the second pass changes nothing."""
    once = clean_inline(value, 500)
    assert clean_inline(once, 500) == once


def test_a_name_with_a_pipe_stays_in_its_table_cell() -> None:
    name = clean_inline("ACME | Widgets Ltd")  # as a tool's output field holds it
    row = table(["counterparty", "status"], [[name, "active"]]).splitlines()[2]
    assert [c.strip() for c in gfm_cells(row)] == ["ACME \\| Widgets Ltd", "active"]


def gfm_cells(row: str) -> list[str]:
    """A GFM table row's cells: a pipe ends a cell unless an odd number of backslashes precede it."""
    cells, current, backslashes = [], "", 0
    for ch in row.strip()[1:-1]:
        if ch == "|" and backslashes % 2 == 0:
            cells.append(current)
            current = ""
        else:
            current += ch
        backslashes = backslashes + 1 if ch == "\\" else 0
    return [*cells, current]


STRUCTURE = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["a", "title", "b"]), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(STRUCTURE, st.lists(TEXT.filter(lambda s: len(s) >= 3), max_size=3))
def test_no_secret_walk_only_when_it_would_change_nothing(structure: object, secrets: list[str]) -> None:
    registry = SecretRegistry()
    for secret in secrets:
        registry.add(secret)
    encoded = json.dumps({"value": structure}, ensure_ascii=False, separators=(",", ":"))
    if registry.absent_from_json(encoded):
        assert registry.scrub_structure({"value": structure}) == {"value": structure}


def test_a_secret_json_would_escape_is_never_taken_as_absent() -> None:
    registry = SecretRegistry()
    registry.add('tok"en-value')
    assert not registry.absent_from_json(json.dumps({"t": "x"}))


def test_the_json_escape_flag_follows_the_registered_values(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = SecretRegistry()
    registry.add("plain-secret-value")
    assert not registry.json_escapes
    registry.add('quo"ted-secret', ttl=0.0)
    assert registry.json_escapes
    monkeypatch.setattr(audit, "SECRETS", registry)
    line = encode_record(record(arguments={"query": 'a quo"ted-secret b'}))
    assert 'quo\\"ted' not in line and REDACTED in json.loads(line)["arguments"]["query"]


def test_a_mandatory_audit_call_checks_the_path_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sink = FileAuditSink(tmp_path / "audit.jsonl")
    real_stat = os.stat
    paths: list[str] = []

    def counting(path: str, *args: object, **kwargs: object) -> os.stat_result:
        paths.append(str(path))
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", counting)
    for n in range(3):
        assert sink.ready()
        sink.write(record(request_id=f"r{n}"))
    sink.write(record(request_id="without ready"))  # optional audit: no ready(), the record checks for itself
    assert paths.count(str(tmp_path / "audit.jsonl")) == 4
    assert len((tmp_path / "audit.jsonl").read_text().splitlines()) == 4


def test_a_rotation_found_by_ready_sends_the_next_record_to_the_new_file(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    sink = FileAuditSink(path)
    assert sink.ready()
    sink.write(record(request_id="old"))
    path.rename(tmp_path / "audit.jsonl.1")
    assert sink.ready()
    sink.write(record(request_id="new"))
    path.unlink()
    assert sink.ready()  # deleted: recreated at once
    sink.write(record(request_id="newer"))
    sink.close()
    assert [json.loads(line)["request_id"] for line in (tmp_path / "audit.jsonl.1").read_text().splitlines()] == ["old"]
    assert [json.loads(line)["request_id"] for line in path.read_text().splitlines()] == ["newer"]


def _request_ids(path: Path) -> list[str]:
    return [json.loads(line)["request_id"] for line in path.read_text().splitlines()]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the watch is inotify; elsewhere a stat per record")
def test_in_an_event_loop_records_follow_rotation_without_a_stat_per_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside the server's loop a rotation is reported by a watch on the open file, read by the loop's own poll (which
    runs before the next request is read): a steady stream of records makes no `stat`, and a rename, an unlink, a
    rename over the file and a chmod are each followed by the next record."""
    path = tmp_path / "audit.jsonl"
    real_stat = os.stat
    checks: list[str] = []

    def counting(where: object, *args: object, **kwargs: object) -> os.stat_result:
        checks.append(str(where))
        return real_stat(where, *args, **kwargs)  # type: ignore[call-overload, no-any-return]

    async def scenario() -> None:
        sink = FileAuditSink(path)
        assert sink.ready()
        sink.write(record(request_id="first"))  # the first check arms the watch
        monkeypatch.setattr(os, "stat", counting)
        for n in range(50):
            assert sink.ready()
            sink.write(record(request_id=f"steady-{n}"))
            await anyio.sleep(0.001)  # the loop polls between records, as between requests
        assert checks.count(str(path)) == 0, "a stat per record although the file is watched"
        path.rename(tmp_path / "audit.jsonl.1")  # logrotate's rename: the next record goes to a new file
        await anyio.sleep(0.02)  # the loop polls, as it does before reading the next request
        assert sink.ready()
        sink.write(record(request_id="after-rename"))
        path.unlink()  # deleted: recreated by the next record
        await anyio.sleep(0.02)
        sink.write(record(request_id="after-unlink"))
        (tmp_path / "other.jsonl").write_text("")
        (tmp_path / "other.jsonl").replace(path)  # replaced by a rename over it
        await anyio.sleep(0.02)
        sink.write(record(request_id="after-replace"))
        path.chmod(0o640)  # an event that moves nothing: the same file goes on
        await anyio.sleep(0.02)
        sink.write(record(request_id="after-chmod"))
        sink.close()

    anyio.run(scenario)
    assert _request_ids(tmp_path / "audit.jsonl.1") == ["first"] + [f"steady-{n}" for n in range(50)]
    assert _request_ids(path) == ["after-replace", "after-chmod"]
    assert 0 < checks.count(str(path)) <= 8  # one check per event (and the re-arming), not per record


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the watch is inotify; elsewhere a stat per record")
def test_a_rotation_during_a_call_is_seen_by_its_record(tmp_path: Path) -> None:
    """ready() checked before the call; the file is rotated while the call runs: its record goes to the new file."""
    path = tmp_path / "audit.jsonl"

    async def scenario() -> None:
        sink = FileAuditSink(path)
        sink.write(record(request_id="before"))
        assert sink.ready()
        path.rename(tmp_path / "audit.jsonl.1")
        await anyio.sleep(0.02)  # the call awaits its backend meanwhile
        sink.write(record(request_id="during"))
        sink.close()

    anyio.run(scenario)
    assert _request_ids(tmp_path / "audit.jsonl.1") == ["before"]
    assert _request_ids(path) == ["during"]


def _slow_reader(read: typing.Callable[[int], bytes], received: bytearray) -> threading.Thread:
    def run() -> None:
        while chunk := read(8192):
            received.extend(chunk)
            time.sleep(0.0005)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


MESSAGES = [f"{n:05d}" + "x" * (n * 97 % 200_000) + "\n" for n in range(40)]  # several over a pipe's 64 KiB


async def _send_all(writer: PipeWriter) -> None:
    for message in MESSAGES:
        await writer.write(message)
        await writer.flush()


def test_the_pipe_writer_delivers_every_byte_in_order_through_a_full_pipe() -> None:
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    received = bytearray()
    reader = _slow_reader(lambda n: os.read(read_end, n), received)
    anyio.run(_send_all, PipeWriter(write_end))
    os.close(write_end)
    reader.join(timeout=30)
    os.close(read_end)
    assert received.decode() == "".join(MESSAGES)


def test_the_writer_sends_without_blocking_through_a_full_socket() -> None:
    ours, theirs = socket.socketpair()
    assert ours.getblocking()  # a blocking socket: only the send itself does not wait
    received = bytearray()
    reader = _slow_reader(theirs.recv, received)
    anyio.run(_send_all, PipeWriter(ours.fileno(), lambda data: ours.send(data, socket.MSG_DONTWAIT)))
    ours.close()
    reader.join(timeout=30)
    theirs.close()
    assert received.decode() == "".join(MESSAGES)


STRAY_PRINT = """
import anyio, sys
from plugin.server.stdio import claim_stdout_pipe
claimed = claim_stdout_pipe()
if claimed is None:
    sys.stderr.write("not claimed")
    raise SystemExit(3)
writer, restore = claimed
print("stray print", flush=True)  # fd 1 now names stderr
anyio.run(writer.write, '{"jsonrpc": "2.0"}\\n')
restore()
print("after restore", flush=True)  # fd 1 names the pipe again
"""


def test_stdout_pipe_carries_only_the_protocol_and_is_given_back() -> None:
    done = subprocess.run(
        [sys.executable, "-c", STRAY_PRINT],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parent.parent,
    )
    if sys.platform.startswith("linux"):
        assert done.returncode == 0, done.stderr
        assert done.stdout == '{"jsonrpc": "2.0"}\nafter restore\n'
        assert "stray print" in done.stderr
    else:
        assert done.returncode == 3  # elsewhere the SDK's own writer serves


def test_stdout_socket_as_node_gives_it_carries_only_the_protocol() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        done = subprocess.run(
            [sys.executable, "-c", STRAY_PRINT],
            stdout=theirs.fileno(),
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            cwd=Path(__file__).parent.parent,
        )
        theirs.close()
        received = b""
        while chunk := ours.recv(4096):
            received += chunk
    assert done.returncode == 0, done.stderr
    assert received.decode() == '{"jsonrpc": "2.0"}\nafter restore\n'
    assert "stray print" in done.stderr
    assert ours.fileno() == -1


def test_stdout_that_is_a_file_is_left_to_the_sdk(tmp_path: Path) -> None:
    with (tmp_path / "out").open("w") as out:
        done = subprocess.run(
            [sys.executable, "-c", STRAY_PRINT],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            cwd=Path(__file__).parent.parent,
        )
    assert done.returncode == 3 and "not claimed" in done.stderr


def test_the_written_entry_and_the_read_record_are_one_schema() -> None:
    entry_fields = typing.get_type_hints(audit.AuditEntry)
    record_fields = {name: field.annotation for name, field in AuditRecord.model_fields.items()}
    assert list(entry_fields) == list(record_fields)  # the same names, in the same order (the line's key order)
    assert entry_fields == record_fields


def test_an_entry_encodes_exactly_as_its_record() -> None:
    written = record(
        timestamp=datetime(2026, 12, 2, 16, 0, 1, 234567, tzinfo=UTC),
        arguments={"query": "ACME \u2028 Corp", "limit": 20, "statuses": ["active"], "nested": {"a": None}},
        result_count=20,
        record_ids=["ctr_000001"],
        subject="alice",
        backend_request_ids=["r1"],
    )
    entry = audit.AuditEntry(**written.model_dump())  # type: ignore[typeddict-item]
    line = encode_record(entry)
    assert line == encode_record(AuditRecord(**entry))
    assert AuditRecord.model_validate_json(line) == AuditRecord(**entry)


def test_the_request_context_is_read_where_pydantic_keeps_it() -> None:
    """The audit reads the SDK's request context from pydantic's private storage (the property costs ~5 us): on the
    pinned SDK that is the very object the property returns."""
    from mcp.server.mcpserver.context import Context

    from plugin.server.pipeline import _request_of

    marker = object()
    ctx = Context(request_context=marker)  # type: ignore[arg-type]
    assert ctx.__pydantic_private__ is not None and ctx.__pydantic_private__["_request_context"] is marker
    assert _request_of(ctx) is marker is ctx.request_context
    assert _request_of(Context()) is None


def _lines_through_a_pipe(data: bytes, cuts: list[int]) -> list[str]:
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)

    def feed() -> None:
        for chunk in chunks_of(data, cuts):
            os.write(write_end, chunk)
            time.sleep(0.001)
        os.close(write_end)

    feeder = threading.Thread(target=feed)
    feeder.start()

    async def collect() -> list[str]:
        return [line async for line in LoopLines(read_end, lambda n: os.read(read_end, n), lambda: None)]

    lines = anyio.run(collect)
    feeder.join()
    os.close(read_end)
    return lines


@given(
    st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=6),
    st.booleans(),
    st.lists(st.integers(0, 10_000), max_size=6),
)
@settings(max_examples=30, deadline=None)
def test_loop_stdin_lines_are_the_thread_reader_lines(lines: list[bytes], trailing: bool, cuts: list[int]) -> None:
    data = b"".join(line + b"\n" for line in lines) + (b"partial" if trailing else b"")
    expected = [chunk.decode("utf-8", errors="replace") for chunk in split_lines(iter([data, b""]).__next__)]
    assert _lines_through_a_pipe(data, cuts) == expected


def test_waiting_for_stdin_on_the_loop_can_be_cancelled() -> None:
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)

    async def wait_a_little() -> bool:
        with anyio.move_on_after(0.2) as scope:
            await LoopLines(read_end, lambda n: os.read(read_end, n), lambda: None).__anext__()
        return scope.cancelled_caught

    try:
        assert anyio.run(wait_a_little)  # a client that keeps stdin open and silent cannot hold up a shutdown
    finally:
        os.close(read_end)
        os.close(write_end)


CLAIM_STDIN = """
import os
from plugin.server.stdio import claim_stdin_on_loop
lines = claim_stdin_on_loop()
print("claimed" if lines is not None else "not claimed", os.read(0, 10) == b"")  # fd 0 now reads the null device
"""


def test_stdin_pipe_and_socket_are_read_on_the_loop() -> None:
    root = Path(__file__).parent.parent
    piped = subprocess.run(
        [sys.executable, "-c", CLAIM_STDIN], input="{}\n", capture_output=True, text=True, timeout=60, cwd=root
    )
    ours, theirs = socket.socketpair()
    with ours, theirs:
        socketed = subprocess.run(
            [sys.executable, "-c", CLAIM_STDIN],
            stdin=theirs.fileno(),
            capture_output=True,
            text=True,
            timeout=60,
            cwd=root,
        )
    assert socketed.stdout.strip() == "claimed True", socketed.stderr
    if sys.platform.startswith("linux"):
        assert piped.stdout.strip() == "claimed True", piped.stderr


def test_the_audit_sink_imports_ctypes_only_for_its_first_watch(tmp_path: Path) -> None:
    """ctypes (2-4 ms) is not part of a cold start: opening the sink and writing outside a loop do not import it."""
    code = (
        "import sys; from pathlib import Path; from plugin.observability.audit import FileAuditSink; "
        "from tests.audit_records import record; "
        f"sink = FileAuditSink(Path({str(tmp_path / 'audit.jsonl')!r})); sink.write(record(request_id='r')); "
        "print('ctypes' in sys.modules)"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    assert done.stdout.strip() == "False"


def test_where_no_watch_can_be_made_a_record_does_not_try_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside a loop with no inotify (another OS, no instances left), the records keep their stat per record and
    do not ask for a watch each time; a rotation is still followed."""
    import plugin.observability.file_watch as file_watch

    monkeypatch.setattr(file_watch, "_libc", lambda: None)
    real_start = file_watch.FileWatch.start.__func__  # type: ignore[attr-defined]
    attempts: list[Path] = []

    def counting(cls: type[file_watch.FileWatch], path: Path) -> file_watch.FileWatch | None:
        attempts.append(path)
        return real_start(cls, path)  # type: ignore[no-any-return]

    monkeypatch.setattr(file_watch.FileWatch, "start", classmethod(counting))
    path = tmp_path / "audit.jsonl"

    async def scenario() -> None:
        sink = FileAuditSink(path)
        for n in range(20):
            assert sink.ready()
            sink.write(record(request_id=f"r{n}"))
        path.rename(tmp_path / "audit.jsonl.1")
        sink.write(record(request_id="after-rename"))
        sink.close()

    anyio.run(scenario)
    assert len(attempts) == 2  # the first record's, and the reopened file's
    assert len(_request_ids(tmp_path / "audit.jsonl.1")) == 20 and _request_ids(path) == ["after-rename"]
