"""What tests and benchmarks observe of the server: counters and a log of requests as received.

The log is kept only when the test endpoints (which serve it) are on: embedded in the plugin, a
log nobody can read would only grow the process by ~2.4 MB per 1,000 calls up to its cap.
"""

from __future__ import annotations

import threading
from collections import Counter, deque

from pydantic import BaseModel, ConfigDict, Field

REQUEST_LOG_SIZE = 50_000


class RequestRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    seq: int
    method: str
    path: str = Field(description="Raw request path exactly as received, percent-encoding included")
    query: str = Field(description="Raw query string as received")
    endpoint: str | None = Field(description="Route template matched, e.g. 'GET /v1/contracts/{contract_id}'")
    status: int
    client_id: str | None
    request_id: str


class CountersReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token_requests: int = Field(description="Requests to POST /oauth/token, whatever their outcome")
    token_requests_by_client: dict[str, int] = Field(description="Token requests by the client id presented")
    tokens_issued: int
    requests_by_endpoint: dict[str, int] = Field(description="e.g. {'GET /v1/contracts': 12}")
    annotations: int = Field(description="Annotations created (not replayed) since the last reset")
    token_exchanges_by_user: dict[str, int] = Field(
        default_factory=dict, description="CLM tokens issued by token exchange (RFC 8693), by user"
    )


class Observer:
    def __init__(self, *, keep_log: bool = True) -> None:
        self._lock = threading.Lock()
        self._keep_log = keep_log
        self._reset_locked()

    @property
    def keeps_log(self) -> bool:
        return self._keep_log

    def _reset_locked(self) -> None:
        self._seq = 0
        self._log: deque[RequestRecord] = deque(maxlen=REQUEST_LOG_SIZE if self._keep_log else 0)
        self._endpoints: Counter[str] = Counter()
        self._token_requests = 0
        self._token_clients: Counter[str] = Counter()
        self._tokens_issued = 0
        self._annotations = 0
        self._exchanges: Counter[str] = Counter()

    def reset(self) -> None:
        with self._lock:
            self._reset_locked()

    def record_request(
        self,
        *,
        method: str,
        path: str,
        query: str,
        endpoint: str | None,
        status: int,
        client_id: str | None,
        request_id: str,
    ) -> None:
        with self._lock:
            self._seq += 1
            self._endpoints[endpoint or f"{method} (no route)"] += 1
            if not self._keep_log:
                return  # counters only: no record is built at all
            self._log.append(
                RequestRecord(
                    seq=self._seq,
                    method=method,
                    path=path,
                    query=query,
                    endpoint=endpoint,
                    status=status,
                    client_id=client_id,
                    request_id=request_id,
                )
            )

    def count_request(self, method: str, endpoint: str | None) -> None:
        with self._lock:
            self._seq += 1
            self._endpoints[endpoint or f"{method} (no route)"] += 1

    def token_request(self) -> None:
        with self._lock:
            self._token_requests += 1

    def token_request_by(self, client_id: str) -> None:
        with self._lock:
            self._token_clients[client_id] += 1

    def token_issued(self) -> None:
        with self._lock:
            self._tokens_issued += 1

    def token_exchanged(self, user_id: str) -> None:
        with self._lock:
            self._exchanges[user_id] += 1

    def annotation_created(self) -> None:
        with self._lock:
            self._annotations += 1

    def report(self) -> CountersReport:
        with self._lock:
            return CountersReport(
                token_requests=self._token_requests,
                token_requests_by_client=dict(self._token_clients),
                tokens_issued=self._tokens_issued,
                requests_by_endpoint=dict(self._endpoints),
                annotations=self._annotations,
                token_exchanges_by_user=dict(self._exchanges),
            )

    def requests_since(self, since: int) -> list[RequestRecord]:
        """Requests with seq > since, oldest first (pass the last seq seen to get only newer ones)."""
        with self._lock:
            return [r for r in self._log if r.seq > since]
