"""Per-installation state: the user's state directory and the installation key ring.

The key ring is a small JSON file (mode 0600) in the user's state directory, named after the
identity (`platformdirs.user_state_path(identity.name)`, or `<env_prefix>STATE_DIR`). It is
created on first use and never written into the plugin's own tree or any log. It holds:

- one stable *installation secret* that never rotates: idempotency keys derive from it, so a
  write confirmed again after a crash (or after a key rotation) carries the same key;
- signing keys by id, one of them current: confirmation tokens, cursors and persisted reports
  are MAC'd with the current key and carry its id, so they stay valid across restarts until
  they expire, and a rotated-out key is refused with a message saying so.

With `<env_prefix>STATE_URL` set, the same ring lives in Redis instead (`RedisKeyRingStore`), so
every replica signs and verifies with the same keys; the first replica to start creates it (SET NX).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from pathlib import Path
from typing import Any, Protocol

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plugin.config.identity import Identity
from plugin.config.shared import namespace, sync_client

KEYRING_FILE = "installation-keys.json"
MAX_KEYS = 3  # the current key and the two before it verify; older ones are dropped on rotation
RELOAD_INTERVAL = 1.0  # seconds between re-reads of the ring for an unknown key id


def state_dir(identity: Identity) -> Path:
    """Where this installation keeps its state: `<env_prefix>STATE_DIR`, else the user's state directory."""
    override = os.environ.get(identity.env("state_dir"))
    if override:
        return Path(override)
    return platformdirs.user_state_path(identity.name)


class KeyRingError(RuntimeError):
    """The key ring file exists but cannot be read (never carries key material)."""


class _RingFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = 1
    installation: str  # base64url, 32 bytes: never rotates
    current: str  # id of the signing key in use
    keys: dict[str, str] = Field(min_length=1)  # {key id: base64url 32 bytes}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _new_key_id() -> str:
    return "k" + secrets.token_hex(4)


class KeyRingStore(Protocol):
    """Where the ring lives: a file in the state directory, or a Redis shared by replicas."""

    where: str  # for messages: a path or "the shared state"; never a password

    def read(self) -> _RingFile | None:
        """The stored ring, None when there is none yet; `KeyRingError` when it cannot be read."""
        ...

    def create(self, ring: _RingFile) -> bool:
        """Store `ring` only if none exists (atomically); False when another process created one first."""
        ...

    def replace(self, ring: _RingFile) -> None: ...


class KeyRing:
    """The installation's secrets. `derive(purpose)` gives a separate key per use, so a MAC made for
    cursors can never pass as a confirmation token."""

    def __init__(self, store: Path | KeyRingStore) -> None:
        self._store: KeyRingStore = FileKeyRingStore(store) if isinstance(store, Path) else store
        self._lock = threading.Lock()
        self._ring = self._load_or_create()
        self._reloaded = time.monotonic()

    @property
    def path(self) -> Path | None:
        return self._store.path if isinstance(self._store, FileKeyRingStore) else None

    @classmethod
    def for_identity(cls, identity: Identity, state_url: str | None = None) -> KeyRing:
        """The ring in `state_url` (Redis shared by replicas) when set, else the file in the state directory."""
        if state_url:
            return cls(RedisKeyRingStore(state_url, namespace(identity.name)))
        return cls(state_dir(identity) / KEYRING_FILE)

    # -- reading ---------------------------------------------------------------------------------------------
    @property
    def current_id(self) -> str:
        return self._ring.current

    def installation_key(self, purpose: str) -> bytes:
        """A stable key for `purpose` that survives rotation (idempotency keys)."""
        return hmac.new(_unb64(self._ring.installation), purpose.encode(), hashlib.sha256).digest()

    def signing_key(self, purpose: str, key_id: str | None = None) -> bytes | None:
        """The signing key `key_id` (default: current) for `purpose`; None when the ring does not hold it."""
        raw = self._ring.keys.get(key_id or self._ring.current)
        if raw is None and key_id is not None and self._reload_allowed():
            # Another replica (or process) may have rotated: look again, at most once per RELOAD_INTERVAL,
            # so a stream of forged key ids cannot turn into a stream of reads.
            with self._lock, contextlib.suppress(KeyRingError):  # unreadable now: verify with what we hold
                self._ring = self._store.read() or self._ring
            raw = self._ring.keys.get(key_id)
        if raw is None:
            return None
        return hmac.new(_unb64(raw), purpose.encode(), hashlib.sha256).digest()

    def _reload_allowed(self) -> bool:
        now = time.monotonic()
        if now - self._reloaded < RELOAD_INTERVAL:
            return False
        self._reloaded = now
        return True

    # -- rotation --------------------------------------------------------------------------------------------
    def rotate(self) -> str:
        """Make a new signing key current; keep the previous ones (up to MAX_KEYS) so live tokens still verify."""
        with self._lock:
            ring = self._store.read() or self._ring
            key_id = _new_key_id()
            keys = {key_id: _b64(secrets.token_bytes(32)), **ring.keys}
            keys = dict(list(keys.items())[:MAX_KEYS])
            self._ring = _RingFile(installation=ring.installation, current=key_id, keys=keys)
            self._store.replace(self._ring)
            return key_id

    def _load_or_create(self) -> _RingFile:
        existing = self._store.read()
        if existing is not None:
            return existing
        key_id = _new_key_id()
        ring = _RingFile(
            installation=_b64(secrets.token_bytes(32)), current=key_id, keys={key_id: _b64(secrets.token_bytes(32))}
        )
        if self._store.create(ring):
            return ring
        # Another process created it first: use theirs, so both agree.
        created = self._store.read()
        if created is None:
            raise KeyRingError(f"the installation key ring in {self._store.where} could not be created")
        return created


def _parse(text: str | bytes, where: str) -> _RingFile:
    try:
        return _RingFile.model_validate_json(text)
    except (ValidationError, ValueError):
        raise KeyRingError(
            f"the installation key ring in {where} is corrupt; move it away to start with a new one "
            "(pending confirmations, cursors and reports then become invalid)"
        ) from None


def _dump(ring: _RingFile) -> str:
    return json.dumps(ring.model_dump(), separators=(",", ":"))


class FileKeyRingStore:
    """A JSON file, mode 0600, written atomically (today's behaviour: one machine, any number of processes)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)

    def read(self) -> _RingFile | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise KeyRingError(f"the installation key ring {self.path} cannot be read ({type(exc).__name__})") from None
        return _parse(text, self.where)

    def create(self, ring: _RingFile) -> bool:
        return self._write(ring, replace=False)

    def replace(self, ring: _RingFile) -> None:
        self._write(ring, replace=True)

    def _write(self, ring: _RingFile, *, replace: bool) -> bool:
        """Write atomically with mode 0600; with replace=False, False when the file already exists."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(_dump(ring))
                handle.flush()
                os.fsync(handle.fileno())
            if replace:
                tmp.replace(self.path)
                return True
            try:
                os.link(tmp, self.path)  # atomic create-if-absent: two first starts never disagree
            except FileExistsError:
                return False
            return True
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


class RedisKeyRingStore:
    """One Redis key shared by every replica; created with SET NX, so racing first starts agree on one ring.

    Read once at start-up, before the event loop serves anything, hence the blocking client; afterwards
    only when a token names a key id this replica does not know (a rotation elsewhere).
    """

    def __init__(self, url: str, prefix: str) -> None:
        self.where = "the shared state (STATE_URL)"
        self._url = url
        self._key = f"{prefix}keyring"
        self._client: Any = None

    def _redis(self) -> Any:
        if self._client is None:
            self._client = sync_client(self._url)
        return self._client

    def _call(self, action: str, fn: Any) -> Any:
        import redis  # only where a shared state is configured: the stdio start-up pays nothing for it

        try:
            return fn(self._redis())
        except redis.RedisError as exc:
            # The URL is never quoted (it may hold the password); the exception's class says enough.
            raise KeyRingError(
                f"the installation key ring cannot be {action} the shared state ({type(exc).__name__}); "
                "check STATE_URL and that Redis is up"
            ) from None

    def read(self) -> _RingFile | None:
        raw = self._call("read from", lambda r: r.get(self._key))
        return None if raw is None else _parse(raw, self.where)

    def create(self, ring: _RingFile) -> bool:
        return bool(self._call("written to", lambda r: r.set(self._key, _dump(ring), nx=True)))

    def replace(self, ring: _RingFile) -> None:
        self._call("written to", lambda r: r.set(self._key, _dump(ring)))
