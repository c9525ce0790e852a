"""A contract's notes (annotations) as the tools show them: whole, with author and target, delimited as untrusted.

Shared by {tool:list_notes} and {tool:get_contract} (its first notes), so neither imports the other's module.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from clm_client.models import Annotation
from plugin.toolkit.spec import ToolOutput
from plugin.toolkit.untrusted import UNTRUSTED_NOTICE, clean_inline, delimit_untrusted, strip_invisible

MAX_NOTE_CHARS = 4000  # what the CLM accepts for one note: shown whole, never clipped


class Note(ToolOutput):
    id: str
    body: str = Field(description="The note's text (untrusted: written by people or assistants)")
    section: str | None = Field(description="Section the note is attached to")
    start: int | None = Field(description="Start offset of the noted span in the document text")
    end: int | None = Field(description="End offset of the noted span")
    author: str
    author_type: str = Field(description="user or assistant")
    created_at: datetime


def note_of(a: Annotation) -> Note:
    target = a.target
    return Note(
        id=a.id,
        body=strip_invisible(a.body).strip()[:MAX_NOTE_CHARS],
        section=None if target is None or target.section is None else clean_inline(target.section, 40),
        start=None if target is None else target.start,
        end=None if target is None else target.end,
        author=clean_inline(a.author, 128),
        author_type=clean_inline(a.author_type, 20),
        created_at=a.created_at,
    )


def where(note: Note) -> str:
    parts = [f"§{note.section}"] if note.section else []
    if note.start is not None:
        parts.append(f"characters {note.start}-{note.end}")
    return ", ".join(parts) or "whole contract"


def notes_block(notes: list[Note], contract: str) -> str:
    """The notes as one delimited block: id, author, date and target on a line, then the text."""
    entries = [
        f"[{n.id}] {n.author} ({n.author_type}), {n.created_at:%Y-%m-%d %H:%M} UTC, on {where(n)}:\n{n.body}"
        for n in notes
    ]
    return "\n".join([UNTRUSTED_NOTICE, delimit_untrusted("\n\n".join(entries), source=f"notes on {contract}")])
