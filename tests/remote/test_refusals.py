"""Every request to /mcp needs a valid user token; a refused one never reaches the CLM."""

from __future__ import annotations

import time

import httpx2
import pytest
from joserfc.jwk import ECKey

from tests.remote.client import McpHttpSession, ServeProcess
from tests.remote.conftest import clm_requests
from tests.remote.issuer import TestIssuer


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return ".".join((header, payload, flipped))


CASES = {
    "missing": lambda issuer, url: None,
    "other_audience": lambda issuer, url: issuer.mint(audience="http://127.0.0.1:1/mcp"),
    "expired": lambda issuer, url: issuer.mint(audience=url, lifetime=-600),
    "not_yet_valid": lambda issuer, url: issuer.mint(audience=url, not_before=int(time.time()) + 3600),
    "unknown_issuer": lambda issuer, url: issuer.mint(audience=url, issuer="http://127.0.0.1:9/other-idp"),
    "foreign_key": lambda issuer, url: issuer.mint(
        audience=url, key=ECKey.generate_key("P-256", parameters={"kid": "k1"}, private=True)
    ),
    "unknown_kid": lambda issuer, url: issuer.mint(
        audience=url, key=ECKey.generate_key("P-256", parameters={"kid": "never"}, private=True)
    ),
    "tampered_signature": lambda issuer, url: _tampered(issuer.mint(audience=url)),
    "garbage": lambda issuer, url: "not-a-jwt",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_invalid_tokens_get_401_and_reach_no_clm(case: str, served: ServeProcess, issuer: TestIssuer, clm: str) -> None:
    token = CASES[case](issuer, served.url)
    before = clm_requests(clm)
    session = McpHttpSession(served.url, token)
    params = {"name": "clm__search_contracts", "arguments": {}}
    response = session.post({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params})
    assert response.status_code == 401, response.text
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer ")
    assert f'resource_metadata="{served.base}/.well-known/oauth-protected-resource/mcp"' in challenge
    assert clm_requests(clm) == before, "a refused request reached the CLM"


def test_missing_required_scope_is_403_insufficient_scope_naming_it(
    served: ServeProcess, issuer: TestIssuer, clm: str
) -> None:
    before = clm_requests(clm)
    session = McpHttpSession(served.url, issuer.mint(audience=served.url, scope="read:documents"))
    response = session.post({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}})
    assert response.status_code == 403
    challenge = response.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge and 'scope="read:contracts"' in challenge
    assert clm_requests(clm) == before


def test_protected_resource_metadata_names_the_authorization_server(served: ServeProcess, issuer: TestIssuer) -> None:
    for path in ("/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"):
        metadata = httpx2.get(served.base + path).json()
        assert metadata["resource"] == served.url
        assert metadata["authorization_servers"] == [issuer.url]
        assert "read:contracts" in metadata["scopes_supported"]


def test_a_valid_token_is_served(served: ServeProcess, issuer: TestIssuer, clm: str) -> None:
    session = McpHttpSession(served.url, issuer.mint(audience=served.url))
    assert session.initialize()["result"]["serverInfo"]["name"]
    listed = session.request("tools/list")["result"]["tools"]
    assert any(tool["name"] == "clm__search_contracts" for tool in listed)
    before = clm_requests(clm)
    answer = session.call("clm__search_contracts", {})
    assert not answer["result"].get("isError"), answer
    assert clm_requests(clm) > before


def test_host_and_origin_checks(served: ServeProcess, issuer: TestIssuer, clm: str) -> None:
    token = issuer.mint(audience=served.url)
    before = clm_requests(clm)
    session = McpHttpSession(served.url, token)
    message = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    assert session.post(message, Host="attacker.example").status_code == 421
    assert session.post(message, Origin="http://attacker.example").status_code == 403
    assert clm_requests(clm) == before
