"""A plugin root for the fake plugin in a folder: identity.toml, manifest.json and the identity files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from plugin.config.identity import load_identity
from plugin.release import identity_files, manifest
from plugin.server.parts import PluginParts

from .adapter import FakeAdapter
from .tools import REGISTRY

HERE = Path(__file__).resolve().parent

# Only enterprise_controls is written by hand; `manifest.write` generates everything else.
SEED_MANIFEST = {
    "name": "placeholder",
    "version": "0.0.0",
    "display_name": "placeholder",
    "description": "placeholder",
    "author": {"name": "placeholder"},
    "category": "placeholder",
    "permissions": [],
    "authentication": {"type": "oauth2", "scopes": [], "token_endpoint": "placeholder"},
    "tools": [],
    "enterprise_controls": {"data_residency": None, "audit_logging": False, "user_consent_required": False},
}


def make_plugin_root(root: Path) -> PluginParts:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HERE / "identity.toml", root / "identity.toml")
    (root / "manifest.json").write_text(json.dumps(SEED_MANIFEST), encoding="utf-8")
    parts = PluginParts(root=root, identity=load_identity(root), tools=REGISTRY, adapter=FakeAdapter())
    manifest.write(parts)
    identity_files.write(root, parts.identity)
    return parts
