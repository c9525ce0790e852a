"""The add_note tool: a note on an item, written once however often the same call is retried."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from plugin.toolkit.confirmations import idempotency_key
from plugin.toolkit.inputs import Identifier
from plugin.toolkit.spec import AuditSummary, ToolInput, ToolOutput, ToolSpec
from plugin.toolkit.untrusted import UNTRUSTED_NOTICE, delimit_untrusted
from tests.template.fake.client import SCOPE_WRITE_ITEMS, ItemsContext


class AddNoteInput(ToolInput):
    item_id: Annotated[Identifier, Field(description="An item id from {tool:list_items}, e.g. 'itm_0001'")]
    text: Annotated[str, StringConstraints(min_length=1, max_length=2000)] = Field(description="The note")


class AddNoteOutput(ToolOutput):
    note_id: str
    item_id: str
    text: str = Field(description="The note as stored")
    idempotency_key: str = Field(description="Same call, same key: a retry never writes twice")

    def audit_summary(self) -> AuditSummary:
        return AuditSummary(count=1, record_ids=[self.item_id, self.note_id])


async def add_note(args: AddNoteInput, ctx: ItemsContext) -> AddNoteOutput:
    key = idempotency_key({"item": args.item_id, "text": args.text, "user": ctx.settings.acting_user})
    note = await ctx.api.add_note(args.item_id, args.text, idempotency_key=key)
    return AddNoteOutput(note_id=note.id, item_id=note.item_id, text=note.text, idempotency_key=key)


def render(out: AddNoteOutput) -> str:
    quoted = delimit_untrusted(out.text, source=f"note {out.note_id}")
    return f"Note `{out.note_id}` is on item `{out.item_id}`.\n{UNTRUSTED_NOTICE}\n{quoted}"


TOOL = ToolSpec(
    name="add_note",
    title="Add a note to an item",
    description=(
        "Add a text note to one item (ids from {tool:list_items}). Idempotent: calling again with the same "
        "item and text returns the same note instead of writing a second one."
    ),
    input_model=AddNoteInput,
    output_model=AddNoteOutput,
    handler=add_note,
    render=render,
    permission=SCOPE_WRITE_ITEMS,
    read_only=False,
    destructive=False,
    idempotent=True,
    example={"item_id": "itm_0001", "text": "Checked by the assistant."},
)
