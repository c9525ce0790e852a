"""The audit trail: exactly one JSON-lines record per tool call.

A record says who (acting user, MCP client), what (tool, redacted and truncated arguments), when
(UTC timestamp, duration), how it ended (ok / tool error code / exception class) and what it
touched (counts and contract ids, never contract text), plus request ids to correlate with the CLM.
"""

from __future__ import annotations

import json
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from pydantic import BaseModel, ConfigDict, Field

from plugin.redact import REDACTED, redact

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
    contract_ids: list[str] = Field(default_factory=list)
    result_detail: str | None = None
    duration_ms: float
    acting_user: str | None
    client_name: str | None
    client_version: str | None
    plugin_name: str
    plugin_version: str
    clm_request_ids: list[str] = Field(default_factory=list)


def audit_arguments(arguments: dict[str, object]) -> dict[str, object]:
    """Redact secrets and document text, truncate long values."""
    cleaned: dict[str, object] = {}
    for key, value in arguments.items():
        if key in TEXT_ARGUMENTS and isinstance(value, str):
            cleaned[key] = f"{REDACTED} ({len(value)} chars)"
        else:
            cleaned[key] = _truncate(redact({key: value})[key])  # type: ignore[index]
    return cleaned


def _truncate(value: object) -> object:
    if isinstance(value, str) and len(value) > MAX_ARG_CHARS:
        return value[:MAX_ARG_CHARS] + f"… ({len(value)} chars)"
    if isinstance(value, list):
        return [_truncate(item) for item in value[:20]]
    if isinstance(value, dict):
        return {str(k)[:64]: _truncate(v) for k, v in list(value.items())[:20]}
    return value


class AuditSink:
    """Appends JSON lines to a file or stream; a failure to write is raised, never swallowed."""

    def __init__(self, path: Path | None = None, stream: TextIO | None = None) -> None:
        self._path = path
        self._stream = stream
        self._lock = threading.Lock()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8"):
                pass  # fail at start-up, not at the first call, when the file cannot be written

    @property
    def destination(self) -> str:
        return str(self._path) if self._path is not None else "stderr"

    def write(self, record: AuditRecord) -> None:
        line = json.dumps(redact(record.model_dump(mode="json")), ensure_ascii=False) + "\n"
        with self._lock:
            if self._path is not None:
                with self._path.open("a", encoding="utf-8") as handle:
                    handle.write(line)
            else:
                (self._stream or sys.stderr).write(line)
