"""Governance on real tool calls against the sandbox over loopback: audit, least privilege, residency, telemetry."""

from __future__ import annotations

import gc
import json
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from mcp.client import Client

from plugin.config.settings import PluginSettings
from plugin.observability.audit import AuditRecord, open_audit_sink
from plugin.observability.telemetry import DURATION_METRIC, Telemetry
from plugin.server.assembly import build_server
from plugin.server.pipeline import Runtime
from tests.conftest import SandboxAdmin, settings_for
from tests.governance.calls import every_tool, valid_arguments
from tests.governance.test_telemetry import RecordingMeterProvider, RecordingTracerProvider
from tests.plugin_parts import IDENTITY, PARTS, requested_scopes
from tests.template.helpers import text_of

pytestmark = pytest.mark.anyio

ANNOTATE = "clm__annotate_contract"


@asynccontextmanager
async def served(settings: PluginSettings, runtime: Runtime | None = None) -> AsyncIterator[tuple[Client, Runtime]]:
    server, runtime = build_server(PARTS, settings, runtime=runtime)
    async with Client(server) as client:
        yield client, runtime


def audit_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


async def contract_ids(url: str, tmp_path: Path) -> list[str]:
    async with served(settings_for(url, audit=f"file:{tmp_path / 'ids.jsonl'}")) as (client, _):
        result = await client.call_tool("clm__search_contracts", {"limit": 3})
    assert result.structured_content is not None
    return [row["id"] for row in result.structured_content["contracts"]]


# -- audit ---------------------------------------------------------------------------------------------------


async def test_one_complete_record_per_call(sandbox_url: str, tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    async with served(settings_for(sandbox_url, audit=f"file:{path}")) as (client, runtime):
        ok = await client.call_tool("clm__search_contracts", {"limit": 2, "query": "services"})
        bad = await client.call_tool("clm__get_contract", {"contract_id": "ctr-does-not-exist-0"})
        invalid = await client.call_tool("clm__get_contract", {"contract_id": "../etc/passwd"})
    assert not ok.is_error and bad.is_error and invalid.is_error
    rows = audit_lines(path)
    assert len(rows) == 3
    assert set(rows[0]) == set(AuditRecord.model_fields)
    for row in rows:
        record = AuditRecord.model_validate(row)
        assert record.timestamp.utcoffset() == timedelta(0)  # UTC
        assert record.request_id and record.mcp_request_id and record.session_id == runtime.session_id
        assert record.acting_user == "alice@example.com" and record.client_name and record.client_version
        assert (record.plugin_name, record.plugin_version) == (runtime.identity.name, runtime.identity.version)
        assert record.duration_ms > 0
    assert [r["outcome"] for r in rows] == ["ok", "error:not_found", "error:invalid_argument"]
    assert rows[0]["tool"] == "clm__search_contracts" and rows[0]["arguments"] == {"limit": 2, "query": "services"}
    assert rows[0]["result_count"] == 2 and len(rows[0]["record_ids"]) == 2 and rows[0]["backend_request_ids"]
    assert rows[1]["backend_request_ids"] and rows[2]["backend_request_ids"] == []  # rejected before any request
    assert len({r["request_id"] for r in rows}) == 3 and len({r["mcp_request_id"] for r in rows}) == 3


async def test_stderr_destination(sandbox_url: str, capfd: pytest.CaptureFixture[str]) -> None:
    async with served(settings_for(sandbox_url, audit="stderr")) as (client, _):
        await client.call_tool("clm__search_contracts", {"limit": 1})
    records = [json.loads(line) for line in capfd.readouterr().err.splitlines() if '"plugin_name"' in line]
    assert len(records) == 1 and records[0]["tool"] == "clm__search_contracts"


async def test_mandatory_audit_failure_refuses_the_call(
    sandbox_url: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "audit.jsonl"
    async with served(settings_for(sandbox_url, audit=f"file:{path}", audit_required=True)) as (client, _):
        first = await client.call_tool("clm__search_contracts", {"limit": 1})
        path.unlink()
        path.mkdir()  # the audit file becomes unwritable mid-session
        refused = await client.call_tool("clm__search_contracts", {"limit": 1})
        shutil.rmtree(path)
        again = await client.call_tool("clm__search_contracts", {"limit": 1})  # writable again: served again
    assert not first.is_error and not again.is_error
    assert refused.is_error and "[policy_denied]" in text_of(refused) and "audit" in text_of(refused)
    assert "AUDIT FAILURE" in capfd.readouterr().err
    assert len(audit_lines(path)) == 1  # the new file holds the third call only


async def test_optional_audit_failure_is_loud_but_serves(
    sandbox_url: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "audit.jsonl"
    async with served(settings_for(sandbox_url, audit=f"file:{path}", audit_required=False)) as (client, _):
        path.unlink()
        path.mkdir()
        result = await client.call_tool("clm__search_contracts", {"limit": 1})
    assert not result.is_error
    assert "AUDIT FAILURE for clm__search_contracts" in capfd.readouterr().err


# -- least privilege -----------------------------------------------------------------------------------------


async def test_ungranted_scope_hides_the_tool_from_the_first_list_and_the_list_never_changes(
    sandbox_url: str, tmp_path: Path, admin: SandboxAdmin, capfd: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(
        sandbox_url,
        client_id="readonly-client",
        client_secret="readonly-secret",
        audit=f"file:{tmp_path / 'audit.jsonl'}",
    )
    async with served(settings) as (client, runtime):
        before = {tool.name for tool in (await client.list_tools()).tools}
        ok = await client.call_tool("clm__search_contracts", {"limit": 1})
        after = {tool.name for tool in (await client.list_tools()).tools}
        stale = await client.call_tool(ANNOTATE, {"contract_id": "ctr-x", "body": "note"})
        await client.call_tool("clm__search_contracts", {"limit": 1})
        scopes_now = (await runtime.backend()).session.token_key.scopes
    # The first tools/list already knows the granted scopes, and later calls never change the list.
    assert ANNOTATE not in before and not ok.is_error
    assert after == before
    assert stale.is_error and "[permission_denied]" in text_of(stale) and "write:annotations" in text_of(stale)
    assert "write:annotations" not in scopes_now and {"read:contracts", "read:documents"} <= set(scopes_now)
    err = capfd.readouterr().err
    assert err.count("did not grant write:annotations") == 1  # said once
    assert admin.counters()["requests_by_endpoint"].get("POST /v1/contracts/{id}/annotations", 0) == 0


async def test_metadata_client_hides_every_document_and_write_tool(sandbox_url: str, tmp_path: Path) -> None:
    settings = settings_for(
        sandbox_url, client_id="metadata-client", client_secret="metadata-secret", audit=f"file:{tmp_path / 'a'}"
    )
    async with served(settings) as (client, _):
        ok = await client.call_tool("clm__search_contracts", {"limit": 1})
        listed = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert not ok.is_error
    for name, spec in every_tool():
        assert (name in listed) is (spec.permission == "read:contracts"), name


async def test_read_only_overrides_explicit_enable(sandbox_url: str, tmp_path: Path) -> None:
    writes = [name for name, spec in every_tool() if not spec.read_only]
    assert writes, "the registry has a write tool to remove"
    settings = settings_for(
        sandbox_url,
        read_only=True,
        enabled_tools=[*writes, "clm__search_contracts"],
        audit=f"file:{tmp_path / 'a'}",
    )
    async with served(settings) as (client, _):
        listed = {tool.name for tool in (await client.list_tools()).tools}
    assert listed == {"clm__search_contracts"}
    assert "write:annotations" not in requested_scopes(settings)


async def test_manifest_consent_forces_confirmation(sandbox_url: str, tmp_path: Path) -> None:
    ids = await contract_ids(sandbox_url, tmp_path)
    settings = settings_for(sandbox_url, confirm_writes=False, audit=f"file:{tmp_path / 'a'}")
    async with served(settings) as (client, runtime):
        result = await client.call_tool(ANNOTATE, {"contract_id": ids[0], "body": "Check the renewal notice."})
    assert runtime.settings.confirm_writes is True  # manifest.json: user_consent_required = true
    assert result.structured_content is not None
    assert result.structured_content["status"] == "pending_confirmation"


# -- data residency ------------------------------------------------------------------------------------------


async def test_residency_mismatch_refuses_every_tool_without_touching_contracts(
    sandbox_url: str, tmp_path: Path, admin: SandboxAdmin
) -> None:
    ids = await contract_ids(sandbox_url, tmp_path)
    admin.reset()
    settings = settings_for(sandbox_url, data_residency="us-east-1", audit=f"file:{tmp_path / 'audit.jsonl'}")
    results = {}
    async with served(settings) as (client, _):
        for name, spec in every_tool():
            results[name] = await client.call_tool(name, valid_arguments(spec, ids))
    for name, result in results.items():
        text = text_of(result)
        assert result.is_error, name
        assert "[policy_denied]" in text and "us-east-1" in text and "eu-west-1" in text, text
    touched = {path for path, n in admin.counters()["requests_by_endpoint"].items() if n}
    # the token and the CLM's self-description only: no contract, document or annotation request
    assert touched <= {"POST /oauth/token", "GET /v1/meta"}, touched
    assert admin.counters()["requests_by_endpoint"].get("GET /v1/meta") == 1  # a definite answer is kept
    outcomes = {r["outcome"] for r in audit_lines(tmp_path / "audit.jsonl")}
    assert outcomes == {"error:policy_denied"}


async def test_residency_match_serves(sandbox_url: str, tmp_path: Path) -> None:
    settings = settings_for(sandbox_url, data_residency="EU-West-1", audit=f"file:{tmp_path / 'a'}")
    async with served(settings) as (client, _):
        result = await client.call_tool("clm__search_contracts", {"limit": 1})
    assert not result.is_error


async def test_residency_fails_closed_when_the_region_is_unknown(
    sandbox_url: str, tmp_path: Path, admin: SandboxAdmin
) -> None:
    admin.fault(target="api", mode="status", status=503, count=20, path_prefix="/v1/meta")
    settings = settings_for(sandbox_url, data_residency="eu-west-1", max_retries=0, audit=f"file:{tmp_path / 'a'}")
    async with served(settings) as (client, _):
        refused = await client.call_tool("clm__search_contracts", {"limit": 1})
        admin.clear_faults()
        served_after = await client.call_tool("clm__search_contracts", {"limit": 1})
    assert refused.is_error and "[policy_denied]" in text_of(refused) and "could not be checked" in text_of(refused)
    assert not served_after.is_error  # unknown is asked again; a definite match is then kept
    assert admin.counters()["requests_by_endpoint"].get("GET /v1/contracts") == 1


# -- telemetry -----------------------------------------------------------------------------------------------


async def test_runtime_emits_a_span_and_a_duration_per_call(sandbox_url: str, tmp_path: Path) -> None:
    from plugin.server.assembly import effective_settings

    tracers, meters = RecordingTracerProvider(), RecordingMeterProvider()
    settings = effective_settings(PARTS, settings_for(sandbox_url, audit=f"file:{tmp_path / 'a'}"))
    runtime = Runtime(
        PARTS,
        settings,
        audit=open_audit_sink(settings.audit, IDENTITY),
        telemetry=Telemetry(IDENTITY.name, IDENTITY.version, tracer_provider=tracers, meter_provider=meters),
    )
    async with served(settings, runtime) as (client, _):
        await client.call_tool("clm__search_contracts", {"limit": 1})
        await client.call_tool("clm__get_contract", {"contract_id": "ctr-does-not-exist-0"})
    spans = tracers.tracer.spans
    assert [s.attributes["gen_ai.tool.name"] for s in spans] == ["clm__search_contracts", "clm__get_contract"]
    assert [s.attributes["tool.outcome"] for s in spans] == ["ok", "error:not_found"]
    assert spans[0].attributes["tool.backend_requests"] >= 1
    points = meters.meter.histograms[DURATION_METRIC].points
    assert [p[1]["tool.outcome"] for p in points] == ["ok", "error:not_found"] and all(p[0] > 0 for p in points)


async def test_the_audit_names_the_sessions_client_and_the_runtime_lets_the_ended_session_go(
    sandbox_url: str, tmp_path: Path
) -> None:
    """The client's name is read once per session for the audit; once that session ends, the runtime (which outlives
    it) does not keep the session object, and all it refers to, alive."""
    from mcp.server.session import ServerSession
    from mcp.types import Implementation

    from plugin.server.assembly import effective_settings

    def live_sessions() -> int:
        gc.collect()
        return sum(isinstance(thing, ServerSession) for thing in gc.get_objects())

    path = tmp_path / "audit.jsonl"
    settings = effective_settings(PARTS, settings_for(sandbox_url, audit=f"file:{path}"))
    runtime = Runtime(PARTS, settings, audit=open_audit_sink(settings.audit, IDENTITY))
    before = live_sessions()
    server, _ = build_server(PARTS, settings, runtime=runtime)
    async with Client(server, client_info=Implementation(name="desk-client", version="2.0")) as client:
        for _ in range(2):
            assert not (await client.call_tool("clm__search_contracts", {"limit": 1})).is_error
    del client, server
    assert [(row["client_name"], row["client_version"]) for row in audit_lines(path)] == [("desk-client", "2.0")] * 2
    assert live_sessions() <= before, "the runtime keeps the ended session alive"
