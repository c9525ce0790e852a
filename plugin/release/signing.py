"""Tamper evidence for private distribution: an Ed25519 signature over manifest.json and every shipped file.

    python -m plugin.release.signing keygen [--dir DIR]          a key pair outside the repo (private key 0600)
    python -m plugin.release.signing sign --key PRIVATE.pem      writes manifest.sig next to manifest.json
    python -m plugin.release.signing verify [--fingerprint F]    checks signature, signer and every file digest

manifest.sig is a detached signature: JSON holding the SHA-256 of every shipped file (plugin.release.shipped),
the signer's public key and an Ed25519 signature over a canonical JSON form of manifest.json plus that
digest list. Changing any shipped file - server.py, a tool, SKILL.md, the manifest - breaks it, and
verify names the file. A signature proves something only when the signer's fingerprint is pinned:
`--fingerprint`, or <ENV_PREFIX>TRUSTED_FINGERPRINT for the start-up check (`verify_installation`).
The signature format is named after the plugin (`identity.signature_format`).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from platformdirs import user_config_path
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plugin.config.identity import Identity, load_identity
from plugin.release import integrity
from plugin.release.integrity import SIGNATURE_NAME, canonical_payload, digest, shipped_files
from plugin.release.integrity import normalise_fingerprint as normalise_fingerprint  # part of this API

ROOT = Path.cwd()  # the default --root of the command line: run it from the plugin root
PRIVATE_KEY_NAME = "signing-key.pem"
PUBLIC_KEY_NAME = "signing-key.pub.pem"


class SigningError(Exception):
    """A key or signature that cannot be used; the message says which and why."""


class SignatureFile(BaseModel):
    """manifest.sig."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str = Field(description="<plugin name>-signature/1")
    algorithm: Literal["ed25519"]
    public_key: str = Field(description="raw 32-byte Ed25519 public key, base64")
    fingerprint: str
    files: dict[str, str] = Field(description="shipped path -> SHA-256 hex")
    signature: str = Field(description="Ed25519 signature of the canonical payload, base64")


class Verification(BaseModel):
    model_config = ConfigDict(frozen=True)

    signer: str | None = Field(description="fingerprint of the key that signed, when readable")
    checked_files: int
    problems: list[str]
    importable_files: int | None = Field(default=None, description="importable files in the tree")
    covered_files: int | None = Field(default=None, description="of those, how many the signature lists")

    @property
    def ok(self) -> bool:
        return not self.problems


# -- keys ----------------------------------------------------------------------------------------------


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """SHA256:<base64> of the raw public key, the form `ssh-keygen -l` uses."""
    return integrity.fingerprint_of(public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def default_key_dir(identity: Identity) -> Path:
    return user_config_path(identity.name) / "signing"


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def keygen(directory: Path, *, repo: Path) -> tuple[Path, Path, str]:
    """Write a new key pair into `directory` (never inside the repo); refuses to overwrite a key."""
    if _inside(directory, repo):
        raise SigningError(f"{directory} is inside the repository {repo}; keep private keys out of it")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    private_path, public_path = directory / PRIVATE_KEY_NAME, directory / PUBLIC_KEY_NAME
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    try:
        # O_EXCL + mode: the file is never, even briefly, readable by others, and never overwritten.
        fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SigningError(f"{private_path} already exists; not overwriting a signing key") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    public_path.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return private_path, public_path, fingerprint(key.public_key())


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        mode = path.stat().st_mode
        data = path.read_bytes()
    except OSError as exc:
        raise SigningError(f"cannot read private key {path}: {exc.strerror}") from None
    if os.name == "posix" and mode & 0o077:
        raise SigningError(f"{path} is readable by other users (mode {mode & 0o777:o}); chmod 600 it")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningError(f"{path} is not an unencrypted PEM private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningError(f"{path} is not an Ed25519 key")
    return key


# -- signing and verifying -----------------------------------------------------------------------------


def digests(root: Path) -> dict[str, str]:
    return {name: digest(root / name) for name in shipped_files(root)}


def sign(root: Path, identity: Identity, key: Ed25519PrivateKey) -> SignatureFile:
    files = digests(root)
    if "manifest.json" not in files:
        raise SigningError(f"{root} has no manifest.json to sign")
    try:
        payload = canonical_payload(
            identity.signature_format, (root / "manifest.json").read_text(encoding="utf-8"), files
        )
    except json.JSONDecodeError as exc:
        raise SigningError(f"{root / 'manifest.json'} is not valid JSON: {exc}") from None
    public = key.public_key()
    signature = SignatureFile(
        format=identity.signature_format,
        algorithm="ed25519",
        public_key=base64.b64encode(
            public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        ).decode(),
        fingerprint=fingerprint(public),
        files=files,
        signature=base64.b64encode(key.sign(payload)).decode(),
    )
    (root / SIGNATURE_NAME).write_text(signature.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return signature


def read_signature(path: Path) -> SignatureFile:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SigningError(f"{path} not found: this installation is not signed") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SigningError(f"{path} cannot be read: {exc}") from None
    try:
        return SignatureFile.model_validate_json(text)
    except ValidationError as exc:
        kinds = {error["type"] for error in exc.errors()}
        hint = " (truncated or not JSON)" if "json_invalid" in kinds else ""
        details = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}"
            for e in exc.errors(include_url=False, include_input=False)[:5]
        )
        raise SigningError(f"{path} is not a valid signature file{hint}: {details}") from None


def _signature_data(path: Path) -> dict[str, Any]:
    """manifest.sig validated by the pydantic model, in the form the verifier reads."""
    try:
        return read_signature(path).model_dump()
    except SigningError as exc:
        raise integrity.SignatureUnreadable(str(exc)) from None


def verify(
    root: Path, identity: Identity, expected_fingerprint: str | None = None, *, installed: bool = False
) -> Verification:
    """Check the signature, the signer (when a fingerprint is given) and every shipped file.

    With `installed`, also that every importable file of the tree is signed, as the start-up check
    requires (a development tree holds tests and bytecode caches that are never signed). The counts of
    importable and covered files are reported either way.
    """
    result = integrity.check_tree(
        root, identity.signature_format, expected_fingerprint, installed=installed, read=_signature_data
    )
    covered = result.coverage
    return Verification(
        signer=result.signer,
        checked_files=result.checked_files,
        problems=result.problems,
        importable_files=None if covered is None else covered.importable,
        covered_files=None if covered is None else covered.covered,
    )


def verify_installation(root: Path, identity: Identity, environ: Mapping[str, str] | None = None) -> str | None:
    """The start-up check (`plugin.release.integrity.refusal`): None to go on, else why the server must refuse
    to start. Off unless <PREFIX>REQUIRE_SIGNATURE is true; when on it needs <PREFIX>TRUSTED_FINGERPRINT."""
    names = integrity.Names(
        identity.env("require_signature"), identity.env("trusted_fingerprint"), identity.signature_format
    )
    return integrity.refusal(root, names, environ)


# -- command line (a CLI for people: it may write to stdout) -------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m plugin.release.signing", description="Sign and verify the plugin.")
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("keygen", help="create an Ed25519 key pair outside the repository")
    gen.add_argument("--dir", type=Path, default=None, help="default: the user config folder of the plugin")
    sig = commands.add_parser("sign", help="write manifest.sig for the plugin root")
    sig.add_argument("--key", type=Path, default=None, help=f"default: <keygen dir>/{PRIVATE_KEY_NAME}")
    sig.add_argument("--root", type=Path, default=ROOT)
    ver = commands.add_parser("verify", help="check manifest.sig against the files")
    ver.add_argument("--fingerprint", default=None, help="the signer's key fingerprint you trust")
    ver.add_argument("--root", type=Path, default=ROOT)
    ver.add_argument(
        "--installed",
        action="store_true",
        help="also require every importable file to be signed, as the start-up check does (an installed copy)",
    )
    gen.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    out = sys.stdout.write
    identity = load_identity(args.root)
    try:
        if args.command == "keygen":
            private, public, print_ = keygen(args.dir or default_key_dir(identity), repo=args.root)
            out(f"private key: {private} (mode 600; keep it secret, back it up)\n")
            out(f"public key:  {public}\nfingerprint: {print_}\n")
            return 0
        if args.command == "sign":
            key = load_private_key(args.key or default_key_dir(identity) / PRIVATE_KEY_NAME)
            signed = sign(args.root, identity, key)
            out(f"signed {len(signed.files)} files -> {args.root / SIGNATURE_NAME}\n")
            out(f"fingerprint: {signed.fingerprint}\n")
            return 0
    except SigningError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    result = verify(args.root, identity, args.fingerprint, installed=args.installed)
    if not result.ok:
        sys.stderr.write(
            f"verification FAILED for {args.root}:\n" + "\n".join(f"  - {p}" for p in result.problems) + "\n"
        )
        return 1
    out(f"OK: {result.checked_files} files match the signature by {result.signer}\n")
    out(f"importable files covered by the signature: {result.covered_files} of {result.importable_files}\n")
    if not args.installed and result.covered_files != result.importable_files:
        out(
            "warning: some importable files are not signed (tests, bytecode caches, added modules); an installation "
            "holding them is refused at start-up: see --installed\n"
        )
    if args.fingerprint is None:
        out("warning: signer not pinned; pass --fingerprint to check who signed it\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
