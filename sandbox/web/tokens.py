"""Issued access tokens (random opaque strings, held in memory) and per-client rate limits."""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from sandbox.api_models import Scope

Clock = Callable[[], float]


@dataclass(frozen=True)
class Principal:
    """Who a valid access token speaks for."""

    client_id: str
    scopes: frozenset[Scope]
    expires_at: float
    user: str | None = None  # the user a token-exchange token is bound to; None: the client itself


class TokenStore:
    def __init__(self, ttl_seconds: int, clock: Clock = time.monotonic) -> None:
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._tokens: dict[str, Principal] = {}
        self._lock = threading.Lock()

    def issue(
        self, client_id: str, scopes: frozenset[Scope], *, user: str | None = None, ttl_seconds: int | None = None
    ) -> str:
        token = secrets.token_urlsafe(32)
        lifetime = self.ttl_seconds if ttl_seconds is None else ttl_seconds
        now = self._clock()
        with self._lock:
            # Drop expired tokens as new ones are issued, so a long run does not grow without bound.
            expired = [t for t, p in self._tokens.items() if p.expires_at <= now]
            for stale in expired:
                del self._tokens[stale]
            self._tokens[token] = Principal(client_id, scopes, now + lifetime, user)
        return token

    def lookup(self, token: str) -> Principal | None:
        with self._lock:
            principal = self._tokens.get(token)
        if principal is None or principal.expires_at <= self._clock():
            return None
        return principal

    def revoke(self, token: str, client_id: str) -> bool:
        """Revoke `token` if it belongs to `client_id`; False if it belongs to another client."""
        with self._lock:
            principal = self._tokens.get(token)
            if principal is None:
                return True  # RFC 7009: an unknown or expired token is not an error
            if principal.client_id != client_id:
                return False
            del self._tokens[token]
            return True

    def revoke_all(self) -> int:
        with self._lock:
            count = len(self._tokens)
            self._tokens.clear()
        return count

    def expire_all(self) -> int:
        """Make every token expired (as if its lifetime had passed) without forgetting it."""
        now = self._clock()
        with self._lock:
            for token, principal in self._tokens.items():
                self._tokens[token] = replace(principal, expires_at=now)
            return len(self._tokens)


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int  # until the bucket is full again
    retry_after: int  # until one more request is allowed (0 when allowed)

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }


class RateLimiter:
    """A token bucket per client: `per_minute` requests of burst, refilled evenly over a minute."""

    def __init__(self, per_minute: int, clock: Clock = time.monotonic) -> None:
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, last refill time)
        self._lock = threading.Lock()

    def take(self, client_id: str) -> RateDecision:
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(client_id, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * self._rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[client_id] = (tokens, now)
        missing = self.per_minute - tokens
        return RateDecision(
            allowed=allowed,
            limit=self.per_minute,
            remaining=int(tokens),
            reset_seconds=math.ceil(missing / self._rate) if missing > 0 else 0,
            retry_after=0 if allowed else max(1, math.ceil((1.0 - tokens) / self._rate)),
        )

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
