"""Opaque cursors a tool hands out and checks on the way back in."""

from __future__ import annotations

import base64
import binascii
from typing import Self

from pydantic import BaseModel, ConfigDict, ValidationError

from plugin.toolkit.errors import InvalidArgument


class OpaqueCursor(BaseModel):
    """A cursor a tool hands out: its state as base64url JSON. Opaque to the model, checked on the way in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def encode(self) -> str:
        return base64.urlsafe_b64encode(self.model_dump_json().encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, value: str) -> Self:
        try:
            return cls.model_validate_json(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        except (binascii.Error, ValueError, ValidationError):
            raise InvalidArgument(
                "The cursor is not one this tool returned; call again without a cursor to start over."
            ) from None


class PageCursor(OpaqueCursor):
    """A tool's cursor over a backend's pages: the backend page it came from and how many rows of it were shown.

    Wrapping the backend's cursor lets the server return fewer rows than the backend page held (to
    stay inside the output budget) without losing or repeating a row.
    """

    backend_cursor: str | None  # the backend cursor that produced the page (None = first page)
    skip: int = 0  # rows of that page already returned

    @classmethod
    def decode(cls, value: str | None) -> PageCursor:
        if value is None:
            return cls(backend_cursor=None)
        cursor = cls.parse(value)
        if cursor.skip < 0 or cursor.skip > 1000:
            raise InvalidArgument("The cursor is corrupted; call again without a cursor to start over.")
        return cursor
