"""Fixtures of the template suite: the fake items API on loopback, the fake plugin's root, MCP clients.

Nothing here uses the reference plugin's sandbox, tools or adapter: the suite tests the machinery.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from plugin.server.parts import PluginParts
from tests.template.fake.app import create_app
from tests.template.fake.plugin_root import make_plugin_root
from tests.template.fake.runner import serve_on_loopback
from tests.template.helpers import FakeAdmin

for _name in [n for n in os.environ if n.startswith("FAKE_")]:
    del os.environ[_name]


@pytest.fixture(scope="session")
def fake_root(tmp_path_factory: pytest.TempPathFactory) -> PluginParts:
    # Schemas are cached per code digest; a private cache keeps the fake's out of the user's cache folder.
    os.environ["FAKE_CACHE_DIR"] = str(tmp_path_factory.mktemp("schema-cache"))
    return make_plugin_root(tmp_path_factory.mktemp("fake-plugin"))


@pytest.fixture(scope="session")
def fake_url() -> Iterator[str]:
    with serve_on_loopback(create_app()) as url:
        yield url


@pytest.fixture
def admin(fake_url: str) -> Iterator[FakeAdmin]:
    admin = FakeAdmin(fake_url)
    admin.reset()
    yield admin
    admin.reset()
    admin.http.close()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def audit_path(tmp_path: Path) -> Path:
    return tmp_path / "audit.jsonl"
