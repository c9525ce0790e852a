"""The JWT checks one by one, each with a token whose signature is valid (so the check itself is what refuses):
issuer, audience, expiry with leeway, not-before, subject, algorithm. The issuer's JWKS is served over loopback."""

from __future__ import annotations

import asyncio
import base64
import json
import time

from plugin.server.auth import JwtVerifier
from tests.remote.issuer import TestIssuer

AUDIENCE = "https://mcp.example.org/mcp"


def _verify(issuer: TestIssuer, token: str, *, leeway: float = 30.0) -> tuple[object, dict[str, int]]:
    async def run() -> tuple[object, dict[str, int]]:
        verifier = JwtVerifier(issuer=issuer.url, audience=AUDIENCE, leeway=leeway)
        try:
            return await verifier.verify(token), verifier.refusals.counts
        finally:
            await verifier.aclose()

    return asyncio.run(run())


def test_valid_token(issuer: TestIssuer) -> None:
    user, _ = _verify(issuer, issuer.mint("bob", audience=AUDIENCE, scope="contracts:read"))
    assert user is not None
    assert user.subject == "bob" and user.issuer == issuer.url  # type: ignore[attr-defined]
    assert user.scopes == frozenset({"contracts:read"})  # type: ignore[attr-defined]


def test_audience_list_containing_this_server(issuer: TestIssuer) -> None:
    user, _ = _verify(issuer, issuer.mint(audience=["https://other.example/api", AUDIENCE]))
    assert user is not None


def test_each_claim_check_refuses(issuer: TestIssuer) -> None:
    now = int(time.time())
    cases = {
        "claim:iss": issuer.mint(audience=AUDIENCE, issuer="https://elsewhere.example"),
        "claim:aud": issuer.mint(audience="https://mcp.example.org/other"),
        "claim:exp": issuer.mint(audience=AUDIENCE, lifetime=-120),
        "claim:nbf": issuer.mint(audience=AUDIENCE, not_before=now + 600),
        "claim:sub": issuer.mint(subject="", audience=AUDIENCE),
    }
    for reason, token in cases.items():
        user, refusals = _verify(issuer, token)
        assert user is None, reason
        assert refusals == {reason: 1}, (reason, refusals)


def test_leeway_accepts_small_skew_only(issuer: TestIssuer) -> None:
    assert _verify(issuer, issuer.mint(audience=AUDIENCE, lifetime=-10), leeway=30)[0] is not None
    assert _verify(issuer, issuer.mint(audience=AUDIENCE, lifetime=-10), leeway=0)[0] is None


def test_symmetric_and_unsigned_algorithms_are_refused(issuer: TestIssuer) -> None:
    claims = {"iss": issuer.url, "sub": "alice", "aud": AUDIENCE, "exp": int(time.time()) + 600}

    def b64(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    for alg in ("none", "HS256"):
        token = f"{b64({'alg': alg, 'kid': 'k1'})}.{b64(claims)}.{'' if alg == 'none' else 'c2ln'}"
        user, refusals = _verify(issuer, token)
        assert user is None and refusals in ({"algorithm": 1}, {"malformed": 1}), (alg, refusals)


def test_jwks_found_through_openid_discovery() -> None:
    """An IdP that serves only OpenID Connect Discovery (most do) is found too."""
    from sandbox.testing import serving

    oidc = TestIssuer(metadata_path="/.well-known/openid-configuration")
    with serving(oidc.app()) as url:
        oidc.url = url
        user, refusals = _verify(oidc, oidc.mint(audience=AUDIENCE))
    assert user is not None, refusals
