"""The list_items tool: one page of items, with a cursor; the server trims a page to the output budget."""

from __future__ import annotations

from pydantic import Field, PrivateAttr

from plugin.toolkit.cursors import PageCursor
from plugin.toolkit.inputs import Cursor, PageLimit
from plugin.toolkit.markdown import table
from plugin.toolkit.spec import AuditSummary, ToolInput, ToolOutput, ToolSpec
from tests.template.fake.client import SCOPE_READ_ITEMS, Item, ItemsContext


class ListItemsInput(ToolInput):
    limit: PageLimit = 20
    cursor: Cursor | None = None


class ItemRow(ToolOutput):
    id: str
    name: str
    status: str
    description: str = Field(description="Untrusted text from the items API")


class ListItemsOutput(ToolOutput):
    items: list[ItemRow]
    total: int | None = Field(description="Items in all pages; null when the API does not say")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")
    _position: PageCursor = PrivateAttr(default_factory=lambda: PageCursor(backend_cursor=None))

    def audit_summary(self) -> AuditSummary:
        return AuditSummary(count=len(self.items), record_ids=[item.id for item in self.items])

    def row_count(self) -> int:
        return len(self.items)

    def trimmed(self, keep: int) -> ListItemsOutput:
        after = self._position.after(keep)
        return self.model_copy(update={"items": self.items[:keep], "next_cursor": after.encode()})


def _row(item: Item) -> ItemRow:
    return ItemRow(id=item.id, name=item.name, status=item.status, description=item.description)


async def list_items(args: ListItemsInput, ctx: ItemsContext) -> ListItemsOutput:
    position = PageCursor.decode(args.cursor)
    page = await ctx.api.list_items(limit=args.limit, cursor=position.backend_cursor)
    rows = [_row(item) for item in page.items[position.skip : position.skip + args.limit]]
    if position.skip + len(rows) < len(page.items):  # rows of this backend page not shown yet
        next_cursor: str | None = PageCursor(
            backend_cursor=position.backend_cursor, skip=position.skip + len(rows)
        ).encode()
    else:
        next_cursor = None if page.next_cursor is None else PageCursor(backend_cursor=page.next_cursor).encode()
    output = ListItemsOutput(items=rows, total=page.total, next_cursor=next_cursor)
    output._position = position
    return output


def render(out: ListItemsOutput) -> str:
    total = f"{out.total:,}" if out.total is not None else "an unknown number of"
    if not out.items:
        return f"No items on this page ({total} in total)."
    lines = [f"**{total} items; {len(out.items)} on this page.**", ""]
    lines.append(
        table(["id", "name", "status", "description"], [(i.id, i.name, i.status, i.description) for i in out.items], 60)
    )
    if out.next_cursor:
        lines += ["", f"More: call {{tool:list_items}} with cursor=`{out.next_cursor}`."]
    return "\n".join(lines)


TOOL = ToolSpec(
    name="list_items",
    title="List items",
    description=(
        "List the items in the items API, one page at a time (default 20, max 100), with the total. Use it to "
        "find item ids for {tool:add_note}. To see more, call again with the returned `next_cursor`."
    ),
    input_model=ListItemsInput,
    output_model=ListItemsOutput,
    handler=list_items,
    render=render,
    permission=SCOPE_READ_ITEMS,
    example={"limit": 5},
)
