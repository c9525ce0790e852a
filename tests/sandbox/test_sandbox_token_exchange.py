"""Token exchange (RFC 8693) at POST /oauth/token: what is granted, and every subject token refused."""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Iterator

import pytest

from sandbox.testing import mint_user_token, rotate_signing_key, token_exchanges, user_token
from sandbox.users import UserScope
from sandbox.web.idp import IdentityProvider
from sandbox.web.state import SandboxState
from tests.sandbox.identity import EXCHANGE, MCP_URL, IdentitySandbox, identity_sandbox


@pytest.fixture(scope="module")
def idp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IdentitySandbox]:
    with identity_sandbox(tmp_path_factory.mktemp("exchange"), contracts=40) as sandbox:
        yield sandbox


def _state(idp: IdentitySandbox) -> SandboxState:
    state = idp.app.state.sandbox
    assert isinstance(state, SandboxState)
    return state


def _error(response: object, status: int, error: str) -> str:
    assert getattr(response, "status_code", None) == status, getattr(response, "text", response)
    body = response.json()  # type: ignore[attr-defined]
    assert body["error"] == error, body
    description: str = body.get("error_description", "")
    return description


def _tampered(token: str) -> str:
    """The same token with its payload changed (sub -> alice) and the original signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "alice"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_exchange_grants_the_intersection_bound_to_the_user(idp: IdentitySandbox) -> None:
    idp.api.admin("POST", "/reset")
    dave = idp.exchange(user_token(idp.url, "dave", resource=MCP_URL))
    assert dave.status_code == 200, dave.text
    body = dave.json()
    assert body["issued_token_type"] == "urn:ietf:params:oauth:token-type:access_token"
    assert body["token_type"] == "Bearer" and 0 < body["expires_in"] <= 3600
    assert body["scope"] == "read:contracts read:documents", "dave's user scopes carry no write"
    assert dave.headers["cache-control"] == "no-store"
    # Asked for less: granted less. Named by user scope: its CLM scopes.
    narrowed = idp.exchange(user_token(idp.url, "bob", resource=MCP_URL), scope="read:contracts")
    assert narrowed.json()["scope"] == "read:contracts"
    by_user_scope = idp.exchange(user_token(idp.url, "bob", resource=MCP_URL), scope="contracts:annotate")
    assert by_user_scope.json()["scope"] == "write:annotations"
    # A user token that holds only contracts:read gets no write, whoever the user is.
    read_only_alice = user_token(idp.url, "alice", resource=MCP_URL, scope="contracts:read")
    assert idp.exchange(read_only_alice).json()["scope"] == "read:contracts read:documents"
    # The CLM token never outlives the user token.
    short = mint_user_token(idp.url, "carol", resource=MCP_URL, lifetime_seconds=120)
    assert idp.exchange(short).json()["expires_in"] <= 120
    # Audience / resource naming this CLM is accepted.
    for target in (idp.url, f"{idp.url}/v1"):
        assert idp.exchange(user_token(idp.url, "alice", resource=MCP_URL), audience=target).status_code == 200
    assert token_exchanges(idp.url) == {"dave": 1, "bob": 2, "alice": 3, "carol": 1}


def test_refused_subject_tokens(idp: IdentitySandbox) -> None:
    """Each refusal is invalid_grant (RFC 8693 section 2.2.2), and none counts as an exchange."""
    idp.api.admin("POST", "/reset")
    state = _state(idp)
    bob = user_token(idp.url, "bob", resource=MCP_URL)
    stranger = IdentityProvider(3600)  # another issuer's keys: unknown kid
    bob_user = state.settings.user("bob")
    assert bob_user is not None
    foreign, _ = stranger.issue(
        issuer="https://idp.elsewhere.example", user=bob_user, audience=MCP_URL, scopes=set(UserScope), client_id="x"
    )
    foreign_same_iss, _ = stranger.issue(
        issuer=idp.url, user=bob_user, audience=MCP_URL, scopes=set(UserScope), client_id="x"
    )
    # Signed with this sandbox's own key, but claiming another issuer.
    other_issuer, _ = state.idp.issue(
        issuer="https://idp.elsewhere.example", user=bob_user, audience=MCP_URL, scopes=set(UserScope), client_id="x"
    )
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    unsigned = f"{header}.{bob.split('.')[1]}."
    cases = {
        "expired": mint_user_token(idp.url, "bob", resource=MCP_URL, lifetime_seconds=-60),
        "not yet valid": mint_user_token(idp.url, "bob", resource=MCP_URL, not_before_in_seconds=600),
        "tampered signature": _tampered(bob),
        "unknown kid (another issuer's key)": foreign,
        "unknown kid, our issuer claimed": foreign_same_iss,
        "wrong issuer, our key": other_issuer,
        "alg none": unsigned,
        "not a JWT": "opaque-token-value",
    }
    descriptions = {}
    for name, token in cases.items():
        descriptions[name] = _error(idp.exchange(token), 400, "invalid_grant")
    assert "expired" in descriptions["expired"]
    assert "signature" in descriptions["tampered signature"]
    assert "unknown kid" in descriptions["unknown kid (another issuer's key)"]
    assert "issuer" in descriptions["wrong issuer, our key"]
    # Wrong audience: narrow-client may exchange only tokens for https://mcp.example/mcp.
    narrow = ("narrow-client", "narrow-secret")
    assert "audience" in _error(idp.exchange(bob, client=narrow), 400, "invalid_grant")
    meant = user_token(idp.url, "bob", resource="https://mcp.example/mcp")
    assert idp.exchange(meant, client=narrow).status_code == 200
    not_a_server = mint_user_token(idp.url, "bob", resource="urn:example:not-an-mcp-server")
    assert "audience" in _error(idp.exchange(not_a_server), 400, "invalid_grant")
    for description in descriptions.values():
        assert bob.split(".")[2] not in description, "no token material in an error"
    print(f"token exchange refusals: {len(cases) + 2} invalid_grant cases, all refused", file=sys.stderr)
    assert token_exchanges(idp.url) == {"bob": 1}, "only the one good exchange counted"


def test_request_errors(idp: IdentitySandbox) -> None:
    bob = user_token(idp.url, "bob", resource=MCP_URL)
    _error(idp.exchange(bob, client=("demo-client", "wrong-secret")), 401, "invalid_client")
    _error(idp.exchange(bob, client=("readonly-client", "readonly-secret")), 400, "unauthorized_client")
    _error(idp.exchange(bob, subject_token_type="urn:ietf:params:oauth:token-type:saml2"), 400, "invalid_request")
    missing = idp.api.http.post("/oauth/token", data={"grant_type": EXCHANGE}, auth=("demo-client", "demo-secret"))
    _error(missing, 400, "invalid_request")
    _error(idp.exchange(bob, audience="https://another-api.example/v1"), 400, "invalid_target")
    _error(idp.exchange(bob, requested_token_type="urn:ietf:params:oauth:token-type:id_token"), 400, "invalid_request")
    _error(idp.exchange(bob, scope="read:everything"), 400, "invalid_scope")
    dave = user_token(idp.url, "dave", resource=MCP_URL)
    _error(idp.exchange(dave, scope="write:annotations"), 400, "invalid_scope")
    # The public demo client cannot exchange (it has no secret).
    public = idp.api.http.post(
        "/oauth/token",
        data={
            "grant_type": EXCHANGE,
            "client_id": "demo-mcp-client",
            "subject_token": bob,
            "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
        },
    )
    _error(public, 401, "invalid_client")
    assert idp.exchange(bob, subject_token_type="urn:ietf:params:oauth:token-type:jwt").status_code == 200


def test_rotation_and_revocation(idp: IdentitySandbox) -> None:
    before = user_token(idp.url, "carol", resource=MCP_URL)
    rotate_signing_key(idp.url)
    assert idp.exchange(before).status_code == 200, "a token signed before a rotation still exchanges"
    clm = idp.exchange(user_token(idp.url, "carol", resource=MCP_URL)).json()["access_token"]
    headers = {"Authorization": f"Bearer {clm}"}
    assert idp.api.http.get("/v1/meta", headers=headers).status_code == 200
    revoked = idp.api.http.post("/oauth/revoke", data={"token": clm}, auth=("demo-client", "demo-secret"))
    assert revoked.status_code == 200
    assert idp.api.http.get("/v1/meta", headers=headers).status_code == 401
