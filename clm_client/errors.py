"""Map a CLM error response (RFC 9457 problem+json) onto the plugin's error taxonomy.

This is the part of the adapter a fork rewrites for its CLM's error format. The upstream body is
logged (redacted) for the engineer; the model only ever gets the rewritten message.
"""

from __future__ import annotations

import httpx2
from pydantic import BaseModel, ConfigDict, ValidationError

from plugin.observability.logging import get_logger
from plugin.observability.redaction import bounded
from plugin.toolkit.errors import (
    AuthenticationFailed,
    BackendError,
    BackendUnavailable,
    Conflict,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    PluginError,
)
from plugin.toolkit.untrusted import clean_inline
from plugin.transport.http import parse_retry_after, rate_limited

log = get_logger(__name__)


class _FieldError(BaseModel):
    model_config = ConfigDict(extra="ignore")
    field: str
    message: str


class _Problem(BaseModel):
    model_config = ConfigDict(extra="ignore")
    title: str | None = None
    detail: str | None = None
    code: str | None = None
    errors: list[_FieldError] | None = None
    required_scope: str | None = None
    retry_after: int | None = None


def _problem(response: httpx2.Response) -> _Problem:
    try:
        return _Problem.model_validate_json(response.content)
    except ValidationError:
        return _Problem()


def map_error(response: httpx2.Response) -> PluginError:
    status = response.status_code
    problem = _problem(response)
    request_id = response.headers.get("x-request-id")
    log.info(
        "clm_error_response",
        status=status,
        code=problem.code,
        detail=bounded(problem.detail or "", 500),
        clm_request_id=request_id,
    )
    # Upstream text is untrusted: only short, sanitised field names and messages pass through.
    if status == 400:
        if problem.code == "invalid_cursor":
            return InvalidArgument(
                "The cursor is invalid or belongs to a different query; start again without a cursor.",
                request_id=request_id,
            )
        fields = "; ".join(
            f"{clean_inline(e.field, 60)}: {clean_inline(e.message, 160)}" for e in (problem.errors or [])[:5]
        )
        return InvalidArgument(
            f"The CLM rejected the request: {fields or clean_inline(problem.detail or 'invalid parameter', 200)}",
            request_id=request_id,
        )
    if status == 401:
        return AuthenticationFailed(
            "The CLM rejected the access token; check the plugin's credentials.", request_id=request_id
        )
    if status == 403:
        scope = clean_inline(problem.required_scope or "", 60) or None
        needed = f" It needs the '{scope}' scope." if scope else ""
        return PermissionDenied(
            f"The plugin's CLM client is not allowed to do this.{needed} Ask a CLM administrator to grant it.",
            scope=scope,
            request_id=request_id,
        )
    if status == 404:
        return NotFound("The CLM has no such resource.", request_id=request_id)
    if status == 409:
        return Conflict(
            "The CLM reported a conflict (the same idempotency key was used for a different write).",
            request_id=request_id,
        )
    if status == 412:
        return Conflict("The record changed on the CLM since it was read; read it again.", request_id=request_id)
    if status == 429:
        wait = parse_retry_after(response.headers.get("retry-after")) or problem.retry_after
        after = f" Retry after {round(wait)} s." if wait is not None else " Retry shortly."
        return rate_limited(response, f"The CLM is rate limiting this client.{after}")
    if status >= 500:
        return BackendUnavailable(f"The CLM is unavailable (HTTP {status}); try again shortly.", request_id=request_id)
    return BackendError(f"The CLM answered HTTP {status} unexpectedly.", request_id=request_id)
