"""The upcoming_deadlines tool: renewal-notice deadlines, expiries and obligation due dates in a window, by date.

Three date-sorted sources, each filtered by the CLM (never scanned client-side): auto-renewing
contracts by renewal-notice date, non-renewing contracts by expiry, tracked obligations by due date.
A page is a k-way merge of the three; the cursor records, per source, the CLM cursor of the page it
was reading and how many rows of that page were used, so no deadline is skipped or repeated.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from clm_client import ClmContext
from clm_client.client import SCOPE_READ_CONTRACTS
from clm_client.models import ContractFilters, ObligationFilters
from plugin.toolkit.cursors import OpaqueCursor
from plugin.toolkit.inputs import Cursor, PageLimit, SearchText
from plugin.toolkit.markdown import table
from plugin.toolkit.spec import AuditSummary, ToolInput, ToolOutput, ToolSpec
from plugin.toolkit.untrusted import clean_inline
from tools.arguments import CounterpartyId
from tools.counterparty_scope import CounterpartyScope, resolve_counterparty, scope_note

Kind = Literal["renewal_notice", "expiry", "obligation"]
KINDS: tuple[Kind, ...] = ("renewal_notice", "expiry", "obligation")


class UpcomingDeadlinesInput(ToolInput):
    within_days: int = Field(default=90, ge=1, le=1095, description="Window from today (the CLM's business date)")
    counterparty: SearchText | None = Field(
        default=None,
        description="Counterparty name as the user wrote it (resolved by the CLM; the result says to which)",
    )
    counterparty_id: CounterpartyId | None = None
    kinds: list[Kind] = Field(
        default_factory=lambda: list(KINDS), min_length=1, max_length=3, description="Which deadlines to include"
    )
    include_past_due: bool = Field(default=False, description="Also list deadlines up to 30 days overdue")
    limit: PageLimit = 20
    cursor: Cursor | None = None


class Deadline(ToolOutput):
    date: date
    days_remaining: int = Field(description="Negative when overdue")
    kind: Kind
    contract_id: str
    contract_number: str
    title: str | None
    counterparty: str
    what: str = Field(description="What is due, e.g. 'last day to give notice of non-renewal'")
    detail: str | None
    section: str | None = Field(default=None, description="Clause of an obligation, when the CLM records it")


class UpcomingDeadlinesOutput(ToolOutput):
    as_of: date
    window_end: date
    deadlines: list[Deadline]
    next_cursor: str | None
    counterparties: CounterpartyScope | None = Field(default=None, description="Which counterparties it covers")
    _progress: _Progress | None = PrivateAttr(default=None)

    def audit_summary(self) -> AuditSummary:
        return AuditSummary(count=len(self.deadlines), record_ids=sorted({d.contract_id for d in self.deadlines}))

    def row_count(self) -> int:
        return len(self.deadlines) if self._progress is not None else 0

    def trimmed(self, keep: int) -> UpcomingDeadlinesOutput:
        assert self._progress is not None
        update = {"deadlines": self.deadlines[:keep], "next_cursor": self._progress.cursor_after(keep)}
        trimmed = self.model_copy(update=update)
        trimmed._progress = self._progress
        return trimmed


class _SourceState(BaseModel):
    model_config = ConfigDict(extra="forbid")
    c: str | None = Field(default=None, max_length=4000)  # CLM cursor of the page being read (None = first page)
    s: int = Field(default=0, ge=0, le=100)  # rows of that page already returned (a page holds at most 100)
    done: bool = False


class _MergeCursor(OpaqueCursor):
    """Per source, where the merge stands; keyed and bound to the query (and business date) by the toolkit."""

    v: Literal[1] = 1
    src: dict[Kind, _SourceState] = Field(max_length=len(KINDS))


class _Progress(BaseModel):
    """How far one page went in each source, so the server can cut the page shorter and still continue exactly."""

    as_of: str  # the business date the cursor is bound to
    before: dict[Kind, _SourceState]  # where each source stood when the page started
    fetched: dict[Kind, int]  # rows fetched and not yet shown, per source
    backend_next: dict[Kind, str | None]  # the CLM's cursor after the fetched page, per source
    order: list[Kind]  # the source of each row shown, in order

    def cursor_after(self, shown: int) -> str | None:
        used = dict.fromkeys(self.fetched, 0)
        for kind in self.order[:shown]:
            used[kind] += 1
        after: dict[Kind, _SourceState] = {}
        for kind, st in self.before.items():
            if kind not in self.fetched:
                after[kind] = st
            elif used[kind] < self.fetched[kind]:
                after[kind] = _SourceState(c=st.c, s=st.s + used[kind])
            elif self.backend_next[kind] is not None:
                after[kind] = _SourceState(c=self.backend_next[kind])
            else:
                after[kind] = _SourceState(done=True)
        if all(st.done for st in after.values()):
            return None
        return _MergeCursor(src=after).encode(as_of=self.as_of)


Fetch = Callable[[str | None, int], Awaitable[tuple[list[Deadline], str | None]]]


def _sources(
    args: UpcomingDeadlinesInput, ctx: ClmContext, start: date, end: date, scope: CounterpartyScope
) -> dict[Kind, Fetch]:
    as_of = ctx.as_of

    def contracts(kind: Kind) -> Fetch:
        async def fetch(cursor: str | None, limit: int) -> tuple[list[Deadline], str | None]:
            renewal = kind == "renewal_notice"
            filters = ContractFilters(
                **scope.filter_args,
                statuses=["active"],
                auto_renew=renewal,
                renewal_notice_after=start if renewal else None,
                renewal_notice_before=end if renewal else None,
                expires_after=None if renewal else start,
                expires_before=None if renewal else end,
                sort="renewal_notice_date" if renewal else "expiration_date",
            )
            page = await ctx.api.search_contracts(filters, limit=limit, cursor=cursor)
            rows = []
            for c in page.data:
                when = c.renewal_notice_date if renewal else c.expiration_date
                if when is None:
                    continue
                rows.append(
                    Deadline(
                        date=when,
                        days_remaining=(when - as_of).days,
                        kind=kind,
                        contract_id=c.id,
                        contract_number=clean_inline(c.number, 40),
                        title=clean_inline(c.title, 120),
                        counterparty=clean_inline(c.counterparty.name, 100),
                        what="last day to give notice of non-renewal" if renewal else "contract expires",
                        detail=(
                            f"otherwise renews automatically; current term ends {c.expiration_date}"
                            if renewal
                            else "does not renew automatically"
                        ),
                    )
                )
            return rows, page.next_cursor

        return fetch

    async def obligations(cursor: str | None, limit: int) -> tuple[list[Deadline], str | None]:
        filters = ObligationFilters(due_after=start, due_before=end, **scope.filter_args)
        page = await ctx.api.list_obligations(filters, limit=limit, cursor=cursor)
        rows = [
            Deadline(
                date=o.due_date,
                days_remaining=(o.due_date - as_of).days,
                kind="obligation",
                contract_id=o.contract_id,
                contract_number=clean_inline(o.contract_number, 40),
                title=None,
                counterparty=clean_inline(o.counterparty.name, 100),
                what=clean_inline(f"{o.party}: {o.description}", 160),
                detail=f"{o.category}; recurs every {o.recurrence}" if o.recurrence else o.category,
                section=None if o.section is None else clean_inline(o.section, 20),
            )
            for o in page.data
        ]
        return rows, page.next_cursor

    available: dict[Kind, Fetch] = {
        "renewal_notice": contracts("renewal_notice"),
        "expiry": contracts("expiry"),
        "obligation": obligations,
    }
    return {kind: available[kind] for kind in args.kinds}


async def upcoming_deadlines(args: UpcomingDeadlinesInput, ctx: ClmContext) -> UpcomingDeadlinesOutput:
    as_of = ctx.as_of
    start = as_of - timedelta(days=30) if args.include_past_due else as_of
    end = as_of + timedelta(days=args.within_days)
    scope = await resolve_counterparty(ctx, args.counterparty, args.counterparty_id)
    sources = _sources(args, ctx, start, end, scope)
    state = (
        _MergeCursor.parse(args.cursor, as_of=as_of.isoformat())
        if args.cursor
        else _MergeCursor(src={kind: _SourceState() for kind in sources})
    )
    active = {kind: st for kind, st in state.src.items() if not st.done and kind in sources}
    fetched = await asyncio.gather(*(sources[k](st.c, min(100, args.limit + st.s)) for k, st in active.items()))
    pending: dict[Kind, list[Deadline]] = {}
    next_clm: dict[Kind, str | None] = {}
    for (kind, st), (rows, nxt) in zip(active.items(), fetched, strict=True):
        pending[kind] = rows[st.s :]
        next_clm[kind] = nxt
    merged: list[tuple[date, Kind, int, Deadline]] = [
        (row.date, kind, i, row) for kind, rows in pending.items() for i, row in enumerate(rows)
    ]
    merged.sort(key=lambda item: (item[0], item[1], item[2]))
    # A source with rows beyond what was fetched bounds what may be shown: nothing dated after its last
    # fetched row, or a later page would have to show an earlier date.
    frontier = min(
        (rows[-1].date for kind, rows in pending.items() if rows and next_clm[kind] is not None), default=None
    )
    chosen = [item for item in merged if frontier is None or item[0] <= frontier][: args.limit]
    progress = _Progress(
        as_of=as_of.isoformat(),
        before=state.src,
        fetched={kind: len(rows) for kind, rows in pending.items()},
        backend_next=next_clm,
        order=[kind for _, kind, _, _ in chosen],
    )
    output = UpcomingDeadlinesOutput(
        as_of=as_of,
        window_end=end,
        deadlines=[row for _, _, _, row in chosen],
        next_cursor=progress.cursor_after(len(chosen)),
        counterparties=scope.reported,
    )
    output._progress = progress
    return output


def render(out: UpcomingDeadlinesOutput) -> str:
    note = scope_note(out.counterparties)  # which counterparties a name resolved to, first
    return f"{note}\n\n{_render(out)}" if note else _render(out)


def _render(out: UpcomingDeadlinesOutput) -> str:
    head = f"Deadlines from {out.as_of} to {out.window_end} (as of {out.as_of})"
    if not out.deadlines:
        return f"{head}: none found."
    rows = [
        [
            d.date,
            f"{d.days_remaining} days" if d.days_remaining >= 0 else f"{-d.days_remaining} days overdue",
            d.kind.replace("_", " "),
            d.contract_number,
            d.counterparty,
            d.what,
            d.section,
            d.contract_id,
        ]
        for d in out.deadlines
    ]
    lines = [
        f"**{head}: {len(out.deadlines)} on this page.**",
        "",
        table(["date", "remaining", "kind", "contract", "counterparty", "what", "section", "id"], rows, 90),
    ]
    if out.next_cursor:
        lines += [
            "",
            f"More: call {{tool:upcoming_deadlines}} again with the same arguments and cursor=`{out.next_cursor}`.",
        ]
    lines += [
        "",
        "Dates come from the CLM's records; confirm a notice clause with {tool:extract_obligations} before relying "
        "on it.",
    ]
    return "\n".join(lines)


TOOL = ToolSpec(
    name="upcoming_deadlines",
    title="Upcoming deadlines",
    description=(
        "Renewal-notice deadlines (last day to stop an auto-renewal), expiries of non-renewing contracts and "
        "obligation due dates across the whole portfolio within `within_days` of today, sorted by date, with "
        "days remaining. Filter by counterparty name or id. This answers 'which contracts with Acme renew in the "
        "next 90 days and by when must we give notice?'. Results page (20 by default): call again with "
        "next_cursor and the same arguments. Uses the CLM's server-side filters; only active contracts."
    ),
    input_model=UpcomingDeadlinesInput,
    output_model=UpcomingDeadlinesOutput,
    handler=upcoming_deadlines,
    render=render,
    permission=SCOPE_READ_CONTRACTS,
    example={"within_days": 365, "limit": 5},  # valid against the demo CLM
)
