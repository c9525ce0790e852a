"""A real `redis-server` for the shared-state tests (skipped, or failed under CI, without the OS package)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.os_services import RedisServer, redis_server


@pytest.fixture(scope="session")
def redis_service() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


@pytest.fixture
def redis_url(redis_service: RedisServer) -> Iterator[str]:
    redis_service.flush()  # each test starts from an empty shared state
    yield redis_service.url
