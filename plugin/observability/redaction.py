"""Redaction of secrets from anything that leaves the process as text (logs, audit, tool errors).

Three nets, because each catches what the others miss:
1. keys that name a secret (``authorization``, ``client_secret``, ``access_token``...) lose their value;
2. values registered at run time (the configured client secret, every token fetched) are replaced
   wherever they appear, even inside free text such as an upstream error body;
3. credential-shaped text (``Bearer …``, ``Basic …``, ``access_token=…``) is masked.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping

REDACTED = "[REDACTED]"

_SECRET_KEY = re.compile(
    r"(?i)(authori[sz]ation|secret|password|passwd|token|api[_-]?key|cookie|credential|private[_-]?key|assertion)"
)
# Keys that contain "token" but carry no secret.
_SAFE_KEYS = frozenset({"token_requests", "token_url", "token_type", "tokens", "max_tokens", "token_endpoint"})
_CREDENTIAL_TEXT = re.compile(
    r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"
    r"|\b(access_token|refresh_token|client_secret|id_token|password)([\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+"
)

# Every match of _CREDENTIAL_TEXT contains one of these words (in any case). On ASCII text a lower-cased
# substring test is exact; other text always goes through the regex, whose IGNORECASE also folds a few
# non-ASCII letters (e.g. U+0131 dotless i) onto ASCII ones.
_CREDENTIAL_WORDS = ("bearer", "basic", "access_token", "refresh_token", "client_secret", "id_token", "password")
# How long a value registered with a lifetime (an access token) is still scrubbed after it expires: clocks
# differ, and a token may still turn up in a late error body. After that it is forgotten, so that a
# long-running server (one token per user and lifetime) does not scrub against every token it ever held.
EXPIRED_GRACE_SECONDS = 900.0


class SecretRegistry:
    """Values that must never be written anywhere, registered as soon as they are known.

    A value added with `ttl` (an access token's lifetime, in seconds) is forgotten `EXPIRED_GRACE_SECONDS`
    after it expires; one added without (a client secret, a password) is kept for the life of the process.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._values: frozenset[str] = frozenset()
        self.json_escapes = False  # does a value hold a character JSON escapes (a quote, a backslash)?
        self._forget_at: dict[str, float] = {}  # value -> when it may be forgotten (only values with a ttl)

    @property
    def values(self) -> frozenset[str]:
        return self._values

    def add(self, value: str | None, ttl: float | None = None) -> None:
        # Very short values would redact ordinary words; real secrets and tokens are long.
        if not value or len(value) < 6:
            return
        with self._lock:
            now = self._clock()
            expired = {v for v, at in self._forget_at.items() if at <= now}
            for gone in expired:
                del self._forget_at[gone]
            if ttl is None:
                self._forget_at.pop(value, None)  # now also a lasting secret
            elif value in self._forget_at or value not in self._values:
                self._forget_at[value] = max(self._forget_at.get(value, 0.0), now + ttl + EXPIRED_GRACE_SECONDS)
            self._values = (self._values - expired) | {value}
            self.json_escapes = any('"' in held or "\\" in held for held in self._values)

    def scrub(self, text: str) -> str:
        text = self.scrub_values(text)
        if text.isascii():
            lowered = text.lower()
            if not any(word in lowered for word in _CREDENTIAL_WORDS):
                return text  # the pattern cannot match: skip it (the regex is ~80 us on an audit line, this ~2 us)
        return _CREDENTIAL_TEXT.sub(_mask_credential, text)

    def scrub_values(self, text: str) -> str:
        """Only the registered values (net 2): for tool output, whose ordinary text must stay as it is."""
        for value in self._values:
            if value in text:
                text = text.replace(value, REDACTED)
        return text

    def absent_from_json(self, encoded: str) -> bool:
        """Can no registered value be inside the structure that `encoded` (its JSON, not ASCII-escaped) encodes?
        True when none occurs in the text and none holds a character JSON escapes (a quote, a backslash, a control
        character), which would hide it from the text: then `scrub_structure` would change nothing."""
        return not any(value in encoded or not _plain_json(value) for value in self._values)

    def scrub_structure(self, value: object) -> object:
        """`scrub_values` over every string of a JSON-like structure (keys kept: they are the schema's)."""
        if isinstance(value, str):
            return self.scrub_values(value)
        if isinstance(value, Mapping):
            return {key: self.scrub_structure(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.scrub_structure(item) for item in value]
        return value


def _plain_json(value: str) -> bool:
    """JSON writes `value` as it is (no escape sequence)."""
    return '"' not in value and "\\" not in value and all(ord(ch) >= 0x20 for ch in value)


def _mask_credential(match: re.Match[str]) -> str:
    if match.group(1):
        return f"{match.group(1)} {REDACTED}"
    return f"{match.group(2)}{match.group(3)}{REDACTED}"


SECRETS = SecretRegistry()


def is_secret_key(key: str) -> bool:
    return key.lower() not in _SAFE_KEYS and bool(_SECRET_KEY.search(key))


def redact(value: object, registry: SecretRegistry = SECRETS) -> object:
    """Return a copy of `value` (any JSON-like structure) with every secret removed."""
    if isinstance(value, str):
        return registry.scrub(value)
    if isinstance(value, Mapping):
        return {
            key: (REDACTED if isinstance(key, str) and is_secret_key(key) else redact(item, registry))
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(item, registry) for item in value]
    return value
