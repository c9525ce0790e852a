"""Cursors every list tool hands out: one mechanism, keyed, bound to the query, range-checked.

A cursor is `<payload>.<key id>.<mac>`: the payload (base64url JSON) holds the tool's state (a
pydantic model whose fields declare their ranges), the tool's name, a keyed fingerprint of the
query it continues and an expiry. The MAC uses the installation's signing key
(plugin.config.state.KeyRing), so cursors survive a restart, cannot be forged or recomputed for
another query, and every refusal says exactly why.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plugin.config.state import KeyRing
from plugin.toolkit.errors import InvalidArgument

CURSOR_TTL_SECONDS = 24 * 3600
PAGING_ARGUMENTS = frozenset({"cursor", "limit"})  # what may change between pages of one query
_PURPOSE = "cursor"
_START_OVER = "call again without a cursor to start over"


@dataclass(frozen=True)
class _CallScope:
    codec: CursorCodec
    tool: str
    query: Mapping[str, object]


# Set by the server around each tool call (handler and trimming), so a tool writes
# `MyCursor.decode(args.cursor)` / `cursor.encode()` and the binding to its tool and query is automatic.
_SCOPE: ContextVar[_CallScope | None] = ContextVar("cursor_scope", default=None)


@contextmanager
def cursor_scope(codec: CursorCodec, tool: str, arguments: BaseModel | Mapping[str, object]) -> Iterator[None]:
    token = _SCOPE.set(_CallScope(codec, tool, query_of(arguments)))
    try:
        yield
    finally:
        _SCOPE.reset(token)


def _scope() -> _CallScope:
    scope = _SCOPE.get()
    if scope is None:
        raise RuntimeError("cursors are encoded and decoded inside a tool call (plugin.server sets the scope)")
    return scope


class OpaqueCursor(BaseModel):
    """Base of a tool's cursor state. Declare every field's range (`Field(ge=..., le=...)`): a
    cursor outside it is refused even when its MAC is valid.

    `bound` (e.g. the business date) joins the call's arguments in the query the cursor is bound to.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    def encode(self, **bound: object) -> str:
        scope = _scope()
        return scope.codec.encode(self, tool=scope.tool, query={**scope.query, **bound})

    @classmethod
    def parse(cls, value: str, **bound: object) -> Self:
        scope = _scope()
        return scope.codec.decode(cls, value, tool=scope.tool, query={**scope.query, **bound})


class PageCursor(OpaqueCursor):
    """A tool's cursor over a backend's pages: the backend page it came from and how many rows of it were shown.

    Wrapping the backend's cursor lets the server return fewer rows than the backend page held (to
    stay inside the output budget) without losing or repeating a row.
    """

    backend_cursor: str | None = Field(default=None, max_length=4000)  # None = first page
    skip: int = Field(default=0, ge=0, le=1000)  # rows of that page already returned

    @classmethod
    def decode(cls, value: str | None) -> PageCursor:
        return cls() if value is None else cls.parse(value)

    def after(self, shown: int) -> PageCursor:
        """The position right after `shown` more rows of the same backend page (a trimmed page continues here)."""
        return PageCursor(backend_cursor=self.backend_cursor, skip=self.skip + shown)


C = TypeVar("C", bound=OpaqueCursor)


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    t: str  # tool
    q: str  # keyed query fingerprint
    e: int  # expiry, epoch seconds
    s: dict[str, Any]  # the cursor state


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def query_of(arguments: BaseModel | Mapping[str, object], **extra: object) -> dict[str, object]:
    """The query a cursor continues: the arguments without the paging ones, plus `extra` (e.g. the business date)."""
    values = arguments.model_dump(mode="json") if isinstance(arguments, BaseModel) else dict(arguments)
    return {k: v for k, v in values.items() if k not in PAGING_ARGUMENTS} | extra


class CursorCodec:
    def __init__(self, keys: KeyRing, ttl: float = CURSOR_TTL_SECONDS) -> None:
        self._keys = keys
        self._ttl = ttl

    def _fingerprint(self, key: bytes, tool: str, query: Mapping[str, object]) -> str:
        canonical = json.dumps({"t": tool, "q": query}, sort_keys=True, separators=(",", ":"), default=str)
        return _b64(hmac.new(key, b"query:" + canonical.encode(), hashlib.sha256).digest())[:16]

    def encode(self, cursor: OpaqueCursor, *, tool: str, query: Mapping[str, object]) -> str:
        key_id = self._keys.current_id
        key = self._keys.signing_key(_PURPOSE, key_id)
        assert key is not None
        envelope = _Envelope(
            t=tool,
            q=self._fingerprint(key, tool, query),
            e=int(time.time() + self._ttl),
            s=cursor.model_dump(mode="json"),
        )
        payload = _b64(envelope.model_dump_json().encode())
        mac = _b64(hmac.new(key, f"{payload}.{key_id}".encode(), hashlib.sha256).digest())[:32]
        return f"{payload}.{key_id}.{mac}"

    def decode(self, model: type[C], value: str, *, tool: str, query: Mapping[str, object]) -> C:
        """The cursor's state, or `InvalidArgument` saying why it cannot continue this query."""
        foreign = InvalidArgument(f"The cursor is not one this tool returned; {_START_OVER}.")
        payload, _, rest = value.partition(".")
        key_id, _, mac = rest.partition(".")
        key = self._keys.signing_key(_PURPOSE, key_id) if key_id else None
        if key is None:
            if payload and key_id and mac:
                raise InvalidArgument(
                    "The cursor was not issued by this installation (or its key has since been rotated out); "
                    f"{_START_OVER}."
                )
            raise foreign
        expected = _b64(hmac.new(key, f"{payload}.{key_id}".encode(), hashlib.sha256).digest())[:32]
        if not hmac.compare_digest(mac, expected):
            raise foreign
        try:
            envelope = _Envelope.model_validate_json(_unb64(payload))
        except (binascii.Error, ValueError, ValidationError):
            raise foreign from None
        if envelope.t != tool:
            raise InvalidArgument(f"The cursor belongs to another tool ({envelope.t}); {_START_OVER}.")
        if not hmac.compare_digest(envelope.q, self._fingerprint(key, tool, query)):
            raise InvalidArgument(
                "The cursor belongs to a different query: pass exactly the same filters as the call that returned "
                f"it (only limit may change), or {_START_OVER}."
            )
        if time.time() > envelope.e:
            raise InvalidArgument(f"The cursor has expired (cursors last {self._ttl / 3600:g} h); {_START_OVER}.")
        try:
            return model.model_validate(envelope.s)
        except ValidationError:
            # Out of range (negative or huge offsets) even though authentic: never trust it.
            raise foreign from None
