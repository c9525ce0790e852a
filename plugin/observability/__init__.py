"""Observability: JSON logs on stderr, redaction, the audit trail and its report, telemetry."""
