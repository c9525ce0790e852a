"""The error taxonomy: every backend outcome becomes one of these, each with a message the model can act on.

Messages are written for the model: what went wrong, about which input, and what to do next. They
never carry upstream bodies, tracebacks or credentials (those go to the stderr log, redacted).
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_ARGUMENT = "invalid_argument"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    AUTHENTICATION_FAILED = "authentication_failed"
    RATE_LIMITED = "rate_limited"
    CONFLICT = "conflict"
    BACKEND_UNAVAILABLE = "backend_unavailable"
    DEADLINE_EXCEEDED = "deadline_exceeded"
    BACKEND_ERROR = "backend_error"
    CONFIRMATION_REQUIRED = "confirmation_required"
    POLICY_DENIED = "policy_denied"
    INTERNAL = "internal_error"


class PluginError(Exception):
    """An anticipated failure; `str(error)` is safe to show to the model."""

    code: ErrorCode = ErrorCode.BACKEND_ERROR
    retryable: bool = False

    def __init__(self, message: str, *, request_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request_id = request_id

    def for_model(self) -> str:
        suffix = f" (backend request id {self.request_id})" if self.request_id else ""
        return f"[{self.code.value}] {self.message}{suffix}"


class InvalidArgument(PluginError):
    code = ErrorCode.INVALID_ARGUMENT


class NotFound(PluginError):
    code = ErrorCode.NOT_FOUND


class PermissionDenied(PluginError):
    code = ErrorCode.PERMISSION_DENIED

    def __init__(self, message: str, *, scope: str | None = None, request_id: str | None = None) -> None:
        super().__init__(message, request_id=request_id)
        self.scope = scope


class AuthenticationFailed(PluginError):
    code = ErrorCode.AUTHENTICATION_FAILED


class RateLimited(PluginError):
    code = ErrorCode.RATE_LIMITED
    retryable = True

    def __init__(self, message: str, *, retry_after: float | None, request_id: str | None = None) -> None:
        super().__init__(message, request_id=request_id)
        self.retry_after = retry_after


class Conflict(PluginError):
    code = ErrorCode.CONFLICT


class BackendUnavailable(PluginError):
    code = ErrorCode.BACKEND_UNAVAILABLE
    retryable = True


class DeadlineExceeded(PluginError):
    code = ErrorCode.DEADLINE_EXCEEDED


class BackendError(PluginError):
    """The backend answered with something we cannot use (malformed, unexpected status)."""

    code = ErrorCode.BACKEND_ERROR


class ConfirmationRequired(PluginError):
    code = ErrorCode.CONFIRMATION_REQUIRED


class PolicyDenied(PluginError):
    """Refused by an enterprise control (data residency, read-only, audit mandatory)."""

    code = ErrorCode.POLICY_DENIED
