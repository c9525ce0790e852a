"""`serve` with nothing configured: the sandbox CLM and its authorization server in-process; stderr says how to
get a demo user's token and connect the Inspector; that token works, and users see different totals."""

from __future__ import annotations

import re
import time

from sandbox.testing import user_token
from tests.remote.client import McpHttpSession, ServeProcess, clean_env


def test_one_command_demo() -> None:
    with ServeProcess(clean_env({"CLM_DEMO_SIZE": "60"})) as served:
        deadline = time.monotonic() + 30  # the help follows the "serving ... at" line that start() waits for
        while "inspector --cli" not in "".join(served.stderr) and time.monotonic() < deadline:
            time.sleep(0.05)
        text = "".join(served.stderr)
        pattern = r"python -m sandbox token --user alice --url (http://127\.0\.0\.1:\d+) --resource (\S+)"
        match = re.search(pattern, text)
        assert match, text
        issuer, resource = match.groups()
        assert resource == served.url
        assert "npx @modelcontextprotocol/inspector" in text and "alice/alice-demo" in text
        totals = {}
        for user in ("alice", "bob"):
            session = McpHttpSession(served.url, user_token(issuer, user, resource=served.url))
            session.initialize()
            totals[user] = session.call("clm__search_contracts", {"limit": 1})["result"]["structuredContent"]["total"]
        print(f"\nembedded default totals: {totals}")
        assert totals["alice"] == 60 and 0 < totals["bob"] < 60
        assert served.terminate() == 0
