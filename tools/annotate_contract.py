"""The annotate_contract tool: a note on a contract or clause, confirmed by the person, idempotent, assistant-written.

Confirmation: when the client can ask the person (MCP elicitation), the person accepts, declines or
cancels in the client, within this one call. Otherwise a two-step token: the preview returns a token,
the confirmed call carries it. `confirm_writes` may only be off when the manifest's
`user_consent_required` is false (plugin.config.controls).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from clm_client import ClmContext
from clm_client.client import SCOPE_WRITE_ANNOTATIONS
from clm_client.models import Annotation, AnnotationTarget, ContractDetail
from plugin.toolkit.confirmations import idempotency_key
from plugin.toolkit.errors import InvalidArgument, PermissionDenied, PluginError
from plugin.toolkit.spec import AuditSummary, ToolInput, ToolOutput, ToolSpec
from plugin.toolkit.untrusted import UNTRUSTED_NOTICE, clean_inline, delimit_untrusted, strip_invisible
from tools.arguments import ContractId


class Target(ToolInput):
    section: Annotated[str, StringConstraints(max_length=40, pattern=r"^[A-Za-z0-9.()\- ]+$")] | None = Field(
        default=None, description="Section number the note is about, e.g. '12.2'"
    )
    start: int | None = Field(default=None, ge=0, description="Character offset where the noted text starts")
    end: int | None = Field(default=None, ge=0, description="Character offset where it ends")


class AnnotateContractInput(ToolInput):
    contract_id: ContractId
    body: Annotated[str, StringConstraints(min_length=1, max_length=4000)] = Field(
        description="The note, as agreed with the user"
    )
    target: Target | None = Field(default=None, description="The clause or span the note is about")
    confirmation_token: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        default=None, description="From the preview, only after the user agreed"
    )


MAX_TARGET_QUOTE = 600  # characters of the target span shown to the person


MAX_EXISTING_SCAN = 10  # pages of 100 notes read to find the same note already on the contract


class AnnotateContractOutput(ToolOutput):
    status: Literal["pending_confirmation", "created", "already_exists", "declined", "cancelled"] = Field(
        description="already_exists: this note is already on this target of the contract; nothing was written"
    )
    contract_id: str
    contract_number: str
    contract_title: str
    preview: str = Field(description="The note exactly as it will be (or was) written")
    target: str | None
    target_text: str | None = Field(
        default=None, description="The clause text the note is attached to (untrusted document text)"
    )
    confirmation_token: str | None = None
    token_expires_at: datetime | None = None
    annotation_id: str | None = None
    author: str | None = None
    created_at: datetime | None = None

    def audit_summary(self) -> AuditSummary:
        return AuditSummary(
            count=1 if self.status == "created" else 0, record_ids=[self.contract_id], detail=self.status
        )


def _describe(target: Target | None) -> str | None:
    if target is None:
        return None
    parts = []
    if target.section:
        parts.append(f"section {target.section}")
    if target.start is not None:
        parts.append(f"characters {target.start}-{target.end if target.end is not None else '?'}")
    return ", ".join(parts) or None


def _same(body: str) -> str:
    return " ".join(body.split())


def _same_target(a: AnnotationTarget | None, b: Target | None) -> bool:
    mine = {} if b is None else b.model_dump(exclude_none=True)
    theirs = {} if a is None else a.model_dump(exclude_none=True)
    return mine == theirs


async def _existing(ctx: ClmContext, contract_id: str, body: str, target: Target | None) -> Annotation | None:
    """The same note (text, whitespace aside) already on the same target of the contract, by anyone."""
    cursor: str | None = None
    for _ in range(MAX_EXISTING_SCAN):
        page = await ctx.api.list_annotations(contract_id, limit=100, cursor=cursor)
        for note in page.data:
            if _same(note.body) == _same(body) and _same_target(note.target, target):
                return note
        cursor = page.next_cursor
        if cursor is None:
            return None
    return None  # more notes than scanned: the CLM's own duplicate check still applies on write


def _clip(text: str) -> str:
    """At most MAX_TARGET_QUOTE characters, cut at a word boundary and visibly elided."""
    text = " ".join(strip_invisible(text).split())
    if len(text) <= MAX_TARGET_QUOTE:
        return text
    cut = text.rfind(" ", 0, MAX_TARGET_QUOTE)
    return text[: cut if cut > 0 else MAX_TARGET_QUOTE] + " […]"


async def _target_text(ctx: ClmContext, contract: ContractDetail, target: Target | None) -> str | None:
    """Check the target against the document (clear errors) and return the text it is attached to."""
    if target is None:
        return None
    number = clean_inline(contract.number, 40)
    span: tuple[int, int] | None = None
    if target.section is not None:
        try:
            listing = await ctx.api.list_sections(contract.id)
        except PermissionDenied:
            return None  # no document scope here: the CLM checks the target when the note is written
        found = next((x for x in listing.sections if x.number.casefold() == target.section.casefold()), None)
        if found is None:
            known = ", ".join(clean_inline(x.number, 20) for x in listing.sections[:30])
            more = ", …" if len(listing.sections) > 30 else ""
            listed = f"its sections are {known}{more}" if known else "it has no numbered sections"
            raise InvalidArgument(
                f"target.section: {number} has no section '{target.section}'; {listed}. Use "
                "{tool:read_contract} to find the clause."
            )
        span = (found.start, found.end)
    total = contract.document.total_chars if contract.document is not None else 0
    if target.start is not None or target.end is not None:
        if target.start is None or target.end is None:
            raise InvalidArgument("target: give both target.start and target.end (character offsets), or neither.")
        if contract.document is None or not contract.document.has_text:
            raise InvalidArgument(f"target.start: {number} has no document text, so offsets cannot point into it.")
        if target.end <= target.start:
            raise InvalidArgument("target.end must be greater than target.start.")
        if target.end > total:
            raise InvalidArgument(
                f"target.end: {number}'s document has {total:,} characters; {target.end:,} is past it."
            )
        if span is not None and not (span[0] <= target.start and target.end <= span[1]):
            raise InvalidArgument(
                f"target: characters {target.start}-{target.end} lie outside section {target.section} "
                f"({span[0]}-{span[1]})."
            )
        span = (target.start, target.end)
    if span is None:
        return None
    length = min(span[1] - span[0], MAX_TARGET_QUOTE + 1)
    try:
        chunk = await ctx.api.read_document(contract.id, offset=span[0], max_chars=max(length, 1))
    except PluginError:
        return None  # no document scope: the target was still checked against the section list and length
    return _clip(chunk.text[:length] + ("…" if span[1] - span[0] > length else ""))


async def annotate_contract(args: AnnotateContractInput, ctx: ClmContext) -> AnnotateContractOutput:
    body = strip_invisible(args.body).strip()
    contract = await ctx.api.get_contract(args.contract_id)  # not found -> clear error before any write
    target_text = await _target_text(ctx, contract, args.target)  # invalid target -> clear error, nothing asked
    write: dict[str, object] = {
        "contract": args.contract_id,
        "body": body,
        "target": None if args.target is None else args.target.model_dump(exclude_none=True),
        "user": ctx.settings.acting_user,
    }
    confirmations = ctx.services.confirmations
    common = {
        "contract_id": args.contract_id,
        "contract_number": clean_inline(contract.number, 40),
        "contract_title": clean_inline(contract.title, 160),
        "preview": body,
        "target": _describe(args.target),
        "target_text": target_text,
    }
    existing = await _existing(ctx, args.contract_id, body, args.target)
    if existing is not None:
        return _already(existing, common)
    if ctx.settings.confirm_writes:
        if ctx.confirm.available:
            # The person decides in the client; a token the model holds does not replace that.
            answer = await ctx.confirm(_question(common, args.target))
            if answer != "accept":
                return AnnotateContractOutput(status="declined" if answer == "decline" else "cancelled", **common)
        elif args.confirmation_token is None:
            token, expires = confirmations.issue(write)
            return AnnotateContractOutput(
                status="pending_confirmation",
                confirmation_token=token,
                token_expires_at=datetime.fromtimestamp(expires, UTC),
                **common,
            )
        else:
            confirmations.verify(args.confirmation_token, write)
    target = None if args.target is None else AnnotationTarget(**args.target.model_dump())
    annotation = await ctx.api.create_annotation(
        args.contract_id,
        body=body,
        target=target,
        author_type="assistant",
        # From the logical write only: a re-preview and confirm after a crash finds the note already committed.
        idempotency_key=idempotency_key(write, ctx.services.keys),
    )
    if annotation.duplicate:  # the CLM found it already there (e.g. written since the check above)
        return _already(annotation, common)
    return AnnotateContractOutput(
        status="created",
        annotation_id=annotation.id,
        author=clean_inline(annotation.author, 128),
        created_at=annotation.created_at,
        **common,
    )


def _already(note: Annotation, common: dict[str, Any]) -> AnnotateContractOutput:
    return AnnotateContractOutput(
        status="already_exists",
        annotation_id=note.id,
        author=clean_inline(note.author, 128),
        created_at=note.created_at,
        **common,
    )


def _question(common: dict[str, Any], target: Target | None) -> str:
    """What the person is asked: the contract, the exact target text, the exact note."""
    lines = [f"Add this note to {common['contract_number']} ({common['contract_title']}) in the CLM?"]
    if target is not None:
        lines.append(f"Target: {_describe(target)}")
        if common["target_text"]:
            lines.append(f'Target text: "{common["target_text"]}"')
    lines += ["Note (exactly as it will be written, marked as written by the assistant):", common["preview"]]
    return "\n".join(lines)


def _attached(out: AnnotateContractOutput) -> list[str]:
    """The contract and the clause text the note is attached to (document text is untrusted)."""
    lines = [f"Contract: {out.contract_number} — {out.contract_title} (`{out.contract_id}`)"]
    if out.target:
        lines.append(f"Attached to: {out.target}")
    if out.target_text:
        lines += [UNTRUSTED_NOTICE, delimit_untrusted(out.target_text, source=f"{out.contract_number} {out.target}")]
    return lines


def render(out: AnnotateContractOutput) -> str:
    where = f" ({out.target})" if out.target else ""
    quoted = "\n".join(f"> {line}" for line in out.preview.splitlines() or [""])
    if out.status == "already_exists":
        return "\n".join(
            [
                f"**Nothing was written: this note is already on {out.contract_number}{where}** as {out.annotation_id}"
                f" by {out.author}, {out.created_at:%Y-%m-%d %H:%M} UTC:",
                quoted,
                "",
                "Tell the user it is already there; do not write it again. {tool:list_notes} lists every note.",
            ]
        )
    if out.status in ("declined", "cancelled"):
        verb = "declined" if out.status == "declined" else "dismissed"
        return "\n".join(
            [
                f"**Nothing was written.** The user {verb} adding this note to {out.contract_number}{where}:",
                quoted,
                "",
                "Do not retry unless the user asks for it again.",
            ]
        )
    if out.status == "pending_confirmation":
        return "\n".join(
            [
                f"**Not written yet.** Preview of the note on {out.contract_number}{where}:",
                quoted,
                "",
                *_attached(out),
                "",
                "Show this preview to the user. Only if they explicitly agree, call {tool:annotate_contract} again "
                f"with the same arguments and confirmation_token=`{out.confirmation_token}` "
                f"(valid until {out.token_expires_at:%Y-%m-%d %H:%M} UTC).",
            ]
        )
    return "\n".join(
        [
            f"Note {out.annotation_id} added to {out.contract_number}{where} by {out.author} "
            f"(marked as written by the assistant) at {out.created_at:%Y-%m-%d %H:%M} UTC:",
            quoted,
        ]
    )


TOOL = ToolSpec(
    name="annotate_contract",
    title="Annotate contract",
    description=(
        "Add a note to a contract or a clause, only with the user's go-ahead. If the client cannot ask the "
        "user during the call, the first call returns a preview and a confirmation_token and writes nothing: "
        "show it and call again with the token only after they agree. Idempotent: a note already on the same "
        "target is reported as already_exists. Check {tool:list_notes} first."
    ),
    input_model=AnnotateContractInput,
    output_model=AnnotateContractOutput,
    handler=annotate_contract,
    render=render,
    permission=SCOPE_WRITE_ANNOTATIONS,
    example={"contract_id": "ctr_000001", "body": "Reviewed by the assistant."},  # valid against the demo CLM
    read_only=False,
    destructive=False,
    idempotent=True,
    target_arguments=("contract_id",),
)
