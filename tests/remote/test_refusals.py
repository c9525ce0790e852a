"""Every request to /mcp needs a valid user token from the configured issuer (here the sandbox's authorization
server); a refused one is answered 401/403 with the right WWW-Authenticate and never reaches the CLM."""

from __future__ import annotations

from collections.abc import Callable

import httpx2
import pytest
from joserfc.jwk import ECKey

from sandbox.testing import mint_user_token, user_token
from tests.remote.client import McpHttpSession, ServeProcess
from tests.remote.conftest import clm_requests
from tests.remote.issuer import TestIssuer


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return ".".join((header, payload, flipped))


def _forged(clm: str, url: str, issuer: TestIssuer, kid: str) -> str:
    """Claims exactly like the sandbox's, signed by a key it never published."""
    key = ECKey.generate_key("P-256", parameters={"kid": kid}, private=True)
    return issuer.mint(audience=url, issuer=clm, key=key)


Mint = Callable[[str, str, TestIssuer], str | None]
CASES: dict[str, Mint] = {
    "missing": lambda clm, url, issuer: None,
    "other_audience": lambda clm, url, issuer: user_token(clm, "alice", resource="http://127.0.0.1:1/mcp"),
    "expired": lambda clm, url, issuer: mint_user_token(clm, "alice", resource=url, lifetime_seconds=-600),
    "not_yet_valid": lambda clm, url, issuer: mint_user_token(clm, "alice", resource=url, not_before_in_seconds=3600),
    "unknown_issuer": lambda clm, url, issuer: issuer.mint(audience=url),
    "foreign_key_same_kid": lambda clm, url, issuer: _forged(clm, url, issuer, kid=_kid(clm)),
    "unknown_kid": lambda clm, url, issuer: _forged(clm, url, issuer, kid="never-published"),
    "tampered_signature": lambda clm, url, issuer: _tampered(user_token(clm, "alice", resource=url)),
    "tampered_claims": lambda clm, url, issuer: _swap_payload(user_token(clm, "alice", resource=url), clm, url),
    "garbage": lambda clm, url, issuer: "not-a-jwt",
}


def _kid(clm: str) -> str:
    return str(httpx2.get(f"{clm}/oauth/jwks").json()["keys"][-1]["kid"])


def _swap_payload(token: str, clm: str, url: str) -> str:
    """alice's signature over bob's claims (a token edited to speak for someone else)."""
    bob = user_token(clm, "bob", resource=url)
    header, _, signature = token.split(".")
    return ".".join((header, bob.split(".")[1], signature))


@pytest.mark.parametrize("case", sorted(CASES))
def test_invalid_tokens_get_401_and_reach_no_clm(case: str, served: ServeProcess, issuer: TestIssuer, clm: str) -> None:
    token = CASES[case](clm, served.url, issuer)
    before = clm_requests(clm)
    session = McpHttpSession(served.url, token)
    params = {"name": "clm__search_contracts", "arguments": {}}
    response = session.post({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params})
    assert response.status_code == 401, response.text
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer ")
    assert f'resource_metadata="{served.base}/.well-known/oauth-protected-resource/mcp"' in challenge
    assert clm_requests(clm) == before, "a refused request reached the CLM"


def test_missing_required_scope_is_403_insufficient_scope_naming_it(served: ServeProcess, clm: str) -> None:
    token = mint_user_token(clm, "alice", resource=served.url, scope=["contracts:annotate"])
    before = clm_requests(clm)
    response = McpHttpSession(served.url, token).post({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}})
    assert response.status_code == 403
    challenge = response.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge and 'scope="contracts:read"' in challenge
    assert clm_requests(clm) == before


def test_protected_resource_metadata_names_the_authorization_server(served: ServeProcess, clm: str) -> None:
    for path in ("/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"):
        metadata = httpx2.get(served.base + path).json()
        assert metadata["resource"] == served.url
        assert metadata["authorization_servers"] == [clm]
        assert set(metadata["scopes_supported"]) == {"contracts:read", "contracts:annotate"}


def test_host_and_origin_checks(served: ServeProcess, clm: str) -> None:
    session = McpHttpSession(served.url, user_token(clm, "alice", resource=served.url))
    before = clm_requests(clm)
    message = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    assert session.post(message, Host="attacker.example").status_code == 421
    assert session.post(message, Origin="http://attacker.example").status_code == 403
    assert clm_requests(clm) == before
    assert session.initialize()["result"]  # the same token and client, from an allowed host and origin


def test_health_and_readiness(served: ServeProcess) -> None:
    assert httpx2.get(f"{served.base}/healthz").json()["status"] == "ok"
    ready = httpx2.get(f"{served.base}/readyz")
    assert ready.status_code == 200, ready.text
