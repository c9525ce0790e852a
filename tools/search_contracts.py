"""The search_contracts tool: find contracts by counterparty, type, status, dates or text, one page at a time."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, PrivateAttr

from clm_client import ClmContext
from clm_client.client import SCOPE_READ_CONTRACTS
from clm_client.models import ContractFilters, ContractSummary, SearchMatch
from plugin.toolkit.cursors import PageCursor
from plugin.toolkit.inputs import Cursor, PageLimit, SearchText
from plugin.toolkit.markdown import cell, money, table
from plugin.toolkit.spec import AuditSummary, ResourceSpec, ToolInput, ToolOutput, ToolSpec
from plugin.toolkit.untrusted import UNTRUSTED_NOTICE, clean_inline, delimit_untrusted, strip_invisible
from tools.arguments import ContractId, ContractStatus, ContractType, CounterpartyId
from tools.contract_header import ContractHeader
from tools.counterparty_scope import CounterpartyScope, check_known_id, resolve_counterparty, scope_note
from tools.resources import complete_counterparties, counterparty_contracts
from tools.terms_in_force import notice_summary, prepare_renewal_state, record_renewal

SortOrder = Literal[
    "number",
    "-number",
    "effective_date",
    "-effective_date",
    "expiration_date",
    "-expiration_date",
    "renewal_notice_date",
    "-total_value",
    "-updated_at",
]


class SearchContractsInput(ToolInput):
    query: SearchText | None = Field(
        default=None,
        description='Words that must all appear in title, counterparty or text; "a quoted phrase" as a phrase',
    )
    counterparty: SearchText | None = Field(
        default=None,
        description="Counterparty name as the user wrote it (the result says what it matched)",
    )
    counterparty_id: CounterpartyId | None = None
    types: list[ContractType] = Field(default_factory=list, max_length=8, description="Any of these types")
    statuses: list[ContractStatus] = Field(default_factory=list, max_length=6, description="Any of these")
    effective_after: date | None = Field(default=None, description="Effective on or after (YYYY-MM-DD)")
    effective_before: date | None = Field(default=None, description="Effective on or before")
    expires_after: date | None = Field(default=None, description="Current term ends on or after")
    expires_before: date | None = Field(default=None, description="Current term ends on or before")
    renewal_notice_after: date | None = Field(default=None, description="Renewal-notice deadline on or after")
    renewal_notice_before: date | None = Field(default=None, description="Renewal-notice deadline on or before")
    auto_renew: bool | None = Field(default=None, description="Only auto-renewing (true) or not (false)")
    parent_id: ContractId | None = Field(default=None, description="Only contracts under this parent (an MSA id)")
    sort: SortOrder = "number"
    limit: PageLimit = 20
    cursor: Cursor | None = None


class Hit(ToolOutput):
    """Where `query` matched this contract (the CLM's first hit)."""

    field: str = Field(description="body (the document text), title or counterparty")
    section: str | None = Field(description="Section number holding the hit, e.g. '12.2'")
    heading: str | None = Field(description="That section's heading")
    snippet: str = Field(description="Text around the hit (untrusted document text; '…' where it goes on)")
    start: int | None = Field(description="Offset of the hit in the document ({tool:read_contract} offset)")


class ContractRow(ContractHeader):
    effective_date: date | None
    expiration_date: date | None
    auto_renew: bool
    renewal_notice_date: date | None
    total_value: float | None
    currency: str | None
    renewal_state: str | None = Field(
        default=None,
        description="Renewal state at the business date from the recorded fields (as {tool:extract_obligations} "
        "reports it); null when the text decides it",
    )
    notice: str | None = Field(
        default=None, description="The renewal-notice deadline as it stands: days left, or missed and locked in"
    )
    hit: Hit | None = None


class SearchContractsOutput(ToolOutput):
    contracts: list[ContractRow]
    total: int | None = Field(description="Contracts matching the filters, across all pages (null: unknown)")
    counterparties: CounterpartyScope | None = Field(
        default=None, description="Which counterparties a `counterparty` name filter covers"
    )
    next_cursor: str | None = Field(description="Pass as `cursor` (same filters) for the next page")
    _position: PageCursor = PrivateAttr(default_factory=lambda: PageCursor(backend_cursor=None))

    def audit_summary(self) -> AuditSummary:
        return AuditSummary(count=len(self.contracts), record_ids=[c.id for c in self.contracts])

    def row_count(self) -> int:
        return len(self.contracts)

    def trimmed(self, keep: int) -> SearchContractsOutput:
        # Continue inside the same backend page, right after the last row shown.
        after = self._position.after(keep)
        return self.model_copy(update={"contracts": self.contracts[:keep], "next_cursor": after.encode()})


def _row(summary: ContractSummary, as_of: date) -> ContractRow:
    renewal = record_renewal(summary, as_of)
    return ContractRow(
        **ContractHeader.header_fields(summary),
        effective_date=summary.effective_date,
        expiration_date=summary.expiration_date,
        auto_renew=summary.auto_renew,
        renewal_notice_date=summary.renewal_notice_date,
        total_value=summary.total_value,
        currency=summary.currency,
        renewal_state=None if renewal is None else renewal.state,
        notice=notice_summary(renewal, summary.renewal_notice_date, as_of, short=True) if summary.auto_renew else None,
        hit=_hit(summary.match),
    )


MAX_SNIPPET = 300


def _snippet(text: str) -> str:
    """One line, bounded, never cut mid-word (the CLM's snippet is ~200 characters already)."""
    line = " ".join(strip_invisible(text).split())
    if len(line) <= MAX_SNIPPET:
        return line
    cut = line.rfind(" ", 0, MAX_SNIPPET)
    return line[: cut if cut > 0 else MAX_SNIPPET] + "…"


def _hit(match: SearchMatch | None) -> Hit | None:
    if match is None:
        return None
    section = match.section
    return Hit(
        field=clean_inline(match.field, 20),
        section=None if section is None else clean_inline(section.number, 20),
        heading=None if section is None or not section.heading else clean_inline(section.heading, 80),
        snippet=_snippet(match.snippet),
        start=match.start,
    )


async def search_contracts(args: SearchContractsInput, ctx: ClmContext) -> SearchContractsOutput:
    position = PageCursor.decode(args.cursor)
    scope = await resolve_counterparty(ctx, args.counterparty, args.counterparty_id)
    filters = ContractFilters(
        q=args.query,
        **scope.filter_args,
        types=list(args.types),
        statuses=list(args.statuses),
        effective_after=args.effective_after,
        effective_before=args.effective_before,
        expires_after=args.expires_after,
        expires_before=args.expires_before,
        renewal_notice_after=args.renewal_notice_after,
        renewal_notice_before=args.renewal_notice_before,
        auto_renew=args.auto_renew,
        parent_id=args.parent_id,
        sort=args.sort,
    )
    page = await ctx.api.search_contracts(filters, limit=args.limit, cursor=position.backend_cursor)
    rows = [_row(summary, ctx.as_of) for summary in page.data[position.skip : position.skip + args.limit]]
    if not rows and args.cursor is None:
        await check_known_id(ctx, scope)
    if position.skip + len(rows) < len(page.data):
        next_cursor: str | None = PageCursor(
            backend_cursor=position.backend_cursor, skip=position.skip + len(rows)
        ).encode()
    else:
        next_cursor = None if page.next_cursor is None else PageCursor(backend_cursor=page.next_cursor).encode()
    output = SearchContractsOutput(
        contracts=rows, total=page.total, next_cursor=next_cursor, counterparties=scope.reported
    )
    output._position = position
    return output


def _hit_line(c: ContractRow) -> str:
    hit = c.hit
    assert hit is not None
    if hit.field != "body":
        return f"{c.number} ({c.id}), in its {hit.field}: {hit.snippet}"
    where = f"§{hit.section}" + (f" {hit.heading}" if hit.heading else "") if hit.section else "no numbered section"
    at = f", offset {hit.start}" if hit.start is not None else ""
    return f"{c.number} ({c.id}), {where}{at}: {hit.snippet}"


def render(out: SearchContractsOutput) -> str:
    total = f"{out.total:,}" if out.total is not None else "an unknown number of"
    note = scope_note(out.counterparties)
    head = [note, ""] if note else []
    if not out.contracts:
        return "\n".join([*head, f"No contracts match these filters ({total} in total)."])
    lines = [*head, f"**{total} contracts match; {len(out.contracts)} on this page.**", ""]
    lines.append(
        table(
            [
                "id",
                "number",
                "title",
                "type",
                "status",
                "counterparty",
                "effective",
                "expires",
                "notice by",
                "value",
            ],
            [
                [
                    c.id,
                    c.number,
                    c.title,
                    c.type,
                    c.status,
                    f"{c.counterparty} ({c.counterparty_id})",
                    c.effective_date,
                    c.expiration_date,
                    c.notice,
                    money(c.total_value, c.currency),
                ]
                for c in out.contracts
            ],
            max_cell=60,
        )
    )
    hits = [c for c in out.contracts if c.hit is not None]
    if hits:
        lines += ["", "**Where the query matched** (snippets of the contracts' text). " + UNTRUSTED_NOTICE]
        lines.append(delimit_untrusted("\n".join(_hit_line(c) for c in hits), source="search snippets"))
    if out.next_cursor:
        lines += [
            "",
            f"More results: call {{tool:search_contracts}} again with the same filters and "
            f"cursor=`{cell(out.next_cursor, 2000)}`.",
        ]
    else:
        lines += ["", "This is the last page."]
    return "\n".join(lines)


TOOL = ToolSpec(
    name="search_contracts",
    title="Search contracts",
    description=(
        'Find contracts by the filters below or full text (all words; "quoted phrases" as phrases). Returns '
        "summary rows with ids, the total, and each text hit's snippet and section. A counterparty name is "
        "resolved by the CLM (the result says to which; no match is an error naming the closest). Use it "
        "first to get contract ids; never guess ids. 20 rows per page (max 100): call again with the same "
        "arguments and next_cursor."
    ),
    input_model=SearchContractsInput,
    output_model=SearchContractsOutput,
    handler=search_contracts,
    render=render,
    permission=SCOPE_READ_CONTRACTS,
    example={"limit": 3},  # valid against the demo CLM
    prepare=prepare_renewal_state,  # every row states its renewal
    resources=(
        ResourceSpec(
            uri_template="counterparties/{counterparty}/contracts",
            name="counterparty-contracts",
            title="Contracts with a counterparty",
            description="The first 50 contracts whose counterparty name contains the given name, as "
            "{tool:search_contracts} lists them (Markdown).",
            mime_type="text/markdown",
            tool_arguments=counterparty_contracts,
            complete={"counterparty": complete_counterparties},
        ),
    ),
)
