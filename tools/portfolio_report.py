"""The portfolio_report tool: aggregate reports over the portfolio, as a Markdown summary plus a full CSV resource."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from pydantic import Field

from clm_client import ClmContext
from clm_client.client import SCOPE_READ_CONTRACTS
from clm_client.models import ContractFilters, ContractSummary
from plugin.toolkit.inputs import SearchText
from plugin.toolkit.markdown import table
from plugin.toolkit.reports import REPORTS_PATH
from plugin.toolkit.spec import (
    AuditSummary,
    ListedResource,
    ResourceLinkSpec,
    ResourceSpec,
    Services,
    ToolInput,
    ToolOutput,
    ToolSpec,
)
from plugin.toolkit.untrusted import clean_inline
from tools.search_contracts import ContractStatus, ContractType

ReportKind = Literal[
    "renewal_pipeline", "by_counterparty", "by_type", "by_status", "value_by_currency", "expiring_without_renewal"
]
MAX_SCAN = 20_000  # contracts read for one report (200 pages); beyond this the report says it is partial
PAGE = 100


class PortfolioReportInput(ToolInput):
    kind: ReportKind = Field(
        description="renewal_pipeline (auto-renewals by notice month), by_counterparty, by_type, by_status, "
        "value_by_currency, expiring_without_renewal (active, not auto-renewing, ending in the window)"
    )
    types: list[ContractType] = Field(default_factory=list, max_length=8)
    statuses: list[ContractStatus] = Field(default_factory=list, max_length=6)
    counterparty: SearchText | None = None
    within_days: int = Field(default=180, ge=1, le=1095, description="Window for renewal_pipeline and expiring")


class ReportRow(ToolOutput):
    key: str
    contracts: int
    value: str | None = Field(description="Total contract value by currency, e.g. 'USD 1,200,000; EUR 80,000'")
    annual_value: str | None = None
    detail: str | None = None


class PortfolioReportOutput(ToolOutput):
    kind: ReportKind
    as_of: date
    contracts_scanned: int
    partial: bool = Field(description="True when more than the scan limit matched: totals cover the first part")
    rows: list[ReportRow] = Field(description="The rows that fit in this response; the CSV has them all")
    total_rows: int
    csv_resource: str = Field(description="MCP resource URI of the full result as CSV")

    def audit_summary(self) -> AuditSummary:
        return AuditSummary(count=self.total_rows, detail=f"{self.kind}, {self.contracts_scanned} scanned")

    def row_count(self) -> int:
        return len(self.rows)

    def resource_links(self) -> list[ResourceLinkSpec]:
        return [
            ResourceLinkSpec(
                uri=self.csv_resource,
                name=self.csv_resource.rsplit("/", 1)[-1],
                title=f"{TITLES[self.kind]} (CSV)",
                mime_type="text/csv",
            )
        ]

    def trimmed(self, keep: int) -> PortfolioReportOutput:
        return self.model_copy(update={"rows": self.rows[:keep]})  # the CSV resource keeps every row


class _Group:
    def __init__(self) -> None:
        self.count = 0
        self.value: dict[str, float] = defaultdict(float)
        self.annual: dict[str, float] = defaultdict(float)


def _money_by_currency(sums: dict[str, float]) -> str | None:
    if not sums:
        return None
    return "; ".join(f"{currency} {amount:,.0f}" for currency, amount in sorted(sums.items()))


def _filters(args: PortfolioReportInput, as_of: date) -> ContractFilters:
    end = as_of + timedelta(days=args.within_days)
    base = ContractFilters(counterparty=args.counterparty, types=list(args.types), statuses=list(args.statuses))
    if args.kind == "renewal_pipeline":
        return base.model_copy(
            update={
                "auto_renew": True,
                "statuses": ["active"],
                "renewal_notice_after": as_of,
                "renewal_notice_before": end,
                "sort": "renewal_notice_date",
            }
        )
    if args.kind == "expiring_without_renewal":
        return base.model_copy(
            update={
                "auto_renew": False,
                "statuses": ["active"],
                "expires_after": as_of,
                "expires_before": end,
                "sort": "expiration_date",
            }
        )
    return base


KEYS: dict[ReportKind, Callable[[ContractSummary], str]] = {
    "renewal_pipeline": lambda c: (c.renewal_notice_date or date.min).strftime("%Y-%m"),
    "by_counterparty": lambda c: f"{clean_inline(c.counterparty.name, 80)} ({c.counterparty.id})",
    "by_type": lambda c: c.type,
    "by_status": lambda c: c.status,
    "value_by_currency": lambda c: c.currency or "(no value)",
}


async def portfolio_report(args: PortfolioReportInput, ctx: ClmContext) -> PortfolioReportOutput:
    filters = _filters(args, ctx.as_of)
    scanned = 0
    total: int | None = None
    cursor: str | None = None
    listed: list[ContractSummary] = []
    groups: dict[str, _Group] = defaultdict(_Group)
    while scanned < MAX_SCAN:
        page = await ctx.api.search_contracts(filters, limit=PAGE, cursor=cursor)
        total = page.total if page.total is not None else total
        for contract in page.data:
            scanned += 1
            if args.kind == "expiring_without_renewal":
                listed.append(contract)
                continue
            group = groups[KEYS[args.kind](contract)]
            group.count += 1
            if contract.total_value is not None and contract.currency:
                group.value[contract.currency] += contract.total_value
            if contract.annual_value is not None and contract.currency:
                group.annual[contract.currency] += contract.annual_value
        await ctx.progress(scanned, total, f"{scanned} contracts read")
        cursor = page.next_cursor
        if cursor is None:
            break
    partial = cursor is not None
    store = ctx.services.reports
    if args.kind == "expiring_without_renewal":
        rows = [
            ReportRow(
                key=f"{c.expiration_date} {clean_inline(c.number, 40)}",
                contracts=1,
                value=None if c.total_value is None else f"{c.currency} {c.total_value:,.0f}",
                detail=f"{clean_inline(c.title, 80)} - {clean_inline(c.counterparty.name, 60)} ({c.id})",
            )
            for c in listed
        ]
    else:
        ordered = sorted(
            groups.items(), key=lambda kv: (kv[0]) if args.kind == "renewal_pipeline" else (-kv[1].count, kv[0])
        )
        rows = [
            ReportRow(
                key=key, contracts=g.count, value=_money_by_currency(g.value), annual_value=_money_by_currency(g.annual)
            )
            for key, g in ordered
        ]
    uri = await store.put_csv(
        ["key", "contracts", "total_value", "annual_value", "detail"],
        [[r.key, r.contracts, r.value, r.annual_value, r.detail] for r in rows],
        title=f"{TITLES[args.kind]} (as of {ctx.as_of})",
    )
    return PortfolioReportOutput(
        kind=args.kind,
        as_of=ctx.as_of,
        contracts_scanned=scanned,
        partial=partial,
        rows=rows,
        total_rows=len(rows),
        csv_resource=uri,
    )


TITLES: dict[ReportKind, str] = {
    "renewal_pipeline": "Renewal pipeline: auto-renewals by month of their notice deadline",
    "by_counterparty": "Contracts by counterparty",
    "by_type": "Contracts by type",
    "by_status": "Contracts by status",
    "value_by_currency": "Contract value by currency",
    "expiring_without_renewal": "Active contracts expiring without auto-renewal",
}


def render(out: PortfolioReportOutput) -> str:
    lines = [f"**{TITLES[out.kind]}** (as of {out.as_of}; {out.contracts_scanned:,} contracts read)", ""]
    if not out.rows:
        lines.append("No contracts match.")
    else:
        lines.append(
            table(
                ["key", "contracts", "total value", "annual value", "detail"],
                [[r.key, r.contracts, r.value, r.annual_value, r.detail] for r in out.rows],
                90,
            )
        )
    if out.total_rows > len(out.rows):
        lines += ["", f"Showing {len(out.rows)} of {out.total_rows} rows."]
    if out.partial:
        lines += ["", f"Partial: more than {MAX_SCAN:,} contracts matched; narrow the filters for exact totals."]
    lines += ["", f"Full result as CSV: resource `{out.csv_resource}` (fetch it with resources/read)."]
    return "\n".join(lines)


async def _read_report(services: Services, report_id: str) -> str | None:
    return await services.reports.get(report_id)


async def _live_reports(services: Services) -> list[ListedResource]:
    return [
        ListedResource(
            uri=r.uri,
            name=r.report_id,
            title=r.title,
            description=f"{r.title}; kept until {datetime.fromtimestamp(r.expires, UTC):%Y-%m-%d %H:%M} UTC",
            mime_type=r.mime_type,
            size=r.size,
        )
        for r in await services.reports.live()
    ]


REPORT_CSV = ResourceSpec(
    uri_template=REPORTS_PATH + "{report_id}",
    name="portfolio-report-csv",
    title="Portfolio report (CSV)",
    description="The full result of a {tool:portfolio_report} call, as CSV; kept for a day, listed while it lives.",
    mime_type="text/csv",
    read=_read_report,
    listing=_live_reports,
)

TOOL = ToolSpec(
    name="portfolio_report",
    title="Portfolio report",
    description=(
        "Aggregate report over the contract portfolio: renewal_pipeline (auto-renewals by month of their notice "
        "deadline within within_days), by_counterparty, by_type, by_status, value_by_currency (totals per "
        "currency, never summed across currencies), expiring_without_renewal. Optional filters: types, statuses, "
        "counterparty. Returns a Markdown table within the output budget and the full result as a CSV resource "
        "(the csv_resource URI). Reads up to 20,000 contracts with progress notifications; use it instead of paging "
        "{tool:search_contracts} for totals."
    ),
    input_model=PortfolioReportInput,
    output_model=PortfolioReportOutput,
    handler=portfolio_report,
    render=render,
    permission=SCOPE_READ_CONTRACTS,
    example={"kind": "by_type"},  # valid against the demo CLM
    resources=(REPORT_CSV,),
)
