"""Pieces shared by the resource routes: documented problem responses and cursor pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from sandbox.api_models import Page, Problem
from sandbox.store.paging import Position, Slice
from sandbox.web.cursor import CursorCodec, binding_of

RowT = TypeVar("RowT", bound=BaseModel)

_DESCRIPTIONS: Mapping[int, str] = {
    400: "Invalid parameter or cursor (`errors` names each field)",
    401: "Missing, invalid, expired or revoked access token",
    403: "The token lacks the scope this operation needs (`required_scope`), or its user may not do this "
    "(`forbidden`: a read-only user's write)",
    404: "No such resource, or none the token's user may see (the two are not told apart)",
    409: "Idempotency key already used with a different request",
    428: "Idempotency-Key header required",
    429: "Rate limited: retry after `Retry-After` seconds",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the given error statuses, all `application/problem+json` Problem documents."""
    return {
        status: {
            "model": Problem,
            "description": _DESCRIPTIONS.get(status, "Error"),
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in (*statuses, 401, 429)
    }


class CursorWalk:
    """Decode the cursor of one listing request and encode the next one, bound to its filters."""

    def __init__(self, codec: CursorCodec, endpoint: str, query: Mapping[str, object]) -> None:
        self._codec = codec
        self._binding = binding_of(endpoint, query)
        self.carried: tuple[int, int] | None = None  # (total, data version) the previous page counted

    def position(self, cursor: str | None) -> Position | None:
        if cursor is None:
            return None
        position, self.carried = self._codec.decode_carried(self._binding, cursor)
        return position

    def page(self, page_type: type[Page[RowT]], rows: Slice[RowT], carry: tuple[int, int] | None = None) -> Page[RowT]:
        """The page; `carry` = (total, data version) to put in its cursor, so the next page need not count."""
        next_cursor = self._codec.encode(self._binding, rows.next_position, carry) if rows.next_position else None
        return page_type(data=rows.rows, next_cursor=next_cursor, total=rows.total)


def query_binding(model: BaseModel, paging_fields: set[str]) -> dict[str, object]:
    """The filters and sort of a listing query (what a cursor is bound to), lists in canonical order."""
    bound = model.model_dump(mode="json", exclude=paging_fields)
    return {k: sorted(v) if isinstance(v, list) else v for k, v in bound.items()}
