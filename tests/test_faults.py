"""Backend faults (injected by the real sandbox) become clear tool errors; the server keeps serving."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.conftest import SECRET, SandboxAdmin, mcp_client, settings_for
from tests.test_core_tools import ok, text_of

pytestmark = pytest.mark.anyio

SEARCH = ("clm__search_contracts", {"limit": 3})


async def call_after_fault(sandbox_url: str, admin: SandboxAdmin, fault: dict[str, Any], **settings: Any) -> str:
    """Warm up (token fetched), inject `fault`, call once; return the error text ('' on success)."""
    async with mcp_client(settings_for(sandbox_url, **settings)) as client:
        ok(await client.call_tool(*SEARCH))
        admin.fault(**fault)
        result = await client.call_tool(*SEARCH)
        admin.clear_faults()
        after = await client.call_tool(*SEARCH)
    assert not after.is_error, "the server must keep serving after a fault"
    text = text_of(result) if result.is_error else ""
    assert SECRET not in text and "Traceback" not in text and "Bearer" not in text
    return text


async def test_500_once_is_retried(sandbox_url: str, admin: SandboxAdmin) -> None:
    assert await call_after_fault(sandbox_url, admin, {"target": "api", "mode": "status", "status": 500}) == ""


async def test_503_persisting_is_backend_unavailable(sandbox_url: str, admin: SandboxAdmin) -> None:
    text = await call_after_fault(sandbox_url, admin, {"target": "api", "mode": "status", "status": 503, "count": 20})
    assert "[backend_unavailable]" in text and "503" in text


async def test_429_short_retry_after_is_honoured(sandbox_url: str, admin: SandboxAdmin) -> None:
    fault = {"target": "api", "mode": "status", "status": 429, "retry_after": 1}
    assert await call_after_fault(sandbox_url, admin, fault) == ""


async def test_429_long_retry_after_tells_the_model_when(sandbox_url: str, admin: SandboxAdmin) -> None:
    fault = {"target": "api", "mode": "status", "status": 429, "retry_after": 120, "count": 5}
    text = await call_after_fault(sandbox_url, admin, fault)
    assert "[rate_limited]" in text and "120 s" in text


async def test_malformed_json_is_a_backend_error(sandbox_url: str, admin: SandboxAdmin) -> None:
    text = await call_after_fault(sandbox_url, admin, {"target": "api", "mode": "malformed_json", "count": 5})
    assert "[backend_error]" in text and "malformed" in text


async def test_slow_backend_hits_the_deadline(sandbox_url: str, admin: SandboxAdmin) -> None:
    fault = {"target": "api", "mode": "latency", "latency_ms": 3000, "count": 10}
    text = await call_after_fault(sandbox_url, admin, fault, call_deadline=1.0)
    assert "[deadline_exceeded]" in text or "[backend_unavailable]" in text


async def test_revoked_token_mid_session_costs_one_token_request(sandbox_url: str, admin: SandboxAdmin) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        ok(await client.call_tool(*SEARCH))
        before = admin.token_requests()
        admin.revoke_all()
        ok(await client.call_tool(*SEARCH))
        ok(await client.call_tool(*SEARCH))
        assert admin.token_requests() == before + 1


async def test_token_endpoint_down_is_clear(sandbox_url: str, admin: SandboxAdmin) -> None:
    admin.fault(target="token", mode="status", status=503, count=50)
    async with mcp_client(settings_for(sandbox_url)) as client:
        failed = await client.call_tool(*SEARCH)
        admin.clear_faults()
        recovered = await client.call_tool(*SEARCH)
    assert failed.is_error and "[backend_unavailable]" in text_of(failed) and "token endpoint" in text_of(failed)
    assert not recovered.is_error


async def test_wrong_secret_is_authentication_failed_without_the_secret(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url, client_secret="wrong-secret-value")) as client:
        result = await client.call_tool(*SEARCH)
    text = text_of(result)
    assert result.is_error and "[authentication_failed]" in text and "CLM_CLIENT_SECRET" in text
    assert "wrong-secret-value" not in text


async def test_100_concurrent_cold_calls_make_one_token_request(sandbox_url: str, admin: SandboxAdmin) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        results = await asyncio.gather(*(client.call_tool(*SEARCH) for _ in range(100)))
    assert all(not r.is_error for r in results)
    assert admin.token_requests() == 1


async def test_persistent_500_reports_the_cause_not_a_deadline(sandbox_url: str, admin: SandboxAdmin) -> None:
    """Retries stop when the next one could not finish before the call's deadline; the real cause is reported."""
    fault = {"target": "api", "mode": "status", "status": 500, "count": 50}
    text = await call_after_fault(sandbox_url, admin, fault, call_deadline=2.0)
    assert "[backend_unavailable]" in text and "HTTP 500" in text


async def test_a_clm_without_metadata_is_asked_once_and_today_is_used(sandbox_url: str, admin: SandboxAdmin) -> None:
    """A CLM with no /v1/meta (404) is not asked again on every call; deadlines count from today."""
    from datetime import date

    admin.fault(target="api", mode="status", status=404, count=1, path_prefix="/v1/meta")
    async with mcp_client(settings_for(sandbox_url)) as client:
        for _ in range(3):
            ok(await client.call_tool(*SEARCH))
        result = ok(await client.call_tool("clm__upcoming_deadlines", {"within_days": 30, "limit": 1}))
    assert [r["path"] for r in admin.requests()].count("/v1/meta") == 1
    assert result["as_of"] == date.today().isoformat()
