"""The stdio transport, answering malformed input the way JSON-RPC 2.0 requires.

The SDK's stdio reader hands a line it cannot decode to the server as an exception, and the server
drops it: the client gets no answer and hangs until its own timeout. Here each such line gets an
error response instead: -32700 for a line that is not JSON, -32602 for a request whose params are
malformed, -32600 for anything else (with the request's id when it has one, else null).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream
from mcp.server.stdio import stdio_server
from mcp.shared._stream_protocols import WriteStream
from mcp.shared.message import SessionMessage
from mcp_types import INVALID_PARAMS, INVALID_REQUEST, PARSE_ERROR, ErrorData, JSONRPCError, JSONRPCNotification
from pydantic import ValidationError

from plugin.observability.logging import get_logger

log = get_logger(__name__)


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


@asynccontextmanager
async def strict_stdio(
    on_initialized: Callable[[], None] | None = None,
) -> AsyncIterator[tuple[MemoryObjectReceiveStream[SessionMessage | Exception], WriteStream[SessionMessage]]]:
    """`on_initialized` is called once, when the client's `notifications/initialized` arrives."""
    async with stdio_server() as (raw_read, write):
        send, receive = anyio.create_memory_object_stream[SessionMessage | Exception](0)

        async def pump() -> None:
            async with send:
                async for item in raw_read:
                    if not isinstance(item, Exception):
                        await send.send(item)
                        message = item.message
                        if (
                            on_initialized is not None
                            and isinstance(message, JSONRPCNotification)
                            and message.method == "notifications/initialized"
                        ):
                            on_initialized()
                        continue
                    reply = error_reply(item)
                    log.info("malformed_message", code=reply.error.code)
                    try:
                        await write.send(SessionMessage(reply))
                    except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                        return

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(pump)
            try:
                yield receive, write
            finally:
                tasks.cancel_scope.cancel()
