"""RFC 9457 problem responses: one place that turns every failure into `application/problem+json`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from sandbox.api_models import ErrorCode, FieldError, OAuthError, Problem

PROBLEM_MEDIA_TYPE = "application/problem+json"

_CODE_BY_STATUS: Mapping[int, ErrorCode] = {
    400: ErrorCode.INVALID_PARAMETER,
    401: ErrorCode.INVALID_TOKEN,
    403: ErrorCode.INSUFFICIENT_SCOPE,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    409: ErrorCode.CONFLICT,
    412: ErrorCode.PRECONDITION_FAILED,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    428: ErrorCode.IDEMPOTENCY_KEY_REQUIRED,
    429: ErrorCode.RATE_LIMITED,
    503: ErrorCode.UNAVAILABLE,
}


def code_for_status(status: int) -> ErrorCode:
    return _CODE_BY_STATUS.get(status, ErrorCode.INTERNAL if status >= 500 else ErrorCode.INVALID_PARAMETER)


class ApiError(Exception):
    """An error the API reports to the client as a problem document."""

    def __init__(
        self,
        status: int,
        code: ErrorCode,
        detail: str,
        *,
        errors: Sequence[FieldError] | None = None,
        required_scope: str | None = None,
        retry_after: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = list(errors) if errors else None
        self.required_scope = required_scope
        self.retry_after = retry_after
        self.headers = dict(headers or {})

    @classmethod
    def invalid_parameter(cls, field: str, message: str) -> ApiError:
        return cls(
            400, ErrorCode.INVALID_PARAMETER, f"{field}: {message}", errors=[FieldError(field=field, message=message)]
        )

    @classmethod
    def not_found(cls, what: str) -> ApiError:
        return cls(404, ErrorCode.NOT_FOUND, f"{what} not found")


class OAuthFailure(Exception):
    """An RFC 6749 section 5.2 error from the token or revocation endpoint."""

    def __init__(self, status: int, error: str, description: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description
        self.headers = dict(headers or {})


def request_id_of(scope: Mapping[str, Any]) -> str:
    state = scope.get("state") or {}
    request_id = state.get("request_id")
    return request_id if isinstance(request_id, str) else uuid.uuid4().hex


def problem_response(
    request_id: str,
    status: int,
    detail: str | None = None,
    *,
    code: ErrorCode | None = None,
    errors: Sequence[FieldError] | None = None,
    required_scope: str | None = None,
    retry_after: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    problem = Problem(
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        code=(code or code_for_status(status)).value,
        request_id=request_id,
        errors=list(errors) if errors else None,
        required_scope=required_scope,
        retry_after=retry_after,
    )
    all_headers = dict(headers or {})
    if retry_after is not None:
        all_headers["Retry-After"] = str(retry_after)
    return Response(
        problem.model_dump_json(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=all_headers,
    )


def oauth_error_response(failure: OAuthFailure) -> Response:
    body = OAuthError(error=failure.error, error_description=failure.description)
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache", **failure.headers}
    return JSONResponse(body.model_dump(exclude_none=True), status_code=failure.status, headers=headers)


def _field_name(loc: Sequence[int | str]) -> str:
    """`("query", "type", 0)` -> `type` (the parameter); `("body", "target", "start")` -> `target.start`."""
    if len(loc) >= 2 and loc[0] in ("query", "path", "header", "cookie"):
        return str(loc[1])
    return ".".join(str(p) for p in loc[1:]) or "body"


def validation_field_errors(exc: RequestValidationError) -> list[FieldError]:
    errors: list[FieldError] = []
    for error in exc.errors():
        loc = tuple(error.get("loc", ()))
        message = str(error.get("msg", "invalid value"))
        if error.get("type") == "json_invalid":
            errors.append(FieldError(field="body", message="the request body is not valid JSON"))
        else:
            errors.append(FieldError(field=_field_name(loc), message=message))
    return errors


def install_problem_handlers(app: FastAPI) -> None:
    async def on_api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return problem_response(
            request_id_of(request.scope),
            exc.status,
            exc.detail,
            code=exc.code,
            errors=exc.errors,
            required_scope=exc.required_scope,
            retry_after=exc.retry_after,
            headers=exc.headers,
        )

    async def on_oauth_failure(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, OAuthFailure)
        return oauth_error_response(exc)

    async def on_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = validation_field_errors(exc)
        if request.url.path.startswith("/oauth/"):
            fields = ", ".join(e.field for e in errors)
            return oauth_error_response(OAuthFailure(400, "invalid_request", f"malformed request: {fields}"))
        detail = "; ".join(f"{e.field}: {e.message}" for e in errors)
        return problem_response(request_id_of(request.scope), 400, detail, errors=errors)

    async def on_http_exception(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else None
        if exc.status_code == 404:
            detail = f"no such resource: {request.url.path[:200]}"
        elif exc.status_code == 405:
            detail = f"method {request.method} is not allowed on {request.url.path[:200]}"
        return problem_response(request_id_of(request.scope), exc.status_code, detail, headers=exc.headers)

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(OAuthFailure, on_oauth_failure)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_exception)
