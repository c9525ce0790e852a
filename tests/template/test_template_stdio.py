"""The fake plugin as a real subprocess over stdio (its own composition root, tests/template/fake/server.py)."""

from __future__ import annotations

import json
from pathlib import Path

from plugin.server.parts import PluginParts
from tests.template.fake.app import CLIENT_ID, CLIENT_SECRET
from tests.template.helpers import (
    FAKE_SERVER,
    REPO,
    FakeAdmin,
    clean_env,
    fake_server_command,
    leaks,
    stdio_session,
    tool_call,
)


def _env(root: Path, base_url: str | None, audit: Path, cache: str) -> dict[str, str]:
    values = {
        "FAKE_PLUGIN_ROOT": str(root),
        "FAKE_AUDIT": f"file:{audit}",
        "FAKE_CACHE_DIR": cache,
        "FAKE_ACTING_USER": "stdio@example.com",
        "FAKE_LOG_LEVEL": "DEBUG",
        "FAKE_STRUCTURED_OUTPUT": "true",  # the tests read result data from the structured copy
    }
    if base_url is not None:
        values |= {
            "FAKE_BASE_URL": base_url,
            "FAKE_TOKEN_URL": f"{base_url}/oauth/token",
            "FAKE_CLIENT_ID": CLIENT_ID,
            "FAKE_CLIENT_SECRET": CLIENT_SECRET,
        }
    return clean_env("FAKE_", **values)


def test_stdio_against_the_fake_on_loopback(
    fake_root: PluginParts, fake_url: str, admin: FakeAdmin, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"
    env = _env(fake_root.root, fake_url, audit, str(tmp_path / "cache"))
    admin.fault(mode="status", status=503, count=1)  # the first API request fails once: retried inside the call
    replies, stderr = stdio_session(
        fake_server_command(),
        [
            {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
            tool_call(3, "fake__list_items", {"limit": 4}),
            tool_call(4, "fake__add_note", {"item_id": "itm_0001", "text": "Over stdio."}),
            tool_call(5, "fake__add_note", {"item_id": "itm_0001", "text": "Over stdio."}),
            tool_call(6, "fake__list_items", {"limit": 500}),
        ],
        env=env,
        cwd=REPO,
    )
    assert replies[1]["result"]["serverInfo"]["name"] == "fake-items"
    tools = replies[2]["result"]["tools"]
    assert [tool["name"] for tool in tools] == ["fake__list_items", "fake__add_note"]
    assert all("outputSchema" in tool and "annotations" in tool for tool in tools)
    listed = replies[3]["result"]
    assert not listed["isError"] and [row["id"] for row in listed["structuredContent"]["items"]] == [
        "itm_0001",
        "itm_0002",
        "itm_0003",
        "itm_0004",
    ]
    first, second = replies[4]["result"], replies[5]["result"]
    assert not first["isError"] and first["structuredContent"]["note_id"] == second["structuredContent"]["note_id"]
    invalid = replies[6]["result"]
    assert invalid["isError"] and invalid["content"][0]["text"].startswith("[invalid_argument]")
    assert "'limit'" in invalid["content"][0]["text"]
    counters = admin.counters()
    assert counters["token_requests"] == 1 and counters["notes"] == 1
    assert counters["requests"] == 4  # 503, retry, two writes (one replayed)
    assert not leaks(stderr) and not leaks(json.dumps(replies))
    records = [json.loads(line) for line in audit.read_text(encoding="utf-8").splitlines()]
    assert [(r["tool"], r["outcome"]) for r in records] == [
        ("fake__list_items", "ok"),
        ("fake__add_note", "ok"),
        ("fake__add_note", "ok"),
        ("fake__list_items", "error:invalid_argument"),
    ]
    assert {r["client_name"] for r in records} == {"template"}


def test_stdio_embedded_default(fake_root: PluginParts, tmp_path: Path) -> None:
    """No FAKE_BASE_URL: the adapter's embedded fake serves, and stderr says so."""
    env = _env(fake_root.root, None, tmp_path / "audit.jsonl", str(tmp_path / "cache"))
    replies, stderr = stdio_session(
        fake_server_command(), [tool_call(2, "fake__list_items", {"limit": 2})], env=env, cwd=FAKE_SERVER.parent
    )
    result = replies[2]["result"]
    assert not result["isError"] and result["structuredContent"]["total"] == 45
    assert "no items API configured (FAKE_BASE_URL unset)" in stderr
    assert "the fake items API (demo)" in stderr
