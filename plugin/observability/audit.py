"""The audit trail: exactly one JSON-lines record per tool call.

A record says who (acting user, MCP client), what (tool, redacted and truncated arguments), when
(UTC timestamp, duration), how it ended (ok / tool error code / exception class) and what it
touched (counts and record ids, never document text), plus request ids to correlate with the backend.

Destinations (`<ENV_PREFIX>AUDIT`): `file[:PATH]` (JSON lines; default path under the user's state
directory), `stderr`, `syslog[:ADDRESS]` (SIEM forwarding; ADDRESS = `/dev/log`-style socket path,
`HOST:PORT` or `udp://HOST:PORT` for UDP, `tcp://HOST:PORT`), or `off`. A destination that cannot be
opened is a start-up error (`AuditConfigError`); a record that cannot be written raises
`AuditWriteError` - the caller reports it and, when audit is mandatory, refuses the call.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import logging.handlers
import os
import re
import socket
import sys
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, TextIO, TypedDict

import platformdirs
import pydantic_core
from pydantic import BaseModel, ConfigDict, Field

from plugin.config.identity import Identity
from plugin.observability.file_watch import FileWatch
from plugin.observability.redaction import REDACTED, SECRETS, is_secret_key, redact

MAX_ARG_CHARS = 200
# Arguments that carry document or note text: the audit keeps their length, not their content.
TEXT_ARGUMENTS = frozenset({"body", "text", "note", "content"})


class AuditRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    timestamp: datetime = Field(default_factory=lambda: datetime.now(UTC))
    request_id: str
    mcp_request_id: str | None
    session_id: str
    tool: str
    arguments: dict[str, object]
    outcome: str  # "ok" | "error:<code>" | "exception:<ClassName>" | "cancelled"
    result_count: int | None = None
    # default=[], copied per instance: default_factory=list costs a signature inspection per field at start-up
    record_ids: list[str] = Field(default=[])  # the backend records the result is about
    result_detail: str | None = None
    duration_ms: float
    acting_user: str | None
    # Remote mode: the verified token's subject and issuer (never a self-asserted name).
    subject: str | None = None
    issuer: str | None = None
    client_name: str | None
    client_version: str | None
    plugin_name: str
    plugin_version: str
    backend_request_ids: list[str] = Field(default=[])


class AuditEntry(TypedDict):
    """One record as a tool call writes it: `AuditRecord`'s fields in its order, every one given.

    A plain mapping, encoded by one call of pydantic's serializer: building and validating an `AuditRecord` per
    call (then dumping it) was about a sixth of the audit's cost in a server, where the audit's budget is 2% of a
    call. `AuditRecord` reads the lines back; a test keeps the two declarations the same."""

    timestamp: datetime
    request_id: str
    mcp_request_id: str | None
    session_id: str
    tool: str
    arguments: dict[str, object]
    outcome: str
    result_count: int | None
    record_ids: list[str]
    result_detail: str | None
    duration_ms: float
    acting_user: str | None
    subject: str | None
    issuer: str | None
    client_name: str | None
    client_version: str | None
    plugin_name: str
    plugin_version: str
    backend_request_ids: list[str]


def audit_arguments(arguments: dict[str, object]) -> dict[str, object]:
    """Redact secrets and document text, truncate long values."""
    cleaned: dict[str, object] = {}
    for key, value in arguments.items():
        if key in TEXT_ARGUMENTS and isinstance(value, str):
            cleaned[key] = f"{REDACTED} ({len(value)} chars)"
        elif _secret_key(key):
            cleaned[key] = REDACTED
        elif value is None or isinstance(value, bool | int | float):
            cleaned[key] = value  # nothing to redact or truncate: most arguments (limits, flags, days)
        else:
            cleaned[key] = _truncate(redact(value))
    return cleaned


@functools.lru_cache(maxsize=256)
def _secret_key(key: str) -> bool:
    """`is_secret_key`, remembered: argument names come from the tools' schemas, a few dozen in all."""
    return is_secret_key(key)


def _truncate(value: object) -> object:
    if isinstance(value, str) and len(value) > MAX_ARG_CHARS:
        return value[:MAX_ARG_CHARS] + f"… ({len(value)} chars)"
    if isinstance(value, list):
        return [_truncate(item) for item in value[:20]]
    if isinstance(value, dict):
        return {str(k)[:64]: _truncate(v) for k, v in list(value.items())[:20]}
    return value


AUDIT_FILE_NAME = "audit.jsonl"
# The embedded demo backend's calls are not real work: their default file is a separate one, so an
# `audit-report` of real sessions is never mixed with someone trying the demo.
DEMO_AUDIT_FILE_NAME = "audit-demo.jsonl"
DEFAULT_SYSLOG_PORT = 514


class AuditConfigError(ValueError):
    """The audit setting is malformed or its destination cannot be opened; raised at start-up."""


class AuditWriteError(OSError):
    """One record could not be written; the message names the destination, never the record."""


def default_audit_path(app_name: str, *, demo: bool = False) -> Path:
    return platformdirs.user_state_path(app_name) / (DEMO_AUDIT_FILE_NAME if demo else AUDIT_FILE_NAME)


class AuditDestination(BaseModel):
    """A parsed audit destination setting."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["file", "stderr", "syslog", "off"]
    path: Path | None = None  # file: the JSON-lines file; syslog: a local socket
    host: str | None = None  # syslog over the network
    port: int | None = None
    transport: Literal["udp", "tcp", "unix"] | None = None

    def describe(self) -> str:
        if self.kind == "file":
            return f"file {self.path}"
        if self.kind == "syslog":
            where = str(self.path) if self.transport == "unix" else f"{self.transport}://{self.host}:{self.port}"
            return f"syslog {where}"
        return self.kind


def parse_destination(spec: str, identity: Identity, *, demo: bool = False) -> AuditDestination:
    """`demo`: the embedded demo backend serves, so a bare `file` means the demo's own file."""
    kind, _, rest = spec.strip().partition(":")
    kind = kind.strip().lower()
    if kind == "off" and not rest:
        return AuditDestination(kind="off")
    if kind == "stderr" and not rest:
        return AuditDestination(kind="stderr")
    if kind == "file":
        path = Path(rest).expanduser() if rest.strip() else default_audit_path(identity.name, demo=demo)
        return AuditDestination(kind="file", path=path)
    if kind == "syslog":
        return _parse_syslog(rest.strip(), identity)
    raise AuditConfigError(
        f"{identity.env('audit')}={spec!r} is not a valid audit destination; use file[:PATH], stderr, "
        "syslog[:ADDRESS] or off"
    )


def _parse_syslog(address: str, identity: Identity) -> AuditDestination:
    if not address:
        if Path("/dev/log").exists():
            return AuditDestination(kind="syslog", path=Path("/dev/log"), transport="unix")
        return AuditDestination(kind="syslog", host="localhost", port=DEFAULT_SYSLOG_PORT, transport="udp")
    if address.startswith("/"):
        return AuditDestination(kind="syslog", path=Path(address), transport="unix")
    transport: Literal["udp", "tcp"] = "udp"
    for scheme in ("udp", "tcp"):
        if address.startswith(f"{scheme}://"):
            transport = "udp" if scheme == "udp" else "tcp"
            address = address[len(scheme) + 3 :]
    host, sep, port_text = address.rpartition(":")
    if not sep:
        host, port_text = address, str(DEFAULT_SYSLOG_PORT)
    host = host.strip("[]")
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise AuditConfigError(
            f"{identity.env('audit')} syslog address {address!r} is malformed; use syslog:/dev/log, syslog:HOST:PORT, "
            "syslog:udp://HOST:PORT or syslog:tcp://HOST:PORT"
        )
    return AuditDestination(kind="syslog", host=host, port=int(port_text), transport=transport)


# Characters str.splitlines() (and many log shippers) break lines on that json.dumps leaves raw with
# ensure_ascii=False; it already escapes every one below U+0020.
_LINE_BREAKERS = {"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_LINE_BREAKER = re.compile("[\u0085\u2028\u2029]")


def one_line(encoded: str) -> str:
    """`encoded` JSON with the remaining line separators escaped; they can only occur inside strings."""
    if encoded.isascii():
        return encoded  # none of them is ASCII; isascii() is one pass in C, the regex many times that
    return _LINE_BREAKER.sub(lambda match: _LINE_BREAKERS[match.group()], encoded)


def encode_record(record: AuditRecord | AuditEntry) -> str:
    """One JSON line (without the newline) for any content, redacted once more as the last net.

    The arguments were redacted by key when the record was made (`audit_arguments`); the net is a scrub of
    the encoded line (registered secret values, credential patterns): one pass over one string instead of
    a regex per field. A registered secret that JSON would escape (a quote, a backslash) could hide from a
    text scrub, so then the structure is redacted field by field. Line separators are escaped (`one_line`).
    """
    entry: Mapping[str, object] = record.model_dump() if isinstance(record, AuditRecord) else record
    if SECRETS.json_escapes:
        plain = redact(pydantic_core.to_jsonable_python(entry), SECRETS)
        return one_line(json.dumps(plain, ensure_ascii=False, separators=(",", ":")))
    return one_line(SECRETS.scrub(pydantic_core.to_json(entry).decode()))


class AuditSink:
    """Writes one record per call; a failure to write raises `AuditWriteError`, never passes silently."""

    destination: str = "off"

    def write(self, record: AuditRecord | AuditEntry) -> None:
        raise NotImplementedError

    def ready(self) -> bool:
        """Cheap pre-call check: can the next record plausibly be written?"""
        return True

    def close(self) -> None:
        return None


class FileAuditSink(AuditSink):
    """Appends to a JSON-lines file kept open between records (one open per process, not per call).

    Log rotation (rename + new file, or delete) is detected before each record by comparing the open
    file's device and inode with the path's: on a change the file is reopened at the path. A call checks
    once: `ready()` (mandatory audit asks it before the call) does the check, and the record that follows
    relies on it instead of checking again. Inside an event loop on Linux the comparison is made only after a
    `FileWatch` on the open file reported an event (the loop's poll delivers it before the next request is
    read), so a steady stream of records makes one system call each: the write.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._name = str(path)
        self.destination = f"file {path}"
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._identity: tuple[int, int] | None = None
        self._watch: FileWatch | None = None
        # False once a watch could not be made inside a running loop (not Linux, no inotify left): the records
        # then keep their stat without trying again each time; a reopened file tries once more.
        self._may_watch = True
        self._checked = 0  # checks made by ready() that no record has relied on yet
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._open()  # fail at start-up, not at the first call, when the file cannot be written
        except OSError as exc:
            raise AuditConfigError(f"cannot write the audit file {path}: {exc.strerror or exc}") from None

    def _open(self) -> int:
        # A raw descriptor in append mode: one write(2) per record, no text or buffer layer between (each
        # extra layer and system call per tool call showed in the audit's share of a call's CPU).
        fd = os.open(self._name, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        stat = os.fstat(fd)
        self._fd, self._identity = fd, (stat.st_dev, stat.st_ino)
        return fd

    def _path_names_open_file(self) -> bool:
        try:
            stat = os.stat(self._name)  # noqa: PTH116 - per call where there is no watch: no pathlib layer
        except OSError:
            return False
        return (stat.st_dev, stat.st_ino) == self._identity

    def _current(self) -> int:
        """The open file, reopened when the path no longer names it (rotated, deleted, replaced)."""
        fd, watch = self._fd, self._watch
        if fd is not None and watch is not None and watch.current():
            if not watch.changed:
                return fd  # nothing happened to the file since it was checked
            watch.changed = False  # the check below answers the event; a later event sets it again
        if fd is not None and self._path_names_open_file():
            if (watch is None and self._may_watch) or (watch is not None and not watch.current()):
                self._arm()
            return fd
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)
            self._fd = None
        fd = self._open()
        self._arm()
        return fd

    def _arm(self) -> None:
        """Watch the open file from the running loop, if there is one. The watch is set on the path and then the
        path is checked once more: a rotation between the open and the watch would otherwise go unseen."""
        if self._watch is not None:
            self._watch.close()
        self._watch = FileWatch.start(self.path)
        if self._watch is None:
            self._may_watch = not FileWatch.loop_running()  # outside a loop, a record inside one tries again
        elif not self._path_names_open_file():
            self._watch.changed = True  # rotated meanwhile: the next record reopens

    def write(self, record: AuditRecord | AuditEntry) -> None:
        data = (encode_record(record) + "\n").encode("utf-8")
        try:
            with self._lock:
                if self._checked and self._fd is not None:
                    self._checked -= 1  # this call's ready() has just checked the path; a watch may know more
                    watch = self._watch
                    fd = self._current() if watch is not None and watch.current() else self._fd
                else:
                    fd = self._current()
                # One complete line on disk per call (a crash loses no record); O_APPEND keeps lines whole.
                while data:
                    data = data[os.write(fd, data) :]
        except OSError as exc:
            raise AuditWriteError(f"cannot append to the audit file {self.path}: {exc.strerror or exc}") from None

    def ready(self) -> bool:
        """The check of `_current`, done now: a rotated or deleted file is reopened (recreated) here, and a path
        that cannot be opened (replaced by a directory, a read-only folder) answers False."""
        try:
            with self._lock:
                self._current()
                self._checked += 1
        except OSError:
            return False
        return True

    def close(self) -> None:
        with self._lock:
            if self._watch is not None:
                self._watch.close()
                self._watch = None
            if self._fd is not None:
                with contextlib.suppress(OSError):
                    os.close(self._fd)
                self._fd = None


class StreamAuditSink(AuditSink):
    """JSON lines on a stream (stderr by default; never stdout, which carries the protocol)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self.destination = "stderr" if stream is None else "stream"
        self._lock = threading.Lock()

    def write(self, record: AuditRecord | AuditEntry) -> None:
        line = encode_record(record) + "\n"
        try:
            with self._lock:
                stream = self._stream or sys.stderr
                stream.write(line)
                stream.flush()
        except (OSError, ValueError) as exc:
            raise AuditWriteError(f"cannot write the audit record to {self.destination}: {exc}") from None


class _RaisingSysLogHandler(logging.handlers.SysLogHandler):
    # emit() creates the socket again when this is None (typeshed does not declare the attribute)
    socket: socket.socket | None

    def handleError(self, record: logging.LogRecord) -> None:
        raise  # called from inside emit's `except`: re-raise the send error instead of printing it


class SyslogAuditSink(AuditSink):
    """Syslog (facility user, severity info; the stdlib's `<PRI>` header) for SIEM forwarding."""

    def __init__(self, where: AuditDestination, app_name: str) -> None:
        self.destination = where.describe()
        try:
            if where.transport == "unix":
                assert where.path is not None
                self._handler = _RaisingSysLogHandler(address=str(where.path))
                sock = self._handler.socket
                if sock is None or sock.fileno() < 0:  # the stdlib tolerates a missing syslogd; audit must not
                    raise OSError(f"no syslog socket at {where.path}")
            else:
                assert where.host is not None and where.port is not None
                kind = socket.SOCK_STREAM if where.transport == "tcp" else socket.SOCK_DGRAM
                self._handler = _RaisingSysLogHandler(address=(where.host, where.port), socktype=kind)
        except OSError as exc:
            raise AuditConfigError(f"cannot open the audit {self.destination}: {exc.strerror or exc}") from None
        self._handler.ident = f"{app_name}: "
        self._handler.setFormatter(logging.Formatter("%(message)s"))
        self._tcp = where.transport == "tcp"
        # Framing: one datagram per record over UDP; over TCP a newline ends each (RFC 6587 3.4.2).
        self._handler.append_nul = where.transport == "unix"
        self._lock = threading.Lock()

    def write(self, record: AuditRecord | AuditEntry) -> None:
        message = encode_record(record) + ("\n" if self._tcp else "")
        entry = logging.LogRecord("audit", logging.INFO, __file__, 0, message, None, None)
        try:
            with self._lock:
                self._handler.emit(entry)
        except OSError as exc:
            if self._tcp:  # a broken stream stays broken: reconnect on the next record
                broken = self._handler.socket
                if broken is not None:
                    with contextlib.suppress(OSError):
                        broken.close()
                self._handler.socket = None
            raise AuditWriteError(f"cannot send the audit record to {self.destination}: {exc}") from None

    def close(self) -> None:
        self._handler.close()


def open_audit_sink(spec: str | None, identity: Identity, *, demo: bool = False) -> AuditSink | None:
    """The sink for an effective audit setting; `None` when audit is off. Raises `AuditConfigError`."""
    if spec is None:
        return None
    where = parse_destination(spec, identity, demo=demo)
    if where.kind == "off":
        return None
    if where.kind == "stderr":
        return StreamAuditSink()
    if where.kind == "file":
        assert where.path is not None
        return FileAuditSink(where.path)
    return SyslogAuditSink(where, identity.name)
