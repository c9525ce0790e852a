"""Access tokens shared by replicas through Redis, with one fetch per token across all of them.

`TokenCache` keeps its in-process tier (served without a round trip); on a miss, or when refreshing
ahead, it asks a `SharedTokens` store. The Redis one (`RedisTokens`):

- reads the token another replica stored (encrypted, see below) and uses it while it is good enough;
- otherwise takes a lock (`SET NX PX`): the replica that holds it looks once more, fetches, stores
  the token for its remaining lifetime and releases the lock (compare-and-delete); the others poll
  for the token it stores and use that. A holder that dies loses the lock when it expires, and the
  next waiter takes over; so one token request per lifetime per key, however many replicas ask.
- a token the backend refused (401) is passed as `reject`: it is never served again, and the lock
  holder replaces it.

Tokens are encrypted at rest in Redis (AES-256-GCM, key derived from the installation key ring,
the Redis key name as associated data), and keys are HMACs of the token's identity, so neither a
token nor who it belongs to shows in a key listing, MONITOR output or a snapshot. Values are never
logged.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from plugin.config.shared import RELEASE_LOCK
from plugin.observability.logging import get_logger
from plugin.toolkit.errors import BackendUnavailable

log = get_logger(__name__)

LOCK_TTL_SECONDS = 30.0  # longer than a token request may take (read timeout); a dead holder frees it then
POLL_SECONDS = (0.01, 0.02, 0.05, 0.1)  # waiter back-off, then every 0.1 s
MIN_REMAINING_SECONDS = 1.0  # a shared token closer than this to expiry is not handed out


@dataclass(frozen=True)
class SharedToken:
    value: str = field(repr=False)
    granted_scopes: frozenset[str]
    lifetime: float
    expires_epoch: float  # wall clock: replicas share no monotonic clock

    def remaining(self) -> float:
        return self.expires_epoch - time.time()


Fetch = Callable[[], Awaitable[tuple[str, float, frozenset[str]]]]


class SharedTokens(Protocol):
    async def get_or_fetch(
        self, key: object, fetch: Fetch, *, min_remaining: float, reject: str | None, wait: float
    ) -> SharedToken:
        """A token for `key` with more than `min_remaining` seconds left: the shared one, or one `fetch`
        made by exactly one replica. `wait` bounds how long a replica waits for another's fetch."""
        ...

    async def aclose(self) -> None: ...


class RedisTokens:
    def __init__(self, client: Any, prefix: str, key: bytes, *, lock_ttl: float = LOCK_TTL_SECONDS) -> None:
        self._redis = client  # redis.asyncio.Redis
        self._prefix = prefix
        self._name_key = hmac.new(key, b"token-cache-names", hashlib.sha256).digest()
        self._cipher_key = hmac.new(key, b"token-cache-encryption", hashlib.sha256).digest()
        self._lock_ttl_ms = int(lock_ttl * 1000)
        self._release = client.register_script(RELEASE_LOCK)
        self.fetches = 0  # tokens this replica fetched for the others (tests, benchmarks)
        self.adopted = 0  # tokens this replica took from the shared store instead of fetching

    def _name(self, key: object) -> str:
        identity = json.dumps(
            dataclasses.asdict(key) if dataclasses.is_dataclass(key) and not isinstance(key, type) else repr(key),
            sort_keys=True,
            default=str,
        )
        return hmac.new(self._name_key, identity.encode(), hashlib.sha256).hexdigest()[:32]

    # -- the stored form ---------------------------------------------------------------------------------------
    def _seal(self, name: str, token: SharedToken) -> bytes:
        # cryptography and redis are imported when the shared tier is first used: replicas only, never on stdio.
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        plain = json.dumps(
            {
                "v": token.value,
                "s": sorted(token.granted_scopes),
                "l": token.lifetime,
                "e": token.expires_epoch,
            }
        ).encode()
        nonce = secrets.token_bytes(12)
        return base64.urlsafe_b64encode(nonce + AESGCM(self._cipher_key).encrypt(nonce, plain, name.encode()))

    def _open(self, name: str, sealed: bytes) -> SharedToken | None:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            raw = base64.urlsafe_b64decode(sealed)
            plain = AESGCM(self._cipher_key).decrypt(raw[:12], raw[12:], name.encode())
            body = json.loads(plain)
            return SharedToken(
                value=str(body["v"]),
                granted_scopes=frozenset(str(s) for s in body["s"]),
                lifetime=float(body["l"]),
                expires_epoch=float(body["e"]),
            )
        except (InvalidTag, ValueError, KeyError, TypeError):
            # Another key ring (the ring was replaced) or a damaged value: a miss, fetched anew.
            log.warning("shared_token_unreadable")
            return None

    async def _read(self, name: str) -> SharedToken | None:
        sealed = await self._redis.get(f"{self._prefix}token:{name}")
        return None if sealed is None else self._open(name, bytes(sealed))

    async def _write(self, name: str, token: SharedToken) -> None:
        ttl_ms = int(token.remaining() * 1000)
        if ttl_ms > 0:
            await self._redis.set(f"{self._prefix}token:{name}", self._seal(name, token), px=ttl_ms)

    # -- one token for everyone --------------------------------------------------------------------------------
    async def get_or_fetch(
        self, key: object, fetch: Fetch, *, min_remaining: float, reject: str | None, wait: float
    ) -> SharedToken:
        import redis

        name = self._name(key)
        lock = f"{self._prefix}token-lock:{name}"
        need = max(min_remaining, MIN_REMAINING_SECONDS)

        def good(token: SharedToken | None) -> bool:
            return token is not None and token.value != reject and token.remaining() > need

        deadline = time.monotonic() + wait
        fetched: SharedToken | None = None

        async def fetch_now() -> SharedToken:
            nonlocal fetched
            started = time.time()
            value, lifetime, granted = await fetch()
            self.fetches += 1
            fetched = SharedToken(
                value=value, granted_scopes=granted, lifetime=lifetime, expires_epoch=started + lifetime
            )
            return fetched

        polls = 0
        try:
            while True:
                token = await self._read(name)
                if good(token):
                    assert token is not None
                    self.adopted += 1
                    return token
                owner = secrets.token_hex(16)
                if await self._redis.set(lock, owner, nx=True, px=self._lock_ttl_ms):
                    try:
                        token = await self._read(name)  # stored by the previous holder just before we locked
                        if good(token):
                            assert token is not None
                            self.adopted += 1
                            return token
                        token = await fetch_now()
                        await self._write(name, token)
                        return token
                    finally:
                        await self._release(keys=[lock], args=[owner])
                if time.monotonic() > deadline:
                    raise BackendUnavailable(
                        "Another replica is fetching the access token and has not finished in time; try again."
                    )
                await asyncio.sleep(POLL_SECONDS[min(polls, len(POLL_SECONDS) - 1)])
                polls += 1
        except redis.RedisError as exc:
            # Tokens degrade rather than fail: without Redis this replica fetches its own (still one per
            # lifetime in this process), so calls go on while the shared state is down.
            log.warning("shared_state_unavailable", store="tokens", error=type(exc).__name__)
            return fetched if fetched is not None else await fetch_now()

    async def aclose(self) -> None:
        return None  # the client belongs to whoever made it (the runtime closes it once)
