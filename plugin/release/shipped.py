"""The files a plugin installation consists of: what the packages contain and what the signature covers.

One list, so the zip, the MCP bundle and the signature can never disagree about what "the plugin" is.
"""

from __future__ import annotations

from pathlib import Path

# Top-level files and folders that make up an installation, relative to the plugin root. Beside these,
# every top-level Python package (a folder with __init__.py) ships, except those only development uses.
SHIPPED_FILES: tuple[str, ...] = (
    "server.py",
    "identity.toml",
    "manifest.json",
    ".mcp.json",
    ".claude-plugin/plugin.json",
    "requirements.txt",
    "README.md",
    "LICENSE",
)
SHIPPED_DATA_DIRS: tuple[str, ...] = ("skills",)
DEVELOPMENT_PACKAGES = frozenset({"tests", "bench", "build", "dist"})

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


def shipped_dirs(root: Path) -> list[str]:
    packages = [
        path.name
        for path in root.iterdir()
        if path.is_dir() and (path / "__init__.py").is_file() and path.name not in DEVELOPMENT_PACKAGES
    ]
    return sorted(packages) + list(SHIPPED_DATA_DIRS)


def shipped_files(root: Path) -> list[str]:
    """Sorted POSIX paths (relative to `root`) of every shipped file that exists under `root`."""
    found: set[str] = set()
    for name in SHIPPED_FILES:
        if (root / name).is_file():
            found.add(name)
    for folder in shipped_dirs(root):
        base = root / folder
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            relative = path.relative_to(root)
            if path.is_file() and not path.is_symlink() and not _ignored(relative):
                found.add(relative.as_posix())
    return sorted(found)
