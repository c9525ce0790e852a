"""Opaque, signed keyset cursors.

A cursor carries the position after the last row served (sort key value, id) and a digest of
the endpoint, filters and sort it was issued for, signed with HMAC-SHA256. A client cannot
forge a position, and a cursor replayed with other filters is refused rather than silently
returning the wrong rows.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, ValidationError

from sandbox.api_models import ErrorCode
from sandbox.store.paging import KeyValue, Position
from sandbox.web.problems import ApiError


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    b: str  # binding digest
    k: KeyValue
    i: str
    t: int | None = None  # the total counted on the first page (count once per walk)
    v: int | None = None  # the data version that total was counted at


def binding_of(endpoint: str, query: Mapping[str, object]) -> str:
    """Digest of what a walk is over: the endpoint and every filter and sort (not the page size)."""
    canonical = json.dumps({"endpoint": endpoint, "query": query}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:24]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CursorCodec:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()[:18]

    def encode(self, binding: str, position: Position, carried: tuple[int, int] | None = None) -> str:
        """A cursor for `position`; `carried` = (total, data version) for the next page to reuse."""
        total, version = carried if carried is not None else (None, None)
        payload = _Payload(b=binding, k=position.key, i=position.id, t=total, v=version).model_dump_json(
            exclude_none=True
        )
        return self._seal(payload.encode())

    def _seal(self, payload: bytes) -> str:
        return f"{_b64(payload)}.{_b64(self._sign(payload))}"

    def decode(self, binding: str, cursor: str) -> Position:
        return self.decode_carried(binding, cursor)[0]

    def decode_carried(self, binding: str, cursor: str) -> tuple[Position, tuple[int, int] | None]:
        """The position, and the (total, data version) the previous page carried, if any."""
        invalid = ApiError(400, ErrorCode.INVALID_CURSOR, "cursor is invalid: start again without a cursor")
        payload_text, dot, signature_text = cursor.partition(".")
        if not dot:
            raise invalid
        try:
            payload, signature = _unb64(payload_text), _unb64(signature_text)
        except (binascii.Error, ValueError) as exc:
            raise invalid from exc
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise invalid
        try:
            decoded = _Payload.model_validate_json(payload)
        except ValidationError as exc:
            raise invalid from exc
        if decoded.b != binding:
            raise ApiError(
                400,
                ErrorCode.INVALID_CURSOR,
                "cursor was issued for other filters or another sort: repeat the original query or start again",
            )
        carried = (decoded.t, decoded.v) if decoded.t is not None and decoded.v is not None else None
        return Position(key=decoded.k, id=decoded.i), carried
