"""The token endpoint (RFC 6749 section 4.4 and 5.2), revocation (RFC 7009) and token lifetimes."""

from __future__ import annotations

import base64
import time
from urllib.parse import quote_plus

from pydantic import SecretStr

from sandbox.api_models import Scope
from sandbox.settings import ClientConfig, SandboxSettings, default_clients
from sandbox.testing import running_sandbox
from tests.sandbox.helpers import Api, problem

GRANT = {"grant_type": "client_credentials"}


def test_client_secret_basic_and_post_both_work(api: Api) -> None:
    basic = api.http.post("/oauth/token", data=GRANT, auth=("demo-client", "demo-secret"))
    post = api.http.post("/oauth/token", data={**GRANT, "client_id": "demo-client", "client_secret": "demo-secret"})
    for response in (basic, post):
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
        assert body["scope"] == "read:contracts read:documents write:annotations"
        assert response.headers["cache-control"] == "no-store"
        assert api.get("/v1/meta", token=body["access_token"]).status_code == 200
    assert basic.json()["access_token"] != post.json()["access_token"]


def test_two_authentication_methods_at_once_is_invalid_request(api: Api) -> None:
    response = api.http.post(
        "/oauth/token", data={**GRANT, "client_secret": "demo-secret"}, auth=("demo-client", "demo-secret")
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_requested_scope_must_be_a_subset(api: Api) -> None:
    narrowed = api.http.post(
        "/oauth/token", data={**GRANT, "scope": "read:contracts"}, auth=("readonly-client", "readonly-secret")
    )
    assert narrowed.status_code == 200 and narrowed.json()["scope"] == "read:contracts"
    token = narrowed.json()["access_token"]
    problem(api.get("/v1/contracts/ctr_000001/document", token=token), 403, "insufficient_scope")
    for scope in ("write:annotations", "read:contracts admin", "read:everything"):
        refused = api.http.post(
            "/oauth/token", data={**GRANT, "scope": scope}, auth=("readonly-client", "readonly-secret")
        )
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope", scope


def test_grant_type_errors(api: Api) -> None:
    missing = api.http.post("/oauth/token", data={}, auth=("demo-client", "demo-secret"))
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    other = api.http.post("/oauth/token", data={"grant_type": "password"}, auth=("demo-client", "demo-secret"))
    assert other.status_code == 400 and other.json()["error"] == "unsupported_grant_type"
    json_body = api.http.post("/oauth/token", json=GRANT, auth=("demo-client", "demo-secret"))
    assert json_body.status_code == 400 and json_body.json()["error"] == "invalid_request"


def test_client_authentication_failures_are_401_invalid_client(api: Api) -> None:
    attempts = [
        api.http.post("/oauth/token", data=GRANT),
        api.http.post("/oauth/token", data=GRANT, auth=("nobody", "demo-secret")),
        api.http.post("/oauth/token", data={**GRANT, "client_id": "demo-client", "client_secret": "wrong"}),
        api.http.post("/oauth/token", data=GRANT, headers={"Authorization": "Basic !!!not-base64"}),
    ]
    for response in attempts:
        assert response.status_code == 401, response.text
        assert response.json()["error"] == "invalid_client"
        assert "error_description" in response.json()
        assert response.headers["www-authenticate"].startswith("Basic")


def test_basic_credentials_are_form_urlencoded_before_base64() -> None:
    odd = ClientConfig(client_id="odd client:1", client_secret=SecretStr("p@ss:wörd+&"), scopes=[Scope.READ_CONTRACTS])
    settings = SandboxSettings(contracts=40, clients=[*default_clients(), odd])
    with running_sandbox(settings) as url:
        api = Api(url)
        raw = f"{quote_plus(odd.client_id)}:{quote_plus(odd.client_secret.get_secret_value())}"
        header = "Basic " + base64.b64encode(raw.encode()).decode()
        response = api.http.post("/oauth/token", data=GRANT, headers={"Authorization": header})
        assert response.status_code == 200, response.text
        assert response.json()["scope"] == "read:contracts"
        api.close()


def test_revocation(api: Api) -> None:
    token = api.http.post("/oauth/token", data=GRANT, auth=("demo-client", "demo-secret")).json()["access_token"]
    assert api.get("/v1/meta", token=token).status_code == 200
    other = api.http.post("/oauth/revoke", data={"token": token}, auth=("readonly-client", "readonly-secret"))
    assert other.status_code == 400, "a client cannot revoke another client's token"
    assert api.get("/v1/meta", token=token).status_code == 200
    revoked = api.http.post("/oauth/revoke", data={"token": token}, auth=("demo-client", "demo-secret"))
    assert revoked.status_code == 200
    problem(api.get("/v1/meta", token=token), 401, "invalid_token")
    again = api.http.post("/oauth/revoke", data={"token": token}, auth=("demo-client", "demo-secret"))
    assert again.status_code == 200, "revoking an unknown token is not an error (RFC 7009)"
    unauthenticated = api.http.post("/oauth/revoke", data={"token": token})
    assert unauthenticated.status_code == 401


def test_test_endpoints_revoke_and_expire_every_token(api: Api) -> None:
    for action in ("revoke-all", "expire-all"):
        token = api.http.post("/oauth/token", data=GRANT, auth=("demo-client", "demo-secret")).json()["access_token"]
        assert api.get("/v1/meta", token=token).status_code == 200
        assert api.admin("POST", f"/tokens/{action}")["tokens"] >= 1
        problem(api.get("/v1/meta", token=token), 401, "invalid_token")


def test_tokens_expire_after_their_lifetime() -> None:
    with running_sandbox(SandboxSettings(contracts=40, token_ttl_seconds=2)) as url:
        api = Api(url)
        response = api.http.post("/oauth/token", data=GRANT, auth=("demo-client", "demo-secret"))
        assert response.json()["expires_in"] == 2
        token = response.json()["access_token"]
        assert api.get("/v1/meta", token=token).status_code == 200
        time.sleep(2.1)
        problem(api.get("/v1/meta", token=token), 401, "invalid_token")
        api.close()


def test_token_requests_are_counted(api: Api) -> None:
    api.http.post("/oauth/token", data=GRANT, auth=("demo-client", "demo-secret"))
    api.http.post("/oauth/token", data=GRANT, auth=("demo-client", "wrong"))
    api.http.post("/oauth/token", data=GRANT, auth=("readonly-client", "readonly-secret"))
    counters = api.admin("GET", "/counters")
    assert counters["token_requests"] == 3
    assert counters["token_requests_by_client"] == {"demo-client": 2, "readonly-client": 1}
    assert counters["tokens_issued"] == 2
    assert counters["requests_by_endpoint"]["POST /oauth/token"] == 3
