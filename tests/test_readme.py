"""Issue 15 item 6: the README is true and self-contained (checked against the code and the CI scripts)."""

from __future__ import annotations

import re
from pathlib import Path

from plugin.cli.usage import OTHER_VARIABLES
from plugin.config.settings import PluginSettings
from plugin.toolkit.errors import ErrorCode
from server import parts as plugin_parts

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
IDENTITY = plugin_parts().identity
CI = "\n".join((ROOT / ".ci" / name).read_text(encoding="utf-8") for name in ("run", "validate_packaging.sh"))
TESTS = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "tests").rglob("*.py"))


def test_every_error_code_is_listed() -> None:
    for code in ErrorCode:
        assert f"`[{code.value}]`" in README, code.value


def test_every_variable_in_the_readme_exists_and_every_setting_is_documented() -> None:
    known = {IDENTITY.env(name) for name in PluginSettings.model_fields} | {
        IDENTITY.env(name) for name, _ in OTHER_VARIABLES
    }
    named = set(re.findall(rf"`({IDENTITY.env_prefix}[A-Z0-9_]+)", README))
    assert named - known == set(), "README names variables the code does not read"
    assert {IDENTITY.env(name) for name in PluginSettings.model_fields} - named == set()


def test_no_reference_outside_the_repository() -> None:
    assert "DESIGN.md" not in README
    assert "../shared" not in README and "shared folder" not in README
    for path in re.findall(r"`((?:docs|bench|tests|\.ci|skills)/[\w./-]+)`", README):
        if "*" not in path:
            assert (ROOT / path.split()[0]).exists(), path


def test_commands_that_do_not_exist_are_gone() -> None:
    assert "--values-stdin" not in README  # not a Claude Code option
    assert "plugin configure" not in README.replace("/plugin configure", "")
    assert "mcpb sign build" not in README  # upstream defects: mcpb#278, #260, #277
    assert "mcpb#278" in README and "#260" in README and "#277" in README
    assert "agentskills validate" in README  # the validator by its command, not its package


def _commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    lines = []
    for block in blocks:
        for raw in block.replace("\\\n", " ").splitlines():
            line = raw.split("  #")[0].strip()
            if line and not line.startswith("#") and not line.startswith("export "):
                lines.append(line)
    return lines


def _key(line: str) -> str:
    """The part of a command that CI or a test must run: program and sub-command."""
    words = [w for w in line.split() if "=" not in w or w.startswith("-")]
    if words[:2] == ["python", "server.py"]:
        return " ".join(words[1:3])
    if words[:1] == ["python"] and len(words) > 2 and words[1] == "-m":
        return " ".join(words[1:4])
    if words[:1] == ["claude"]:
        return " ".join(words[1:3])
    if words[:1] == ["npx"]:
        return words[1]
    return words[0]


def test_every_readme_command_is_run_by_ci_or_a_test() -> None:
    # Commands a person runs against their own systems (a real CLM, their key store, benchmarks) are exempt.
    exempt = ("python server.py\n", "python -m plugin.release.signing", "python -m plugin.release.fork", "bench/")
    uncovered = []
    for line in _commands():
        if any(line.startswith(e.strip()) or e in line for e in exempt) or line == "python server.py":
            continue
        if "&&" in line or line.startswith(("CLM_", "FUZZ_")):
            continue  # the install one-liners (CI runs command 2), env-prefixed runs of the commands below
        key = _key(line)
        if key not in CI and key not in TESTS:
            uncovered.append(line)
    assert uncovered == []


def test_python_m_sandbox_serves_as_the_readme_says(tmp_path: Path) -> None:
    """README: `python -m sandbox --port 8765`, then the demo client gets a token."""
    import socket
    import subprocess
    import sys
    import time

    import httpx2

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [
        sys.executable,
        "-m",
        "sandbox",
        "--port",
        str(port),
        "--contracts",
        "20",
        "--db",
        str(tmp_path / "s.db"),
    ]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                token = httpx2.post(
                    f"http://127.0.0.1:{port}/oauth/token",
                    data={"grant_type": "client_credentials"},
                    auth=("demo-client", "demo-secret"),
                )
                break
            except httpx2.TransportError:
                assert time.monotonic() < deadline, "python -m sandbox did not start"
                time.sleep(0.3)
        assert token.status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
