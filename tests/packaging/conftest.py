"""Fixtures for the packaging tests: a private copy of the shipped plugin and a signing key outside it."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from plugin.config.identity import load_identity
from plugin.release.shipped import shipped_files
from plugin.release.signing import keygen, load_private_key
from plugin.server.parts import PluginParts
from tests.plugin_parts import PARTS, ROOT


def copy_plugin(target: Path) -> Path:
    """The shipped files of the repository, as an installation would hold them."""
    for name in shipped_files(ROOT):
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, destination)
    return target


def parts_at(root: Path) -> PluginParts:
    """The contract plugin's parts, rooted at a copy of the plugin (its own identity.toml and manifest.json)."""
    return dataclasses.replace(PARTS, root=root, identity=load_identity(root))


@pytest.fixture
def plugin_copy(tmp_path: Path) -> Path:
    return copy_plugin(tmp_path / "plugin")


@pytest.fixture
def copy_parts(plugin_copy: Path) -> PluginParts:
    return parts_at(plugin_copy)


@pytest.fixture
def key_pair(tmp_path: Path) -> tuple[Ed25519PrivateKey, str]:
    private_path, _public, fingerprint = keygen(tmp_path / "keys", repo=ROOT)
    return load_private_key(private_path), fingerprint
