"""SIGTERM: the call in flight finishes and is answered, then the server exits 0; nothing is written to stdout."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx2

from sandbox.testing import user_token
from tests.remote.client import McpHttpSession, ServeProcess
from tests.remote.conftest import remote_env


def test_sigterm_lets_the_call_in_flight_finish_then_exits_0(clm: str) -> None:
    with ServeProcess(remote_env(clm, clm, CLM_SHUTDOWN_GRACE="20")) as served:
        session = McpHttpSession(served.url, user_token(clm, "bob", resource=served.url))
        session.initialize()
        assert not session.call("clm__search_contracts", {"limit": 1})["result"].get("isError")  # warm: token held
        fault = {"target": "api", "mode": "latency", "latency_ms": 3000, "count": 1, "path_prefix": "/v1/contracts"}
        httpx2.post(f"{clm}/_sandbox/faults", json=fault).raise_for_status()
        answers: list[dict[str, Any]] = []
        call = threading.Thread(target=lambda: answers.append(session.call("clm__search_contracts", {"limit": 5})))
        started = time.monotonic()
        call.start()
        time.sleep(1.0)  # the call is now waiting on the slow CLM
        rc = served.terminate(timeout=60)
        call.join(30)
        stopped = time.monotonic() - started
        print(f"\ncall answered after SIGTERM; exit status {rc} after {stopped:.1f} s")
        assert rc == 0
        assert answers and not answers[0]["result"].get("isError"), answers
        assert answers[0]["result"]["structuredContent"]["contracts"]
        assert stopped >= 3.0  # it waited for the slow call rather than cutting it
        assert served.stdout_text() == ""
        assert any("SIGTERM: shutting down" in line for line in served.stderr)
        httpx2.delete(f"{clm}/_sandbox/faults")
