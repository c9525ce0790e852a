"""Fixtures for the packaging tests: a private copy of the shipped plugin and a signing key outside it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from plugin.release.shipped import ROOT, shipped_files
from plugin.release.signing import keygen, load_private_key


def copy_plugin(target: Path) -> Path:
    """The shipped files of the repository, as an installation would hold them."""
    for name in shipped_files(ROOT):
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, destination)
    return target


@pytest.fixture
def plugin_copy(tmp_path: Path) -> Path:
    return copy_plugin(tmp_path / "plugin")


@pytest.fixture
def key_pair(tmp_path: Path) -> tuple[Ed25519PrivateKey, str]:
    private_path, _public, fingerprint = keygen(tmp_path / "keys")
    return load_private_key(private_path), fingerprint
