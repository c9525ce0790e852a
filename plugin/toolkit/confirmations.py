"""Two-step confirmation for writes, and the idempotency key of a logical write.

A token is `<key id>.<expiry>.<nonce>.<write digest>.<signature>`, MAC'd with the installation's
current signing key (plugin.config.state.KeyRing): it survives a restart until it expires, cannot
be forged, and says exactly why it is refused (not issued here, another write, expired). It works
on every MCP client; clients that can ask the person (elicitation) do not need it.

The idempotency key derives from the logical write (what, where, on whose behalf) and the
installation's stable secret, never from a token: after a crash, previewing and confirming the
same write again carries the same key, so the backend returns the note it already committed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Mapping

from plugin.config.state import KeyRing
from plugin.toolkit.errors import ConfirmationRequired

TOKEN_TTL_SECONDS = 600
_PURPOSE = "confirmation-token"
_TOKEN = re.compile(r"^(k[0-9a-f]{8})\.(\d{1,12})\.([0-9a-f]{16})\.([\w-]{22})\.([\w-]{43})$")


def _canonical(write: Mapping[str, object]) -> bytes:
    return json.dumps(write, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _mac(key: bytes, data: bytes, length: int) -> str:
    return base64.urlsafe_b64encode(hmac.new(key, data, hashlib.sha256).digest()).decode().rstrip("=")[:length]


class Confirmations:
    def __init__(self, keys: KeyRing, ttl: float = TOKEN_TTL_SECONDS) -> None:
        self._keys = keys
        self._ttl = ttl

    def issue(self, write: Mapping[str, object]) -> tuple[str, float]:
        """A token for exactly this write, and when it expires (epoch seconds)."""
        key_id = self._keys.current_id
        key = self._keys.signing_key(_PURPOSE, key_id)
        assert key is not None
        expires = int(time.time() + self._ttl)
        head = f"{key_id}.{expires}.{secrets.token_hex(8)}.{_mac(key, _canonical(write), 22)}"
        return f"{head}.{_mac(key, head.encode(), 43)}", float(expires)

    def verify(self, token: str, write: Mapping[str, object]) -> None:
        """Raise `ConfirmationRequired`, saying exactly why, unless the token was issued here for this write."""
        again = (
            "Call without confirmation_token to get a new preview and token, show it to the user, and confirm "
            "only after they agree."
        )
        match = _TOKEN.match(token)
        if match is None:
            raise ConfirmationRequired(f"That confirmation token is malformed (not one this tool returned). {again}")
        key_id, expires, _nonce, digest, signature = match.groups()
        key = self._keys.signing_key(_PURPOSE, key_id)
        head = token.rsplit(".", 1)[0]
        if key is None or not hmac.compare_digest(signature, _mac(key, head.encode(), 43)):
            raise ConfirmationRequired(
                "That confirmation token was not issued by this installation (or its key has since been rotated "
                f"out). {again}"
            )
        if not hmac.compare_digest(digest, _mac(key, _canonical(write), 22)):
            raise ConfirmationRequired(
                "The confirmation token was issued for a different write: the contract, note text, target and "
                f"acting user must be exactly those of the preview. {again}"
            )
        if time.time() > int(expires):
            when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(int(expires)))
            raise ConfirmationRequired(f"The confirmation token expired at {when}. {again}")


def idempotency_key(write: Mapping[str, object], keys: KeyRing | None = None, prefix: str = "w") -> str:
    """Stable for one logical write, across retries, restarts and key rotation.

    Pass the installation's key ring (`ctx.services.keys`) so the key is also unlinkable across
    installations; without it, a plain digest of the write.
    """
    if keys is None:
        return f"{prefix}-{hashlib.sha256(_canonical(write)).hexdigest()[:40]}"
    digest = hmac.new(keys.installation_key("idempotency"), _canonical(write), hashlib.sha256).hexdigest()
    return f"{prefix}-{digest[:40]}"
