"""The annotate_contract tool: a note on a contract or clause, confirmed by the person, idempotent, assistant-written.

Confirmation: when the client can ask the person (MCP elicitation), the person accepts, declines or
cancels in the client, within this one call. Otherwise a two-step token: the preview returns a token,
the confirmed call carries it. `confirm_writes` may only be off when the manifest's
`user_consent_required` is false (plugin.config.controls).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from clm_client import ClmContext
from clm_client.client import SCOPE_WRITE_ANNOTATIONS
from clm_client.models import AnnotationTarget
from plugin.toolkit.confirmations import idempotency_key
from plugin.toolkit.errors import PluginError
from plugin.toolkit.spec import AuditSummary, ToolInput, ToolOutput, ToolSpec
from plugin.toolkit.untrusted import clean_inline, strip_invisible
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
        default=None, description="From the preview step; only after the user explicitly agreed"
    )


MAX_TARGET_QUOTE = 600  # characters of the target span shown to the person


class AnnotateContractOutput(ToolOutput):
    status: Literal["pending_confirmation", "created", "declined", "cancelled"]
    contract_id: str
    contract_number: str
    preview: str = Field(description="The note exactly as it will be (or was) written")
    target: str | None
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


async def annotate_contract(args: AnnotateContractInput, ctx: ClmContext) -> AnnotateContractOutput:
    body = strip_invisible(args.body).strip()
    contract = await ctx.api.get_contract(args.contract_id)  # not found -> clear error before any write
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
        "preview": body,
        "target": _describe(args.target),
    }
    if ctx.settings.confirm_writes:
        if ctx.confirm.available:
            # The person decides in the client; a token the model holds does not replace that.
            answer = await ctx.confirm(await _question(args, ctx, contract.number, contract.title, body))
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
    return AnnotateContractOutput(
        status="created",
        annotation_id=annotation.id,
        author=clean_inline(annotation.author, 128),
        created_at=annotation.created_at,
        **common,
    )


async def _question(args: AnnotateContractInput, ctx: ClmContext, number: str, title: str | None, body: str) -> str:
    """What the person is asked: the contract, the exact target text when it is a span, the exact note."""
    lines = [f"Add this note to {clean_inline(number, 40)} ({clean_inline(title or '', 120)}) in the CLM?"]
    target = args.target
    if target is not None:
        lines.append(f"Target: {_describe(target)}")
        if target.start is not None:
            end = target.end if target.end is not None and target.end > target.start else target.start + 200
            length = min(end - target.start, MAX_TARGET_QUOTE)
            try:
                chunk = await ctx.api.read_document(args.contract_id, offset=target.start, max_chars=max(length, 1))
                quote = strip_invisible(chunk.text[:length])
                cut = "..." if end - target.start > MAX_TARGET_QUOTE else ""
                lines.append(f'Target text: "{clean_inline(quote, MAX_TARGET_QUOTE)}{cut}"')
            except PluginError:
                lines.append("Target text: (the document could not be read)")
    lines += ["Note (exactly as it will be written, marked as written by the assistant):", body]
    return "\n".join(lines)


def render(out: AnnotateContractOutput) -> str:
    where = f" ({out.target})" if out.target else ""
    quoted = "\n".join(f"> {line}" for line in out.preview.splitlines() or [""])
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
        "Add a note to a contract or one of its clauses in the CLM, written by the assistant on behalf of the "
        "acting user. The user confirms: where the client can ask them directly, they accept or decline in the "
        "client during this call (status created / declined / cancelled). Otherwise two steps: the first call "
        "returns a preview and a confirmation_token and writes nothing; show the preview to the user and call "
        "again with the token only after they explicitly agree. The write is idempotent (retrying, or previewing "
        "and confirming the same note again, never adds a duplicate). Never annotate without the user's go-ahead."
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
