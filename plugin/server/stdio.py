"""The stdio transport, answering malformed input the way JSON-RPC 2.0 requires.

The SDK's stdio reader hands a line it cannot decode to the server as an exception, and the server
drops it: the client gets no answer and hangs until its own timeout. Here each such line gets an
error response instead: -32700 for a line that is not JSON, -32602 for a request whose params are
malformed, -32600 for anything else (with the request's id when it has one, else null).

Back-pressure: at most `max_in_flight` requests may be unanswered at once. A request beyond that is
answered at once with a JSON-RPC error (-32000, "server busy"); and since that answer, like every
answer, waits for the client to read stdout, a client that stops reading stops the server reading
stdin too, so memory stays bounded however much it writes.

stdin, when it is a socket (as Node gives its children) or, on Linux, a pipe, is read on the event loop without
blocking (`LoopLines`); otherwise by a daemon thread of our own. Either way a shutdown need not wait for the
client: the SDK reads stdin in a worker thread that a shutdown must wait for (a blocked `readline` cannot be
cancelled), so SIGTERM could never finish while the client keeps stdin open.

stdout, when it is a socket (as Node gives its children) or, on Linux, a pipe, is written on the event loop without
blocking and without changing the descriptor the client shares (`PipeWriter`): the SDK hands every message to a
worker thread and back, which was about a tenth of the CPU of a tool call. Elsewhere the SDK's writer serves.
"""

from __future__ import annotations

import contextlib
import functools
import os
import socket
import stat
import sys
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any, cast

import anyio
import anyio.from_thread
import anyio.lowlevel
from anyio.lowlevel import EventLoopToken
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.server.stdio import stdio_server
from mcp.shared._stream_protocols import WriteStream
from mcp.shared.message import SessionMessage
from mcp_types import (
    INVALID_PARAMS,
    INVALID_REQUEST,
    PARSE_ERROR,
    ErrorData,
    JSONRPCError,
    JSONRPCNotification,
    JSONRPCRequest,
    JSONRPCResponse,
)
from pydantic import ValidationError

from plugin.observability.logging import get_logger

log = get_logger(__name__)

SERVER_BUSY = -32000  # JSON-RPC "server error" range: implementation-defined
DEFAULT_MAX_IN_FLIGHT = 64


def error_reply(exc: Exception) -> JSONRPCError:
    """The JSON-RPC error response for a line the transport could not decode."""
    errors = exc.errors(include_url=False) if isinstance(exc, ValidationError) else []
    if not errors or any(e["type"] == "json_invalid" for e in errors):
        return JSONRPCError(jsonrpc="2.0", id=None, error=ErrorData(code=PARSE_ERROR, message="Parse error"))
    envelope = next((e["input"] for e in errors if isinstance(e.get("input"), dict)), None)
    request_id = None
    if isinstance(envelope, dict):
        candidate = envelope.get("id")
        if isinstance(candidate, str | int) and not isinstance(candidate, bool):
            request_id = candidate
    # The union reports every branch; what matters is why it is not a valid *request*.
    as_request = [e for e in errors if e["loc"][:1] == ("JSONRPCRequest",)]
    only_params = bool(as_request) and all("params" in (str(part) for part in e["loc"]) for e in as_request)
    if (
        request_id is not None
        and isinstance(envelope, dict)
        and isinstance(envelope.get("method"), str)
        and only_params
    ):
        return JSONRPCError(
            jsonrpc="2.0", id=request_id, error=ErrorData(code=INVALID_PARAMS, message="Invalid params: not an object")
        )
    return JSONRPCError(
        jsonrpc="2.0",
        id=request_id,
        error=ErrorData(code=INVALID_REQUEST, message="Invalid request: not a JSON-RPC 2.0 message"),
    )


def _key(request_id: object) -> tuple[str, object]:
    return (type(request_id).__name__, request_id)  # ids 1 and "1" are different requests


class InFlight:
    """The requests of one session that have not been answered yet."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: dict[tuple[str, object], int] = {}
        self.count = 0
        self._idle: anyio.Event | None = None  # set when the count drops to 0

    def opened(self, request_id: object) -> None:
        key = _key(request_id)
        self._open[key] = self._open.get(key, 0) + 1
        self.count += 1

    def closed(self, request_id: object) -> None:
        key = _key(request_id)
        left = self._open.get(key, 0)
        if not left:
            return
        self.count -= 1
        if left == 1:
            del self._open[key]
        else:
            self._open[key] = left - 1
        if not self.count and self._idle is not None:
            self._idle.set()
            self._idle = None

    async def wait_idle(self) -> None:
        if self.count:
            if self._idle is None:
                self._idle = anyio.Event()
            await self._idle.wait()


class _AnsweringStream:
    """The write stream, counting a request as answered when its response or error is sent."""

    def __init__(self, inner: WriteStream[SessionMessage], in_flight: InFlight) -> None:
        self._inner = inner
        self._in_flight = in_flight

    async def send(self, item: SessionMessage, /) -> None:
        try:
            await self._inner.send(item)
        finally:
            message = item.message
            if isinstance(message, JSONRPCResponse | JSONRPCError) and message.id is not None:
                self._in_flight.closed(message.id)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def __aenter__(self) -> _AnsweringStream:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        await self.aclose()
        return None


class _StdinLines:
    """Lines of stdin as an async iterator, read by a daemon thread (see the module docstring)."""

    def __init__(self, receive: MemoryObjectReceiveStream[str]) -> None:
        self._receive = receive

    def __aiter__(self) -> _StdinLines:
        return self

    async def __anext__(self) -> str:
        try:
            return await self._receive.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            raise StopAsyncIteration from None


def _claim_stdin() -> int:
    """A private duplicate of fd 0; fd 0 itself then reads the null device, so children see EOF (as the SDK does)."""
    private = os.dup(0)
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
    return private


class PipeWriter:
    """The SDK's stdout (it calls `write(text)` then `flush()` per message): one non-blocking write per message on
    the event loop, waiting there for room while the client does not read (back-pressure, as before)."""

    def __init__(self, fd: int, send: Callable[[memoryview], int] | None = None) -> None:
        self._fd = fd
        self._send = send if send is not None else functools.partial(os.write, fd)

    async def write(self, text: str) -> None:
        data = memoryview(text.encode("utf-8"))
        while data:
            try:
                written = self._send(data)
            except BlockingIOError:  # the pipe is full: the client has not read yet
                await anyio.wait_writable(self._fd)
                continue
            data = data[written:]

    async def flush(self) -> None:
        return None  # nothing is buffered


def _private_stdout() -> tuple[PipeWriter, Callable[[], None]] | None:
    """A non-blocking way to write to what fd 1 is, that leaves fd 1's own open file description alone (a client or
    a terminal may share it): a socket (Node's child processes get a socketpair) is sent to with MSG_DONTWAIT; a
    pipe, on Linux, is reopened through /proc as a description of our own with O_NONBLOCK. None for anything else."""
    wire = os.fstat(1)
    if stat.S_ISSOCK(wire.st_mode) and hasattr(socket, "MSG_DONTWAIT"):
        sock = socket.socket(fileno=os.dup(1))
        return PipeWriter(sock.fileno(), lambda data: sock.send(data, socket.MSG_DONTWAIT)), sock.close
    if stat.S_ISFIFO(wire.st_mode) and sys.platform.startswith("linux"):
        fd = os.open("/proc/self/fd/1", os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        if os.fstat(fd).st_ino != wire.st_ino:
            os.close(fd)
            return None
        return PipeWriter(fd), functools.partial(os.close, fd)
    return None


def claim_stdout_pipe() -> tuple[PipeWriter, Callable[[], None]] | None:
    """A `PipeWriter` for stdout's pipe or socket, with fd 1 diverted to stderr (a stray print must never reach the
    protocol, as the SDK ensures), and the function that undoes both; None where this cannot be done (Windows, a
    terminal or a file, a pipe that cannot be reopened): the SDK's writer then serves."""
    if sys.platform == "win32":
        return None
    try:
        claimed = _private_stdout()
        if claimed is None:
            return None
    except OSError:
        return None
    writer, release = claimed
    try:
        saved = os.dup(1)
        os.dup2(2, 1)
    except OSError:
        release()
        return None

    def restore() -> None:
        with contextlib.suppress(OSError):
            os.dup2(saved, 1)
            os.close(saved)
        with contextlib.suppress(OSError):
            release()

    return writer, restore


READ_CHUNK = 1 << 16


class LoopLines:
    """stdin's lines as an async iterator, read on the event loop: a non-blocking read per chunk, waiting on the
    loop while nothing has arrived. No thread hands each message over (one round trip per message less), and the
    wait is cancellable, so a shutdown never waits for the client to write."""

    def __init__(self, fd: int, receive: Callable[[int], bytes], close: Callable[[], None]) -> None:
        self._fd = fd
        self._receive = receive
        self.close = close
        self._pending = bytearray()
        self._ended = False

    def __aiter__(self) -> LoopLines:
        return self

    async def __anext__(self) -> str:
        while True:
            end = self._pending.find(b"\n")
            if end != -1:
                line = bytes(self._pending[: end + 1])
                del self._pending[: end + 1]
                return line.decode("utf-8", errors="replace")
            if self._ended:
                if self._pending:  # a last line without its newline
                    line = bytes(self._pending)
                    self._pending.clear()
                    return line.decode("utf-8", errors="replace")
                raise StopAsyncIteration
            try:
                chunk = self._receive(READ_CHUNK)
            except BlockingIOError:
                await anyio.wait_readable(self._fd)
                continue
            except OSError:  # e.g. the client reset the connection: the same as its end
                chunk = b""
            if chunk:
                self._pending += chunk
            else:
                self._ended = True


def claim_stdin_on_loop() -> LoopLines | None:
    """`LoopLines` on a private non-blocking way to read stdin (a socket: recv with MSG_DONTWAIT; a pipe, on
    Linux: reopened through /proc as a description of our own), with fd 0 then reading the null device as the SDK
    arranges; None for anything else (a terminal, a file, Windows): the reader thread serves."""
    if sys.platform == "win32":
        return None
    try:
        wire = os.fstat(0)
        if stat.S_ISSOCK(wire.st_mode) and hasattr(socket, "MSG_DONTWAIT"):
            sock = socket.socket(fileno=os.dup(0))
            lines = LoopLines(sock.fileno(), lambda size: sock.recv(size, socket.MSG_DONTWAIT), sock.close)
        elif stat.S_ISFIFO(wire.st_mode) and sys.platform.startswith("linux"):
            fd = os.open("/proc/self/fd/0", os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
            if os.fstat(fd).st_ino != wire.st_ino:
                os.close(fd)
                return None
            lines = LoopLines(fd, functools.partial(os.read, fd), functools.partial(os.close, fd))
        else:
            return None
    except OSError:
        return None
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
    return lines


def split_lines(read: Callable[[], bytes]) -> Iterator[bytes]:
    """The lines of what `read()` returns until it returns b"" (each with its b"\n"; a last line without one at
    the end), as soon as each is complete. One `read()` per chunk: a raw file's `readline` reads one byte per
    system call, and that was ~5% of the CPU of every tool call."""
    pending = bytearray()
    while chunk := read():
        start = len(pending)  # a newline can only be in what just arrived
        pending += chunk
        cut = 0
        while (end := pending.find(b"\n", max(start, cut))) != -1:
            yield bytes(pending[cut : end + 1])
            cut = end + 1
        del pending[:cut]
    if pending:
        yield bytes(pending)


def _read_lines(fd: int, send: MemoryObjectSendStream[str], token: EventLoopToken) -> None:
    # Never closes `fd`: the process may exit while this thread still blocks on it. os.read, not a buffered
    # file: a daemon thread blocked inside a buffered reader holds its lock while the interpreter shuts down.
    try:
        for raw in split_lines(lambda: os.read(fd, READ_CHUNK)):
            anyio.from_thread.run(send.send, raw.decode("utf-8", errors="replace"), token=token)
    except Exception:  # the event loop is gone or the stream closed: the server is stopping
        return
    finally:
        with contextlib.suppress(Exception):
            anyio.from_thread.run(send.aclose, token=token)


def busy_reply(request_id: Any, in_flight: InFlight, setting: str) -> JSONRPCError:
    return JSONRPCError(
        jsonrpc="2.0",
        id=request_id,
        error=ErrorData(
            code=SERVER_BUSY,
            message=(
                f"Server busy: {in_flight.limit} requests of this session are already unanswered (limit {setting}). "
                "Read the answers, then send the request again."
            ),
        ),
    )


@asynccontextmanager
async def strict_stdio(
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
    *,
    limit_setting: str = "max_in_flight",
    refused: Callable[[JSONRPCRequest], None] | None = None,
    drain_on_eof: float = 10.0,
    in_flight: InFlight | None = None,
    on_initialized: Callable[[], None] | None = None,
) -> AsyncIterator[tuple[MemoryObjectReceiveStream[SessionMessage | Exception], WriteStream[SessionMessage]]]:
    """`refused(request)` is told of every request answered "busy" (e.g. to audit a refused tool call); at the
    end of stdin, requests in flight get up to `drain_on_eof` seconds to be answered; `on_initialized` is called
    once, when the client's `notifications/initialized` arrives."""
    stdin: LoopLines | _StdinLines | None = claim_stdin_on_loop()
    if stdin is None:
        lines_send, lines_receive = anyio.create_memory_object_stream[str](0)
        reader = threading.Thread(
            target=_read_lines,
            args=(_claim_stdin(), lines_send, anyio.lowlevel.current_token()),
            name="stdin-reader",
            daemon=True,
        )
        reader.start()
        stdin = _StdinLines(lines_receive)
    in_flight = InFlight(max_in_flight) if in_flight is None else in_flight
    claimed = claim_stdout_pipe()
    try:
        stdout = None if claimed is None else claimed[0]
        async with stdio_server(stdin=cast(Any, stdin), stdout=cast(Any, stdout)) as (
            raw_read,
            raw_write,
        ):
            write = _AnsweringStream(raw_write, in_flight)
            send, receive = anyio.create_memory_object_stream[SessionMessage | Exception](0)

            async def pump() -> None:
                async with send:
                    await forward()
                    # stdin closed: answer what was asked before the SDK sees the end (it cancels what is in flight).
                    with anyio.move_on_after(drain_on_eof):
                        await in_flight.wait_idle()

            async def forward() -> None:
                async for item in raw_read:
                    if isinstance(item, Exception):
                        reply = error_reply(item)
                        log.info("malformed_message", code=reply.error.code)
                        message: SessionMessage | None = SessionMessage(reply)
                    else:
                        message = _admit(item)
                        if message is None:
                            await send.send(item)
                            notice = item.message
                            if (
                                on_initialized is not None
                                and isinstance(notice, JSONRPCNotification)
                                and notice.method == "notifications/initialized"
                            ):
                                on_initialized()
                            continue
                    try:
                        # Not counted (never opened); waits while the client does not read: back-pressure.
                        await raw_write.send(message)
                    except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                        return

            def _admit(item: SessionMessage) -> SessionMessage | None:
                """None to pass `item` on; else the answer that refuses it."""
                message = item.message
                if isinstance(message, JSONRPCNotification) and message.method == "notifications/cancelled":
                    # A cancelled request is never answered (the SDK drops its result).
                    params = message.params or {}
                    if "requestId" in params:
                        in_flight.closed(params["requestId"])
                    return None
                if not isinstance(message, JSONRPCRequest):
                    return None
                if in_flight.count >= in_flight.limit:
                    log.warning("server_busy", method=message.method[:64], in_flight=in_flight.count)
                    if refused is not None:
                        refused(message)
                    reply = busy_reply(message.id, in_flight, limit_setting)
                    return SessionMessage(reply)
                in_flight.opened(message.id)
                return None

            async with anyio.create_task_group() as tasks:
                tasks.start_soon(pump)
                try:
                    yield receive, write
                finally:
                    tasks.cancel_scope.cancel()
    finally:
        if claimed is not None:
            claimed[1]()  # fd 1 back to the pipe
        if isinstance(stdin, LoopLines):
            with contextlib.suppress(OSError):
                stdin.close()
