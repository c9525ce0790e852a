"""JSON logs on stderr, redacted, configured before anything else can log.

stdout carries the MCP protocol and nothing else, so every handler here writes to stderr,
including the standard-library loggers of the SDK, httpx2 and uvicorn.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, WrappedLogger

from plugin.redact import redact


def _redact_event(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    cleaned = redact(event_dict)
    assert isinstance(cleaned, dict)
    return cleaned


def configure_logging(level: str = "INFO", stream: TextIO | None = None) -> None:
    """Idempotent; safe to call first thing in `server.py`."""
    target = stream or sys.stderr
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        _redact_event,
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.JSONRenderer()],
        logger_factory=structlog.PrintLoggerFactory(file=target),
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(target)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processor=structlog.processors.JSONRenderer(),
            foreign_pre_chain=[structlog.stdlib.ExtraAdder(), structlog.stdlib.add_logger_name, *shared],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    # Libraries that log request lines or bodies at INFO/DEBUG stay at WARNING.
    for noisy in ("httpx2", "httpcore", "httpcore2", "uvicorn.access", "mcp.server.lowlevel.server"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))


def get_logger(name: str) -> Any:
    """A structlog logger; `name` is recorded as the `logger` field."""
    # Lazy: the proxy binds on first use, so module-level loggers honour configure_logging() run later.
    return structlog.get_logger(logger_name=name)
