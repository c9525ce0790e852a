"""Shared fixtures: a real sandbox CLM over loopback HTTP, plugin settings pointing at it, MCP clients."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp.client import Client

from plugin.config.settings import PluginSettings
from plugin.observability.logging import configure_logging
from plugin.server.assembly import build_server
from sandbox.settings import SandboxSettings
from sandbox.testing import running_sandbox
from tests.plugin_parts import PARTS

ROOT = Path(__file__).resolve().parent.parent
TEST_CORPUS = 120
SECRET = "demo-secret"

configure_logging("INFO")  # as server.py does: JSON lines on stderr, redacted

# Hypothesis' example database outside the checkout (default ./.hypothesis): `claude plugin marketplace add ./`
# copies the whole folder, test caches included, into Claude Code's plugin cache.
from hypothesis.configuration import set_hypothesis_home_dir  # noqa: E402

set_hypothesis_home_dir(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "plugin-tests-hypothesis")

# Tests build their own settings; an engineer's CLM_* environment must not leak into them.
for _name in [n for n in os.environ if n.startswith(("CLM_", "SANDBOX_"))]:
    del os.environ[_name]
# The demo corpus is dated from today, so the suites that check it against its truth meet other dates every day;
# CI runs them again at chosen business dates (a month end, a leap day) with TEST_AS_OF=YYYY-MM-DD.
if _as_of := os.environ.get("TEST_AS_OF"):
    os.environ["SANDBOX_AS_OF"] = date.fromisoformat(_as_of).isoformat()
# The installation's state (key ring, reports) goes to a throw-away directory, never the user's home.
os.environ["CLM_STATE_DIR"] = tempfile.mkdtemp(prefix="plugin-state-")


@pytest.fixture(scope="session")
def sandbox_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = SandboxSettings(
        contracts=TEST_CORPUS,
        seed=11,
        db=tmp_path_factory.mktemp("sandbox") / "clm.db",
        test_endpoints=True,
    )
    with running_sandbox(settings) as url:
        yield url


class SandboxAdmin:
    """The sandbox's test-only endpoints: faults, counters, request log."""

    def __init__(self, base_url: str) -> None:
        # A fresh connection per request: a kept-alive one may be closed by the server's idle timeout just
        # as the next test sends on it (a ReadError that is no fault of the plugin).
        limits = httpx2.Limits(max_keepalive_connections=0)
        self.http = httpx2.Client(base_url=base_url, timeout=10, limits=limits)

    def reset(self) -> None:
        self.http.post("/_sandbox/reset").raise_for_status()

    def fault(self, **spec: Any) -> None:
        self.http.post("/_sandbox/faults", json=spec).raise_for_status()

    def clear_faults(self) -> None:
        self.http.delete("/_sandbox/faults").raise_for_status()

    def revoke_all(self) -> None:
        self.http.post("/_sandbox/tokens/revoke-all").raise_for_status()

    def counters(self) -> dict[str, Any]:
        data: dict[str, Any] = self.http.get("/_sandbox/counters").json()
        return data

    def token_requests(self) -> int:
        return int(self.counters()["token_requests"])

    def requests(self, since: int = 0) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = self.http.get("/_sandbox/requests", params={"since": since}).json()
        return data


@pytest.fixture
def admin(sandbox_url: str) -> Iterator[SandboxAdmin]:
    admin = SandboxAdmin(sandbox_url)
    admin.reset()
    yield admin
    admin.reset()
    admin.http.close()


def settings_for(base_url: str, **overrides: Any) -> PluginSettings:
    values: dict[str, Any] = {
        "base_url": base_url,
        "token_url": f"{base_url}/oauth/token",
        "client_id": "demo-client",
        "client_secret": SECRET,
        "acting_user": "alice@example.com",
        "call_deadline": 10.0,
        "max_retry_after": 3.0,
        # The manifest makes audit mandatory (a file in the user's state directory); tests that are not
        # about audit keep it off so they never write into the home directory.
        "audit": "off",
        "audit_required": False,
        # Tests read the result data from the structured copy; the default (text only, no outputSchema) is
        # tested in tests/test_response_economy.py.
        "structured_output": True,
    }
    values.update(overrides)
    return PluginSettings(**values)


@asynccontextmanager
async def mcp_client(settings: PluginSettings) -> AsyncIterator[Client]:
    server, _runtime = build_server(PARTS, settings)
    async with Client(server) as client:
        yield client


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
