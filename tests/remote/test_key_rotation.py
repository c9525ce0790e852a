"""Key rotation at the issuer: a token signed with a new kid makes the server fetch the JWKS once more; a flood of
unknown kids does not turn into a flood of JWKS requests (rate limit)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from joserfc.jwk import ECKey

from tests.remote.client import McpHttpSession, ServeProcess
from tests.remote.conftest import clm_requests, remote_env
from tests.remote.issuer import TestIssuer


@pytest.fixture(scope="module")
def fresh(clm: str, issuer: TestIssuer) -> Iterator[ServeProcess]:
    with ServeProcess(remote_env(clm, issuer.url, CLM_TOKEN_EXCHANGE="false")) as process:
        yield process


def test_rotation_then_forged_kids(fresh: ServeProcess, issuer: TestIssuer, clm: str) -> None:
    assert McpHttpSession(fresh.url, issuer.mint(audience=fresh.url)).initialize()["result"]
    issuer.rotate()
    fetched = issuer.jwks_requests
    for _ in range(3):
        assert McpHttpSession(fresh.url, issuer.mint(audience=fresh.url)).initialize()["result"]
    assert issuer.jwks_requests == fetched + 1, "the new kid was not fetched exactly once"
    before = clm_requests(clm)
    for n in range(20):
        forged = ECKey.generate_key("P-256", parameters={"kid": f"forged-{n}"}, private=True)
        response = McpHttpSession(fresh.url, issuer.mint(audience=fresh.url, key=forged)).post(
            {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
        )
        assert response.status_code == 401
    assert issuer.jwks_requests <= fetched + 2, "unknown kids were not rate-limited"
    assert clm_requests(clm) == before
