"""The start-up verifier: does the installation hold only signed code, and nothing else Python would import?

`server.py` runs this module before importing anything else of the plugin, so it imports only the
standard library and (when a signature is required) `cryptography`; it reads `identity.toml` itself
with `tomllib`. It loads this file by compiling its source, never a bytecode cache.

Three things make "signed" mean "what runs":
- the signed file list covers every importable file of the tree (`importable_files`: modules,
  packages, bytecode anywhere including `__pycache__`, extension modules, `.pth` files, symlinks),
  and one that is not signed refuses the start;
- every signed file's digest matches, and the Ed25519 signature over the manifest and the list
  verifies with the pinned key;
- `seal` makes the process import the tree from source only: bytecode caches of the tree are
  neither read nor written, so a cache planted after verification cannot run either.

`plugin.release.signing` (sign, verify, the command line) and `plugin.release.shipped` build on this.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import importlib.machinery
import json
import os
import sys
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.abc import PathEntryFinder

    from typing_extensions import Buffer

IDENTITY_FILE = "identity.toml"
SIGNATURE_NAME = "manifest.sig"

# -- what an installation consists of (plugin.release.shipped is its public face) ------------------------

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
    """Sorted POSIX paths (relative to `root`) of every shipped file that exists under `root`: what is signed."""
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


# -- what Python could import from the tree --------------------------------------------------------------

# Every suffix an import can load (.py, .pyc, extension modules such as .cpython-311-x86_64-linux-gnu.so,
# .abi3.so, .pyd) and .pth, which `site` executes when the folder is a site directory.
IMPORTABLE_SUFFIXES: tuple[str, ...] = (*importlib.machinery.all_suffixes(), ".pyo", ".pth")


def importable_files(root: Path) -> list[str]:
    """Sorted POSIX paths of every file under `root` that an import could load or `site` could run.

    The root is on sys.path (it holds server.py), so a module or package anywhere below it can be
    imported - also one shadowing an installed library, like a `cachetools.py` next to server.py.
    Folders whose name is not an identifier cannot be imported through and are not entered (`.git`,
    `skills/<plugin-name>`); `__pycache__` is. A symlink is listed whatever it points to:
    it is never signed (`shipped_files` leaves symlinks out), so it always refuses the start.
    """
    found: list[str] = []
    for folder, subfolders, files in os.walk(root, followlinks=False):
        base = Path(folder)
        keep = []
        for name in subfolders:
            if (base / name).is_symlink():
                if name.isidentifier():
                    found.append((base / name).relative_to(root).as_posix())
            elif name.isidentifier():
                keep.append(name)
        subfolders[:] = keep
        for name in files:
            if name.endswith(IMPORTABLE_SUFFIXES):
                found.append((base / name).relative_to(root).as_posix())
    return sorted(found)


@dataclass(frozen=True)
class Coverage:
    importable: int  # importable files in the tree
    covered: int  # of those, how many the signature lists
    unsigned: tuple[str, ...]  # the importable files it does not list

    @property
    def complete(self) -> bool:
        return self.covered == self.importable


def coverage(root: Path, signed: Iterable[str]) -> Coverage:
    """How many of the tree's importable files the signed list covers; a signed installation needs all."""
    listed = set(signed)
    importable = importable_files(root)
    unsigned = tuple(name for name in importable if name not in listed)
    return Coverage(importable=len(importable), covered=len(importable) - len(unsigned), unsigned=unsigned)


# -- the signature ---------------------------------------------------------------------------------------


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def canonical_payload(signature_format: str, manifest_text: str, files: Mapping[str, str]) -> bytes:
    """What is signed: the manifest as data (layout-independent) and the digest of every shipped file."""
    manifest = json.loads(manifest_text)
    body = {"format": signature_format, "manifest": manifest, "files": dict(sorted(files.items()))}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def fingerprint_of(raw_public_key: bytes) -> str:
    """SHA256:<base64> of the raw public key, the form `ssh-keygen -l` uses."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw_public_key).digest()).decode().rstrip("=")


def normalise_fingerprint(value: str) -> str:
    value = value.strip()
    return value if value.startswith("SHA256:") else f"SHA256:{value}"


class SignatureUnreadable(Exception):
    """manifest.sig is missing or malformed; the message says which and why."""


_FIELDS: dict[str, type] = {
    "format": str,
    "algorithm": str,
    "public_key": str,
    "fingerprint": str,
    "files": dict,
    "signature": str,
}


def read_signature_data(path: Path) -> dict[str, Any]:
    """manifest.sig as checked data (plugin.release.signing validates the same with its pydantic model)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SignatureUnreadable(f"{path} not found: this installation is not signed") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SignatureUnreadable(f"{path} cannot be read: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise SignatureUnreadable(f"{path} is not a valid signature file (truncated or not JSON)") from None
    if not isinstance(data, dict):
        raise SignatureUnreadable(f"{path} is not a valid signature file: not an object")
    wrong = [name for name, kind in _FIELDS.items() if not isinstance(data.get(name), kind)]
    extra = sorted(set(data) - set(_FIELDS))
    if wrong or extra:
        raise SignatureUnreadable(
            f"{path} is not a valid signature file: "
            + "; ".join(
                [*(f"{name}: missing or wrong type" for name in wrong), *(f"{name}: unexpected" for name in extra)]
            )
        )
    if data["algorithm"] != "ed25519":
        raise SignatureUnreadable(f"{path} is not a valid signature file: algorithm must be ed25519")
    files = data["files"]
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        raise SignatureUnreadable(f"{path} is not a valid signature file: files must map paths to digests")
    return data


def _decode(value: str, what: str, length: int) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureUnreadable(f"manifest.sig: {what} is not valid base64") from None
    if len(raw) != length:
        raise SignatureUnreadable(f"manifest.sig: {what} has {len(raw)} bytes, expected {length} (truncated?)")
    return raw


@dataclass(frozen=True)
class TreeCheck:
    signer: str | None  # fingerprint of the key that signed, when readable
    checked_files: int  # files the signature lists
    problems: list[str] = field(default_factory=list)
    coverage: Coverage | None = None  # importable files vs covered, when the signature was readable

    @property
    def ok(self) -> bool:
        return not self.problems


def check_tree(
    root: Path,
    signature_format: str,
    expected_fingerprint: str | None = None,
    *,
    installed: bool = True,
    read: Callable[[Path], dict[str, Any]] = read_signature_data,
) -> TreeCheck:
    """Signature, signer (when a fingerprint is given), every signed and shipped file; with `installed`, also
    that every importable file of the tree is signed (what the start-up check requires)."""
    # cryptography only when a signature is checked: an unsigned start never loads it.
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        signed = read(root / SIGNATURE_NAME)
        raw_key = _decode(signed["public_key"], "public_key", 32)
        public = Ed25519PublicKey.from_public_bytes(raw_key)
        raw_signature = _decode(signed["signature"], "signature", 64)
    except SignatureUnreadable as exc:
        return TreeCheck(signer=None, checked_files=0, problems=[str(exc)])

    files: dict[str, str] = dict(signed["files"])
    problems: list[str] = []
    if signed["format"] != signature_format:
        problems.append(f"manifest.sig: format {signed['format']!r} is not {signature_format!r}")
    signer = fingerprint_of(raw_key)
    if signed["fingerprint"] != signer:
        problems.append(f"manifest.sig: fingerprint field {signed['fingerprint']} does not match its key {signer}")
    if expected_fingerprint is not None and normalise_fingerprint(expected_fingerprint) != signer:
        problems.append(f"signed by {signer}, not by the trusted key {normalise_fingerprint(expected_fingerprint)}")
    present = set(shipped_files(root))
    for name in sorted(set(files) | present):
        if name not in present:
            problems.append(f"missing: {name}")
        elif name not in files:
            problems.append(f"not signed (added after signing): {name}")
        elif digest(root / name) != files[name]:
            problems.append(f"modified: {name}")
    covered = coverage(root, files)
    if installed:
        for name in covered.unsigned:
            if name not in present:  # a shipped one is already reported above
                problems.append(f"not signed, yet importable (would run): {name}")
    try:
        manifest_text = (root / "manifest.json").read_text(encoding="utf-8")
        public.verify(raw_signature, canonical_payload(signed["format"], manifest_text, files))
    except FileNotFoundError:
        pass  # already reported as missing
    except (json.JSONDecodeError, UnicodeDecodeError):
        problems.append("manifest.json is not valid JSON, so its signature cannot be checked")
    except InvalidSignature:
        problems.append("signature does not match manifest.json and the signed file list (manifest.sig altered?)")
    return TreeCheck(signer=signer, checked_files=len(files), problems=problems, coverage=covered)


# -- the start-up decision -------------------------------------------------------------------------------

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


@dataclass(frozen=True)
class Names:
    """What the start-up check needs from identity.toml."""

    require: str  # <PREFIX>REQUIRE_SIGNATURE
    pin: str  # <PREFIX>TRUSTED_FINGERPRINT
    signature_format: str


def names(root: Path) -> Names:
    """From identity.toml with tomllib alone (plugin.config.identity validates the same file fully, later)."""
    with (root / IDENTITY_FILE).open("rb") as handle:
        data = tomllib.load(handle)
    prefix, name = data.get("env_prefix"), data.get("name")
    if not isinstance(prefix, str) or not isinstance(name, str):
        raise ValueError(f"{root / IDENTITY_FILE}: env_prefix and name must be strings")
    return Names(f"{prefix}REQUIRE_SIGNATURE", f"{prefix}TRUSTED_FINGERPRINT", f"{name}-signature/1")


def required(which: Names, environ: Mapping[str, str] | None = None) -> bool:
    """Whether the variable asks for a signature at all (a malformed value counts: `refusal` names it)."""
    env = os.environ if environ is None else environ
    return env.get(which.require, "").strip().lower() not in _FALSE


def refusal(root: Path, which: Names, environ: Mapping[str, str] | None = None) -> str | None:
    """None to go on, else why the server must refuse to start.

    Off unless <PREFIX>REQUIRE_SIGNATURE is true (then it costs an environment lookup); when on it
    needs <PREFIX>TRUSTED_FINGERPRINT, since a signature by an unpinned key proves nothing.
    """
    env = os.environ if environ is None else environ
    value = env.get(which.require, "").strip().lower()
    if value in _FALSE:
        return None
    if value not in _TRUE:
        return f"{which.require}: expected true or false, got {value[:20]!r}"
    trusted = env.get(which.pin, "").strip()
    if not trusted:
        return f"{which.require} is true but {which.pin} (the signer's key fingerprint) is unset"
    result = check_tree(root, which.signature_format, trusted)
    if result.ok:
        return None
    listed = "\n".join(f"  - {problem}" for problem in result.problems[:50])
    more = f"\n  (+{len(result.problems) - 50} more)" if len(result.problems) > 50 else ""
    hint = ""
    if any("__pycache__/" in problem or problem.endswith(".pyc") for problem in result.problems):
        hint = (
            "\n  bytecode caches are never signed and the server never writes them when a signature is required; "
            f"if nobody planted them, delete them: find {root} -name __pycache__ -prune -exec rm -rf {{}} +"
        )
    return f"refusing to start: the installation at {root} failed signature verification:\n{listed}{more}{hint}"


# -- running from source only ----------------------------------------------------------------------------


class SourceOnlyLoader(importlib.machinery.SourceFileLoader):
    """Loads a module of the signed tree from its source: bytecode caches are neither read nor written."""

    def get_data(self, path: str) -> bytes:
        if path.endswith(tuple(importlib.machinery.BYTECODE_SUFFIXES)):
            raise OSError("bytecode caches of the signed tree are not trusted")  # get_code then compiles the source
        return super().get_data(path)

    def set_data(self, path: str, data: Buffer, *, _mode: int = 0o666) -> None:
        return None


def _inside(entry: str, root: Path) -> bool:
    try:
        return (Path(entry) if entry else Path.cwd()).resolve().is_relative_to(root)
    except (OSError, ValueError):
        return False


def seal(root: Path) -> None:
    """From now on this process imports the tree under `root` from source only (sources and signed extension
    modules; no bytecode, whether in `__pycache__` or sourceless), and writes no bytecode anywhere."""
    root = root.resolve()
    sys.dont_write_bytecode = True
    loaders = [
        (SourceOnlyLoader, importlib.machinery.SOURCE_SUFFIXES),
        (importlib.machinery.ExtensionFileLoader, importlib.machinery.EXTENSION_SUFFIXES),
    ]
    finder_for = importlib.machinery.FileFinder.path_hook(*loaders)

    def hook(entry: str) -> PathEntryFinder:
        if not _inside(entry, root):
            raise ImportError("not the signed tree")  # the next hook handles it
        return finder_for(entry)

    sys.path_hooks.insert(0, hook)
    for entry in list(sys.path_importer_cache):
        if _inside(entry, root):
            del sys.path_importer_cache[entry]
