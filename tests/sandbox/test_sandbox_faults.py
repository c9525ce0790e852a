"""Fault injection, the request log, counters and the per-client rate limit."""

from __future__ import annotations

import json
import time

import httpx2
import pytest

from sandbox.settings import SandboxSettings
from sandbox.testing import running_sandbox
from tests.sandbox.helpers import Api, problem


def test_status_fault_hits_the_next_n_requests_then_clears(api: Api) -> None:
    api.token()
    api.admin("POST", "/faults", json={"target": "api", "mode": "status", "status": 503, "count": 2, "retry_after": 7})
    for _ in range(2):
        body = problem(api.get("/v1/contracts"), 503, "service_unavailable")
        assert body["retry_after"] == 7
    assert api.get("/v1/contracts").status_code == 200
    assert api.admin("GET", "/faults") == {"faults": []}


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (429, "rate_limited"),
        (500, "internal_error"),
        (502, "internal_error"),
        (404, "not_found"),
        (409, "idempotency_conflict"),
        (412, "precondition_failed"),
    ],
)
def test_status_fault_codes(api: Api, status: int, code: str) -> None:
    api.token()
    api.admin("POST", "/faults", json={"target": "api", "mode": "status", "status": status})
    problem(api.get("/v1/meta"), status, code)


def test_token_endpoint_faults_are_oauth_errors(api: Api) -> None:
    grant = {"grant_type": "client_credentials"}
    api.admin("POST", "/faults", json={"target": "token", "mode": "status", "status": 500})
    failed = api.http.post("/oauth/token", data=grant, auth=("demo-client", "demo-secret"))
    assert failed.status_code == 500 and failed.json()["error"] == "server_error"
    api.admin("POST", "/faults", json={"target": "token", "mode": "status", "status": 401})
    refused = api.http.post("/oauth/token", data=grant, auth=("demo-client", "demo-secret"))
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
    assert refused.headers["www-authenticate"].startswith("Basic")
    api.admin("POST", "/faults", json={"target": "token", "mode": "malformed_json"})
    malformed = api.http.post("/oauth/token", data=grant, auth=("demo-client", "demo-secret"))
    with pytest.raises(json.JSONDecodeError):
        malformed.json()
    assert api.http.post("/oauth/token", data=grant, auth=("demo-client", "demo-secret")).status_code == 200
    assert api.admin("GET", "/counters")["token_requests"] == 4


@pytest.mark.parametrize("mode", ["malformed_json", "truncated_json"])
def test_broken_json_faults(api: Api, mode: str) -> None:
    api.token()
    api.admin("POST", "/faults", json={"target": "api", "mode": mode})
    response = api.get("/v1/contracts")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content)
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_huge_body_fault(api: Api) -> None:
    api.token()
    api.admin("POST", "/faults", json={"target": "api", "mode": "huge_body", "body_mb": 3})
    response = api.get("/v1/contracts")
    assert response.status_code == 200 and len(response.content) > 3_000_000
    assert response.json()["data"] == []


def test_reset_fault_drops_the_connection_mid_response(api: Api) -> None:
    api.token()
    api.admin("POST", "/faults", json={"target": "api", "mode": "reset"})
    with pytest.raises(httpx2.TransportError):
        api.get("/v1/contracts")
    assert api.get("/v1/contracts").status_code == 200, "the server keeps serving"


def test_latency_fault_delays_then_answers(api: Api) -> None:
    api.token()
    api.admin("POST", "/faults", json={"target": "api", "mode": "latency", "latency_ms": 300, "count": 0})
    for _ in range(2):  # count 0: until cleared
        started = time.monotonic()
        assert api.get("/v1/meta").status_code == 200
        assert time.monotonic() - started >= 0.29
    api.admin("DELETE", "/faults")
    assert api.admin("GET", "/faults") == {"faults": []}


def test_faults_only_hit_their_target_and_path_prefix(api: Api) -> None:
    api.token()
    api.admin(
        "POST",
        "/faults",
        json={"target": "api", "mode": "status", "status": 500, "path_prefix": "/v1/contracts/ctr_000002"},
    )
    assert api.get("/v1/contracts/ctr_000001").status_code == 200
    assert api.get("/v1/meta").status_code == 200
    assert (
        api.http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, auth=("demo-client", "demo-secret")
        ).status_code
        == 200
    )
    problem(api.get("/v1/contracts/ctr_000002/document"), 500, "internal_error")
    assert api.get("/v1/contracts/ctr_000002").status_code == 200, "count 1: used up"


def test_incomplete_fault_specs_are_refused(api: Api) -> None:
    for spec in (
        {"target": "api", "mode": "status"},
        {"target": "api", "mode": "latency"},
        {"target": "db", "mode": "reset"},
    ):
        assert api.http.post("/_sandbox/faults", json=spec).status_code == 400


def test_request_log_keeps_raw_paths_and_queries(api: Api) -> None:
    token = api.token()
    since = max([r["seq"] for r in api.admin("GET", "/requests")], default=0)
    url = f"{api.base_url}/v1/contracts/ctr%5F000001?q=a%20b&x=%2F"
    response = api.http.get(url, headers={"Authorization": f"Bearer {token}", "X-Request-Id": "log-1"})
    assert response.status_code == 200, "%5F decodes to _: the same contract"
    records = api.admin("GET", "/requests", params={"since": since})
    assert [r["request_id"] for r in records] == ["log-1"]
    record = records[0]
    assert record["path"] == "/v1/contracts/ctr%5F000001"
    assert record["query"] == "q=a%20b&x=%2F"
    assert record["endpoint"] == "GET /v1/contracts/{contract_id}"
    assert (record["method"], record["status"], record["client_id"]) == ("GET", 200, "demo-client")
    assert record["seq"] > since


def test_counters_by_endpoint_and_reset(api: Api) -> None:
    api.token()
    api.get("/v1/contracts")
    api.get("/v1/contracts")
    api.get("/v1/contracts/ctr_000001")
    api.get("/v1/no-such-thing")
    counters = api.admin("GET", "/counters")
    assert counters["requests_by_endpoint"]["GET /v1/contracts"] == 2
    assert counters["requests_by_endpoint"]["GET /v1/contracts/{contract_id}"] == 1
    assert counters["token_requests"] == 1
    reset = api.admin("POST", "/reset")
    assert reset["requests_by_endpoint"] == {} and reset["token_requests"] == 0
    assert api.admin("GET", "/requests") == []


def test_test_endpoints_are_absent_unless_enabled() -> None:
    with running_sandbox(SandboxSettings(contracts=40)) as url:
        api = Api(url)
        for method, path in (("GET", "/counters"), ("POST", "/faults"), ("POST", "/reset")):
            problem(api.http.request(method, f"/_sandbox{path}", json={}), 404, "not_found")
        api.close()


def test_rate_limit_per_client() -> None:
    with running_sandbox(SandboxSettings(contracts=40, rate_limit_per_minute=3)) as url:
        api = Api(url)
        remaining = []
        for _ in range(3):
            response = api.get("/v1/meta")
            assert response.status_code == 200
            assert response.headers["ratelimit-limit"] == "3"
            remaining.append(int(response.headers["ratelimit-remaining"]))
        assert remaining == [2, 1, 0]
        limited = api.get("/v1/meta")
        body = problem(limited, 429, "rate_limited")
        assert int(limited.headers["retry-after"]) >= 1 and body["retry_after"] == int(limited.headers["retry-after"])
        assert limited.headers["ratelimit-remaining"] == "0" and int(limited.headers["ratelimit-reset"]) >= 1
        assert api.get("/v1/meta", token=api.token("readonly-client")).status_code == 200, "buckets are per client"
        api.close()
