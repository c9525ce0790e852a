"""Two-step confirmation for writes: a preview with a token first, the write only with that token.

The token is an HMAC (per-process random key) over the exact write and an expiry, so it cannot be
guessed or reused for a different write, and works on every MCP client (no elicitation needed).
The idempotency key of the write derives from the same content, so retries never duplicate it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time

from plugin.toolkit.errors import ConfirmationRequired

TOKEN_TTL_SECONDS = 600


class Confirmations:
    def __init__(self, key: bytes | None = None, ttl: float = TOKEN_TTL_SECONDS) -> None:
        self._key = key or secrets.token_bytes(32)
        self._ttl = ttl

    def issue(self, write: dict[str, object]) -> tuple[str, float]:
        """A token for exactly this write, and when it expires (epoch seconds)."""
        expires = int(time.time() + self._ttl)
        nonce = secrets.token_hex(8)
        mac = self._mac(write, expires, nonce)
        return f"{expires}.{nonce}.{mac}", float(expires)

    def verify(self, token: str, write: dict[str, object]) -> str:
        """Check the token matches this write and has not expired; return its nonce."""
        parts = token.split(".")
        if len(parts) != 3 or not parts[0].isdigit():
            raise ConfirmationRequired(
                "That confirmation token is malformed. Call without confirmation_token to get a preview and a "
                "new token, show the preview to the user, and only confirm after they agree."
            )
        expires, nonce, mac = int(parts[0]), parts[1], parts[2]
        if not hmac.compare_digest(mac, self._mac(write, expires, nonce)):
            raise ConfirmationRequired(
                "The confirmation token does not match this exact note (contract, text and target must be "
                "unchanged since the preview). Ask for a new preview."
            )
        if time.time() > expires:
            raise ConfirmationRequired("The confirmation token has expired; ask for a new preview.")
        return nonce

    def _mac(self, write: dict[str, object], expires: int, nonce: str) -> str:
        payload = json.dumps({"w": write, "e": expires, "n": nonce}, sort_keys=True, separators=(",", ":"))
        digest = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def idempotency_key(write: dict[str, object], nonce: str = "") -> str:
    """Stable for one logical write (and its confirmation), so every retry reuses it."""
    payload = json.dumps({"w": write, "n": nonce}, sort_keys=True, separators=(",", ":"))
    return "ci-" + hashlib.sha256(payload.encode()).hexdigest()[:40]
