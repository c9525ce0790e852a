"""Remote mode over real loopback HTTP: the sandbox CLM, an authorization server, and `serve` as a child process."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest

from sandbox.settings import SandboxSettings
from sandbox.testing import running_sandbox, serving
from tests.remote.client import ServeProcess, clean_env
from tests.remote.issuer import TestIssuer

CONTRACTS = 60


@pytest.fixture(scope="module")
def clm() -> Iterator[str]:
    with running_sandbox(SandboxSettings(contracts=CONTRACTS, test_endpoints=True)) as url:
        yield url


@pytest.fixture(scope="module")
def issuer() -> Iterator[TestIssuer]:
    test_issuer = TestIssuer()
    with serving(test_issuer.app()) as url:
        test_issuer.url = url
        yield test_issuer


def clm_requests(clm_url: str) -> int:
    """Requests the CLM answered at its API (/v1/*) and token endpoint, from its own counters (the JWKS and
    metadata of its authorization server are not CLM requests: a resource server must read them)."""
    counters = httpx2.get(f"{clm_url}/_sandbox/counters").json()
    by_endpoint = counters["requests_by_endpoint"].items()
    api = sum(n for endpoint, n in by_endpoint if endpoint.split(" ")[-1].startswith("/v1"))
    return int(api) + int(counters["token_requests"])


def remote_env(clm_url: str, issuer_url: str, **extra: str) -> dict[str, str]:
    return clean_env(
        {
            "CLM_BASE_URL": clm_url,
            "CLM_TOKEN_URL": f"{clm_url}/oauth/token",
            "CLM_CLIENT_ID": "demo-client",
            "CLM_CLIENT_SECRET": "demo-secret",
            "CLM_AUTH_ISSUER": issuer_url,
            "CLM_DATA_RESIDENCY": "none",
            **extra,
        }
    )


@pytest.fixture(scope="module")
def served(clm: str) -> Iterator[ServeProcess]:
    """`serve` against the sandbox CLM, accepting its authorization server's user tokens (token exchange on)."""
    with ServeProcess(remote_env(clm, clm, CLM_AUTH_REQUIRED_SCOPES="contracts:read")) as process:
        yield process
