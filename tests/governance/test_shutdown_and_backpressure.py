"""Over real stdio: SIGTERM with calls in flight loses no audit record; a call naming an unknown or removed
tool is audited; a client that stops reading stdout cannot make the server's memory grow without bound."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, SECRET, SandboxAdmin

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "sig", "version": "1"}},
}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def start(env: dict[str, str]) -> subprocess.Popen[bytes]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CLM_")}
    return subprocess.Popen(
        [sys.executable, "server.py"],
        cwd=ROOT,
        env={**clean, "CLM_STRUCTURED_OUTPUT": "true", **env},  # the tests read result data from the structured copy
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def remote(url: str, **extra: str) -> dict[str, str]:
    return {
        "CLM_BASE_URL": url,
        "CLM_TOKEN_URL": f"{url}/oauth/token",
        "CLM_CLIENT_ID": "demo-client",
        "CLM_CLIENT_SECRET": SECRET,
        "CLM_ACTING_USER": "alice@example.com",
        **extra,
    }


def send(proc: subprocess.Popen[bytes], *messages: dict[str, Any]) -> None:
    assert proc.stdin is not None
    proc.stdin.write(b"".join(json.dumps(m).encode() + b"\n" for m in messages))
    proc.stdin.flush()


def read_reply(proc: subprocess.Popen[bytes]) -> dict[str, Any]:
    assert proc.stdout is not None
    reply: dict[str, Any] = json.loads(proc.stdout.readline())
    return reply


def call(request_id: int, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments},
    }


def audit_records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_sigterm_under_50_concurrent_calls_audits_every_call(
    sandbox_url: str, admin: SandboxAdmin, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"
    proc = start(
        remote(
            sandbox_url,
            CLM_AUDIT=f"file:{audit}",
            CLM_SHUTDOWN_GRACE="3",
            CLM_MAX_CONNECTIONS="60",
            CLM_CALL_DEADLINE="60",
        )
    )
    try:
        send(proc, INIT, INITIALIZED)
        assert read_reply(proc)["id"] == 1
        send(proc, call(2, "clm__search_contracts", {"limit": 1}))  # token and admission settled first
        contract = read_reply(proc)["result"]["structuredContent"]["contracts"][0]["id"]
        # The writes' POST waits far longer than the grace period: they are cancelled mid-write.
        admin.fault(
            target="api", mode="latency", latency_ms=15000, count=0, path_prefix=f"/v1/contracts/{contract}/annotations"
        )
        writes = []
        for i in range(5):  # previews first (the manifest requires confirmation); the confirmed writes run below
            note = {"contract_id": contract, "body": f"shutdown note {i}"}
            send(proc, call(3 + i, "clm__annotate_contract", note))
            token = read_reply(proc)["result"]["structuredContent"]["confirmation_token"]
            writes.append(call(10 + i, "clm__annotate_contract", {**note, "confirmation_token": token}))
        searches = [call(15 + i, "clm__search_contracts", {"limit": 2, "query": f"q{i}"}) for i in range(45)]
        admin.fault(target="api", mode="latency", latency_ms=2000, count=0)
        send(proc, *writes, *searches)
        time.sleep(1.5)  # in flight (each waits at least 2 s at the CLM); any not started yet is refused
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        send(proc, call(99, "clm__search_contracts", {"limit": 1}))  # after the signal: refused, still audited
        out, err = proc.communicate(timeout=60)
        stopped = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
        admin.clear_faults()
    assert stopped < 3 + 10, stopped  # bounded by the grace period
    replies = [json.loads(line) for line in out.decode().splitlines()]  # stdout stays pure JSON-RPC
    records = audit_records(audit)
    received = {2, 3, 4, 5, 6, 7, 99} | {m["id"] for m in searches + writes}
    by_request = {}
    for record in records:
        assert record["mcp_request_id"] not in by_request, "one record per call"
        by_request[record["mcp_request_id"]] = record
    assert set(by_request) == {str(i) for i in received}, err.decode()[-2000:]
    outcomes = {r["outcome"] for r in records}
    assert outcomes <= {"ok", "cancelled", "error:backend_unavailable"}, outcomes
    assert "cancelled" in outcomes  # the writes outlast the grace period
    for i in range(5):
        write = by_request[str(10 + i)]
        assert write["record_ids"] == [contract], write
    batch = {m["id"] for m in searches + writes}
    answered_ok = {
        r["id"] for r in replies if r.get("id") in batch and "result" in r and not r["result"].get("isError")
    }
    assert answered_ok == {
        int(r["mcp_request_id"]) for r in records if r["outcome"] == "ok" and int(r["mcp_request_id"]) in batch
    }
    print(
        f"\nSIGTERM with 50 calls in flight: {len(received)} calls received, {len(records)} audit records "
        f"({sorted((o, sum(r['outcome'] == o for r in records)) for o in outcomes)}), stopped in {stopped:.1f} s"
    )


def test_calls_to_unknown_and_removed_tools_are_audited(tmp_path: Path) -> None:
    audit = tmp_path / "audit.jsonl"
    proc = start({"CLM_AUDIT": f"file:{audit}", "CLM_READ_ONLY": "true", "CLM_DEMO_CONTRACTS": "20"})
    try:
        send(proc, INIT, INITIALIZED)
        read_reply(proc)
        send(proc, call(2, "clm__no_such_tool", {"x": 1}))
        unknown = read_reply(proc)
        send(proc, call(3, "clm__annotate_contract", {"contract_id": "ctr_000001", "body": "x"}))
        removed = read_reply(proc)
    finally:
        proc.communicate(timeout=60)
    for reply in (unknown, removed):
        assert reply["result"]["isError"] is True
        assert reply["result"]["content"][0]["text"].startswith("[not_found] ")
    assert "CLM_READ_ONLY" in removed["result"]["content"][0]["text"]
    records = {r["mcp_request_id"]: r for r in audit_records(audit)}
    assert records["2"]["tool"] == "clm__no_such_tool" and records["2"]["outcome"] == "error:not_found"
    assert records["3"]["tool"] == "clm__annotate_contract" and records["3"]["outcome"] == "error:not_found"
    assert records["3"]["arguments"]["body"].startswith("[REDACTED]")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_a_client_that_stops_reading_cannot_grow_memory_without_bound(tmp_path: Path) -> None:
    """Writes N tools/list requests (each answer ~0.1 MB held until written) and never reads stdout: at most
    <PREFIX>MAX_IN_FLIGHT answers wait, the one beyond is answered "busy", and then nothing more is read."""
    proc = start({"CLM_AUDIT": "off", "CLM_AUDIT_REQUIRED": "false", "CLM_DEMO_CONTRACTS": "20"})
    total = 5000
    written = [0]

    def writer() -> None:
        assert proc.stdin is not None
        try:
            for i in range(total):
                proc.stdin.write(
                    json.dumps({"jsonrpc": "2.0", "id": 1000 + i, "method": "tools/list"}).encode() + b"\n"
                )
                proc.stdin.flush()
                written[0] += 1
        except (BrokenPipeError, ValueError, OSError):
            return

    try:
        send(proc, INIT, INITIALIZED)
        read_reply(proc)
        # One call first: the backend (the embedded demo) is then built and warm, so the growth measured
        # below is the unread answers alone, not a warm-up that happened to land inside the 20 s.
        send(proc, call(2, "clm__search_contracts", {"limit": 1}))
        assert "result" in read_reply(proc)
        time.sleep(1)
        before = rss_mb(proc.pid)
        threading.Thread(target=writer, daemon=True).start()
        time.sleep(20)
        accepted, after = written[0], rss_mb(proc.pid)
    finally:
        proc.kill()
        proc.communicate(timeout=30)
    print(f"\n{accepted} of {total} unread requests written in 20 s; server RSS {before:.0f} MB -> {after:.0f} MB")
    assert accepted < total, "the server kept reading although nobody read its answers"
    assert after - before < 40, (before, after)  # unbounded, it grows ~0.1 MB per request read


def test_requests_beyond_the_limit_get_a_json_rpc_error() -> None:
    proc = start({"CLM_AUDIT": "off", "CLM_AUDIT_REQUIRED": "false", "CLM_MAX_IN_FLIGHT": "2"})
    try:
        send(proc, INIT, INITIALIZED)
        read_reply(proc)
        send(proc, *[call(10 + i, "clm__search_contracts", {"limit": 1}) for i in range(6)])
        replies = [read_reply(proc) for _ in range(6)]
    finally:
        proc.communicate(timeout=60)
    busy = [r for r in replies if "error" in r]
    assert len(busy) == 4 and all(r["error"]["code"] == -32000 for r in busy)
    assert "CLM_MAX_IN_FLIGHT" in busy[0]["error"]["message"]
    assert len([r for r in replies if "result" in r]) == 2
