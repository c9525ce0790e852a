"""The portfolio_report tool: aggregate reports over the portfolio, as a Markdown summary plus a full CSV resource."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from clm_client import ClmContext
from clm_client.client import SCOPE_READ_CONTRACTS, DateField, GroupBy
from clm_client.models import AggregateGroup, ContractFilters, MoneySum
from plugin.toolkit.errors import InvalidArgument
from plugin.toolkit.inputs import SearchText
from plugin.toolkit.markdown import money, table
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
from tools.arguments import ContractStatus, ContractType
from tools.periods import PERIOD_PATTERN, describe, month_end, period_range

Currency = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")]

ReportKind = Literal[
    "renewal_pipeline",
    "pipeline_by_counterparty",
    "by_counterparty",
    "by_type",
    "by_status",
    "value_by_currency",
    "expiring_without_renewal",
]
DateBasis = Literal["renewal", "notice", "expiration", "effective", "signed"]
DEFAULT_DAYS = 180  # the window of the pipeline kinds when none is given
ROWS_SHOWN = 60  # rows in the response (by count, or the first months); the CSV has every row
LISTED = 20  # contracts listed by expiring_without_renewal (all are counted; the CSV lists the months)
_PIPELINES: frozenset[str] = frozenset({"renewal_pipeline", "pipeline_by_counterparty", "expiring_without_renewal"})
# Which date a window and a month grouping apply to: the CLM's date field and its filter names.
_BASIS: dict[DateBasis, tuple[DateField, str, str]] = {
    "renewal": ("renewal_date", "renewal_after", "renewal_before"),
    "notice": ("renewal_notice_date", "renewal_notice_after", "renewal_notice_before"),
    "expiration": ("expiration_date", "expires_after", "expires_before"),
    "effective": ("effective_date", "effective_after", "effective_before"),
    "signed": ("execution_date", "signed_after", "signed_before"),
}
_BASIS_WORDS: dict[DateBasis, str] = {
    "renewal": "renewal date (end of the current term of an auto-renewing contract)",
    "notice": "renewal-notice deadline",
    "expiration": "expiration date (end of the current term)",
    "effective": "effective date",
    "signed": "signing date",
}


class PortfolioReportInput(ToolInput):
    model_config = ToolInput.model_config | {"populate_by_name": True}

    kind: ReportKind = Field(
        description="renewal_pipeline: active auto-renewals by month; pipeline_by_counterparty: the same by "
        "counterparty; expiring_without_renewal: active, not auto-renewing, by month of expiry"
    )
    period: str | None = Field(
        default=None,
        max_length=20,
        pattern=PERIOD_PATTERN,
        description="Calendar window: 2027-Q1, 2027-03, 2027, next_quarter, this_month, last_year ...",
    )
    date_from: date | None = Field(default=None, alias="from", description="Window start (inclusive, ISO date)")
    date_to: date | None = Field(default=None, alias="to", description="Window end (inclusive, ISO date)")
    within_days: int | None = Field(default=None, ge=1, le=1095, description="N days from today (instead of a period)")
    date_basis: DateBasis | None = Field(
        default=None,
        description="Date the window and months apply to (default: renewal for pipelines, else expiration)",
    )
    types: list[ContractType] = Field(default_factory=list, max_length=8)
    statuses: list[ContractStatus] = Field(default_factory=list, max_length=6)
    counterparty: SearchText | None = None
    currencies: list[Currency] = Field(default_factory=list, max_length=10, description="Only these currencies")

    @model_validator(mode="after")
    def _one_window(self) -> Self:
        ways = [self.period is not None, self.date_from is not None or self.date_to is not None]
        ways.append(self.within_days is not None)
        if sum(ways) > 1:
            raise ValueError("give one window: period, or from/to, or within_days")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("'from' is after 'to'")
        return self


class Amount(ToolOutput):
    currency: str
    amount: float
    contracts: int = Field(description="Contracts of the row with a value in this currency")


class ReportRow(ToolOutput):
    key: str | None = Field(description="Month 'YYYY-MM', type, status, counterparty id or currency; null = none")
    label: str = Field(description="What the row is, e.g. a counterparty's name, or '(no date)'")
    contracts: int
    total_value: list[Amount] = Field(description="Sums per currency (never summed across currencies)")
    annual_value: list[Amount]


class Window(ToolOutput):
    start: date | None
    end: date | None
    basis: DateBasis
    description: str


class ListedContract(ToolOutput):
    id: str
    number: str
    title: str
    counterparty: str
    counterparty_id: str
    expiration_date: date | None
    total_value: float | None
    currency: str | None


class PortfolioReportOutput(ToolOutput):
    kind: ReportKind
    as_of: date
    window: Window | None = Field(description="The calendar window and the date it applies to; null = all dates")
    grouped_by: str = Field(description="What the rows are, e.g. 'month of the renewal date'")
    contracts_matching: int | None = Field(description="Contracts matching the filters and window")
    contracts_counted: int = Field(description="Contracts the rows count (= contracts_matching unless partial)")
    partial: bool = Field(description="True when the rows cover only contracts_counted of contracts_matching")
    currencies: list[str] = Field(description="Currencies of the values (one CSV column each)")
    rows: list[ReportRow] = Field(description="The rows that fit in this response; the CSV has them all")
    total_rows: int
    listed: list[ListedContract] = Field(
        default_factory=list, description="expiring_without_renewal: the first contracts, by expiration date"
    )
    csv_resource: str = Field(description="MCP resource URI of the full result as CSV")

    def audit_summary(self) -> AuditSummary:
        return AuditSummary(count=self.total_rows, detail=f"{self.kind}, {self.contracts_counted} counted")

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


def _window(args: PortfolioReportInput, as_of: date) -> Window | None:
    basis: DateBasis = args.date_basis or (
        "renewal" if args.kind in ("renewal_pipeline", "pipeline_by_counterparty") else "expiration"
    )
    if args.kind == "expiring_without_renewal" and basis != "expiration":
        raise InvalidArgument("expiring_without_renewal is by expiration date: leave date_basis out.")
    start: date | None
    end: date | None
    if args.period is not None:
        start, end = period_range(args.period, as_of)
        what = f"{describe(start, end)}"
    elif args.date_from is not None or args.date_to is not None:
        start, end = args.date_from, args.date_to
        what = describe(start, end) if start and end else (f"from {start}" if start else f"up to {end}")
    elif args.within_days is not None or args.kind in _PIPELINES:
        days = args.within_days or DEFAULT_DAYS
        start, end = as_of, as_of + timedelta(days=days)
        what = f"the next {days} days ({start} to {end})"
    else:
        return None
    return Window(start=start, end=end, basis=basis, description=f"{what}, by {_BASIS_WORDS[basis]}")


def _filters(args: PortfolioReportInput, window: Window | None) -> ContractFilters:
    update: dict[str, object] = {}
    if args.kind in ("renewal_pipeline", "pipeline_by_counterparty"):
        update = {"auto_renew": True, "statuses": ["active"]}
    elif args.kind == "expiring_without_renewal":
        update = {"auto_renew": False, "statuses": ["active"]}
    if window is not None:
        _, after, before = _BASIS[window.basis]
        update[after], update[before] = window.start, window.end
    base = ContractFilters(
        counterparty=args.counterparty,
        types=list(args.types),
        statuses=list(args.statuses),
        currencies=[c.upper() for c in args.currencies],
    )
    if args.statuses and "statuses" in update and "active" not in args.statuses:
        raise InvalidArgument(f"{args.kind} is about active contracts only: leave statuses out (or include active).")
    return base.model_copy(update=update)


def _grouping(args: PortfolioReportInput, window: Window | None) -> tuple[GroupBy, DateField | None, str]:
    if args.kind in ("renewal_pipeline", "expiring_without_renewal"):
        basis: DateBasis = window.basis if window is not None else "renewal"
        return "month", _BASIS[basis][0], f"month of the {_BASIS_WORDS[basis]}"
    group: dict[str, tuple[GroupBy, str]] = {
        "pipeline_by_counterparty": ("counterparty", "counterparty"),
        "by_counterparty": ("counterparty", "counterparty"),
        "by_type": ("type", "contract type"),
        "by_status": ("status", "status"),
        "value_by_currency": ("currency", "currency"),
    }
    by, words = group[args.kind]
    return by, None, words


def _amounts(sums: list[MoneySum]) -> list[Amount]:
    return [Amount(currency=m.currency, amount=m.amount, contracts=m.contracts) for m in sums]


def _label(group_by: GroupBy, key: str | None, label: str | None) -> str:
    if key is None:
        return {"month": "(no date)", "currency": "(no value)"}.get(group_by, "(none)")
    if group_by == "counterparty":
        return f"{clean_inline(label or key, 80)} ({key})"
    return clean_inline(label or key, 80)


async def portfolio_report(args: PortfolioReportInput, ctx: ClmContext) -> PortfolioReportOutput:
    window = _window(args, ctx.as_of)
    filters = _filters(args, window)
    group_by, date_field, grouped_by = _grouping(args, window)
    listing = None
    if args.kind == "expiring_without_renewal":
        aggregate, listing = await asyncio.gather(
            ctx.api.aggregate_contracts(filters, group_by=group_by, date_field=date_field),
            ctx.api.search_contracts(filters.model_copy(update={"sort": "expiration_date"}), limit=LISTED),
        )
    else:
        aggregate = await ctx.api.aggregate_contracts(filters, group_by=group_by, date_field=date_field)
    # Models for the rows shown only; the CSV (every row) is written straight from the CLM's groups.
    labels = [_label(group_by, g.key, g.label) for g in aggregate.groups]
    rows = [
        ReportRow(
            key=g.key,
            label=label,
            contracts=g.count,
            total_value=_amounts(g.total_value),
            annual_value=_amounts(g.annual_value),
        )
        for g, label in zip(aggregate.groups[:ROWS_SHOWN], labels, strict=False)
    ]
    currencies = sorted({m.currency for g in aggregate.groups for m in (*g.total_value, *g.annual_value)})
    title = TITLES[args.kind] + (f", {window.description}" if window else "") + f" (as of {ctx.as_of})"
    uri = await ctx.services.reports.put_csv(*_csv(aggregate.groups, labels, currencies, group_by), title=title)
    listed = [
        ListedContract(
            id=c.id,
            number=c.number,
            title=clean_inline(c.title, 100),
            counterparty=clean_inline(c.counterparty.name, 80),
            counterparty_id=c.counterparty.id,
            expiration_date=c.expiration_date,
            total_value=c.total_value,
            currency=c.currency,
        )
        for c in (listing.data if listing is not None else [])
    ]
    return PortfolioReportOutput(
        kind=args.kind,
        as_of=ctx.as_of,
        window=window,
        grouped_by=grouped_by,
        contracts_matching=aggregate.total,
        contracts_counted=aggregate.covered,
        partial=not aggregate.complete,
        currencies=currencies,
        rows=rows,
        total_rows=len(aggregate.groups),
        listed=listed,
        csv_resource=uri,
    )


def _csv(
    groups: Sequence[AggregateGroup], labels: list[str], currencies: list[str], group_by: GroupBy
) -> tuple[list[str], list[list[object]]]:
    """One numeric column per currency (a spreadsheet sums them); months also as ISO first and last day."""
    headers = ["key", "label"]
    if group_by == "month":
        headers += ["period_start", "period_end"]
    headers += ["contracts", *(f"total_value_{c}" for c in currencies), *(f"annual_value_{c}" for c in currencies)]
    body: list[list[object]] = []
    for group, label in zip(groups, labels, strict=True):
        line: list[object] = [group.key, label]
        if group_by == "month":
            if group.key is None:
                line += [None, None]
            else:
                year, month = int(group.key[:4]), int(group.key[5:7])
                line += [date(year, month, 1).isoformat(), month_end(year, month).isoformat()]
        totals = {m.currency: m.amount for m in group.total_value}
        annuals = {m.currency: m.amount for m in group.annual_value}
        line += [group.count, *(totals.get(c) for c in currencies), *(annuals.get(c) for c in currencies)]
        body.append(line)
    return headers, body


TITLES: dict[ReportKind, str] = {
    "renewal_pipeline": "Renewal pipeline: active auto-renewals by month",
    "pipeline_by_counterparty": "Renewal pipeline by counterparty",
    "by_counterparty": "Contracts by counterparty",
    "by_type": "Contracts by type",
    "by_status": "Contracts by status",
    "value_by_currency": "Contract value by currency",
    "expiring_without_renewal": "Active contracts expiring without auto-renewal, by month",
}


def _money(amounts: list[Amount]) -> str | None:
    return "; ".join(f"{a.currency} {a.amount:,.0f}" for a in amounts) or None


def render(out: PortfolioReportOutput) -> str:
    window = f"; {out.window.description}" if out.window else "; all dates"
    matching = "unknown" if out.contracts_matching is None else f"{out.contracts_matching:,}"
    lines = [
        f"**{TITLES[out.kind]}** (as of {out.as_of}{window}; rows by {out.grouped_by}; {matching} contracts match)",
        "",
    ]
    if not out.rows:
        lines.append("No contracts match these filters in this window.")
    else:
        lines.append(
            table(
                ["key", "contracts", "total value", "annual value"],
                [[r.label, r.contracts, _money(r.total_value), _money(r.annual_value)] for r in out.rows],
                90,
            )
        )
    if out.total_rows > len(out.rows):
        lines += ["", f"Showing {len(out.rows)} of {out.total_rows} rows; the CSV has all of them."]
    if out.partial:
        lines += [
            "",
            f"PARTIAL: the rows count {out.contracts_counted:,} of {matching} matching contracts (the CLM has no "
            "aggregation endpoint and the walk stopped at its limit); narrow the filters or window for exact totals.",
        ]
    if out.listed:
        shown = len(out.listed)
        lines += ["", f"First {shown} of {matching} by expiration date:", ""]
        lines.append(
            table(
                ["expires", "number", "title", "counterparty", "id", "value"],
                [
                    [
                        c.expiration_date,
                        c.number,
                        c.title,
                        f"{c.counterparty} ({c.counterparty_id})",
                        c.id,
                        money(c.total_value, c.currency),
                    ]
                    for c in out.listed
                ],
                60,
            )
        )
        if out.contracts_matching is not None and out.contracts_matching > shown:
            lines += ["", "List them all with {tool:search_contracts} (status active, auto_renew false, the window)."]
    lines += ["", f"Full result as CSV (one numeric column per currency): resource `{out.csv_resource}`."]
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
        "Counts and values over the whole portfolio, computed by the CLM (or marked partial with the count "
        "covered). Window: period (2027-Q1, 2027-03, next_quarter ...), from/to, or within_days; date_basis "
        "says which date it applies to. Filters: types, statuses, counterparty, currencies. Values are summed "
        "per currency, never across. The full result is a CSV resource (numeric column per currency), linked "
        "from the result; use it instead of paging {tool:search_contracts} for totals."
    ),
    input_model=PortfolioReportInput,
    output_model=PortfolioReportOutput,
    handler=portfolio_report,
    render=render,
    permission=SCOPE_READ_CONTRACTS,
    example={"kind": "renewal_pipeline", "period": "next_quarter"},  # valid against the demo CLM
    resources=(REPORT_CSV,),
)
