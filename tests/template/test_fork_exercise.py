"""The fork exercise: fork a clean copy, swap in the fake adapter and tools, and release it.

Then count the files that changed outside the fork's rooms: it must be 0. The figures (files per room,
wall time) are printed to stderr; run with `-s` to see them.
"""

from __future__ import annotations

import difflib
import filecmp
import json
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from plugin.release.fork import point_composition_root, registry_source, source_files
from tests.template.helpers import REPO, leaks, stdio_session, tool_call

FAKE = REPO / "tests" / "template" / "fake"
PACKAGE = "vendor_risk_client"
ADAPTER_FILES = ("__init__.py", "app.py", "client.py", "adapter.py")
# What the exercise's own commands produce (build output, the signature), not edits of the source.
GENERATED = re.compile(r"^(build/|manifest\.sig$)|(^|/)__pycache__/|\.pyc$")
COMPOSITION_LINE = re.compile(r"^\s*from [\w.]+\.adapter import \w+$|adapter=\w+\(\)")


def room(path: str) -> str:
    if path in {"identity.toml", "manifest.json", ".mcp.json"} or path.startswith(".claude-plugin/"):
        return "identity"
    if path.startswith("tools/"):
        return "tools"
    if path.startswith("skills/"):
        return "skills"
    if path.startswith(f"{PACKAGE}/"):
        return "adapter"
    if path == "server.py":
        return "server.py"
    return "outside"


def changed_files(clean: Path, fork: Path) -> dict[str, str]:
    """{path: added | deleted | modified} between the two trees (generated output left out)."""

    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}

    before, after = files(clean), files(fork)
    changes = {p: "added" for p in after - before} | {p: "deleted" for p in before - after}
    changes |= {p: "modified" for p in before & after if not filecmp.cmp(clean / p, fork / p, shallow=False)}
    return {p: kind for p, kind in changes.items() if not GENERATED.search(p)}


def composition_only(clean: Path, fork: Path) -> list[str]:
    """server.py lines changed that are not its adapter import or construction."""
    old = (clean / "server.py").read_text(encoding="utf-8").splitlines()
    new = (fork / "server.py").read_text(encoding="utf-8").splitlines()
    return [
        line
        for line in difflib.unified_diff(old, new, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---")) and not COMPOSITION_LINE.search(line[1:])
    ]


def run(command: list[str], cwd: Path) -> str:
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, timeout=300)
    assert completed.returncode == 0, f"{' '.join(command)}:\n{completed.stdout[-2000:]}\n{completed.stderr[-3000:]}"
    return completed.stdout + completed.stderr


@pytest.mark.slow
def test_fork_exercise(tmp_path: Path) -> None:
    started = time.monotonic()
    clean, fork = tmp_path / "clean", tmp_path / "fork"
    for relative in source_files(REPO):  # the repository's files (tracked, and new ones not ignored)
        (clean / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / relative, clean / relative)
    python = sys.executable

    out = run(
        [python, "-m", "plugin.release.fork", "--name", "vendor-risk", "--display-name", "Vendor Risk",
         "--prefix", "vr", "--env", "VR_", "--backend-label", "vendor API", "--target", str(fork)],
        cwd=clean,
    )  # fmt: skip
    assert "forked into" in out

    # The fork's own adapter: the template's fake, installed as its adapter package.
    shutil.rmtree(fork / PACKAGE)
    (fork / PACKAGE).mkdir()
    for name in ADAPTER_FILES:
        shutil.copyfile(FAKE / name, fork / PACKAGE / name)
    point_composition_root(fork, PACKAGE, "FakeAdapter")
    # Its tools: every reference tool goes, the fake's read and write tools come.
    for path in (fork / "tools").glob("*.py"):
        path.unlink()
    for module in ("list_items", "add_note"):
        text = (FAKE / "tools" / f"{module}.py").read_text(encoding="utf-8")
        (fork / "tools" / f"{module}.py").write_text(text.replace("tests.template.fake", PACKAGE), encoding="utf-8")
    (fork / "tools" / "__init__.py").write_text(registry_source(["list_items", "add_note"]), encoding="utf-8")

    run([python, "server.py", "manifest", "write"], cwd=fork)
    assert "the identity files match identity.toml" in run([python, "server.py", "identity", "check"], cwd=fork)
    assert "manifest.json matches the code" in run([python, "server.py", "manifest", "check"], cwd=fork)
    keys = tmp_path / "keys"
    signing = [python, "-m", "plugin.release.signing"]
    fingerprint = re.search(r"fingerprint: (\S+)", run([*signing, "keygen", "--dir", str(keys)], cwd=fork))
    assert fingerprint is not None
    run([*signing, "sign", "--key", str(keys / "signing-key.pem"), "--root", str(fork)], cwd=fork)
    verified = run([*signing, "verify", "--root", str(fork), "--fingerprint", fingerprint.group(1)], cwd=fork)
    assert verified.startswith("OK: ")
    run([python, "server.py", "package", "plugin-zip"], cwd=fork)
    with zipfile.ZipFile(fork / "build" / "vendor-risk-0.1.0.zip") as archive:
        names = set(archive.namelist())
    assert {"identity.toml", "manifest.sig", f"{PACKAGE}/adapter.py", "tools/add_note.py"} <= names
    assert "tools/search_contracts.py" not in names
    manifest = json.loads((fork / "manifest.json").read_text(encoding="utf-8"))
    assert [tool["name"] for tool in manifest["tools"]] == ["vr__list_items", "vr__add_note"]

    # The fork over stdio, on its embedded fake, self-contained (no PYTHONPATH to this repository).
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "VR_AUDIT": f"file:{tmp_path / 'audit.jsonl'}",
        "VR_CACHE_DIR": str(tmp_path / "cache"),
        "VR_STRUCTURED_OUTPUT": "true",  # the tests read result data from the structured copy
    }
    replies, stderr = stdio_session(
        [python, "server.py"],
        [{"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, tool_call(3, "vr__list_items", {"limit": 3})],
        env=env,
        cwd=fork,
    )
    assert [t["name"] for t in replies[2]["result"]["tools"]] == ["vr__list_items", "vr__add_note"]
    listed = replies[3]["result"]
    assert not listed["isError"], listed
    assert [row["id"] for row in listed["structuredContent"]["items"]] == ["itm_0001", "itm_0002", "itm_0003"]
    assert "vr__list_items" in listed["content"][0]["text"] and not leaks(stderr)

    changes = changed_files(clean, fork)
    per_room: dict[str, int] = {}
    for changed in changes:
        per_room[room(changed)] = per_room.get(room(changed), 0) + 1
    outside = sorted(changed for changed in changes if room(changed) == "outside")
    stray = composition_only(clean, fork)
    elapsed = time.monotonic() - started
    sys.stderr.write(
        f"\nfork exercise: files changed per room {dict(sorted(per_room.items()))}; "
        f"outside the rooms {len(outside)} {outside}; server.py lines beyond composition {len(stray)}; "
        f"wall time {elapsed:.1f} s\n"
    )
    assert outside == [], outside
    assert stray == [], stray
