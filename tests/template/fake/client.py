"""The typed client of the fake items API: what the tools call as `ctx.api`.

Built on the plugin's one HTTP pipeline (`ApiSession`: tokens, retries, deadlines, size caps); this
module only knows the API's paths, parameters and shapes.
"""

from __future__ import annotations

import re
from typing import TypeVar
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, ValidationError

from plugin.toolkit.errors import BackendError, InvalidArgument
from plugin.toolkit.inputs import ID_PATTERN
from plugin.toolkit.spec import ToolContext
from plugin.toolkit.untrusted import strip_invisible
from plugin.transport.http import ApiSession, decode_json

SCOPE_READ_ITEMS = "read:items"
SCOPE_WRITE_ITEMS = "write:items"
_ID = re.compile(ID_PATTERN)
M = TypeVar("M", bound=BaseModel)


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Item(_Model):
    id: str
    name: str
    status: str
    description: str = ""


class ItemPage(_Model):
    items: list[Item]
    next_cursor: str | None = None
    total: int | None = None


class Note(_Model):
    id: str
    item_id: str
    text: str


class ItemsClient:
    def __init__(self, session: ApiSession) -> None:
        self.session = session

    async def list_items(self, *, limit: int, cursor: str | None = None) -> ItemPage:
        response = await self.session.request("GET", "/v1/items", params={"limit": limit, "cursor": cursor})
        return _sanitised(_parse(decode_json(response), ItemPage))

    async def get_item(self, item_id: str) -> Item:
        response = await self.session.request("GET", f"/v1/items/{_path_id(item_id)}")
        return _sanitised(_parse(decode_json(response), Item))

    async def add_note(self, item_id: str, text: str, *, idempotency_key: str) -> Note:
        response = await self.session.request(
            "POST", f"/v1/items/{_path_id(item_id)}/notes", json={"text": text}, idempotency_key=idempotency_key
        )
        return _sanitised(_parse(decode_json(response), Note))


ItemsContext = ToolContext[ItemsClient]


def _path_id(value: str) -> str:
    if not _ID.match(value):
        raise InvalidArgument(f"'{value[:80]}' is not a valid item id (letters, digits, '-' and '_' only).")
    return quote(value, safe="")


def _parse(payload: object, model: type[M]) -> M:
    try:
        return model.model_validate(payload)
    except ValidationError:
        raise BackendError("The items API returned data in an unexpected shape.") from None


def _sanitised(model: M) -> M:
    """Untrusted text is cleaned once, at the adapter boundary (invisible and control characters)."""
    update: dict[str, object] = {
        name: strip_invisible(value) for name, value in vars(model).items() if isinstance(value, str)
    }
    if isinstance(model, ItemPage):
        update["items"] = [_sanitised(item) for item in model.items]
    return model.model_copy(update=update)
