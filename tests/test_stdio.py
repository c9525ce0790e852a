"""`python server.py` as a real subprocess over stdio: every stdout line must be a JSON-RPC message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sandbox.testfiles import scanned_pdf_bytes
from tests.conftest import ROOT, SECRET

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "e2e", "version": "1"},
    },
}


def run_session(messages: list[dict[str, Any]], env: dict[str, str], timeout: float = 90) -> tuple[list[Any], str]:
    """Send initialize and `messages`, wait for every reply (as a client does), then close stdin.

    Returns every stdout line parsed (each must be a JSON-RPC message) and the whole stderr.
    """
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("CLM_") or k == "CLM_STATE_DIR"}
    clean_env |= {"CLM_AUDIT": "off", "CLM_AUDIT_REQUIRED": "false"}  # not about audit: keep $HOME clean
    clean_env["CLM_STRUCTURED_OUTPUT"] = "true"  # the tests read result data from the structured copy
    proc = subprocess.Popen(
        [sys.executable, "server.py"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**clean_env, **env},
    )
    assert proc.stdin is not None and proc.stdout is not None
    wanted = {m["id"] for m in messages if "id" in m} | {1}
    parsed: list[Any] = []
    deadline = time.monotonic() + timeout
    try:
        for message in [INIT, {"jsonrpc": "2.0", "method": "notifications/initialized"}, *messages]:
            proc.stdin.write(json.dumps(message) + "\n")
        proc.stdin.flush()
        while wanted and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            reply = json.loads(line)  # raises on anything that is not JSON: stdout is the protocol only
            assert reply.get("jsonrpc") == "2.0", line
            parsed.append(reply)
            wanted.discard(reply.get("id"))
        rest, stderr = proc.communicate(timeout=30)  # closes stdin: the server must exit cleanly
    finally:
        if proc.poll() is None:
            proc.kill()
    for line in rest.splitlines():
        parsed.append(json.loads(line))
    assert not wanted, f"no reply to {wanted}; stderr: {stderr[-2000:]}"
    return parsed, stderr


def calls(*steps: tuple[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"jsonrpc": "2.0", "id": 10 + i, "method": "tools/call", "params": {"name": name, "arguments": args}}
        for i, (name, args) in enumerate(steps)
    ]


def by_id(messages: list[Any]) -> dict[int, Any]:
    return {m["id"]: m for m in messages if "id" in m}


def test_embedded_default_over_stdio() -> None:
    env = {"CLM_DEMO_SIZE": "60"}
    messages, stderr = run_session(
        [
            {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
            *calls(("clm__search_contracts", {"limit": 2})),
        ],
        env,
    )
    replies = by_id(messages)
    assert replies[1]["result"]["serverInfo"]["name"] == "contract-intelligence"
    assert {t["name"] for t in replies[2]["result"]["tools"]} >= {
        "clm__search_contracts",
        "clm__read_contract",
    }
    result = replies[10]["result"]
    assert result.get("isError") is not True and len(result["structuredContent"]["contracts"]) == 2
    assert "bundled sandbox CLM" in stderr
    assert SECRET not in stderr


def test_against_sandbox_over_loopback_http(sandbox_url: str) -> None:
    env = {
        "CLM_BASE_URL": sandbox_url,
        "CLM_TOKEN_URL": f"{sandbox_url}/oauth/token",
        "CLM_CLIENT_ID": "demo-client",
        "CLM_CLIENT_SECRET": SECRET,
        "CLM_LOG_LEVEL": "DEBUG",
    }
    messages, stderr = run_session(
        calls(
            ("clm__search_contracts", {"limit": 1}),
            ("clm__get_contract", {"contract_id": "../admin"}),
            ("clm__get_contract", {"contract_id": "ctr_missing"}),
        ),
        env,
    )
    replies = by_id(messages)
    first = replies[10]["result"]
    assert first.get("isError") is not True
    contract_id = first["structuredContent"]["contracts"][0]["id"]
    assert contract_id
    assert replies[11]["result"]["isError"] is True and "invalid_argument" in json.dumps(replies[11])
    assert replies[12]["result"]["isError"] is True and "not_found" in json.dumps(replies[12])
    # DEBUG logs show every request, yet neither the secret nor a bearer token appears in them.
    assert SECRET not in stderr and "Bearer " not in stderr.replace("Bearer [REDACTED]", "")
    for line in stderr.splitlines():
        if line.startswith("{"):
            json.loads(line)  # logs are JSON lines


def start_with(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("CLM_") or k == "CLM_STATE_DIR"}
    return subprocess.run(
        [sys.executable, "server.py"],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**clean_env, **env},
        check=False,
    )


def test_bad_configuration_exits_with_a_message_naming_the_variable() -> None:
    for env, named in [
        ({"CLM_CALL_DEADLINE": "soon"}, "CLM_CALL_DEADLINE"),
        ({"CLM_BASE_URL": "http://127.0.0.1:9"}, "CLM_TOKEN_URL"),
        ({"CLM_BASE_URL": "not a url"}, "CLM_BASE_URL"),
        ({"CLM_ACTING_USER": "bob\nX-Injected: 1"}, "CLM_ACTING_USER"),
    ]:
        proc = start_with(env)
        assert proc.returncode == 2 and proc.stdout == "", env
        assert named in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_unknown_tool_name_in_configuration_fails_at_startup() -> None:
    proc = start_with({"CLM_ENABLED_TOOLS": "clm__search_contracts,clm__frobnicate"})
    assert proc.returncode == 2 and "clm__frobnicate" in proc.stderr and proc.stdout == ""


def test_embedded_default_serves_your_own_contracts(tmp_path: Path) -> None:
    """`<prefix>DEMO_IMPORT`: the bundled demo backend serves a folder of the user's own contracts too."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "orchard-supply.txt").write_text(
        "Quillfeather Orchard Supply Agreement\n\n1. Supply\nSupplier shall deliver the goods monthly.\n\n"
        "2. Payment\nBuyer shall pay each invoice within forty-five (45) days of receipt.\n",
        encoding="utf-8",
    )
    (folder / "bramblewick-hosting.txt").write_text(
        "Bramblewick Hosting Agreement\n\n1. Term\nThis Agreement starts on 1 March 2026 and continues for one (1) "
        "year. This Agreement shall automatically renew for successive one (1) year periods unless either party gives "
        "written notice of non-renewal at least sixty (60) days before the end of the then-current term.\n",
        encoding="utf-8",
    )
    (folder / "countersigned-scan.pdf").write_bytes(scanned_pdf_bytes())
    env = {"CLM_DEMO_SIZE": "60", "CLM_DEMO_IMPORT": str(folder), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    searches = [("clm__search_contracts", {"query": title, "limit": 5}) for title in ("Quillfeather", "Bramblewick")]
    messages, _ = run_session(calls(*searches, ("clm__search_contracts", {"query": "countersigned scan"})), env)
    ids = []
    for reply in (by_id(messages)[10 + i]["result"] for i in range(3)):
        assert reply.get("isError") is not True, reply
        ids.append(reply["structuredContent"]["contracts"][0]["id"])
    titles = [by_id(messages)[10 + i]["result"]["structuredContent"]["contracts"][0]["title"] for i in range(3)]
    assert titles == ["Quillfeather Orchard Supply Agreement", "Bramblewick Hosting Agreement", "countersigned scan"]
    deadlines: list[tuple[str, dict[str, Any]]] = [
        ("clm__upcoming_deadlines", {"within_days": 365}),
        ("clm__upcoming_deadlines", {"statuses": ["draft"]}),
    ]
    steps = [("clm__extract_obligations", {"contract_id": i}) for i in ids] + deadlines
    messages, _ = run_session(calls(*steps), env)
    supply, hosting, scan, listed, drafts = (by_id(messages)[10 + i]["result"] for i in range(5))
    # The deadlines view cannot list what only the files' text dates: it says how many it leaves out.
    assert listed["structuredContent"]["not_covered"] == 3, listed["structuredContent"]
    assert "Not covered: 3 contract(s)" in listed["content"][0]["text"]
    assert drafts["structuredContent"]["not_covered"] is None  # the imported ones are active, not drafts
    assert supply.get("isError") is not True, supply
    assert "45" in json.dumps(supply["structuredContent"]), supply["structuredContent"]
    # Nobody entered an imported record's yes/no fields: the text says it renews, and that is what is reported.
    facts = {f["kind"]: f for f in hosting["structuredContent"]["facts"]}
    assert (facts["auto_renewal"]["value"], facts["auto_renewal"]["source"]) == ("true", "document"), facts
    assert facts["auto_renewal"]["disagreement"] is None
    # A scan: what the answer cannot cover is said before any table, and no obligation is "not found".
    text = scan["content"][0]["text"]
    assert scan["structuredContent"]["document_read"] is False
    assert text.index("no text layer") < text.index("| term |"), text
    assert "No obligations could be read" in text and "No obligations found" not in text


def test_a_session_over_sockets_as_node_spawns_the_server(sandbox_url: str) -> None:
    """Node (Claude Code, the MCP Inspector) gives a child socketpairs, not pipes, for stdin and stdout: the
    server's own stdout writer serves them. Every byte on the socket is a JSON-RPC message."""
    import socket

    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("CLM_") or k == "CLM_STATE_DIR"}
    env = clean_env | {
        "CLM_AUDIT": "off",
        "CLM_AUDIT_REQUIRED": "false",
        "CLM_BASE_URL": sandbox_url,
        "CLM_TOKEN_URL": f"{sandbox_url}/oauth/token",
        "CLM_CLIENT_ID": "demo-client",
        "CLM_CLIENT_SECRET": SECRET,
        "CLM_STRUCTURED_OUTPUT": "true",
    }
    stdin_ours, stdin_theirs = socket.socketpair()
    stdout_ours, stdout_theirs = socket.socketpair()
    proc = subprocess.Popen(
        [sys.executable, "server.py"],
        stdin=stdin_theirs.fileno(),
        stdout=stdout_theirs.fileno(),
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    stdin_theirs.close()
    stdout_theirs.close()
    session = [
        INIT,
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        *calls(("clm__search_contracts", {"limit": 3})),
    ]
    stdin_ours.sendall(b"".join(json.dumps(m).encode() + b"\n" for m in session))
    received = b""
    stdout_ours.settimeout(90)
    while received.count(b"\n") < 2:
        chunk = stdout_ours.recv(65536)
        if not chunk:
            break
        received += chunk
    stdin_ours.close()
    proc.communicate(timeout=60)
    stdout_ours.close()
    replies = by_id([json.loads(line) for line in received.splitlines()])
    assert replies[1]["result"]["serverInfo"]["name"]
    assert replies[10]["result"].get("isError") is not True
    assert len(replies[10]["result"]["structuredContent"]["contracts"]) == 3
