"""The get_contract tool: one contract's metadata, key terms and related contracts."""

from __future__ import annotations

import asyncio
from datetime import date

from pydantic import Field

from clm_client import ClmContext
from clm_client.client import SCOPE_READ_CONTRACTS
from clm_client.models import ContractDetail
from plugin.toolkit.markdown import cell, money, table
from plugin.toolkit.spec import AuditSummary, ResourceSpec, ToolInput, ToolOutput, ToolSpec
from plugin.toolkit.untrusted import clean_inline
from tools.arguments import ContractId
from tools.contract_header import ContractHeader
from tools.notes import Note, note_of, notes_block
from tools.resources import complete_contract_ids, contract_record
from tools.terms_in_force import notice_summary, prepare_renewal_state, record_renewal

NOTES_SHOWN = 5


class GetContractInput(ToolInput):
    contract_id: ContractId


class Related(ToolOutput):
    id: str
    relation: str = Field(description="parent | child | amends | amended_by")
    number: str
    title: str
    type: str
    status: str


class KeyTerms(ToolOutput):
    initial_term_months: int | None
    auto_renew: bool | None = Field(description="null: not recorded (a record imported from a file)")
    renewal_term_months: int | None
    renewal_notice_days: int | None
    current_term_end: date | None
    renewal_notice_date: date | None = Field(description="Last day to give notice of non-renewal")
    termination_for_convenience: bool
    convenience_party: str | None
    convenience_notice_days: int | None
    cure_days: int | None
    payment_terms_days: int | None
    governing_law: str | None
    liability_cap: str | None


class RenewalNow(ToolOutput):
    """Where the contract stands on renewal at the business date: the state {tool:extract_obligations} reports."""

    state: str = Field(
        description="notice_open | notice_missed_locked_in | not_renewing | ended | not_in_force | undetermined"
    )
    explanation: str
    notice: str | None = Field(description="The notice deadline as it stands: days left, or missed and locked in")


class GetContractOutput(ContractHeader):
    our_entity: str | None
    owner: str | None
    effective_date: date | None
    execution_date: date | None
    expiration_date: date | None
    total_value: float | None
    annual_value: float | None
    currency: str | None
    key_terms: KeyTerms
    related: list[Related]
    document_chars: int | None
    document_sha256: str | None
    has_text: bool
    tags: list[str]
    from_text: list[str] = Field(
        default_factory=list,
        description="Record fields the CLM read from the document text when the file was imported, not entered "
        "by a person (e.g. effective_date, governing_law): confirm them in the clause text before relying on them",
    )
    notes: list[Note] = Field(default_factory=list, description=f"The first {NOTES_SHOWN} notes on the contract")
    notes_total: int | None = Field(default=None, description="Notes on the contract (null: unknown)")
    as_of: date
    renewal: RenewalNow | None = Field(
        default=None,
        description="Renewal state at as_of from the recorded fields; null when the text decides it "
        "({tool:extract_obligations} reads it)",
    )

    def audit_summary(self) -> AuditSummary:
        return AuditSummary(count=1, record_ids=[self.id, *(r.id for r in self.related)])


def _cap(detail: ContractDetail) -> str | None:
    cap = detail.liability_cap
    if cap is None:
        return None
    amount = money(cap.amount, cap.currency)
    described = clean_inline(cap.description, 200)
    if amount and described and amount.replace(",", "") not in described.replace(",", ""):
        return f"{amount} ({described})"
    return described or amount or None


async def get_contract(args: GetContractInput, ctx: ClmContext) -> GetContractOutput:
    detail, notes = await asyncio.gather(
        ctx.api.get_contract(args.contract_id),
        ctx.api.list_annotations(args.contract_id, limit=NOTES_SHOWN),
        return_exceptions=True,
    )
    if isinstance(detail, BaseException):
        raise detail  # the contract's own error (e.g. not found) first
    if isinstance(notes, BaseException):
        raise notes
    d = detail
    state = record_renewal(d, ctx.as_of)
    renewal = (
        None
        if state is None
        else RenewalNow(
            state=state.state,
            explanation=state.explanation,
            notice=notice_summary(state, d.renewal_notice_date, ctx.as_of),
        )
    )
    return GetContractOutput(
        **GetContractOutput.header_fields(d),
        our_entity=None if d.our_entity is None else clean_inline(d.our_entity, 120),
        owner=None if d.owner is None else clean_inline(f"{d.owner.name} <{d.owner.email}>", 160),
        effective_date=d.effective_date,
        execution_date=d.execution_date,
        expiration_date=d.expiration_date,
        total_value=d.total_value,
        annual_value=d.annual_value,
        currency=d.currency,
        key_terms=KeyTerms(
            initial_term_months=d.term.initial_term_months,
            auto_renew=d.term.auto_renew if d.entered or "auto_renew" in d.derived_fields else None,
            renewal_term_months=d.term.renewal_term_months,
            renewal_notice_days=d.term.renewal_notice_days,
            current_term_end=d.term.current_term_end,
            renewal_notice_date=d.renewal_notice_date,
            termination_for_convenience=d.termination.for_convenience,
            convenience_party=d.termination.convenience_party,
            convenience_notice_days=d.termination.convenience_notice_days,
            cure_days=d.termination.for_cause_cure_days,
            payment_terms_days=d.payment_terms_days,
            governing_law=None if d.governing_law is None else clean_inline(d.governing_law, 80),
            liability_cap=_cap(d),
        ),
        related=[
            Related(
                id=r.id,
                relation=r.relation,
                number=clean_inline(r.number, 40),
                title=clean_inline(r.title, 160),
                type=r.type,
                status=r.status,
            )
            for r in d.related[:50]
        ],
        document_chars=None if d.document is None else d.document.total_chars,
        document_sha256=None if d.document is None else d.document.sha256,
        has_text=d.document is not None and d.document.has_text and d.document.total_chars > 0,
        tags=[clean_inline(t, 40) for t in d.tags[:20]],
        from_text=[clean_inline(f, 40) for f in d.derived_fields[:40]] if not d.entered else [],
        notes=[note_of(a) for a in notes.data[:NOTES_SHOWN]],
        notes_total=notes.total if notes.total is not None else (None if notes.next_cursor else len(notes.data)),
        as_of=ctx.as_of,
        renewal=renewal,
    )


def _days(value: int | None, unit: str = "days") -> str | None:
    return None if value is None else f"{value} {unit}"


def _auto_renews(t: KeyTerms) -> str:
    if t.auto_renew is None:
        return "not recorded (imported from a file): {tool:extract_obligations} reads it from the text"
    return f"yes, for {t.renewal_term_months} months" if t.auto_renew else "no"


def _notice(out: GetContractOutput) -> str | None:
    if out.renewal is not None:
        return out.renewal.notice
    recorded = out.key_terms.renewal_notice_date
    if recorded is not None and recorded < out.as_of:
        return f"{recorded} (passed; whether it renewed: {{tool:extract_obligations}})"
    return None if recorded is None else str(recorded)


# The rows of the Markdown table, and the record fields each shows (to mark those read from the text).
_ROW_FIELDS: dict[str, frozenset[str]] = {
    "Type / status": frozenset({"type", "status"}),
    "Effective / executed": frozenset({"effective_date", "execution_date"}),
    "Current term ends": frozenset({"expiration_date"}),
    "Initial term": frozenset({"initial_term_months"}),
    "Auto-renews": frozenset({"auto_renew", "renewal_term_months"}),
    "Renewal notice": frozenset({"renewal_notice_days"}),
    "Notice of non-renewal due by": frozenset({"renewal_notice_date"}),
    "Payment terms": frozenset({"payment_terms_days"}),
    "Governing law": frozenset({"governing_law"}),
}
FROM_TEXT = " (from text)"


def render(out: GetContractOutput) -> str:
    t = out.key_terms
    facts: list[tuple[str, object]] = [
        ("Type / status", f"{out.type} / {out.status}"),
        ("Counterparty", f"{out.counterparty} ({out.counterparty_id})"),
        ("Our entity", out.our_entity),
        ("Owner", out.owner),
        ("Effective / executed", f"{cell(out.effective_date)} / {cell(out.execution_date)}"),
        ("Current term ends", t.current_term_end or out.expiration_date),
        ("Initial term", _days(t.initial_term_months, "months")),
        ("Auto-renews", _auto_renews(t)),
        ("Renewal notice", _days(t.renewal_notice_days)),
        (
            "Renewal",
            None if out.renewal is None else f"{out.renewal.state.replace('_', ' ')}: {out.renewal.explanation}",
        ),
        ("Notice of non-renewal due by", _notice(out)),
        (
            "Termination for convenience",
            f"yes ({t.convenience_party or 'party unspecified'}, {t.convenience_notice_days} days' notice)"
            if t.termination_for_convenience
            else "no",
        ),
        ("Cure period for breach", _days(t.cure_days)),
        ("Payment terms", None if t.payment_terms_days is None else f"net {t.payment_terms_days} days"),
        ("Governing law", t.governing_law),
        ("Liability cap", t.liability_cap),
        (
            "Total / annual value",
            f"{cell(money(out.total_value, out.currency))} / {cell(money(out.annual_value, out.currency))}",
        ),
        (
            "Document",
            f"{out.document_chars:,} characters"
            if out.has_text and out.document_chars
            else "no text layer (scanned or missing): text tools cannot read it",
        ),
    ]
    derived = set(out.from_text)
    facts = [
        (label, f"{value}{FROM_TEXT}" if value is not None and derived & _ROW_FIELDS.get(label, frozenset()) else value)
        for label, value in facts
    ]
    lines = [f"## {out.number}: {out.title}", f"id `{out.id}`", "", table(["term", "value"], facts, 200)]
    if out.related:
        lines += ["", "**Related contracts**", ""]
        lines.append(
            table(
                ["relation", "id", "number", "type", "status", "title"],
                [[r.relation, r.id, r.number, r.type, r.status, r.title] for r in out.related],
            )
        )
    if out.notes:
        shown = f"the first {len(out.notes)} of " if out.notes_total != len(out.notes) else ""
        total = f"{out.notes_total:,}" if out.notes_total is not None else "an unknown number of"
        heading = f"**Notes** ({shown}{total}; all of them: {{tool:list_notes}})"
        lines += ["", heading, "", notes_block(out.notes, out.id)]
    else:
        lines += ["", "No notes on this contract." if out.notes_total == 0 else "Notes: see {tool:list_notes}."]
    lines += [
        "",
        "Terms above are the CLM's recorded fields. To cite the clause text, use {tool:read_contract} "
        "or {tool:extract_obligations}.",
    ]
    if derived:
        lines.append(
            f"Imported from a file: values marked{FROM_TEXT} were read from the document by the CLM, not entered "
            "by a person; quote the clause before relying on one. A blank term is one the text does not state "
            "in a way that can be read."
        )
    return "\n".join(lines)


TOOL = ToolSpec(
    name="get_contract",
    title="Get contract",
    description=(
        "One contract's CLM record: parties, status, dates, term and renewal (last day to give notice, or that "
        "it was missed and the renewal is locked in), "
        "termination, payment, value, law, liability cap, related contracts and the first notes. Recorded "
        "fields, not the text: quote wording with {tool:read_contract}."
    ),
    input_model=GetContractInput,
    output_model=GetContractOutput,
    handler=get_contract,
    render=render,
    permission=SCOPE_READ_CONTRACTS,
    example={"contract_id": "ctr_000001"},  # valid against the demo CLM
    prepare=prepare_renewal_state,
    resources=(
        ResourceSpec(
            uri_template="contracts/{contract_id}",
            name="contract-record",
            title="Contract record",
            description="One contract's recorded terms, parties, dates and related contracts, as "
            "{tool:get_contract} returns them (Markdown). Mention it as a contract id, e.g. ctr_000123.",
            mime_type="text/markdown",
            tool_arguments=contract_record,
            complete={"contract_id": complete_contract_ids},
        ),
    ),
)
