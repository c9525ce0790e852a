"""The files a plugin installation consists of: what the packages contain and what the signature covers.

One list, so the zip, the MCP bundle and the signature can never disagree about what "the plugin" is.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Top-level files and folders that make up an installation, relative to the plugin root.
SHIPPED_FILES: tuple[str, ...] = (
    "server.py",
    "manifest.json",
    ".mcp.json",
    ".claude-plugin/plugin.json",
    "requirements.txt",
    "README.md",
    "LICENSE",
)
SHIPPED_DIRS: tuple[str, ...] = ("plugin", "tools", "clm_client", "analysis", "sandbox", "skills")

SIGNATURE_NAME = "manifest.sig"

# Produced by running the code (bytecode, the sandbox's SQLite cache, editor litter), never shipped.
_IGNORED_DIRS = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"})
_IGNORED_SUFFIXES = (".pyc", ".pyo", ".db", ".db-journal", ".db-wal", ".db-shm", ".pem", ".key", ".swp")
_IGNORED_NAMES = frozenset({".DS_Store", SIGNATURE_NAME})


def _ignored(path: Path) -> bool:
    return (
        path.name in _IGNORED_NAMES
        or path.name.endswith(_IGNORED_SUFFIXES)
        or any(part in _IGNORED_DIRS for part in path.parts)
    )


def shipped_files(root: Path = ROOT) -> list[str]:
    """Sorted POSIX paths (relative to `root`) of every shipped file that exists under `root`."""
    found: set[str] = set()
    for name in SHIPPED_FILES:
        if (root / name).is_file():
            found.add(name)
    for folder in SHIPPED_DIRS:
        base = root / folder
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            relative = path.relative_to(root)
            if path.is_file() and not path.is_symlink() and not _ignored(relative):
                found.add(relative.as_posix())
    return sorted(found)
