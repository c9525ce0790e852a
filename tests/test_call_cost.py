"""Issue 15 item 7: every call cheaper - single-flight metadata, bytes straight into the models, warm-up."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from server import parts as plugin_parts
from tests.conftest import SandboxAdmin, settings_for

pytestmark = pytest.mark.anyio
PARTS = plugin_parts()


async def test_concurrent_cold_calls_ask_for_metadata_once(sandbox_url: str, admin: SandboxAdmin) -> None:
    from plugin.server.assembly import build_server

    _server, runtime = build_server(PARTS, settings_for(sandbox_url))
    spec = next(s for s in PARTS.tools if s.name == "search_contracts")
    name = PARTS.full_name(spec)
    since = len(admin.requests())
    try:
        await asyncio.gather(*(runtime.invoke(spec, name, {"limit": 5}, None) for _ in range(50)))
    finally:
        await runtime.aclose()
    meta = [r for r in admin.requests(since) if r["path"].endswith("/v1/meta")]
    assert len(meta) == 1, f"{len(meta)} metadata requests for 50 concurrent cold calls"


async def test_malformed_body_is_a_backend_error_not_a_crash(sandbox_url: str) -> None:
    from clm_client.client import ClmClient
    from clm_client.models import Meta
    from plugin.toolkit.errors import BackendError

    with pytest.raises(BackendError, match="malformed"):
        ClmClient._parse_bytes(b'{"api_version": "1", ', Meta, "r1")
    with pytest.raises(BackendError, match="unexpected shape"):
        ClmClient._parse_bytes(b'{"contracts": "many"}', Meta, "r1")
    assert ClmClient._parse_bytes(b'{"api_version": "1"}', Meta, None).api_version == "1"


async def test_warm_up_opens_the_embedded_backend_before_the_first_call() -> None:
    from plugin.config.settings import PluginSettings
    from plugin.server.assembly import build_server

    _server, runtime = build_server(PARTS, PluginSettings(audit="off", audit_required=False, demo_size=20))
    runtime.start_warm_up()
    assert runtime._warm_up is not None
    await asyncio.wait_for(runtime._warm_up, timeout=120)
    backend: Any = runtime._backend
    assert backend is not None  # opened (imported, built) before any tool call
    assert runtime._metadata_known  # token and business date fetched too
    await runtime.aclose()


def test_audit_line_is_scrubbed_once_and_equals_the_field_by_field_encoding() -> None:
    import json

    from plugin.observability.audit import AuditRecord, encode_record
    from plugin.observability.redaction import SECRETS, redact

    SECRETS.add("registered-secret-for-audit-test")
    record = AuditRecord(
        request_id="r",
        mcp_request_id="1",
        session_id="s",
        tool="t",
        arguments={"q": "find registered-secret-for-audit-test ü", "nested": {"password": "x"}},
        outcome="ok",
        record_ids=["a", "b"],
        duration_ms=1.0,
        acting_user=None,
        client_name=None,
        client_version=None,
        plugin_name="p",
        plugin_version="1",
    )
    line = encode_record(record)
    assert "registered-secret-for-audit-test" not in line
    assert line == json.dumps(redact(record.model_dump(mode="json")), ensure_ascii=False, separators=(",", ":"))
    SECRETS.add('quote"secret')  # JSON would escape it: the field-by-field path is taken
    record2 = record.model_copy(update={"arguments": {"q": 'a quote"secret'}})
    assert (
        'quote\\"secret' not in encode_record(record2)
        and "quote" not in json.loads(encode_record(record2))["arguments"]["q"]
    )


def test_the_adapter_prepares_every_deferred_response_model() -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    check = (
        "from pydantic._internal._mock_val_ser import MockValSer\n"
        "from clm_client.adapter import ClmAdapter\n"
        "from clm_client.models import response_models\n"
        "def deferred():\n"
        "    return [m.__name__ for m in response_models() if isinstance(m.__pydantic_validator__, MockValSer)]\n"
        "assert len(deferred()) > 10, deferred()\n"
        "ClmAdapter().prepare()\n"
        "assert deferred() == [], deferred()\n"
    )
    done = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


TOKEN_CLIENT_SCRIPT = """
import asyncio, sys
import httpx2
from plugin.transport.oauth import ClientCredentialsFetcher
from plugin.toolkit.errors import AuthenticationFailed

async def main(url, secret):
    for method in ("client_secret_basic", "client_secret_post"):
        fetcher = ClientCredentialsFetcher(
            token_url=url + "/oauth/token", client_id="demo-client", client_secret=secret, auth_method=method,
            timeout=httpx2.Timeout(10.0), label="CLM", settings_hint=("T", "I", "S"),
        )
        value, lifetime, scopes = await fetcher.fetch(("read:contracts",))
        assert value and lifetime >= 1 and "read:contracts" in scopes, (method, lifetime, scopes)
        await fetcher.aclose()
    wrong = ClientCredentialsFetcher(
        token_url=url + "/oauth/token", client_id="demo-client", client_secret="not-the-secret",
        auth_method="client_secret_basic", timeout=httpx2.Timeout(10.0), label="CLM", settings_hint=("T", "I", "S"),
    )
    try:
        await wrong.fetch(("read:contracts",))
        raise AssertionError("a wrong secret was accepted")
    except AuthenticationFailed as exc:
        assert "invalid_client" in str(exc), exc
    finally:
        await wrong.aclose()
    print(" ".join(sorted({m.split(".")[0] for m in sys.modules if m.startswith(("joserfc", "cryptography"))}
                          | {m for m in sys.modules if m.startswith(("authlib.integrations", "authlib.oidc"))})))

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def test_a_token_is_fetched_without_importing_openid_connect_or_jose(sandbox_url: str) -> None:
    """The token client is authlib's OAuth 2.0 core: its httpx integration would import OpenID Connect, joserfc and
    cryptography (tens of ms of the embedded default's first call) for grants that use none of them. A fresh
    interpreter fetches tokens with both client authentication methods and is refused with a wrong secret."""
    import subprocess
    import sys
    from pathlib import Path

    from tests.conftest import SECRET

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", TOKEN_CLIENT_SCRIPT, sandbox_url, SECRET],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "", f"imported for a token: {done.stdout.strip()}"


async def test_a_real_backend_loads_the_ca_bundle_once_and_off_the_event_loop(
    sandbox_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The token client and the API client each built a TLS context from the system's CA bundle (43-60 ms each)
    on the event loop when a real backend was opened. They share one, built in a worker thread."""
    import threading

    import httpcore2

    from plugin.transport.connection import open_backend

    built: list[threading.Thread] = []
    original = httpcore2.default_ssl_context

    def counted(*args: Any, **kwargs: Any) -> Any:
        built.append(threading.current_thread())
        return original(*args, **kwargs)

    monkeypatch.setattr(httpcore2, "default_ssl_context", counted)
    settings = settings_for(sandbox_url)
    async with open_backend(settings, PARTS.adapter, PARTS.requested_scopes(settings)) as backend:
        await backend.session.tokens.get(backend.session.token_key)  # through the token endpoint's transport
        metadata = await PARTS.adapter.metadata(backend.api)  # and an API request through the client's
    assert metadata is not None
    assert len(built) == 1, f"{len(built)} TLS contexts built for one backend"
    assert built[0] is not threading.main_thread(), "the CA bundle was loaded on the event loop's thread"
