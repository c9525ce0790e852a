"""The machinery never spells the product: its name, display name, tool namespace, environment prefix and
backend label appear only in identity.toml and the fork's rooms (tools/, skills/, the adapter, docs)."""

from __future__ import annotations

import re
from pathlib import Path

from plugin.config.identity import load_identity

ROOT = Path(__file__).resolve().parent.parent
MACHINERY = ("plugin", ".ci", "tests/template")


def _literals() -> list[re.Pattern[str]]:
    identity = load_identity(ROOT)
    words = [identity.name, identity.display_name, identity.namespace, identity.env_prefix]
    patterns = [re.compile(re.escape(word)) for word in words]
    patterns.append(re.compile(rf"\b{re.escape(identity.backend_label)}\b"))
    patterns.append(re.compile(re.escape(identity.name.replace("-", "_"))))
    return patterns


def _machinery_files() -> list[Path]:
    files: list[Path] = []
    for room in MACHINERY:
        base = ROOT / room
        if base.is_dir():
            files += [p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return files


def test_no_product_literal_in_the_machinery() -> None:
    found = []
    patterns = _literals()
    files = _machinery_files()
    assert len(files) > 40  # the machinery is really there to be searched
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            found += [f"{path.relative_to(ROOT)}:{number}: {line.strip()}" for p in patterns if p.search(line)]
    assert not found, "product literals in the machinery:\n" + "\n".join(found[:60])


def test_the_check_sees_a_planted_literal(tmp_path: Path) -> None:
    line = 'MESSAGE = "the CLM is down"'
    assert any(p.search(line) for p in _literals())
