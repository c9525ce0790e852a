"""The plugin variant for a central deployment: its .mcp.json points at the URL; no server code, no user options."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_remote_plugin_zip(tmp_path: Path) -> None:
    output = tmp_path / "remote.zip"
    url = "https://mcp.eu.example.org/mcp"
    done = subprocess.run(
        [sys.executable, "server.py", "package", "remote-plugin", "--url", url, "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(output) as archive:
        names = set(archive.namelist())
        mcp = json.loads(archive.read(".mcp.json"))
        plugin = json.loads(archive.read(".claude-plugin/plugin.json"))
    (server,) = mcp["mcpServers"].values()
    assert server == {"type": "http", "url": url}
    assert "userConfig" not in plugin and plugin["name"]
    assert any(name.startswith("skills/") for name in names)
    assert not any(name.endswith(".py") for name in names)


def test_remote_plugin_refuses_a_cleartext_url(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "server.py", "package", "remote-plugin", "--url", "http://mcp.example.org/mcp"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "https://" in done.stderr
