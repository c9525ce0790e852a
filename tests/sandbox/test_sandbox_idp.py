"""The sandbox's test authorization server: metadata (RFC 8414), JWK set, user tokens, key rotation, CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from joserfc import jwt
from joserfc.jwk import KeySet

from sandbox.testing import rotate_signing_key, user_token
from tests.sandbox.helpers import Api

RESOURCE = "http://127.0.0.1:9/mcp"
ROOT = Path(__file__).resolve().parents[2]


def _password(api: Api, **form: str) -> dict[str, object]:
    data = {"grant_type": "password", "client_id": "demo-mcp-client", "resource": RESOURCE, **form}
    response = api.http.post("/oauth/token", data=data)
    body: dict[str, object] = response.json()
    body["_status"] = response.status_code
    return body


def test_metadata_names_this_issuer_and_its_endpoints(api: Api) -> None:
    meta = api.http.get("/.well-known/oauth-authorization-server").json()
    issuer = api.base_url
    assert meta["issuer"] == issuer
    assert meta["token_endpoint"] == f"{issuer}/oauth/token"
    assert meta["jwks_uri"] == f"{issuer}/oauth/jwks"
    assert set(meta["grant_types_supported"]) == {
        "client_credentials",
        "password",
        "urn:ietf:params:oauth:grant-type:token-exchange",
    }
    assert {"contracts:read", "contracts:annotate", "read:contracts"} <= set(meta["scopes_supported"])
    assert "client_secret_basic" in meta["token_endpoint_auth_methods_supported"]


def test_user_token_claims_and_signature(api: Api) -> None:
    token = user_token(api.base_url, "bob", resource=RESOURCE)
    keys = KeySet.import_key_set(api.http.get("/oauth/jwks").json())
    decoded = jwt.decode(token, keys, algorithms=["ES256"])
    claims = decoded.claims
    assert decoded.header["kid"] in {k["kid"] for k in api.http.get("/oauth/jwks").json()["keys"]}
    assert claims["iss"] == api.base_url and claims["sub"] == "bob" and claims["aud"] == RESOURCE
    assert claims["exp"] - claims["iat"] == 3600 and claims["nbf"] == claims["iat"]
    assert claims["scope"] == "contracts:annotate contracts:read" and claims["client_id"] == "demo-mcp-client"
    assert claims["name"] and claims["email"] == "bob@northwind.example" and len(claims["jti"]) >= 16
    assert "d" not in api.http.get("/oauth/jwks").json()["keys"][0], "public keys only"


def test_read_only_user_gets_no_annotate_scope(api: Api) -> None:
    assert _password(api, username="dave", password="dave-demo")["scope"] == "contracts:read"
    refused = _password(api, username="dave", password="dave-demo", scope="contracts:annotate")
    assert (refused["_status"], refused["error"]) == (400, "invalid_scope")


def test_password_grant_refusals(api: Api) -> None:
    wrong = _password(api, username="alice", password="nope")
    unknown = _password(api, username="mallory", password="alice-demo")
    no_resource = api.http.post(
        "/oauth/token",
        data={"grant_type": "password", "client_id": "demo-mcp-client", "username": "alice", "password": "alice-demo"},
    )
    assert (wrong["_status"], wrong["error"]) == (400, "invalid_grant")
    assert (unknown["_status"], unknown["error"]) == (400, "invalid_grant")
    assert no_resource.status_code == 400 and no_resource.json()["error"] == "invalid_target"
    # A user token is for the MCP server, never a key to the CLM API itself.
    token = user_token(api.base_url, "alice", resource=RESOURCE)
    assert api.get("/v1/contracts", token=token).status_code == 401


def test_rotation_keeps_old_keys_and_signs_with_the_new_one(api: Api) -> None:
    before = user_token(api.base_url, "alice", resource=RESOURCE)
    kid = rotate_signing_key(api.base_url)
    after = user_token(api.base_url, "alice", resource=RESOURCE)
    keys = KeySet.import_key_set(api.http.get("/oauth/jwks").json())
    assert jwt.decode(after, keys).header["kid"] == kid
    assert jwt.decode(before, keys).header["kid"] != kid, "a token signed before the rotation still verifies"


def test_token_cli_prints_a_user_token(api: Api) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sandbox", "token", "--user", "carol", "--url", api.base_url, "--resource", RESOURCE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    keys = KeySet.import_key_set(api.http.get("/oauth/jwks").json())
    claims = jwt.decode(done.stdout.strip(), keys).claims
    assert (claims["sub"], claims["aud"]) == ("carol", RESOURCE)
