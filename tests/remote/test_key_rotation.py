"""Key rotation at the issuer: a token signed with the new kid is accepted after one more JWKS fetch; a flood of
unknown kids does not turn into a flood of JWKS requests (rate limit) nor reach the CLM."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest
from joserfc.jwk import ECKey

from sandbox.testing import rotate_signing_key, user_token
from tests.remote.client import McpHttpSession, ServeProcess
from tests.remote.conftest import clm_requests, remote_env
from tests.remote.issuer import TestIssuer


@pytest.fixture(scope="module")
def fresh(clm: str) -> Iterator[ServeProcess]:
    with ServeProcess(remote_env(clm, clm)) as process:
        yield process


def _jwks_fetches(clm: str) -> int:
    counters = httpx2.get(f"{clm}/_sandbox/counters").json()["requests_by_endpoint"]
    return int(sum(n for endpoint, n in counters.items() if endpoint.endswith("/oauth/jwks")))


def test_rotation_then_forged_kids(fresh: ServeProcess, issuer: TestIssuer, clm: str) -> None:
    assert McpHttpSession(fresh.url, user_token(clm, "alice", resource=fresh.url)).initialize()["result"]
    new_kid = rotate_signing_key(clm)
    fetched = _jwks_fetches(clm)
    for _ in range(3):
        token = user_token(clm, "alice", resource=fresh.url)
        assert new_kid in httpx2.get(f"{clm}/oauth/jwks").text
        assert McpHttpSession(fresh.url, token).initialize()["result"]
    # 3 fetches by the test itself above, 1 by the server
    assert _jwks_fetches(clm) == fetched + 3 + 1, "the new kid was not fetched exactly once"
    before, fetched = clm_requests(clm), _jwks_fetches(clm)
    for n in range(20):
        forged = ECKey.generate_key("P-256", parameters={"kid": f"forged-{n}"}, private=True)
        response = McpHttpSession(fresh.url, issuer.mint(audience=fresh.url, issuer=clm, key=forged)).post(
            {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
        )
        assert response.status_code == 401
    assert _jwks_fetches(clm) <= fetched + 1, "unknown kids were not rate-limited"
    assert clm_requests(clm) == before
