"""Redaction of secrets from anything that leaves the process as text (logs, audit, tool errors).

Three nets, because each catches what the others miss:
1. keys that name a secret (``authorization``, ``client_secret``, ``access_token``...) lose their value;
2. values registered at run time (the configured client secret, every token fetched) are replaced
   wherever they appear, even inside free text such as an upstream error body, in the encodings a
   server or proxy echoes them in (URL-encoded, base64 alone or inside a longer base64 run, base64 of
   ``client_id:secret`` as HTTP Basic sends it), and a long value's leading or trailing part is
   replaced too (text cut by someone else, e.g. a backend's own truncation, still holds a piece);
3. credential-shaped text (``Bearer …``, ``Basic …``, ``access_token=…``) is masked.
"""

from __future__ import annotations

import base64
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import quote, quote_plus

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
# A derived form shorter than this (a short secret's base64 core) would match ordinary text.
_MIN_FORM_CHARS = 8
# A value at least this long is also replaced where only its start or its end appears (a cut value): a run of
# `_ANCHOR_CHARS` of it is random enough that it never occurs by chance.
_PARTIAL_MIN_CHARS = 20
_ANCHOR_CHARS = 12


def _url_forms(value: str) -> set[str]:
    forms = {quote_plus(value, safe=""), quote(value, safe="")}
    # Percent-escapes may come back in lower case (%2b for +).
    return forms | {re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), form) for form in forms}


def _base64_forms(data: bytes) -> set[str]:
    """`data` in base64 (standard and URL-safe, padded or not), and the part of its encoding that stays the
    same wherever it starts inside a longer base64 run (each of the three alignments)."""
    forms: set[str] = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        whole = encode(data).decode("ascii")
        forms |= {whole, whole.rstrip("=")}
        for shift in (1, 2):
            shifted = encode(b"\0" * shift + data).decode("ascii")
            # Skip the quantum holding the filler bytes and the last one (it depends on what follows).
            usable = (shift + len(data)) // 3 * 4
            forms.add(shifted[4:usable])
        forms.add(whole[: len(data) // 3 * 4])
    return {form for form in forms if len(form) >= _MIN_FORM_CHARS}


def encoded_forms(value: str) -> frozenset[str]:
    """`value` as it is and in every encoding a server, a proxy or a log is known to echo it in."""
    data = value.encode("utf-8")
    forms = {value} | _url_forms(value) | _base64_forms(data)
    for url_form in _url_forms(value) - {value}:
        forms |= _base64_forms(url_form.encode("ascii"))
    return frozenset(form for form in forms if len(form) >= _MIN_FORM_CHARS or form == value)


def credential_pair_forms(client_id: str, secret: str) -> frozenset[str]:
    """HTTP Basic's ``base64(client_id:secret)``, raw and form-urlencoded first (RFC 6749 §2.3.1)."""
    forms: set[str] = set()
    for user, password in ((client_id, secret), (quote_plus(client_id, safe=""), quote_plus(secret, safe=""))):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            whole = encode(f"{user}:{password}".encode()).decode("ascii")
            forms |= {whole, whole.rstrip("=")}
    return frozenset(forms)


class SecretRegistry:
    """Values that must never be written anywhere, registered as soon as they are known.

    A value added with `ttl` (an access token's lifetime, in seconds) is forgotten `EXPIRED_GRACE_SECONDS`
    after it expires; one added without (a client secret, a password) is kept for the life of the process.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._values: frozenset[str] = frozenset()
        self._derived: dict[str, frozenset[str]] = {}  # value -> the forms it is scrubbed in (itself included)
        self._forms: tuple[str, ...] = ()  # every form of every value, longest first (a form inside another)
        self._partial: tuple[str, ...] = ()  # the values long enough to be caught by their start or end
        self.json_escapes = False  # does a value hold a character JSON escapes (a quote, a backslash)?
        self._forget_at: dict[str, float] = {}  # value -> when it may be forgotten (only values with a ttl)
        # Changes whenever the registered values do: a cache of scrubbed text keys on it (never stale).
        self.generation = 0

    @property
    def values(self) -> frozenset[str]:
        return self._values

    def add(self, value: str | None, ttl: float | None = None, *, extra_forms: Iterable[str] = ()) -> None:
        """`extra_forms`: further encodings of `value` (say, the Basic credential it is part of)."""
        # Very short values would redact ordinary words; real secrets and tokens are long.
        if not value or len(value) < 6:
            return
        forms = encoded_forms(value) | frozenset(extra_forms)
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
            for gone in expired:
                self._derived.pop(gone, None)
            self._derived[value] = self._derived.get(value, frozenset()) | forms
            every = {form for held in self._values for form in self._derived.get(held, (held,))}
            self._forms = tuple(sorted(every, key=len, reverse=True))
            # Cut pieces are looked for of the values themselves only: each costs two more scans of every text.
            self._partial = tuple(held for held in self._values if len(held) >= _PARTIAL_MIN_CHARS)
            self.json_escapes = any('"' in held or "\\" in held for held in self._values)
            self.generation += 1

    def add_credentials(self, client_id: str, secret: str) -> None:
        """A client secret, together with the HTTP Basic credential it is sent in."""
        self.add(secret, extra_forms=credential_pair_forms(client_id, secret) if len(secret) >= 6 else ())

    def scrub(self, text: str) -> str:
        text = self.scrub_values(text)
        if text.isascii():
            lowered = text.lower()
            if not any(word in lowered for word in _CREDENTIAL_WORDS):
                return text  # the pattern cannot match: skip it (the regex is ~80 us on an audit line, this ~2 us)
        return _CREDENTIAL_TEXT.sub(_mask_credential, text)

    def scrub_values(self, text: str) -> str:
        """Only the registered values (net 2): for tool output, whose ordinary text must stay as it is."""
        forms, partial = self._forms, self._partial
        for form in forms:
            if form in text:
                text = text.replace(form, REDACTED)
        for form in partial:
            if form[:_ANCHOR_CHARS] in text or form[-_ANCHOR_CHARS:] in text:
                text = _scrub_pieces(text, form)
        return text

    def absent_from_json(self, encoded: str) -> bool:
        """Can no registered value be inside the structure that `encoded` (its JSON, not ASCII-escaped) encodes?
        True when none occurs in the text and none holds a character JSON escapes (a quote, a backslash, a control
        character), which would hide it from the text: then `scrub_structure` would change nothing."""
        return not any(value in encoded or not _plain_json(value) for value in self._forms) and not any(
            form[:_ANCHOR_CHARS] in encoded or form[-_ANCHOR_CHARS:] in encoded for form in self._partial
        )

    def scrub_structure(self, value: object) -> object:
        """`scrub_values` over every string of a JSON-like structure (keys kept: they are the schema's)."""
        if isinstance(value, str):
            return self.scrub_values(value)
        if isinstance(value, Mapping):
            return {key: self.scrub_structure(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.scrub_structure(item) for item in value]
        return value


def _scrub_pieces(text: str, form: str) -> str:
    """Replace each run of `text` that is a start or an end of `form` at least `_ANCHOR_CHARS` long."""
    head, tail = form[:_ANCHOR_CHARS], form[-_ANCHOR_CHARS:]
    spans: list[tuple[int, int]] = []
    start = text.find(head)
    while start != -1:
        end = start + _ANCHOR_CHARS
        while end < len(text) and end - start < len(form) and text[end] == form[end - start]:
            end += 1
        spans.append((start, end))
        start = text.find(head, end)
    found = text.find(tail)
    while found != -1:
        end = found + _ANCHOR_CHARS
        start = found
        offset = len(form) - _ANCHOR_CHARS
        while start > 0 and offset > 0 and text[start - 1] == form[offset - 1]:
            start -= 1
            offset -= 1
        spans.append((start, end))
        found = text.find(tail, end)
    pieces: list[str] = []
    last = 0
    for start, end in sorted(spans):
        if end <= last:
            continue
        pieces += [text[last : max(start, last)], REDACTED]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def bounded(text: str, max_chars: int, registry: SecretRegistry | None = None) -> str:
    """`text` cut to `max_chars`, its secrets replaced first: a cut value no longer matches what was registered."""
    text = (registry or SECRETS).scrub(text)
    return text if len(text) <= max_chars else text[:max_chars]


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
