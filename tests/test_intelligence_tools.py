"""The intelligence tools (deadlines, obligations, compare, report, annotate) on real sandbox data."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta
from typing import Any

import pytest

from tests.conftest import SandboxAdmin, mcp_client, settings_for
from tests.test_core_tools import ok, text_of

pytestmark = pytest.mark.anyio


async def all_pages(client: Any, tool: str, args: dict[str, Any], key: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    cursor = None
    for _ in range(200):
        page = ok(await client.call_tool(tool, {**args, **({"cursor": cursor} if cursor else {})}))
        rows += page[key]
        cursor = page["next_cursor"]
        if cursor is None:
            return rows
    raise AssertionError("pagination did not end")


async def test_deadlines_are_sorted_complete_and_match_the_clm(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        paged = await all_pages(client, "clm__upcoming_deadlines", {"within_days": 365, "limit": 7}, "deadlines")
        whole = await all_pages(client, "clm__upcoming_deadlines", {"within_days": 365, "limit": 100}, "deadlines")
        renewals = await all_pages(
            client,
            "clm__search_contracts",
            {"auto_renew": True, "statuses": ["active"], "limit": 100},
            "contracts",
        )
    assert paged, "the demo corpus has deadlines in the next year"
    dates = [row["date"] for row in paged]
    assert dates == sorted(dates)
    key = [(r["kind"], r["contract_id"], r["date"], r["what"]) for r in paged]
    assert len(key) == len(set(key)) and sorted(key) == sorted(
        (r["kind"], r["contract_id"], r["date"], r["what"]) for r in whole
    )
    notice = {r["contract_id"]: r["date"] for r in paged if r["kind"] == "renewal_notice"}
    as_of = date.fromisoformat(paged[0]["date"]) - timedelta(days=paged[0]["days_remaining"])
    expected = {
        c["id"]: c["renewal_notice_date"]
        for c in renewals
        if c["renewal_notice_date"] and as_of <= date.fromisoformat(c["renewal_notice_date"]) <= as_of + timedelta(365)
    }
    assert notice == expected


async def test_deadlines_for_a_counterparty(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        some = ok(await client.call_tool("clm__upcoming_deadlines", {"within_days": 365, "kinds": ["renewal_notice"]}))
        name = some["deadlines"][0]["counterparty"]
        mine = ok(await client.call_tool("clm__upcoming_deadlines", {"within_days": 365, "counterparty": name}))
    assert mine["deadlines"] and all(d["counterparty"] == name for d in mine["deadlines"])


async def test_deadline_cursor_is_bound_to_its_query(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        first = ok(await client.call_tool("clm__upcoming_deadlines", {"within_days": 365, "limit": 2}))
        assert first["next_cursor"]
        other = await client.call_tool(
            "clm__upcoming_deadlines", {"within_days": 30, "limit": 2, "cursor": first["next_cursor"]}
        )
    assert other.is_error and "different query" in text_of(other)


async def test_extract_obligations_cites_exact_text(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        page = ok(await client.call_tool("clm__search_contracts", {"types": ["MSA"], "auto_renew": True, "limit": 1}))
        contract_id = page["contracts"][0]["id"]
        result = ok(await client.call_tool("clm__extract_obligations", {"contract_id": contract_id}))
        cited = [f["citation"] for f in result["facts"] if f["citation"]]
        cited += [o["citation"] for o in result["obligations"]]
        documents: dict[str, str] = {}
        for document_id in {c["document_id"] for c in cited}:  # a term an amendment set is quoted from it
            text_parts: list[str] = []
            offset: int | None = 0
            while offset is not None:
                chunk = ok(
                    await client.call_tool(
                        "clm__read_contract", {"contract_id": document_id, "offset": offset, "max_chars": 15000}
                    )
                )
                text_parts.append(chunk["text"])
                offset = chunk["next_offset"]
            documents[document_id] = "".join(text_parts)
    assert cited and contract_id in documents
    amended = {f["kind"]: f for f in result["facts"] if f["set_by"] and f["citation"]}
    for fact in amended.values():  # the citation names the document that set the term, as set_by does
        assert fact["citation"]["document_id"] in fact["set_by"] and fact["citation"]["document_id"] != contract_id
    for citation in cited:
        document = documents[citation["document_id"]]
        # Exact, or its verbatim pieces joined by a visible ellipsis (offsets are those of what is shown).
        pieces = [document[s:e] for s, e in citation["pieces"]]
        assert (citation["start"], citation["end"]) == (citation["pieces"][0][0], citation["pieces"][-1][1])
        if citation["elided"]:
            assert all(piece in citation["quote"] for piece in pieces) and "…" in citation["quote"]
        else:
            assert document[citation["start"] : citation["end"]] == citation["quote"]
    kinds = {f["kind"]: f for f in result["facts"]}
    assert kinds["auto_renewal"]["value"] == "true" and kinds["auto_renewal"]["source"] == "clm"
    deadline = next(c for c in result["computed"] if c["name"] == "last day to give notice of non-renewal")
    assert deadline["date"] == page["contracts"][0]["renewal_notice_date"], deadline


async def test_extract_obligations_on_a_scanned_document_invents_nothing(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        scanned = None
        for row in await all_pages(client, "clm__search_contracts", {"limit": 100}, "contracts"):
            detail = ok(await client.call_tool("clm__get_contract", {"contract_id": row["id"]}))
            if not detail["has_text"]:
                scanned = row["id"]
                break
        assert scanned, "the corpus includes a scanned document"
        result = ok(await client.call_tool("clm__extract_obligations", {"contract_id": scanned}))
    assert result["obligations"] == [] and any("no text layer" in w for w in result["warnings"])
    assert all(f["source"] == "clm" and f["citation"] is None for f in result["facts"])


async def test_compare_judges_sows_against_their_msa(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        sows = await all_pages(client, "clm__search_contracts", {"types": ["SOW"], "limit": 100}, "contracts")
        judged = 0
        for sow in sows[:15]:
            result = ok(await client.call_tool("clm__compare_contracts", {"contract_ids": [sow["id"]]}))
            assert len(result["contracts"]) >= 2, "the parent MSA is added automatically"
            assert {c["type"] for c in result["contracts"]} >= {"SOW", "MSA"}
            for finding in result["findings"]:
                if finding["severity"] in ("override", "conflict"):
                    judged += 1
                    row = next(t for t in result["terms"] if t["term"] == finding["term"])
                    assert row["differs"]
    assert judged, "the corpus has SOWs whose terms differ from their MSA"


async def test_compare_needs_exactly_one_selector(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        neither = await client.call_tool("clm__compare_contracts", {})
    assert neither.is_error and "either contract_ids or counterparty" in text_of(neither)


async def test_portfolio_report_with_csv_resource(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        data = ok(await client.call_tool("clm__portfolio_report", {"kind": "by_type"}))
        resource = await client.read_resource(data["csv_resource"])
        by_status = ok(await client.call_tool("clm__portfolio_report", {"kind": "by_status"}))
    assert sum(r["contracts"] for r in data["rows"]) == data["contracts_counted"] == by_status["contracts_counted"]
    assert not data["partial"] and data["contracts_counted"] == data["contracts_matching"]
    csv_text = resource.contents[0].text  # type: ignore[union-attr]
    assert csv_text.splitlines()[0].startswith("key,label,contracts")
    assert len(csv_text.splitlines()) == data["total_rows"] + 1


async def test_every_report_kind_fits_the_budget(sandbox_url: str) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        for kind in (
            "renewal_pipeline",
            "pipeline_by_counterparty",
            "by_counterparty",
            "by_type",
            "by_status",
            "value_by_currency",
            "expiring_without_renewal",
        ):
            result = await client.call_tool("clm__portfolio_report", {"kind": kind, "within_days": 1095})
            ok(result)
            size = len(text_of(result)) + len(json.dumps(result.structured_content))
            assert size <= 40_000, (kind, size)


async def annotate(client: Any, contract_id: str, body: str, token: str | None = None) -> Any:
    # The CLM refuses a target the document does not have; section numbering differs between documents,
    # so the note points at the first characters of the text (see `with_text`).
    args: dict[str, Any] = {"contract_id": contract_id, "body": body, "target": {"start": 0, "end": 40}}
    if token:
        args["confirmation_token"] = token
    return await client.call_tool("clm__annotate_contract", args)


async def with_text(client: Any, limit: int) -> list[str]:
    """Ids of contracts among the first `limit` whose document has a text layer (a note can point into it)."""
    rows = ok(await client.call_tool("clm__search_contracts", {"limit": limit}))["contracts"]
    details = [ok(await client.call_tool("clm__get_contract", {"contract_id": row["id"]})) for row in rows]
    return [detail["id"] for detail in details if detail["has_text"]]


async def test_annotation_needs_a_confirmation_that_cannot_be_guessed(sandbox_url: str, admin: SandboxAdmin) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        contract_id = (await with_text(client, 5))[0]
        preview = ok(await annotate(client, contract_id, "Check the renewal notice"))
        assert preview["status"] == "pending_confirmation" and admin.counters()["annotations"] == 0
        token = preview["confirmation_token"]
        forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
        for bad in (forged, "1.2.3", "x" * 50):
            refused = await annotate(client, contract_id, "Check the renewal notice", bad)
            assert refused.is_error and "[confirmation_required]" in text_of(refused)
        other_body = await annotate(client, contract_id, "Something else entirely", token)
        assert other_body.is_error
        assert admin.counters()["annotations"] == 0
        created = ok(await annotate(client, contract_id, "Check the renewal notice", token))
        again = ok(await annotate(client, contract_id, "Check the renewal notice", token))
    assert created["status"] == "created" and again["annotation_id"] == created["annotation_id"]
    assert admin.counters()["annotations"] == 1


async def test_200_logical_writes_under_faults_create_exactly_200(sandbox_url: str, admin: SandboxAdmin) -> None:
    """Each write is previewed, then confirmed while the CLM times out or fails with 503; retries reuse the key."""
    settings = settings_for(sandbox_url, read_timeout=0.5, call_deadline=20.0)
    async with mcp_client(settings) as client:
        ids = await with_text(client, 20)
        before = admin.counters()["annotations"]
        created: list[dict[str, Any]] = []
        for batch in range(10):
            bodies = [(ids[i % len(ids)], f"note {batch}-{i}") for i in range(20)]
            previews = await asyncio.gather(*(annotate(client, cid, body) for cid, body in bodies))
            tokens = [ok(p)["confirmation_token"] for p in previews]
            admin.fault(target="api", mode="status", status=503, count=3, path_prefix="/v1/contracts")
            admin.fault(target="api", mode="latency", latency_ms=900, count=2, path_prefix="/v1/contracts")
            results = await asyncio.gather(
                *(annotate(client, cid, body, token) for (cid, body), token in zip(bodies, tokens, strict=True))
            )
            created += [ok(r) for r in results]
            admin.clear_faults()
    assert [c["status"] for c in created] == ["created"] * 200
    assert len({c["annotation_id"] for c in created}) == 200
    assert admin.counters()["annotations"] - before == 200
