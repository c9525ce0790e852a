"""Logging: redacted JSON on stderr, and structlog only loaded once something is logged."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import sys
from plugin.observability.logging import configure_logging, get_logger
configure_logging("INFO")
import server as composition_root
from plugin.server.assembly import build_server
from plugin.config.settings import PluginSettings
parts = composition_root.parts()
server, _ = build_server(parts, PluginSettings(audit="off", audit_required=False))
before = "structlog" in sys.modules
get_logger("probe").info("hello", client_secret="s3cr3t-value", note="Bearer abcdefghijklmnop")
print(before, "structlog" in sys.modules)
"""
# (The first tools/list now learns the granted scopes first - a token request, which logs - so the probe
# stops at building the server: that is what start-up costs before a client asks for anything.)


def test_structlog_loads_on_first_event_and_logs_redacted_json_to_stderr() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert proc.stdout.split() == ["False", "True"]  # nothing logged while building the server
    event = json.loads(proc.stderr.strip().splitlines()[-1])
    assert event["event"] == "hello" and event["logger_name"] == "probe" and event["level"] == "info"
    assert "s3cr3t-value" not in proc.stderr and "abcdefghijklmnop" not in proc.stderr
