"""JSON logs on stderr, redacted, configured before anything else can log.

stdout carries the MCP protocol and nothing else, so every handler here writes to stderr,
including the standard-library loggers of the SDK, httpx2 and uvicorn.

structlog itself is imported at the first log event, not at start-up: `configure_logging` only
records the level and stream and installs a stdlib handler whose formatter builds structlog's on
first use, and `get_logger` returns a proxy that does the same. Most starts log nothing before the
first tool call, so `initialize` and `tools/list` never pay for the import.
"""

from __future__ import annotations

import logging
import sys
import weakref
from typing import TYPE_CHECKING, Any, TextIO

from plugin.observability.redaction import redact

if TYPE_CHECKING:
    from structlog.typing import EventDict, WrappedLogger


class _CurrentStderr:
    """Writes to whatever `sys.stderr` is at the moment of writing (hosts and test runners swap it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


_STDERR = _CurrentStderr()
_NOISY = ("httpx2", "httpcore", "httpcore2", "uvicorn.access", "mcp.server.lowlevel.server")
_config: dict[str, Any] = {"level": "INFO", "stream": None}
_structlog_configured = False


def _redact_event(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    cleaned = redact(event_dict)
    assert isinstance(cleaned, dict)
    return cleaned


def _shared_processors() -> list[Any]:
    import structlog

    return [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        _redact_event,
    ]


def _ensure_structlog() -> None:
    global _structlog_configured
    if _structlog_configured:
        return
    import structlog

    structlog.configure(
        processors=[*_shared_processors(), structlog.processors.JSONRenderer()],
        logger_factory=structlog.PrintLoggerFactory(file=_config["stream"] or _STDERR),  # type: ignore[arg-type]
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(_config["level"])),
        cache_logger_on_first_use=True,
    )
    _structlog_configured = True


class _LazyJsonFormatter(logging.Formatter):
    """Formats stdlib records as the same redacted JSON lines, building structlog's formatter on first use."""

    def __init__(self) -> None:
        super().__init__()
        self._inner: logging.Formatter | None = None

    def format(self, record: logging.LogRecord) -> str:
        if self._inner is None:
            import structlog

            self._inner = structlog.stdlib.ProcessorFormatter(
                processor=structlog.processors.JSONRenderer(),
                foreign_pre_chain=[
                    structlog.stdlib.ExtraAdder(),
                    structlog.stdlib.add_logger_name,
                    *_shared_processors(),
                ],
            )
        return self._inner.format(record)


def configure_logging(level: str = "INFO", stream: TextIO | None = None) -> None:
    """Idempotent; safe to call first thing in `server.py`, and again once the settings are known."""
    global _structlog_configured
    _config.update(level=level, stream=stream)
    if _structlog_configured:  # already in use: apply the new level and stream now
        _structlog_configured = False
        _ensure_structlog()
        for logger in list(_LOGGERS):  # loggers cache their configuration on first use: drop it
            logger._logger = None
    handler: logging.StreamHandler[Any] = logging.StreamHandler(stream or _STDERR)
    handler.setFormatter(_LazyJsonFormatter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    # Libraries that log request lines or bodies at INFO/DEBUG stay at WARNING.
    for noisy in _NOISY:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))


class _LazyLogger:
    """Stands in for a structlog logger until the first event is logged."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._logger: Any = None
        _LOGGERS.add(self)

    def __getattr__(self, attribute: str) -> Any:
        if self._logger is None:
            _ensure_structlog()
            import structlog

            self._logger = structlog.get_logger(logger_name=self._name)
        return getattr(self._logger, attribute)


_LOGGERS: weakref.WeakSet[_LazyLogger] = weakref.WeakSet()


def get_logger(name: str) -> Any:
    """A structlog logger (created on first use); `name` is recorded as the `logger_name` field."""
    return _LazyLogger(name)
