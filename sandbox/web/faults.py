"""Fault injection (test endpoints only): make the next matching requests fail in a chosen way."""

from __future__ import annotations

import threading
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class FaultMode(StrEnum):
    STATUS = "status"  # answer with `status` (problem+json, or an OAuth error on the token endpoint)
    MALFORMED_JSON = "malformed_json"  # 200, JSON content type, a body that is not JSON
    TRUNCATED_JSON = "truncated_json"  # 200, the first part of a JSON document
    HUGE_BODY = "huge_body"  # 200, a valid JSON document of `body_mb` megabytes
    RESET = "reset"  # headers sent, then the connection is dropped mid-body
    LATENCY = "latency"  # wait `latency_ms`, then answer normally
    BODY = "body"  # answer `status` (default 200) with the JSON document `body` as given: a hostile backend
    HEADERS = "headers"  # answer normally, with `headers` set on the response (e.g. another X-CLM-Region)


class FaultSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    target: Literal["api", "token"] = Field(description="'api': /v1/*; 'token': POST /oauth/token")
    mode: FaultMode
    status: int | None = Field(default=None, ge=400, le=599)
    count: int = Field(default=1, ge=0, le=1_000_000, description="Matching requests affected; 0 = until cleared")
    retry_after: int | None = Field(default=None, ge=0, le=86_400, description="Retry-After seconds (status mode)")
    latency_ms: int | None = Field(default=None, ge=0, le=120_000)
    body_mb: int = Field(default=20, ge=1, le=256)
    path_prefix: str | None = Field(default=None, max_length=512, description="Only requests under this path")
    declare_length: bool = Field(default=True, description="huge_body: send Content-Length (else chunked)")
    body: Any = Field(default=None, description="The JSON document to answer with (mode 'body')")
    raw_body: str | None = Field(
        default=None, max_length=1_000_000, description="mode 'body': these exact bytes instead (e.g. 1e400)"
    )
    headers: dict[str, str] = Field(
        default_factory=dict, description="Response headers to set (modes 'body', 'headers')"
    )

    @model_validator(mode="after")
    def _complete(self) -> FaultSpec:
        if self.mode is FaultMode.STATUS and self.status is None:
            raise ValueError("mode 'status' needs a status")
        if self.mode is FaultMode.LATENCY and self.latency_ms is None:
            raise ValueError("mode 'latency' needs latency_ms")
        if self.mode is FaultMode.HEADERS and not self.headers:
            raise ValueError("mode 'headers' needs headers")
        return self

    def matches(self, target: str, path: str) -> bool:
        return self.target == target and (self.path_prefix is None or path.startswith(self.path_prefix))


class ActiveFaults(BaseModel):
    model_config = ConfigDict(extra="forbid")

    faults: list[FaultSpec]


class _Armed:
    def __init__(self, spec: FaultSpec) -> None:
        self.spec = spec
        self.remaining = spec.count  # 0 = forever


class FaultPlan:
    """What fault, if any, the next request gets. Latency faults add up; one other fault applies."""

    def __init__(self) -> None:
        self._armed: list[_Armed] = []
        self._lock = threading.Lock()

    def add(self, spec: FaultSpec) -> None:
        with self._lock:
            self._armed.append(_Armed(spec))

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def active(self) -> ActiveFaults:
        with self._lock:
            return ActiveFaults(faults=[a.spec for a in self._armed])

    def take(self, target: str, path: str) -> tuple[int, FaultSpec | None]:
        """(total latency in ms, the failure to produce or None) for one request; consumes counts."""
        latency = 0
        failure: FaultSpec | None = None
        with self._lock:
            if not self._armed:
                return 0, None
            for armed in self._armed:
                spec = armed.spec
                if not spec.matches(target, path):
                    continue
                if spec.mode is FaultMode.LATENCY:
                    latency += spec.latency_ms or 0
                elif failure is None:
                    failure = spec
                else:
                    continue
                if armed.remaining > 0:
                    armed.remaining -= 1
            self._armed = [a for a in self._armed if a.spec.count == 0 or a.remaining > 0]
        return latency, failure
