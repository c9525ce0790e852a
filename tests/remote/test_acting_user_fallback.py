"""Fallback for a CLM that cannot exchange tokens: client credentials, the acting user taken from the verified
token (never from settings) — each user still sees exactly their contracts, and no token is exchanged."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from sandbox.api_models import Scope
from sandbox.settings import ClientConfig, SandboxSettings
from sandbox.testing import running_sandbox, token_exchanges, user_token, visible_contracts_of
from tests.remote.client import McpHttpSession, ServeProcess
from tests.remote.conftest import CONTRACTS, remote_env


@pytest.fixture(scope="module")
def trusting_clm() -> Iterator[str]:
    client = ClientConfig(
        client_id="acting-client",
        client_secret=SecretStr("acting-secret"),
        scopes=list(Scope),
        trusted_acting_user=True,
    )
    with running_sandbox(SandboxSettings(contracts=CONTRACTS, test_endpoints=True, clients=[client])) as url:
        yield url


def test_acting_user_from_the_verified_token(trusting_clm: str) -> None:
    clm = trusting_clm
    env = remote_env(
        clm,
        clm,
        CLM_CLIENT_ID="acting-client",
        CLM_CLIENT_SECRET="acting-secret",
        CLM_TOKEN_EXCHANGE="false",
        CLM_ACTING_USER="alice",  # a setting must never decide whom a remote call acts for
    )
    truth = visible_contracts_of(clm)
    with ServeProcess(env) as served:
        for user in ("bob", "carol"):
            session = McpHttpSession(served.url, user_token(clm, user, resource=served.url))
            session.initialize()
            page = session.call("clm__search_contracts", {"limit": 100})["result"]["structuredContent"]
            assert page["total"] == len(truth[user])
            assert {row["id"] for row in page["contracts"]} == set(truth[user])
    assert sum(token_exchanges(clm).values()) == 0
