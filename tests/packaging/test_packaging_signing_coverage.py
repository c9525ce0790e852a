"""Signing covers what runs: every importable file of an installation is signed, any other one refuses the
start, the check runs before anything of the plugin is imported, and the signed tree imports from source only."""

from __future__ import annotations

import dataclasses
import importlib._bootstrap_external as bootstrap
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from plugin.release.integrity import coverage, importable_files, shipped_files
from plugin.release.signing import sign, verify, verify_installation
from tests.packaging.test_packaging_signing import flip_byte
from tests.plugin_parts import IDENTITY, PARTS

KeyPair = tuple[Ed25519PrivateKey, str]
MARKER = "PWNED_MARKER"


def env_for(fingerprint: str) -> dict[str, str]:
    return {"CLM_REQUIRE_SIGNATURE": "true", "CLM_TRUSTED_FINGERPRINT": fingerprint}


def evil_source(marker: Path) -> str:
    return f"open({str(marker)!r}, 'w').write('ran')\n"


def timestamp_pyc(source: str, like: Path) -> bytes:
    """Bytecode of `source` whose header carries the mtime and size of `like`: what the import system accepts."""
    stat = like.stat()
    code = compile(source, str(like), "exec")
    return bytes(bootstrap._code_to_timestamp_pyc(code, int(stat.st_mtime), stat.st_size))  # type: ignore[attr-defined]


def plant_pycache(root: Path, marker: Path) -> str:
    """The redaction module's cache, replaced by other code with the source's mtime and size."""
    source = root / "plugin" / "observability" / "redaction.py"
    cache = Path(importlib.util.cache_from_source(str(source)))
    cache.parent.mkdir(exist_ok=True)
    cache.write_bytes(timestamp_pyc(source.read_text(encoding="utf-8") + evil_source(marker), source))
    return cache.relative_to(root).as_posix()


def plant_shadow(root: Path, marker: Path) -> str:
    (root / "cachetools.py").write_text(evil_source(marker), encoding="utf-8")  # shadows the installed library
    return "cachetools.py"


def plant_pth(root: Path, marker: Path) -> str:
    (root / "zz-evil.pth").write_text(f"import os; {evil_source(marker)}", encoding="utf-8")
    return "zz-evil.pth"


def plant_extension(root: Path, marker: Path) -> str:
    name = "yaml" + importlib.machinery.EXTENSION_SUFFIXES[0]  # shadows an installed library, as a compiled module
    (root / name).write_bytes(b"\x7fELF not really")
    return name


def plant_namespace_package(root: Path, marker: Path) -> str:
    (root / "helpers").mkdir()  # no __init__.py: a namespace package, importable as helpers.util
    (root / "helpers" / "util.py").write_text(evil_source(marker), encoding="utf-8")
    return "helpers/util.py"


def plant_sourceless_pyc(root: Path, marker: Path) -> str:
    (root / "tools" / "extra.pyc").write_bytes(timestamp_pyc(evil_source(marker), root / "tools" / "__init__.py"))
    return "tools/extra.pyc"


def plant_symlink(root: Path, marker: Path) -> str:
    outside = marker.parent / "outside.py"
    outside.write_text(evil_source(marker), encoding="utf-8")
    (root / "tools" / "linked.py").symlink_to(outside)
    return "tools/linked.py"


BYPASSES: dict[str, Callable[[Path, Path], str]] = {
    "pycache_with_source_mtime_and_size": plant_pycache,
    "shadowing_top_level_module": plant_shadow,
    "pth_file": plant_pth,
    "extension_module": plant_extension,
    "new_namespace_package": plant_namespace_package,
    "sourceless_pyc": plant_sourceless_pyc,
    "symlinked_module": plant_symlink,
}


def test_the_signed_list_covers_every_importable_file(plugin_copy: Path, key_pair: KeyPair) -> None:
    key, fingerprint = key_pair
    signed = sign(plugin_copy, IDENTITY, key)
    covered = coverage(plugin_copy, signed.files)
    assert covered.importable > 100
    assert covered.covered == covered.importable, covered.unsigned
    assert set(importable_files(plugin_copy)) <= set(signed.files)
    result = verify(plugin_copy, IDENTITY, fingerprint, installed=True)
    assert result.ok, result.problems
    assert (result.importable_files, result.covered_files) == (covered.importable, covered.importable)
    print(f"\nimportable files {covered.importable}, covered by the signature {covered.covered}")


@pytest.mark.parametrize("plant", list(BYPASSES.values()), ids=list(BYPASSES))
def test_each_bypass_is_refused(
    plant: Callable[[Path, Path], str], plugin_copy: Path, key_pair: KeyPair, tmp_path: Path
) -> None:
    key, fingerprint = key_pair
    sign(plugin_copy, IDENTITY, key)
    assert verify_installation(plugin_copy, IDENTITY, env_for(fingerprint)) is None
    planted = plant(plugin_copy, tmp_path / MARKER)
    problem = verify_installation(plugin_copy, IDENTITY, env_for(fingerprint))
    assert problem is not None and problem.startswith("refusing to start"), planted
    assert planted in problem


def test_a_one_byte_change_to_any_importable_file_is_refused(plugin_copy: Path, key_pair: KeyPair) -> None:
    key, fingerprint = key_pair
    sign(plugin_copy, IDENTITY, key)
    names = importable_files(plugin_copy)
    for number, name in enumerate(names):
        original = flip_byte(plugin_copy / name, index=number * 7919)
        try:
            problem = verify_installation(plugin_copy, IDENTITY, env_for(fingerprint))
        finally:
            (plugin_copy / name).write_bytes(original)
        assert problem is not None and f"modified: {name}" in problem, name
    assert verify_installation(plugin_copy, IDENTITY, env_for(fingerprint)) is None


def start(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CLM_") and k != "PYTHONDONTWRITEBYTECODE"}
    return subprocess.run(
        [sys.executable, "server.py"],
        input="",
        capture_output=True,
        text=True,
        cwd=root,
        env={**clean, "CLM_AUDIT": "off", "CLM_AUDIT_REQUIRED": "false", **env},
        timeout=120,
        check=False,
    )


def test_planted_bypasses_refuse_a_real_start_and_never_run(
    plugin_copy: Path, key_pair: KeyPair, tmp_path: Path
) -> None:
    key, fingerprint = key_pair
    sign(plugin_copy, IDENTITY, key)
    intact = start(plugin_copy, env_for(fingerprint))
    assert intact.returncode == 0, intact.stderr
    assert not list(plugin_copy.rglob("__pycache__")), "a signed start writes no bytecode into the tree"
    marker = tmp_path / MARKER
    refused = 0
    for plant in (plant_pycache, plant_shadow):
        planted = plant(plugin_copy, marker)
        result = start(plugin_copy, env_for(fingerprint))
        assert result.returncode == 2 and planted in result.stderr, result.stderr
        assert result.stdout == ""
        refused += 1
    assert not marker.exists()
    print(f"\nbypass classes refused at a real start: {refused}")


def test_the_check_runs_before_the_plugin_is_imported(plugin_copy: Path, key_pair: KeyPair, tmp_path: Path) -> None:
    """A tampered package __init__ (imported first by any plugin import) must not run: start refused first."""
    key, fingerprint = key_pair
    sign(plugin_copy, IDENTITY, key)
    marker = tmp_path / MARKER
    init = plugin_copy / "plugin" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8") + evil_source(marker), encoding="utf-8")
    result = start(plugin_copy, env_for(fingerprint))
    assert result.returncode == 2 and "modified: plugin/__init__.py" in result.stderr, result.stderr
    assert not marker.exists()


def test_the_verifier_imports_only_the_standard_library_and_cryptography(plugin_copy: Path, key_pair: KeyPair) -> None:
    key, fingerprint = key_pair
    sign(plugin_copy, IDENTITY, key)
    probe = (
        "import json, sys, server\n"
        "before = set(sys.modules)\n"
        "assert server.verify_first([]) is None\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CLM_")}
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=plugin_copy,
        env={**clean, **env_for(fingerprint)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    loaded = {name.split(".")[0] for name in json.loads(out)}
    allowed = {"cryptography", "_cffi_backend", "_openssl", "plugin"}  # _cffi_backend, _openssl: its bindings
    foreign = sorted(loaded - set(sys.stdlib_module_names) - allowed)
    assert foreign == [], foreign
    plugin_modules = sorted(name for name in json.loads(out) if name.split(".")[0] == "plugin")
    assert plugin_modules == ["plugin.release.integrity"]


@pytest.mark.parametrize(("value", "consulted"), [(None, False), ("", False), ("false", True), ("true", True)])
def test_the_verifier_is_compiled_only_when_the_signature_variable_is_set(value: str | None, consulted: bool) -> None:
    # Compiling it from source costs ~15 ms of every start: unset, nothing is required and it is not needed; any
    # value (even "false") is the verifier's to judge.
    probe = (
        "import json, sys, server\n"
        "refusal = server.verify_first([])\n"
        "print(json.dumps([server.VERIFIER in sys.modules, refusal]))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLM_")}
    if value is not None:
        env["CLM_REQUIRE_SIGNATURE"] = value
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=PARTS.root, env=env, capture_output=True, text=True, timeout=60, check=True
    ).stdout
    compiled, refusal = json.loads(out)
    assert compiled is consulted
    assert (refusal is not None) is (value == "true")  # required without a pinned fingerprint: refused


def test_a_sealed_process_ignores_bytecode_caches_of_the_tree(plugin_copy: Path, tmp_path: Path) -> None:
    """Once sealed, a cache planted after verification (with the source's mtime and size) cannot run either."""
    marker = tmp_path / MARKER
    plant_pycache(plugin_copy, marker)
    probe = (
        "import server\n"
        "server.verifier().seal(server.ROOT)\n"
        "import plugin.observability.redaction as r\n"
        "assert hasattr(r, 'SECRETS')\n"
    )
    subprocess.run(
        [sys.executable, "-c", probe], cwd=plugin_copy, capture_output=True, text=True, timeout=60, check=True
    )
    assert not marker.exists()
    caches = {p.relative_to(plugin_copy).as_posix() for p in plugin_copy.rglob("*.pyc")}
    assert caches == {"plugin/observability/__pycache__/" + Path(importlib.util.cache_from_source("redaction.py")).name}
    # Unsealed, the same planted cache does run: the seal is what stops it.
    subprocess.run(
        [sys.executable, "-c", "import plugin.observability.redaction"],
        cwd=plugin_copy,
        env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert marker.exists()


def test_doctor_reports_what_the_start_refuses(
    plugin_copy: Path, key_pair: KeyPair, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plugin.cli.doctor import Status, _signature
    from plugin.config.identity import load_identity

    key, fingerprint = key_pair
    sign(plugin_copy, IDENTITY, key)
    parts = dataclasses.replace(PARTS, root=plugin_copy, identity=load_identity(plugin_copy))
    monkeypatch.setenv("CLM_TRUSTED_FINGERPRINT", fingerprint)
    passed = _signature(parts)
    assert passed.status is Status.PASS and f"all {len(importable_files(plugin_copy))} importable" in passed.detail
    plant_shadow(plugin_copy, plugin_copy / MARKER)
    failed = _signature(parts)
    assert failed.status is Status.FAIL and "cachetools.py" in failed.detail
    assert len(shipped_files(plugin_copy)) == len(json.loads((plugin_copy / "manifest.sig").read_text())["files"])
