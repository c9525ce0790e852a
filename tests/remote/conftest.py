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
    """Every request the CLM has answered (API and token endpoint), from its own counters."""
    counters = httpx2.get(f"{clm_url}/_sandbox/counters").json()
    api = sum(n for endpoint, n in counters["requests_by_endpoint"].items() if "/_sandbox" not in endpoint)
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
def served(clm: str, issuer: TestIssuer) -> Iterator[ServeProcess]:
    env = remote_env(clm, issuer.url, CLM_TOKEN_EXCHANGE="false", CLM_AUTH_REQUIRED_SCOPES="read:contracts")
    with ServeProcess(env) as process:
        yield process
