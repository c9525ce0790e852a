"""The compare_contracts tool: key terms of several contracts side by side, differences and conflicts flagged."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import Literal, Self

from pydantic import Field, model_validator

from clm_client import ClmContext
from clm_client.client import SCOPE_READ_CONTRACTS
from clm_client.models import ContractDetail, ContractFilters
from plugin.toolkit.errors import InvalidArgument, NotFound
from plugin.toolkit.inputs import SearchText
from plugin.toolkit.markdown import cell, money, table
from plugin.toolkit.spec import AuditSummary, ToolInput, ToolOutput, ToolSpec
from plugin.toolkit.untrusted import clean_inline
from tools.arguments import ContractId
from tools.contract_header import ContractHeader

MAX_CONTRACTS = 8


class CompareContractsInput(ToolInput):
    contract_ids: list[ContractId] = Field(
        default_factory=list, max_length=MAX_CONTRACTS, description="Contracts to compare (2-8), or use counterparty"
    )
    counterparty: SearchText | None = Field(
        default=None, description="Compare the active contracts with this counterparty instead of listing ids"
    )
    include_related: bool = Field(
        default=True, description="Add the parent MSA, its SOWs/order forms and amendments (up to 8 in all)"
    )

    @model_validator(mode="after")
    def _one_way_to_choose(self) -> Self:
        if bool(self.contract_ids) == bool(self.counterparty):
            raise ValueError("give either contract_ids or counterparty, not both and not neither")
        return self


class TermRow(ToolOutput):
    term: str
    values: list[str | None] = Field(description="One value per contract, in the order of `contracts`")
    differs: bool


class Conflict(ToolOutput):
    severity: Literal["conflict", "warning"]
    contracts: list[str] = Field(description="Contract numbers involved")
    message: str


class ComparedContract(ContractHeader):
    parent_id: str | None


class CompareContractsOutput(ToolOutput):
    contracts: list[ComparedContract]
    terms: list[TermRow]
    conflicts: list[Conflict]
    omitted: int = Field(description="Related or matching contracts left out to stay within 8")

    def audit_summary(self) -> AuditSummary:
        return AuditSummary(count=len(self.contracts), record_ids=[c.id for c in self.contracts])


def _months(value: int | None) -> str | None:
    return None if value is None else f"{value} months"


TERMS: list[tuple[str, Callable[[ContractDetail], object]]] = [
    ("type", lambda d: d.type),
    ("status", lambda d: d.status),
    ("counterparty", lambda d: d.counterparty.name),
    ("effective", lambda d: d.effective_date),
    ("current term ends", lambda d: d.term.current_term_end or d.expiration_date),
    ("auto-renew", lambda d: d.term.auto_renew),
    ("renewal term", lambda d: _months(d.term.renewal_term_months)),
    ("renewal notice", lambda d: None if d.term.renewal_notice_days is None else f"{d.term.renewal_notice_days} days"),
    ("notice deadline", lambda d: d.renewal_notice_date),
    ("payment terms", lambda d: None if d.payment_terms_days is None else f"net {d.payment_terms_days}"),
    ("governing law", lambda d: d.governing_law),
    (
        "liability cap",
        lambda d: (
            None
            if d.liability_cap is None
            else (money(d.liability_cap.amount, d.liability_cap.currency) or d.liability_cap.description)
        ),
    ),
    (
        "termination for convenience",
        lambda d: (
            f"{d.termination.convenience_party or 'yes'}, {d.termination.convenience_notice_days} days"
            if d.termination.for_convenience
            else "no"
        ),
    ),
    ("total value", lambda d: money(d.total_value, d.currency)),
]


async def _resolve(args: CompareContractsInput, ctx: ClmContext) -> tuple[list[ContractDetail], int]:
    if args.counterparty:
        filters = ContractFilters(counterparty=args.counterparty, statuses=["active"], sort="number")
        page = await ctx.api.search_contracts(filters, limit=MAX_CONTRACTS)
        if not page.data:
            raise NotFound(f"No active contracts with a counterparty matching '{clean_inline(args.counterparty, 80)}'.")
        ids = [row.id for row in page.data]
        overflow = max(0, (page.total or len(ids)) - len(ids))
    else:
        ids = list(dict.fromkeys(args.contract_ids))
        overflow = 0
    details = list(await asyncio.gather(*(ctx.api.get_contract(i) for i in ids)))
    if args.include_related:
        known = {d.id for d in details}
        extra = [r.id for d in details for r in d.related if r.id not in known]
        extra = list(dict.fromkeys(extra))
        room = MAX_CONTRACTS - len(details)
        overflow += max(0, len(extra) - room)
        details += await asyncio.gather(*(ctx.api.get_contract(i) for i in extra[: max(0, room)]))
    if len(details) < 2:
        raise InvalidArgument("Comparison needs at least two contracts; give more ids or set include_related.")
    return details, overflow


def _conflicts(details: list[ContractDetail]) -> list[Conflict]:
    found: list[Conflict] = []
    by_id = {d.id: d for d in details}
    for child in details:
        parent = by_id.get(child.parent_id or "")
        if parent is None:
            continue
        pair = [parent.number, child.number]
        if (
            child.payment_terms_days
            and parent.payment_terms_days
            and child.payment_terms_days != parent.payment_terms_days
        ):
            found.append(
                Conflict(
                    severity="conflict",
                    contracts=pair,
                    message=f"{child.type} {child.number} says net {child.payment_terms_days} days but its "
                    f"{parent.type} {parent.number} says net {parent.payment_terms_days}: check which prevails "
                    "(order-of-precedence clause).",
                )
            )
        if child.governing_law and parent.governing_law and child.governing_law != parent.governing_law:
            found.append(
                Conflict(
                    severity="conflict",
                    contracts=pair,
                    message=f"Governing law differs: {child.number} {clean_inline(child.governing_law, 60)} vs "
                    f"{parent.number} {clean_inline(parent.governing_law, 60)}.",
                )
            )
        parent_end = parent.term.current_term_end or parent.expiration_date
        child_end = child.term.current_term_end or child.expiration_date
        if parent_end and child_end and child_end > parent_end and not parent.term.auto_renew:
            found.append(
                Conflict(
                    severity="warning",
                    contracts=pair,
                    message=f"{child.number} runs to {child_end}, after its parent {parent.number} ends on "
                    f"{parent_end} without auto-renewal.",
                )
            )
        if child.currency and parent.currency and child.currency != parent.currency:
            found.append(
                Conflict(
                    severity="warning",
                    contracts=pair,
                    message=f"Currency differs: {child.number} in {child.currency}, "
                    f"{parent.number} in {parent.currency}.",
                )
            )
    laws = {d.governing_law for d in details if d.governing_law}
    if len(laws) > 1 and not any("Governing law" in c.message for c in found):
        found.append(
            Conflict(
                severity="warning",
                contracts=[d.number for d in details if d.governing_law],
                message="These contracts are governed by different laws: "
                + ", ".join(sorted(clean_inline(law, 40) for law in laws))
                + ".",
            )
        )
    return found


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return clean_inline(str(value), 80)


async def compare_contracts(args: CompareContractsInput, ctx: ClmContext) -> CompareContractsOutput:
    details, omitted = await _resolve(args, ctx)
    rows = []
    for name, getter in TERMS:
        values = [_text(getter(d)) for d in details]
        rows.append(TermRow(term=name, values=values, differs=len(set(values)) > 1))
    return CompareContractsOutput(
        contracts=[ComparedContract(**ComparedContract.header_fields(d), parent_id=d.parent_id) for d in details],
        terms=rows,
        conflicts=_conflicts(details),
        omitted=omitted,
    )


def render(out: CompareContractsOutput) -> str:
    headers = ["term", *(f"{c.number} ({c.type})" for c in out.contracts), "differs"]
    body = [[row.term, *row.values, "**yes**" if row.differs else ""] for row in out.terms]
    lines = [
        f"**Comparing {len(out.contracts)} contracts** (ids: {', '.join(c.id for c in out.contracts)})",
        "",
        table(headers, body, 50),
    ]
    if out.conflicts:
        lines += ["", "**Conflicts and warnings**", ""]
        lines += [f"- {c.severity.upper()}: {cell(c.message, 300)}" for c in out.conflicts]
    else:
        lines += ["", "No conflicts found between related contracts."]
    if out.omitted:
        lines += ["", f"{out.omitted} related or matching contracts were left out (max {MAX_CONTRACTS})."]
    lines += [
        "",
        "Values are the CLM's recorded fields; verify a flagged conflict in the text with {tool:read_contract}.",
    ]
    return "\n".join(lines)


TOOL = ToolSpec(
    name="compare_contracts",
    title="Compare contracts",
    description=(
        "Put the key terms of 2-8 contracts side by side (dates, renewal, notice, payment terms, governing law, "
        "liability cap, termination, value) and flag differences and conflicts, e.g. SOW payment terms that "
        "contradict the MSA, governing-law mismatches, a SOW outliving its MSA. Give contract_ids, or a "
        "counterparty name to compare its active contracts; related contracts (MSA -> SOWs/order forms -> "
        "amendments) are added automatically unless include_related is false."
    ),
    input_model=CompareContractsInput,
    output_model=CompareContractsOutput,
    handler=compare_contracts,
    render=render,
    permission=SCOPE_READ_CONTRACTS,
    example={"contract_ids": ["ctr_000001", "ctr_000002"]},  # valid against the demo CLM
)
