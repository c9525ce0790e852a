"""An audit record for tests: plausible values for every required field, any of them overridden."""

from __future__ import annotations

from plugin.observability.audit import AuditRecord


def record(**overrides: object) -> AuditRecord:
    values: dict[str, object] = {
        "request_id": "r1",
        "mcp_request_id": "7",
        "session_id": "s1",
        "tool": "clm__search_contracts",
        "arguments": {"q": "acme"},
        "outcome": "ok",
        "duration_ms": 12.5,
        "acting_user": "alice@example.com",
        "client_name": "test-client",
        "client_version": "1.0",
        "plugin_name": "contract-intelligence",
        "plugin_version": "0.1.0",
    }
    values.update(overrides)
    return AuditRecord.model_validate(values)
