"""`python server.py doctor` as a person runs it: one PASS/FAIL/SKIP line per check, fixes, exit status.

Run with -s to see the outputs (they are the ones pasted in the issue's closing note).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from plugin.server.parts import PluginParts
from tests.conftest import ROOT, SECRET
from tests.plugin_parts import PARTS

CHECKS = ("configuration", "token endpoint", "token", "scopes", "CLM", "data residency", "signature")


def doctor(env: dict[str, str]) -> tuple[int, str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CLM_")}
    proc = subprocess.run(
        [sys.executable, "server.py", "doctor"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    sys.stdout.write(f"\n$ {' '.join(f'{k}={v}' for k, v in env.items())} python server.py doctor\n{proc.stdout}")
    return proc.returncode, proc.stdout, proc.stderr


def status_of(output: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in output.splitlines():
        for name in sorted(CHECKS, key=len, reverse=True):  # "token endpoint" before "token"
            if line[6:].startswith(name + " "):
                found.setdefault(name, line[:4])
                break
    return found


def remote(url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "CLM_BASE_URL": url,
        "CLM_TOKEN_URL": f"{url}/oauth/token",
        "CLM_CLIENT_ID": "demo-client",
        "CLM_CLIENT_SECRET": SECRET,
        "CLM_AUDIT": f"file:{tmp_path / 'audit.jsonl'}",
        **extra,
    }


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def no_secret(*texts: str, secrets: tuple[str, ...] = (SECRET,)) -> bool:
    return not any(secret in text for secret in secrets for text in texts)


def test_healthy(sandbox_url: str, tmp_path: Path) -> None:
    code, out, err = doctor(remote(sandbox_url, tmp_path, CLM_DATA_RESIDENCY="eu-west-1"))
    assert code == 0, out + err
    statuses = status_of(out)
    assert set(statuses) == set(CHECKS)
    assert all(statuses[name] == "PASS" for name in CHECKS if name != "signature"), out
    assert "granted read:contracts read:documents write:annotations" in out and "all good" in out
    assert no_secret(out, err)


def test_wrong_secret(sandbox_url: str, tmp_path: Path) -> None:
    wrong = "not-the-secret-" + "x" * 12
    code, out, err = doctor(remote(sandbox_url, tmp_path, CLM_CLIENT_SECRET=wrong))
    assert code == 1
    statuses = status_of(out)
    assert statuses["token endpoint"] == "PASS" and statuses["token"] == "FAIL"
    assert "CLM_CLIENT_SECRET" in out and "invalid_client" in out
    assert no_secret(out, err, secrets=(wrong, SECRET))


def test_unreachable_clm(sandbox_url: str, tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{closed_port()}"
    env = remote(sandbox_url, tmp_path)
    env["CLM_BASE_URL"] = dead  # the token endpoint works, the API does not
    code, out, _ = doctor(env)
    assert code == 1
    statuses = status_of(out)
    assert statuses["token"] == "PASS" and statuses["CLM"] == "FAIL"
    assert "check CLM_BASE_URL" in out
    code, out, _ = doctor(remote(dead, tmp_path))  # nothing answers at all
    assert code == 1 and status_of(out)["token endpoint"] == "FAIL" and "check CLM_TOKEN_URL" in out


def test_missing_scope(sandbox_url: str, tmp_path: Path) -> None:
    env = remote(sandbox_url, tmp_path, CLM_CLIENT_ID="readonly-client", CLM_CLIENT_SECRET="readonly-secret")
    code, out, err = doctor(env)
    assert code == 1
    statuses = status_of(out)
    assert statuses["token"] == "PASS" and statuses["scopes"] == "FAIL" and statuses["CLM"] == "PASS"
    assert "missing write:annotations" in out and "clm__annotate_contract" in out
    assert "CLM_DISABLED_TOOLS=clm__annotate_contract" in out
    assert no_secret(out, err, secrets=("readonly-secret",))
    # the fix it suggests works
    code, out, _ = doctor({**env, "CLM_DISABLED_TOOLS": "clm__annotate_contract"})
    assert code == 0, out


def test_residency_mismatch(sandbox_url: str, tmp_path: Path) -> None:
    code, out, _ = doctor(remote(sandbox_url, tmp_path, CLM_DATA_RESIDENCY="us-east-1"))
    assert code == 1
    assert status_of(out)["data residency"] == "FAIL"
    assert "required us-east-1, but the CLM reports eu-west-1" in out


def test_bad_configuration_fails_first(tmp_path: Path) -> None:
    code, out, _ = doctor({"CLM_ENABLED_TOOLS": "clm__no_such_tool", "CLM_AUDIT": f"file:{tmp_path / 'a'}"})
    assert code == 1 and status_of(out)["configuration"] == "FAIL" and "clm__no_such_tool" in out


def test_embedded_sandbox(tmp_path: Path) -> None:
    code, out, err = doctor({"CLM_DEMO_SIZE": "20", "CLM_AUDIT": f"file:{tmp_path / 'a'}"})
    assert code == 0, out + err
    assert "CLM embedded (CLM_BASE_URL unset)" in out  # the embedded demo backend


def signed_copy(tmp_path: Path) -> tuple[PluginParts, str]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from plugin.config.identity import load_identity
    from plugin.release import signing
    from plugin.release.shipped import shipped_files

    root = tmp_path / "installed"
    for name in shipped_files(ROOT):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, root / name)
    identity = load_identity(root)
    signed = signing.sign(root, identity, Ed25519PrivateKey.generate())
    return dataclasses.replace(PARTS, root=root, identity=identity), signed.fingerprint


def test_signature_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from plugin.cli.doctor import Status, _signature

    monkeypatch.delenv("CLM_TRUSTED_FINGERPRINT", raising=False)
    monkeypatch.delenv("CLM_REQUIRE_SIGNATURE", raising=False)
    unsigned = tmp_path / "unsigned"
    unsigned.mkdir()
    unsigned_parts = dataclasses.replace(PARTS, root=unsigned)
    assert _signature(unsigned_parts).status is Status.SKIP
    monkeypatch.setenv("CLM_REQUIRE_SIGNATURE", "true")
    monkeypatch.setenv("CLM_TRUSTED_FINGERPRINT", "ab" * 32)
    assert _signature(unsigned_parts).status is Status.FAIL  # required, but there is none
    monkeypatch.delenv("CLM_REQUIRE_SIGNATURE")

    parts, signer = signed_copy(tmp_path)
    root = parts.root
    monkeypatch.delenv("CLM_TRUSTED_FINGERPRINT")
    unpinned = _signature(parts)
    assert unpinned.status is Status.PASS and "not pinned" in unpinned.detail
    monkeypatch.setenv("CLM_TRUSTED_FINGERPRINT", signer)
    assert _signature(parts).status is Status.PASS
    monkeypatch.setenv("CLM_TRUSTED_FINGERPRINT", "ab" * 32)
    assert _signature(parts).status is Status.FAIL  # someone else's key
    monkeypatch.setenv("CLM_TRUSTED_FINGERPRINT", signer)
    target = root / "server.py"
    target.write_bytes(target.read_bytes() + b"\n# tampered\n")
    tampered = _signature(parts)
    assert tampered.status is Status.FAIL and "modified: server.py" in tampered.detail
