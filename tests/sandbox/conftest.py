"""Fixtures of the sandbox tests: one real sandbox over loopback HTTP for the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.settings import DEMO_AS_OF, SandboxSettings
from sandbox.testing import running_sandbox
from tests.sandbox.helpers import CORPUS, SEED, Api


@pytest.fixture(scope="session")
def sandbox_base_url() -> Iterator[str]:
    settings = SandboxSettings(contracts=CORPUS, seed=SEED, as_of=DEMO_AS_OF, test_endpoints=True)
    with running_sandbox(settings) as url:
        yield url


@pytest.fixture
def api(sandbox_base_url: str) -> Iterator[Api]:
    client = Api(sandbox_base_url)
    client.admin("POST", "/reset")
    yield client
    client.admin("POST", "/reset")
    client.close()
