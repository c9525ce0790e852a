"""Issue 15: the CLI people expect, start-up without a hand-made venv, the demo's own audit file, the review pack."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from plugin.bootstrap import installed, missing, normalise, pinned
from plugin.observability.audit import FileAuditSink, default_audit_path
from plugin.release.review_pack import render
from server import parts as plugin_parts
from tests.audit_records import record

ROOT = Path(__file__).resolve().parent.parent
PARTS = plugin_parts()
IDENTITY = PARTS.identity


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(IDENTITY.env_prefix)}
    return subprocess.run(
        [sys.executable, str(ROOT / "server.py"), *args],
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_commands_settings_and_destinations(flag: str) -> None:
    done = run(flag)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    for command in ("doctor", "audit-report", "review-pack", "manifest", "package", "--version"):
        assert command in text
    from plugin.config.settings import PluginSettings

    for field in PluginSettings.model_fields:  # every setting, with the identity's prefix
        assert IDENTITY.env(field) in text
    assert "stderr" in text
    assert str(default_audit_path(IDENTITY.name)) in text
    assert str(default_audit_path(IDENTITY.name, demo=True)) in text


def test_version() -> None:
    done = run("--version")
    assert done.returncode == 0
    assert done.stdout == f"{IDENTITY.name} {IDENTITY.version}\n"


def test_doctor_survives_a_closed_pipe() -> None:
    # `doctor | head -0`: the reader is gone before the first line; no traceback, a quiet exit.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(IDENTITY.env_prefix)}
    reader_gone = subprocess.run(
        f'"{sys.executable}" "{ROOT / "server.py"}" doctor | head -c 0',
        shell=True,
        capture_output=True,
        text=True,
        env={**clean, IDENTITY.env("audit"): "off", IDENTITY.env("data_residency"): "none"},
        timeout=120,
        check=False,
    )
    assert "Traceback" not in reader_gone.stderr
    assert "BrokenPipeError" not in reader_gone.stderr


def test_missing_dependencies_one_line_and_non_zero(tmp_path: Path) -> None:
    # An interpreter without the packages (isolated, no site-packages) and no uv to install them.
    bare = subprocess.run(
        [sys.executable, "-S", "-E", str(ROOT / "server.py"), "--version"],
        capture_output=True,
        text=True,
        env={"PATH": str(tmp_path), "HOME": str(tmp_path)},
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert bare.returncode == 2
    assert bare.stdout == ""
    lines = bare.stderr.strip().splitlines()
    assert len(lines) == 1, bare.stderr
    assert "missing Python packages" in lines[0]
    assert "uv" in lines[0]
    assert "requirements.txt" in lines[0]
    assert "Traceback" not in bare.stderr


def test_bootstrap_reads_the_pins_and_finds_them_installed() -> None:
    pins = pinned(ROOT / "requirements.txt")
    assert normalise("pydantic-settings") in pins
    assert normalise("python-dateutil") in pins
    assert not missing(ROOT)  # the test environment has them all
    assert normalise("pydantic") in installed()
    assert installed([]) == set()


def test_bootstrap_imports_only_the_standard_library() -> None:
    code = (
        "import sys; before = set(sys.modules); import plugin.bootstrap; "
        "new = {m.split('.')[0] for m in set(sys.modules) - before}; "
        "print(sorted(m for m in new if m not in sys.stdlib_module_names and m != 'plugin'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_audit_file_stays_open_and_follows_rotation(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    sink = FileAuditSink(path)
    sink.write(record(request_id="r1"))
    handle = sink._fd
    sink.write(record(request_id="r2"))
    assert sink._fd == handle  # not reopened per record
    path.rename(tmp_path / "audit.jsonl.1")  # logrotate: rename, the next record goes to a new file
    sink.write(record(request_id="r3"))
    path.unlink()
    sink.write(record(request_id="r4"))
    sink.close()
    assert len((tmp_path / "audit.jsonl.1").read_text().splitlines()) == 2
    assert [line.count('"r4"') for line in path.read_text().splitlines()] == [1]


def test_the_demo_audits_to_its_own_file() -> None:
    from plugin.config.settings import PluginSettings
    from plugin.server.assembly import build_server, effective_settings

    settings = effective_settings(PARTS, PluginSettings(audit="file"))
    assert settings.embedded
    _server, runtime = build_server(PARTS, settings)
    assert runtime.audit is not None
    assert runtime.audit.destination == f"file {default_audit_path(IDENTITY.name, demo=True)}"
    assert default_audit_path(IDENTITY.name, demo=True) != default_audit_path(IDENTITY.name)
    runtime.audit.close()


def test_review_pack_is_current_and_states_what_the_committee_reads() -> None:
    text = render(PARTS)
    assert (ROOT / "docs" / "review-pack.md").read_text(encoding="utf-8") == text, (
        "docs/review-pack.md is stale: python server.py review-pack --output docs/review-pack.md"
    )
    for spec in PARTS.tools:
        assert PARTS.full_name(spec) in text
    for permission in PARTS.scopes_for([s.permission for s in PARTS.tools]):
        assert f"`{permission}`" in text
    for name in pinned(ROOT / "requirements.txt"):
        assert name.replace("_", "-") in text.lower().replace("_", "-")
    assert "## Rollback" in text
    assert "## Data residency" in text
    done = run("review-pack", "--check", str(ROOT / "docs" / "review-pack.md"))
    assert done.returncode == 0, done.stdout


def test_review_pack_check_fails_on_drift(tmp_path: Path) -> None:
    stale = tmp_path / "review.md"
    stale.write_text(render(PARTS).replace("## Rollback", "## Roll back"), encoding="utf-8")
    done = run("review-pack", "--check", str(stale))
    assert done.returncode == 1
    assert "stale" in done.stdout
