"""The compare_contracts tool: the terms in force of an agreement family, side by side, read from the documents.

Each contract's text is read from the CLM (checked against its SHA-256) and analysed; an agreement's signed
amendments are applied in effective-date order (`analysis.consolidation`), so every cell is the term in force
and says where it was set. A child (SOW, order form) that differs from its agreement is judged by the
documents' own order of precedence (`analysis.precedence`): an express override the precedence clause allows
is an override ("SOW overrides MSA §4.3 (allowed by §2.1)"), anything else is a conflict. Amendments are
folded into the agreement they amend, not shown as columns. Families larger than one page are paged with
a cursor, and every contract not on the page is named.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal, Self

import anyio.to_thread
from pydantic import Field, model_validator

from clm_client import ClmContext
from clm_client.client import SCOPE_READ_DOCUMENTS
from clm_client.models import ContractDetail, ContractFilters, ContractSummary
from plugin.toolkit.cursors import OpaqueCursor
from plugin.toolkit.errors import BackendError, InvalidArgument, NotFound
from plugin.toolkit.inputs import Cursor, SearchText
from plugin.toolkit.markdown import cell, money, table
from plugin.toolkit.spec import AuditSummary, ToolInput, ToolOutput, ToolSpec
from plugin.toolkit.untrusted import clean_inline
from tools.arguments import ContractId
from tools.contract_header import ContractHeader

if TYPE_CHECKING:
    from analysis import ConsolidatedTerms, ContractAnalysis
    from analysis.precedence import Override, PrecedenceRule

PAGE_CONTRACTS = 8  # columns per page (an agreement repeated on each page of its family counts as one)
MAX_LISTED = 1000  # contracts a counterparty comparison orders into pages (beyond: said, not dropped silently)
MAX_AMENDMENTS = 20
CHUNK = 100_000
MAX_DOCUMENT_CHARS = 5_000_000
CHILD_TYPES = frozenset({"SOW", "Order Form"})


class CompareContractsInput(ToolInput):
    contract_ids: list[ContractId] = Field(
        default_factory=list,
        max_length=PAGE_CONTRACTS,
        description="Contracts to compare (1-8; one brings its family), or give counterparty",
    )
    counterparty: SearchText | None = Field(
        default=None, description="Every active contract with this counterparty, by family"
    )
    include_related: bool = Field(default=True, description="Add the parent agreement and the contracts under it")
    cursor: Cursor | None = Field(default=None, description="next_cursor of the previous page")

    @model_validator(mode="after")
    def _one_way_to_choose(self) -> Self:
        if bool(self.contract_ids) == bool(self.counterparty):
            raise ValueError("give either contract_ids or counterparty, not both and not neither")
        return self


class ComparedContract(ContractHeader):
    parent_id: str | None
    amendments_applied: list[str] = Field(description="Signed amendments applied to this contract's terms, in order")
    amendments_pending: list[str] = Field(description="Unsigned amendments: listed, not applied")


class TermRow(ToolOutput):
    term: str
    values: list[str | None] = Field(description="One per contract, in the order of `contracts`; null = not stated")
    sources: list[str | None] = Field(description="Where each value is stated: §section, an amendment, or the CLM")
    differs: bool = Field(description="True only when at least two contracts state the term and they disagree")


class Finding(ToolOutput):
    severity: Literal["override", "conflict", "warning"] = Field(
        description="override: a difference the contracts' precedence clause allows; conflict: one it does not; "
        "warning: worth checking"
    )
    term: str | None
    contracts: list[str] = Field(description="Contract numbers involved (child first)")
    message: str


class OmittedContract(ToolOutput):
    id: str
    number: str
    type: str
    parent_id: str | None


class CompareContractsOutput(ToolOutput):
    contracts: list[ComparedContract]
    terms: list[TermRow]
    findings: list[Finding]
    total_contracts: int = Field(description="Contracts in the comparison, on every page (amendments folded in)")
    page: int = Field(description="This page, from 1")
    pages: int
    omitted: list[OmittedContract] = Field(description="Every contract of the comparison not on this page")
    next_cursor: str | None = Field(description="Continue with the next page of families")
    warnings: list[str]

    def audit_summary(self) -> AuditSummary:
        return AuditSummary(count=len(self.contracts), record_ids=[c.id for c in self.contracts])


class _PageCursor(OpaqueCursor):
    page: int = Field(ge=1, le=1000)


# --- what is compared -----------------------------------------------------------------------------------

TEXT_ROWS: list[tuple[str, str]] = [  # (row label, analysis TermKind value) - the terms amendments change
    ("initial term", "initial_term"),
    ("renewal term", "renewal_term"),
    ("renewal notice period", "renewal_notice_period"),
    ("termination for convenience", "termination_for_convenience"),
    ("payment terms", "payment_terms"),
    ("liability cap", "liability_cap"),
    ("governing law", "governing_law"),
    ("warranty", "warranty_duration"),
    ("confidentiality", "confidentiality_period"),
    ("audit rights", "audit_rights"),
    ("insurance", "insurance"),
    ("breach notice", "data_protection"),
    ("service levels", "sla"),
]
# Terms a child may set differently from its agreement: judged as override or conflict.
JUDGED = frozenset(
    {
        "payment_terms",
        "liability_cap",
        "governing_law",
        "warranty_duration",
        "confidentiality_period",
        "audit_rights",
        "insurance",
        "data_protection",
        "termination_for_convenience",
    }
)
CLM_ROWS: list[tuple[str, Callable[[ContractDetail], object]]] = [
    ("type", lambda d: d.type),
    ("status", lambda d: d.status),
    ("effective", lambda d: d.effective_date),
    ("current term ends", lambda d: d.term.current_term_end or d.expiration_date),
    ("auto-renew", lambda d: d.term.auto_renew if d.entered else None),  # None: not stated
    ("notice deadline", lambda d: d.renewal_notice_date),
]


def _clm_field(d: ContractDetail, kind: str) -> tuple[str, str] | None:
    """(value, display) of a term the CLM records as a field: it wins over the text (the terms in force)."""
    if kind == "payment_terms" and d.payment_terms_days:
        return f"P{d.payment_terms_days}D", f"net {d.payment_terms_days} days"
    if kind == "governing_law" and d.governing_law:
        law = clean_inline(d.governing_law, 80)
        return law, law
    return None


def _clm_fallback(d: ContractDetail, kind: str) -> tuple[str, str] | None:
    """(value, display) the CLM records for a term the text does not show (e.g. a scanned document)."""
    if kind == "liability_cap" and d.liability_cap is not None:
        shown = money(d.liability_cap.amount, d.liability_cap.currency) or clean_inline(d.liability_cap.description, 80)
        return (shown, shown) if shown else None
    return None


# --- reading ---------------------------------------------------------------------------------------------


@dataclass
class _Read:
    """One column: the record, its analysed text and (an agreement) its terms in force."""

    detail: ContractDetail
    text: str = ""
    analysis: ContractAnalysis | None = None
    consolidated: ConsolidatedTerms | None = None
    rules: list[PrecedenceRule] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def term(self, kind: str) -> tuple[str | None, str | None, str | None]:
        """(value, display, source) in force; all None when the contract does not state it.

        A term the CLM records as a field (payment terms, governing law) takes the CLM's value, as the other
        tools do: the record holds the terms in force. Where the text says otherwise, the source says so.
        """
        value, shown, source = self._from_text(kind)
        recorded = _clm_field(self.detail, kind)
        if recorded is None or (value is not None and _same(value, recorded[0])):
            return value, shown, source
        if value is None:
            return recorded[0], recorded[1], "CLM record"
        return recorded[0], recorded[1], f"CLM record; the text says {clean_inline(shown or value, 40)} ({source})"

    def _from_text(self, kind: str) -> tuple[str | None, str | None, str | None]:
        from analysis import TermKind

        term_kind = TermKind(kind)
        if self.consolidated is not None:
            held = self.consolidated.get(term_kind)
            if held is not None:
                if held.value is None:
                    return None, None, None  # deleted by an amendment: no longer stated
                src = held.source
                where = f"§{src.section}" if src.section else "the text"
                if src.document_id != self.detail.id:
                    where = f"amendment {src.document_id}" + (f" §{src.section}" if src.section else "")
                return held.value, held.display or held.value, where
        elif self.analysis is not None:
            found = self.analysis.first(term_kind)
            if found is not None:
                section = found.citation.section
                return found.value, found.display, f"§{section}" if section else "the text"
        fallback = _clm_fallback(self.detail, kind)
        if fallback is not None:
            return fallback[0], fallback[1], "CLM record"
        return None, None, None


async def _text(ctx: ClmContext, detail: ContractDetail) -> str:
    document = detail.document
    if document is None or not document.has_text or not document.total_chars:
        return ""
    if document.total_chars > MAX_DOCUMENT_CHARS:
        raise BackendError(f"{detail.number} has {document.total_chars:,} characters, over the 5 M limit.")
    parts: list[str] = []
    checksum = hashlib.sha256()
    offset: int | None = 0
    while offset is not None:
        chunk = await ctx.api.read_document(detail.id, offset=offset, max_chars=CHUNK)
        parts.append(chunk.text)
        checksum.update(chunk.raw_text.encode("utf-8"))
        offset = chunk.next_offset
    if checksum.hexdigest() != document.sha256:
        raise BackendError(f"The text of {detail.number} does not match the CLM's checksum (it changed); retry.")
    return "".join(parts)


def _analyse_all(read: _Read, amendments: list[tuple[ContractDetail, str]]) -> None:
    """Analysis, precedence and the terms in force of one column (pure, run off the event loop)."""
    # analysis/ is imported inside the functions: it is not needed to answer initialize or tools/list (cold start).
    from analysis import DocumentRef, analyse, consolidate
    from analysis.precedence import express_overrides, precedence_rules

    if not read.text.strip():
        read.warnings.append(f"{read.detail.number} has no text layer: only the CLM's recorded fields are shown.")
        return
    read.analysis = analyse(read.text)
    read.rules = precedence_rules(read.text, read.analysis.clauses)
    read.overrides = express_overrides(read.text, read.analysis.clauses, read.analysis.terms)
    if amendments:
        base = DocumentRef(id=read.detail.id, effective_date=read.detail.effective_date)
        refs = [
            (DocumentRef(id=a.id, effective_date=a.effective_date, status=a.status), text) for a, text in amendments
        ]
        read.consolidated = consolidate(base, read.analysis, refs)
        read.warnings += [clean_inline(w, 300) for w in read.consolidated.warnings]
        if read.consolidated.pending:
            read.warnings.append(
                f"{read.detail.number}: amendment(s) {', '.join(read.consolidated.pending)} not signed: not applied."
            )


async def _read_column(ctx: ClmContext, detail: ContractDetail) -> _Read:
    read = _Read(detail=detail)
    ids = [r.id for r in detail.related if r.relation == "amended_by"]
    if len(ids) > MAX_AMENDMENTS:
        read.warnings.append(f"{detail.number}: {len(ids)} amendments, only the first {MAX_AMENDMENTS} applied.")
        ids = ids[:MAX_AMENDMENTS]
    amendment_details = await asyncio.gather(*(ctx.api.get_contract(i) for i in ids))
    texts = await asyncio.gather(_text(ctx, detail), *(_text(ctx, a) for a in amendment_details))
    read.text = texts[0]
    await anyio.to_thread.run_sync(_analyse_all, read, list(zip(amendment_details, texts[1:], strict=True)))
    return read


# --- which contracts, on which page ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Member:
    id: str
    number: str
    type: str
    parent_id: str | None
    is_amendment: bool


def _member(c: ContractSummary, relation: str | None = None) -> _Member:
    amendment = c.type == "Amendment" or relation in ("amends", "amended_by")
    return _Member(c.id, clean_inline(c.number, 40), c.type, c.parent_id, amendment)


async def _members(args: CompareContractsInput, ctx: ClmContext, warnings: list[str]) -> list[_Member]:
    """Every contract of the comparison (amendments included, folded later), without duplicates."""
    found: dict[str, _Member] = {}
    if args.counterparty:
        filters = ContractFilters(counterparty=args.counterparty, statuses=["active"], sort="number")
        cursor: str | None = None
        total = None
        while True:
            page = await ctx.api.search_contracts(filters, limit=100, cursor=cursor)
            total = page.total if page.total is not None else total
            for row in page.data:
                found.setdefault(row.id, _member(row))
            cursor = page.next_cursor
            if cursor is None or len(found) >= MAX_LISTED:
                break
        if not found:
            name = clean_inline(args.counterparty, 80)
            raise NotFound(f"No active contracts with a counterparty matching '{name}'.")
        if cursor is not None:
            warnings.append(
                f"{total or 'More than ' + str(len(found))} active contracts match; only the first {len(found)} "
                "(by number) are compared: narrow the counterparty."
            )
        names = sorted({row.counterparty.name for row in page.data})
        if len(names) > 1:
            warnings.append("The name matched several counterparties: " + "; ".join(clean_inline(n, 60) for n in names))
        return list(found.values())
    details = await asyncio.gather(*(ctx.api.get_contract(i) for i in dict.fromkeys(args.contract_ids)))
    for d in details:
        found.setdefault(d.id, _member(d))
    if args.include_related:
        # The parent of each, then everything under each agreement (its SOWs, order forms, DPAs, amendments).
        parents = [r.id for d in details for r in d.related if r.relation == "parent" and r.id not in found]
        for parent in await asyncio.gather(*(ctx.api.get_contract(i) for i in dict.fromkeys(parents))):
            found.setdefault(parent.id, _member(parent))
            details.append(parent)
        for d in details:
            for r in d.related:
                if r.id not in found and r.relation in ("child", "amended_by"):
                    found[r.id] = _Member(r.id, clean_inline(r.number, 40), r.type, d.id, r.relation == "amended_by")
    return list(found.values())


def _pages(members: list[_Member]) -> list[list[_Member]]:
    """Families in number order, each agreement first; whole families per page, a large family over several
    pages with its agreement repeated first on each (so every child is compared with it)."""
    shown = [m for m in members if not m.is_amendment]
    ids = {m.id for m in shown}
    roots = sorted((m for m in shown if m.parent_id not in ids), key=lambda m: (m.number, m.id))
    children: dict[str, list[_Member]] = {}
    for m in shown:
        if m.parent_id in ids:
            children.setdefault(m.parent_id or "", []).append(m)
    pages: list[list[_Member]] = []
    current: list[_Member] = []
    for root in roots:
        family = [root, *sorted(children.get(root.id, []), key=lambda m: (m.number, m.id))]
        if len(family) <= PAGE_CONTRACTS:
            if len(current) + len(family) > PAGE_CONTRACTS:
                pages.append(current)
                current = []
            current += family
            continue
        if current:
            pages.append(current)
            current = []
        rest = family[1:]
        step = PAGE_CONTRACTS - 1
        pages += [[root, *rest[i : i + step]] for i in range(0, len(rest), step)]
    if current:
        pages.append(current)
    return pages


# --- judging ---------------------------------------------------------------------------------------------


def _same(a: str, b: str) -> bool:
    from analysis.durations import same_length

    if a.startswith("P") and b.startswith("P"):
        try:
            return same_length(a, b)
        except ValueError:
            pass
    return a.strip().casefold() == b.strip().casefold()


def _rule(child: _Read, parent: _Read) -> tuple[PrecedenceRule | None, str]:
    """The precedence rule that decides between them: the child's own, else the agreement's; and whose."""
    if child.rules:
        return child.rules[0], child.detail.type
    if parent.rules:
        return parent.rules[0], parent.detail.type
    return None, ""


def _judge(child: _Read, parent: _Read, label: str, kind: str) -> Finding | None:
    mine, mine_shown, mine_where = child.term(kind)
    theirs, theirs_shown, theirs_where = parent.term(kind)
    if mine is None or theirs is None or _same(mine, theirs):
        return None
    c, p = child.detail, parent.detail
    pair = [c.number, p.number]
    override = next((o for o in child.overrides if o.kind.value == kind), None)
    rule, whose = _rule(child, parent)
    target = f"§{override.agreement_section}" if override is not None and override.agreement_section else ""
    parent_where = target or (theirs_where or "")
    stated = f"{c.type} {c.number} {label} {mine_shown} ({mine_where})"
    stated += f" vs {p.type} {p.number} {theirs_shown} ({theirs_where})"
    if override is not None and rule is not None and rule.allows_override:
        where_rule = f"§{rule.citation.section}" if rule.citation.section else "its precedence clause"
        by = where_rule if whose == c.type else f"{p.type} {where_rule}"
        return Finding(
            severity="override",
            term=label,
            contracts=pair,
            message=f"{c.type} {c.number} overrides {p.type} {p.number} {parent_where} (allowed by {by}): "
            f"{label} {mine_shown} instead of {theirs_shown}.",
        )
    if override is not None and rule is not None:
        why = f"it sets {p.type} {parent_where} aside expressly, but its precedence clause (§{rule.citation.section}) "
        why += f"says the {p.type} prevails"
    elif override is not None:
        why = "it sets the agreement aside expressly, but no precedence clause was found that allows it"
    else:
        why = "it states its own value without expressly overriding the agreement"
        if rule is not None and rule.allows_override:
            why += f" (its precedence clause §{rule.citation.section} lets only express modifications prevail)"
    return Finding(severity="conflict", term=label, contracts=pair, message=f"{stated}: {why}.")


def _clm_warnings(child: ContractDetail, parent: ContractDetail) -> list[Finding]:
    found: list[Finding] = []
    parent_end = parent.term.current_term_end or parent.expiration_date
    child_end = child.term.current_term_end or child.expiration_date
    pair = [child.number, parent.number]
    if parent_end and child_end and child_end > parent_end and not parent.term.auto_renew:
        found.append(
            Finding(
                severity="warning",
                term="current term ends",
                contracts=pair,
                message=f"{child.number} runs to {child_end}, after its {parent.type} {parent.number} ends on "
                f"{parent_end} without auto-renewal.",
            )
        )
    if child.currency and parent.currency and child.currency != parent.currency:
        found.append(
            Finding(
                severity="warning",
                term="currency",
                contracts=pair,
                message=f"Currency differs: {child.number} in {child.currency}, {parent.number} in {parent.currency}.",
            )
        )
    return found


def _cell_text(value: object) -> str | None:
    """The cell text of a CLM field."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return clean_inline(str(value), 80)


def _row(term: str, cells: list[tuple[str | None, str | None, str | None]]) -> TermRow:
    """cells: (normalised value, display, source) per contract."""
    stated = [value for value, _, _ in cells if value is not None]
    differs = any(not _same(stated[0], other) for other in stated[1:])
    return TermRow(
        term=term,
        values=[None if shown is None else clean_inline(shown, 80) for _, shown, _ in cells],
        sources=[source for _, _, source in cells],
        differs=differs,
    )


async def compare_contracts(args: CompareContractsInput, ctx: ClmContext) -> CompareContractsOutput:
    warnings: list[str] = []
    members = await _members(args, ctx, warnings)
    pages = _pages(members)
    if not pages:
        raise InvalidArgument("Nothing to compare: the contracts given are all amendments; give their agreement.")
    number = _PageCursor.parse(args.cursor).page if args.cursor else 1
    if number > len(pages):
        raise InvalidArgument("The cursor is past the last page; call again without a cursor to start over.")
    page = pages[number - 1]
    if len(page) < 2 and len(pages) == 1:
        raise InvalidArgument("Comparison needs at least two contracts; give more ids or set include_related.")
    details = await asyncio.gather(*(ctx.api.get_contract(m.id) for m in page))
    reads = list(await asyncio.gather(*(_read_column(ctx, d) for d in details)))
    by_id = {r.detail.id: r for r in reads}
    rows = [_row(label, [(_cell_text(get(r.detail)),) * 2 + ("CLM record",) for r in reads]) for label, get in CLM_ROWS]
    rows += [_row(label, [r.term(kind) for r in reads]) for label, kind in TEXT_ROWS]
    rows.append(
        _row(
            "total value",
            [(money(r.detail.total_value, r.detail.currency),) * 2 + ("CLM record",) for r in reads],
        )
    )
    findings: list[Finding] = []
    for read in reads:
        parent = by_id.get(read.detail.parent_id or "")
        if parent is None or read is parent:
            continue
        if read.detail.type in CHILD_TYPES:
            for label, kind in TEXT_ROWS:
                if kind in JUDGED and (finding := _judge(read, parent, label, kind)) is not None:
                    findings.append(finding)
        findings += _clm_warnings(read.detail, parent.detail)
    laws = {clean_inline(v, 40) for v in rows[[r.term for r in rows].index("governing law")].values if v}
    if len(laws) > 1 and not any(f.term == "governing law" for f in findings):
        findings.append(
            Finding(
                severity="warning",
                term="governing law",
                contracts=[r.detail.number for r in reads if r.term("governing_law")[0]],
                message="These contracts are governed by different laws: " + ", ".join(sorted(laws)) + ".",
            )
        )
    on_page = {m.id for m in page}
    omitted = [
        OmittedContract(id=m.id, number=m.number, type=m.type, parent_id=m.parent_id)
        for m in members
        if m.id not in on_page and not m.is_amendment
    ]
    folded = {a for r in reads for a in (r.consolidated.applied + r.consolidated.pending if r.consolidated else [])}
    for m in members:
        if m.is_amendment and m.parent_id not in on_page and m.id not in folded:
            omitted.append(OmittedContract(id=m.id, number=m.number, type=m.type, parent_id=m.parent_id))
    for r in reads:
        warnings += r.warnings
    return CompareContractsOutput(
        contracts=[
            ComparedContract(
                **ComparedContract.header_fields(r.detail),
                parent_id=r.detail.parent_id,
                amendments_applied=r.consolidated.applied if r.consolidated else [],
                amendments_pending=r.consolidated.pending if r.consolidated else [],
            )
            for r in reads
        ],
        terms=rows,
        findings=findings,
        total_contracts=len({m.id for m in members if not m.is_amendment}),
        page=number,
        pages=len(pages),
        omitted=omitted,
        next_cursor=_PageCursor(page=number + 1).encode() if number < len(pages) else None,
        warnings=warnings,
    )


def render(out: CompareContractsOutput) -> str:
    headers = ["term", *(f"{c.number} ({c.type})" for c in out.contracts), "differs"]
    body = []
    for row in out.terms:
        cells = [
            "not stated" if value is None else (value if source in (None, "CLM record") else f"{value} ({source})")
            for value, source in zip(row.values, row.sources, strict=True)
        ]
        body.append([row.term, *cells, "**yes**" if row.differs else ""])
    ids = ", ".join(f"{c.number} = {c.id}" for c in out.contracts)
    lines = [
        f"**Comparing {len(out.contracts)} of {out.total_contracts} contracts** "
        f"(page {out.page} of {out.pages}; {ids})",
        "",
        table(headers, body, 60),
    ]
    amended = [c for c in out.contracts if c.amendments_applied or c.amendments_pending]
    for c in amended:
        applied = ", ".join(c.amendments_applied) or "none"
        lines.append(
            f"\n{c.number}: terms in force after amendment(s) {applied}"
            + (f"; not signed, not applied: {', '.join(c.amendments_pending)}" if c.amendments_pending else "")
        )
    if out.findings:
        lines += ["", "**Overrides, conflicts and warnings**", ""]
        lines += [f"- {f.severity.upper()}: {cell(f.message, 400)}" for f in out.findings]
    else:
        lines += ["", "No differences between a SOW or order form and its agreement, and no warnings."]
    if out.omitted:
        lines += [
            "",
            f"Not on this page ({len(out.omitted)}): "
            + ", ".join(f"{o.number} {o.type} ({o.id})" for o in out.omitted),
        ]
    if out.next_cursor:
        lines += [
            "",
            f"More: call {{tool:compare_contracts}} again with the same arguments and cursor=`{out.next_cursor}`.",
        ]
    lines += [f"\nNote: {cell(w, 300)}" for w in out.warnings]
    lines += [
        "",
        "Values are read from each document (§ = its section); an override is allowed by the contracts' own order "
        "of precedence, a conflict is not. Verify with {tool:read_contract} before acting.",
    ]
    return "\n".join(lines)


TOOL = ToolSpec(
    name="compare_contracts",
    title="Compare contracts",
    description=(
        "Compare the terms in force (signed amendments applied) of an agreement and the contracts under it "
        "(MSA -> SOWs, order forms, DPA), read from the documents, each value cited; 'not stated' where a "
        "document is silent. A SOW that differs from its MSA is an OVERRIDE when it sets the MSA section "
        "aside and the precedence clause allows it, else a CONFLICT. Give contract_ids (one brings its "
        "family) or a counterparty. Pages of 8 contracts: the others are named in omitted; next_cursor "
        "continues."
    ),
    input_model=CompareContractsInput,
    output_model=CompareContractsOutput,
    handler=compare_contracts,
    render=render,
    permission=SCOPE_READ_DOCUMENTS,  # it reads the documents, not only the records
    example={"contract_ids": ["ctr_000001", "ctr_000002"]},  # valid against the demo CLM
)
