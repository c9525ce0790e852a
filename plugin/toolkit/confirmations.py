"""Two-step confirmation for writes, and the idempotency key of a logical write.

A token is `<key id>.<expiry>.<nonce>.<write digest>.<signature>`, MAC'd with the installation's
current signing key (plugin.config.state.KeyRing): it survives a restart until it expires, cannot
be forged, and says exactly why it is refused (not issued here, another write, expired). It works
on every MCP client; clients that can ask the person (elicitation) do not need it.

With several people on one server (remote mode), `bound_to(holder, session)` binds the tokens it
issues to the verified identity, and the session, that was shown the preview: the token then also
carries a MAC of each, `<key id>.<expiry>.<nonce>.<write digest>.<holder>.<session>.<signature>`, and
another person's (or another session's) token is refused before anything is written, so the preview's
owner can still confirm it. Unbound (stdio: one person), tokens are as they always were.

The idempotency key derives from the logical write (what, where, on whose behalf) and the
installation's stable secret, never from a token: after a crash, previewing and confirming the
same write again carries the same key, so the backend returns the note it already committed.
"""

from __future__ import annotations

import base64
import copy
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
_TOKEN = re.compile(
    r"^(k[0-9a-f]{8})\.(\d{1,12})\.([0-9a-f]{16})\.([\w-]{22})(?:\.([\w-]{22})\.([\w-]{22}))?\.([\w-]{43})$"
)


def _canonical(write: Mapping[str, object]) -> bytes:
    return json.dumps(write, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _mac(key: bytes, data: bytes, length: int) -> str:
    return base64.urlsafe_b64encode(hmac.new(key, data, hashlib.sha256).digest()).decode().rstrip("=")[:length]


def _same(given: str | None, expected: str | None) -> bool:
    if given is None or expected is None:
        return given is expected
    return hmac.compare_digest(given, expected)


class Confirmations:
    def __init__(self, keys: KeyRing, ttl: float = TOKEN_TTL_SECONDS) -> None:
        self._keys = keys
        self._ttl = ttl
        self._holder: str | None = None
        self._session = ""

    def bound_to(self, holder: str, session: str | None) -> Confirmations:
        """Issue and accept tokens of `holder` (a verified identity) in `session` (None: a sessionless transport)."""
        view = copy.copy(self)
        view._holder, view._session = holder, session or ""
        return view

    def _binding(self, key: bytes) -> str:
        """`.<holder>.<session>` of a bound token, empty when unbound (MACs of JSON no write digest has)."""
        if self._holder is None:
            return ""
        holder = _mac(key, _canonical({"holder": self._holder}), 22)
        return f".{holder}.{_mac(key, _canonical({'holder': self._holder, 'session': self._session}), 22)}"

    def issue(self, write: Mapping[str, object]) -> tuple[str, float]:
        """A token for exactly this write, and when it expires (epoch seconds)."""
        key_id = self._keys.current_id
        key = self._keys.signing_key(_PURPOSE, key_id)
        assert key is not None
        expires = int(time.time() + self._ttl)
        head = f"{key_id}.{expires}.{secrets.token_hex(8)}.{_mac(key, _canonical(write), 22)}{self._binding(key)}"
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
        key_id, expires, _nonce, digest, holder, session, signature = match.groups()
        key = self._keys.signing_key(_PURPOSE, key_id)
        head = token.rsplit(".", 1)[0]
        if key is None or not hmac.compare_digest(signature, _mac(key, head.encode(), 43)):
            raise ConfirmationRequired(
                "That confirmation token was not issued by this installation (or its key has since been rotated "
                f"out). {again}"
            )
        # Whose it is comes first: a token shown to someone else is refused as such, whatever the write.
        my_holder, my_session = self._binding(key).split(".")[1:] or (None, None)
        if not _same(holder, my_holder):
            raise ConfirmationRequired(
                "That confirmation token was issued to another user: a confirmation is valid only for the person "
                f"who was shown the preview, and nothing was written. {again}"
            )
        if not _same(session, my_session):
            raise ConfirmationRequired(
                "That confirmation token was issued in another session: a confirmation is valid only in the "
                f"session that showed the preview, and nothing was written. {again}"
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
