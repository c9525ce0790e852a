"""Acceptance 2 and the error contract: every failure is a problem+json document with a stable code."""

from __future__ import annotations

import base64
import json

import pytest

from tests.sandbox.helpers import Api, problem


def test_wrong_secret_is_invalid_client(api: Api) -> None:
    response = api.http.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=("demo-client", "nope"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic")


def test_missing_scope_is_403_naming_the_scope(api: Api) -> None:
    token = api.token("metadata-client")  # read:contracts only
    assert api.get("/v1/contracts", token=token).status_code == 200
    body = problem(api.get("/v1/contracts/ctr_000001/document", token=token), 403, "insufficient_scope")
    assert body["required_scope"] == "read:documents"
    assert "read:documents" in body["detail"]
    response = api.get("/v1/contracts/ctr_000001/document", token=token)
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]


@pytest.mark.parametrize("field", ["effective_after", "expires_before", "renewal_notice_before"])
def test_a_date_that_is_not_a_date_is_400_naming_the_field(api: Api, field: str) -> None:
    body = problem(api.get("/v1/contracts", {field: "2024-02-30"}), 400, "invalid_parameter")
    assert [e["field"] for e in body["errors"]] == [field]
    assert field in body["detail"]


def test_several_bad_parameters_are_all_named(api: Api) -> None:
    body = problem(
        api.get("/v1/contracts", {"limit": "0", "type": "Lease", "auto_renew": "maybe"}), 400, "invalid_parameter"
    )
    assert {e["field"] for e in body["errors"]} == {"limit", "type", "auto_renew"}


def test_unknown_query_parameters_are_refused_not_ignored(api: Api) -> None:
    body = problem(api.get("/v1/contracts", {"renewal_notice_befor": "2027-01-01"}), 400, "invalid_parameter")
    assert [e["field"] for e in body["errors"]] == ["renewal_notice_befor"]


def test_unknown_contract_is_404(api: Api) -> None:
    body = problem(api.get("/v1/contracts/ctr_999999"), 404, "not_found")
    assert "ctr_999999" in body["detail"]
    problem(api.get("/v1/contracts/ctr_999999/document"), 404, "not_found")
    problem(api.get("/v1/contracts/ctr_999999/annotations"), 404, "not_found")


@pytest.mark.parametrize("bad_id", ["...", "a b", "ctr_1;drop", "x" * 65, "_leading", "ünicode"])
def test_malformed_ids_are_400_not_404(api: Api, bad_id: str) -> None:
    body = problem(api.get(f"/v1/contracts/{bad_id}"), 400, "invalid_parameter")
    assert body["errors"][0]["field"] == "contract_id"


def test_tampered_cursor_is_400(api: Api) -> None:
    cursor = api.ok("/v1/contracts", {"limit": 5})["next_cursor"]
    payload, signature = cursor.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["i"] = "ctr_000001"  # jump elsewhere, keep the old signature
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=") + "." + signature
    for bad in (forged, cursor[:-3] + "AAA", "not-a-cursor", cursor + "x"):
        problem(api.get("/v1/contracts", {"limit": 5, "cursor": bad}), 400, "invalid_cursor")


def test_foreign_cursor_is_400(api: Api) -> None:
    cursor = api.ok("/v1/contracts", {"limit": 5, "type": "SOW"})["next_cursor"]
    assert cursor is not None
    # The same cursor with other filters, another sort or on another listing is refused.
    problem(api.get("/v1/contracts", {"limit": 5, "type": "MSA", "cursor": cursor}), 400, "invalid_cursor")
    problem(
        api.get("/v1/contracts", {"limit": 5, "type": "SOW", "sort": "-number", "cursor": cursor}),
        400,
        "invalid_cursor",
    )
    problem(api.get("/v1/counterparties", {"cursor": cursor}), 400, "invalid_cursor")
    # ... while a different page size is fine.
    assert api.get("/v1/contracts", {"limit": 7, "type": "SOW", "cursor": cursor}).status_code == 200


def test_missing_and_bad_tokens_are_401(api: Api) -> None:
    missing = api.http.get("/v1/contracts")
    problem(missing, 401, "invalid_token")
    assert missing.headers["www-authenticate"].startswith("Bearer")
    bad = api.http.get("/v1/contracts", headers={"Authorization": "Bearer not-a-token"})
    problem(bad, 401, "invalid_token")
    assert 'error="invalid_token"' in bad.headers["www-authenticate"]
    problem(api.http.get("/v1/meta", headers={"Authorization": "Basic abc"}), 401, "invalid_token")


def test_unknown_route_and_wrong_method(api: Api) -> None:
    problem(api.get("/v1/nothing-here"), 404, "not_found")
    problem(api.http.get("/"), 404, "not_found")
    wrong = api.http.delete("/v1/contracts", headers={"Authorization": f"Bearer {api.token()}"})
    problem(wrong, 405, "method_not_allowed")
    assert "GET" in wrong.headers["allow"]


def test_invalid_json_body_is_400(api: Api) -> None:
    response = api.http.post(
        "/v1/contracts/ctr_000001/annotations",
        content=b'{"body": ',
        headers={"Authorization": f"Bearer {api.token()}", "Idempotency-Key": "k1", "Content-Type": "application/json"},
    )
    body = problem(response, 400, "invalid_parameter")
    assert body["errors"][0]["field"] == "body"


def test_oversized_body_is_413(api: Api) -> None:
    response = api.http.post(
        "/v1/contracts/ctr_000001/annotations",
        content=b"x" * 1_100_000,
        headers={"Authorization": f"Bearer {api.token()}", "Idempotency-Key": "big"},
    )
    problem(response, 413, "payload_too_large")


def test_request_id_is_echoed_when_sane_and_made_up_otherwise(api: Api) -> None:
    echoed = api.get("/v1/meta", headers={"X-Request-Id": "trace-123.abc"})
    assert echoed.headers["x-request-id"] == "trace-123.abc"
    assert echoed.headers["x-clm-region"] == "eu-west-1"
    replaced = api.get("/v1/meta", headers={"X-Request-Id": "bad id\twith<stuff>"})
    assert replaced.headers["x-request-id"] != "bad id\twith<stuff>" and len(replaced.headers["x-request-id"]) == 32
    body = problem(api.get("/v1/contracts/ctr_999999", headers={"X-Request-Id": "req-404"}), 404, "not_found")
    assert body["request_id"] == "req-404"


def test_healthz_and_meta(api: Api) -> None:
    health = api.http.get("/v1/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert "x-request-id" in health.headers
    meta = api.ok("/v1/meta")
    assert meta["as_of"] == "2026-11-24" and meta["region"] == "eu-west-1" and meta["contracts"] == 120
