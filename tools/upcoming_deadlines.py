"""The upcoming_deadlines tool: renewal-notice deadlines, expiries and obligation due dates in a window, by date.

Three date-sorted sources, each filtered by the CLM (never scanned client-side): auto-renewing
contracts by renewal-notice date, non-renewing contracts by expiry, tracked obligations by due date.
A page is a k-way merge of the three; the cursor records, per source, the CLM cursor of the page it
was reading and how many rows of that page were used, so no deadline is skipped or repeated.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from clm_client import ClmContext
from clm_client.client import SCOPE_READ_CONTRACTS
from clm_client.models import ContractFilters, ContractSummary, ObligationFilters
from plugin.toolkit.cursors import OpaqueCursor
from plugin.toolkit.errors import PluginError
from plugin.toolkit.inputs import Cursor, PageLimit, SearchText
from plugin.toolkit.markdown import table
from plugin.toolkit.spec import AuditSummary, ToolInput, ToolOutput, ToolSpec
from plugin.toolkit.untrusted import clean_inline
from tools.arguments import CounterpartyId
from tools.counterparty_scope import CounterpartyScope, check_known_id, resolve_counterparty, scope_note
from tools.terms_in_force import Fact, renewal_in_force, terms_in_force

Kind = Literal["renewal_notice", "expiry", "obligation"]
KINDS: tuple[Kind, ...] = ("renewal_notice", "expiry", "obligation")
RowKind = Literal["renewal_notice", "renewal_locked_in", "expiry", "obligation"]
Status = Literal["active", "draft", "in_negotiation", "pending_signature", "terminated", "expired"]
ENDED: frozenset[str] = frozenset({"terminated", "expired"})
# One CLM query each, merged by date. The *_ended sources only ever look back (an ended contract has no future).
SourceKey = Literal["renewal_notice", "renewal_locked_in", "expiry", "expiry_ended", "obligation", "obligation_ended"]
SOURCES_OF: dict[Kind, tuple[SourceKey, ...]] = {
    "renewal_notice": ("renewal_notice", "renewal_locked_in"),
    "expiry": ("expiry", "expiry_ended"),
    "obligation": ("obligation", "obligation_ended"),
}
# Obligations a renewal row already covers ("give notice of non-renewal"): one row per deadline.
OBLIGATION_CATEGORIES_BESIDE_RENEWALS = [
    "payment", "reporting", "notice", "delivery", "confidentiality", "data_protection", "insurance", "audit",
]  # fmt: skip
ENRICH_CONCURRENCY = 8


class UpcomingDeadlinesInput(ToolInput):
    within_days: int = Field(default=90, ge=1, le=1095, description="Days from today (the CLM's business date)")
    counterparty: SearchText | None = Field(
        default=None,
        description="Counterparty name as the user wrote it (the result says what it matched)",
    )
    counterparty_id: CounterpartyId | None = None
    kinds: list[Kind] = Field(
        default_factory=lambda: list(KINDS),
        min_length=1,
        max_length=3,
        description="Which deadlines; renewal_notice includes renewals locked in",
    )
    statuses: list[Status] = Field(
        default_factory=lambda: list[Status](["active"]),
        min_length=1,
        max_length=6,
        description="Contract statuses (default active); ended ones only show past ends, with include_past_due",
    )
    include_past_due: bool = Field(
        default=False, description="Also list expiries and obligations up to 30 days overdue"
    )
    limit: PageLimit = 20
    cursor: Cursor | None = None


class Deadline(ToolOutput):
    date: dt.date = Field(description="The deadline; for renewal_locked_in, the day the contract renews")
    days_remaining: int = Field(description="Negative when overdue")
    kind: RowKind
    contract_id: str
    contract_number: str
    title: str | None
    counterparty: str
    status: str = Field(description="The contract's status in the CLM")
    what: str = Field(
        description="What is due, e.g. 'last day to give notice of non-renewal' or 'notice missed: renewal locked "
        "in until 2027-12-21'"
    )
    detail: str | None
    section: str | None = Field(default=None, description="Clause that sets the deadline, when known")
    renewal_state: str | None = Field(
        default=None, description="Renewal rows: the state from the terms in force (as {tool:extract_obligations})"
    )
    missed_on: dt.date | None = Field(default=None, description="renewal_locked_in: the notice deadline that passed")
    renewal_date: dt.date | None = Field(default=None, description="Renewal rows: the day the current term renews")
    locked_in_until: dt.date | None = Field(default=None, description="renewal_locked_in: end of the renewal term")
    flags: list[str] = Field(default_factory=list, description="CLM record vs document text disagreements")


class UpcomingDeadlinesOutput(ToolOutput):
    as_of: date
    window_end: date
    statuses: list[str]
    deadlines: list[Deadline]
    total: int | None = Field(description="Deadlines in the window with these filters, on every page (null: unknown)")
    total_unknown: str | None = Field(default=None, description="Why the total is unknown, when it is")
    next_cursor: str | None
    counterparties: CounterpartyScope | None = Field(default=None, description="Which counterparties it covers")
    not_covered: int | None = Field(
        default=None,
        description="Contracts with these filters that the CLM holds as imported from a file, with no dates "
        "recorded: their deadlines cannot be listed here (first page only)",
    )
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

    v: Literal[2] = 2
    src: dict[SourceKey, _SourceState] = Field(max_length=6)
    # The total counted on the first page (None: unknown), so a later page, whose sources may be done, says it too.
    n: int | None = Field(default=None, ge=0)


class _Progress(BaseModel):
    """How far one page went in each source, so the server can cut the page shorter and still continue exactly."""

    as_of: str  # the business date the cursor is bound to
    before: dict[SourceKey, _SourceState]  # where each source stood when the page started
    fetched: dict[SourceKey, int]  # rows fetched and not yet shown, per source
    backend_next: dict[SourceKey, str | None]  # the CLM's cursor after the fetched page, per source
    order: list[SourceKey]  # the source of each row shown, in order
    total: int | None  # carried in every cursor

    def cursor_after(self, shown: int) -> str | None:
        used = dict.fromkeys(self.fetched, 0)
        for kind in self.order[:shown]:
            used[kind] += 1
        after: dict[SourceKey, _SourceState] = {}
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
        return _MergeCursor(src=after, n=self.total).encode(as_of=self.as_of)


# (rows, the CLM's next cursor, the date of the last row the CLM returned - rows may be filtered out below it -,
# and how many rows the CLM counts for the whole query: None when it does not say)
Fetch = Callable[[str | None, int], Awaitable[tuple[list[Deadline], str | None, date | None, int | None]]]


def _sources(
    args: UpcomingDeadlinesInput,
    ctx: ClmContext,
    start: date,
    end: date,
    scope: CounterpartyScope,
    listed: dict[str, ContractSummary],
) -> dict[SourceKey, Fetch]:
    """The CLM queries of this call; `listed` collects the contract rows read (renewal rows are restated from them)."""
    as_of = ctx.as_of
    live = [s for s in args.statuses if s not in ENDED]
    ended = [s for s in args.statuses if s in ENDED]
    yesterday = as_of - timedelta(days=1)

    def contracts(key: SourceKey) -> Fetch:
        renewal = key in ("renewal_notice", "renewal_locked_in")
        if key == "renewal_notice":
            filters = ContractFilters(
                auto_renew=True, renewal_notice_after=as_of, renewal_notice_before=end, sort="renewal_notice_date"
            )
        elif key == "renewal_locked_in":  # the notice day has passed and the term renews inside the window
            filters = ContractFilters(
                auto_renew=True,
                renewal_notice_before=yesterday,
                expires_after=as_of,
                expires_before=end,
                sort="expiration_date",
            )
        elif key == "expiry":
            filters = ContractFilters(auto_renew=False, expires_after=start, expires_before=end, sort="expiration_date")
        else:
            filters = ContractFilters(expires_after=start, expires_before=yesterday, sort="expiration_date")
        filters = filters.model_copy(update={**scope.filter_args, "statuses": ended if key == "expiry_ended" else live})

        async def fetch(cursor: str | None, limit: int) -> tuple[list[Deadline], str | None, date | None, int | None]:
            page = await ctx.api.search_contracts(filters, limit=limit, cursor=cursor)
            rows = []
            for c in page.data:
                listed[c.id] = c
                when = c.renewal_notice_date if key == "renewal_notice" else c.expiration_date
                if when is None:
                    continue
                if key == "renewal_notice":
                    what, detail = (
                        "last day to give notice of non-renewal",
                        (f"otherwise renews automatically on {c.expiration_date}"),
                    )
                elif key == "renewal_locked_in":
                    what, detail = (
                        "notice missed: renewal locked in",
                        (f"the notice deadline {c.renewal_notice_date} passed; renews on {c.expiration_date}"),
                    )
                elif key == "expiry":
                    what, detail = "contract expires", "does not renew automatically"
                else:
                    what, detail = f"contract ended ({clean_inline(c.status, 30)})", "no future deadline"
                rows.append(
                    Deadline(
                        date=when,
                        days_remaining=(when - as_of).days,
                        kind="expiry" if key == "expiry_ended" else key,
                        contract_id=c.id,
                        contract_number=clean_inline(c.number, 40),
                        title=clean_inline(c.title, 120),
                        counterparty=clean_inline(c.counterparty.name, 100),
                        status=clean_inline(c.status, 30),
                        what=what,
                        detail=detail,
                        missed_on=c.renewal_notice_date if key == "renewal_locked_in" else None,
                        renewal_date=c.expiration_date if renewal else None,
                    )
                )
            # Every contract the CLM matches is a row (its filters require the row's date): its count is the total.
            return rows, page.next_cursor, rows[-1].date if rows else None, page.total

        return fetch

    def obligations(key: SourceKey) -> Fetch:
        wanted = ended if key == "obligation_ended" else live
        filters = ObligationFilters(
            due_after=start,
            due_before=yesterday if key == "obligation_ended" else end,
            **scope.filter_args,
            categories=OBLIGATION_CATEGORIES_BESIDE_RENEWALS if "renewal_notice" in args.kinds else [],
            # Filtered by the CLM, so the count it returns is the count of the rows listed here.
            statuses=list(wanted),
        )

        async def fetch(cursor: str | None, limit: int) -> tuple[list[Deadline], str | None, date | None, int | None]:
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
                    status=clean_inline(o.contract_status or "unknown (the CLM does not say)", 40),
                    what=clean_inline(f"{o.party}: {o.description}", 160),
                    detail=f"{o.category}; {_recurs(o.recurrence)}" if o.recurrence else o.category,
                    section=None if o.section is None else clean_inline(o.section, 20),
                )
                for o in page.data
                # Again here: a CLM that ignored the status filter must not show other contracts' rows.
                if o.contract_status is None or o.contract_status in wanted
            ]
            # A CLM that ignored the filter (a row of another status came back) counted other rows too.
            counted = page.total if len(rows) == len(page.data) else None
            return rows, page.next_cursor, page.data[-1].due_date if page.data else None, counted

        return fetch

    wanted: dict[SourceKey, Fetch] = {}
    for kind in args.kinds:
        for key in SOURCES_OF[kind]:
            looks_back_only = key.endswith("_ended")
            if (looks_back_only and (not ended or start > yesterday)) or (not looks_back_only and not live):
                continue  # nothing this source could list: skip the CLM query
            wanted[key] = obligations(key) if kind == "obligation" else contracts(key)
    return wanted


def _recurs(recurrence: str) -> str:
    from analysis import from_iso  # not at the top: analysis/ is not needed for initialize or tools/list

    duration = from_iso(recurrence)
    return f"recurs every {duration.display}" if duration is not None else "recurs"


def _section(facts: dict[str, Fact]) -> str | None:
    notice = facts.get("renewal_notice_period") or facts.get("auto_renewal")
    if notice is None:
        return None
    if notice.set_by:
        return notice.set_by  # "amendment ctr_000123 §2.1"
    return notice.citation.section if notice.citation is not None else None


async def _in_force(ctx: ClmContext, rows: list[Deadline], listed: dict[str, ContractSummary]) -> list[Deadline]:
    """Renewal rows restated from the terms in force (record, text + amendments when needed, status), exactly as
    {tool:extract_obligations} states them: one function decides the renewal state for both tools."""
    renewal_ids = sorted({r.contract_id for r in rows if r.kind in ("renewal_notice", "renewal_locked_in")})
    if not renewal_ids:
        return rows
    # The clause of each renewal notice the CLM tracks (its record has no section of its own): one query a page.
    tracked = await ctx.api.list_obligations(
        ObligationFilters(contract_ids=renewal_ids, categories=["renewal"]), limit=100
    )
    sections = {o.contract_id: o.section for o in reversed(tracked.data) if o.section}
    gate = asyncio.Semaphore(ENRICH_CONCURRENCY)

    async def restate(row: Deadline) -> Deadline:
        if row.kind not in ("renewal_notice", "renewal_locked_in"):
            return row
        async with gate:
            contract = listed.get(row.contract_id) or await ctx.api.get_contract(row.contract_id)
            renewal, state, facts, detail = await renewal_in_force(ctx, contract)
            section = _section(facts) or sections.get(row.contract_id)
            if section is None:  # neither the CLM nor a cached reading knows the clause: read the text (once)
                found = await terms_in_force(ctx, detail or await ctx.api.get_contract(row.contract_id))
                renewal, state, facts = found.renewal, found.state, found.facts
                section = _section(facts)
        as_of = ctx.as_of
        flags = list(renewal.disagreements)
        update: dict[str, object] = {
            "renewal_state": state.state,
            "section": None if section is None else clean_inline(section, 60),
            "flags": flags,
            "detail": clean_inline(renewal.explanation, 300),
        }
        if state.state == "notice_open" and state.notice_deadline is not None:
            update |= {
                "kind": "renewal_notice",
                "date": state.notice_deadline,
                "what": f"last day to give notice of non-renewal (renews on {state.current_term_end})",
                "renewal_date": state.current_term_end,
                "missed_on": None,
                "locked_in_until": None,
            }
        elif state.state == "notice_missed_locked_in" and state.renewal_date is not None:
            until = state.locked_in_until or "the end of a renewal term the text does not state"
            update |= {
                "kind": "renewal_locked_in",
                "date": state.renewal_date,
                "what": f"notice missed on {state.missed_on}: renewal locked in until {until} "
                f"(renews on {state.renewal_date})",
                "renewal_date": state.renewal_date,
                "missed_on": state.missed_on,
                "locked_in_until": state.locked_in_until,
            }
        else:  # the text (as amended) or the status does not give this deadline: say so, do not resolve it
            flags.append(
                clean_inline(
                    f"the CLM record gives this deadline, but the terms in force say: {renewal.explanation}",
                    300,
                )
            )
        when = update.get("date", row.date)
        assert isinstance(when, date)
        update["days_remaining"] = (when - as_of).days
        return row.model_copy(update=update)

    return list(await asyncio.gather(*(restate(row) for row in rows)))


async def upcoming_deadlines(args: UpcomingDeadlinesInput, ctx: ClmContext) -> UpcomingDeadlinesOutput:
    as_of = ctx.as_of
    start = as_of - timedelta(days=30) if args.include_past_due else as_of
    end = as_of + timedelta(days=args.within_days)
    scope = await resolve_counterparty(ctx, args.counterparty, args.counterparty_id)
    listed: dict[str, ContractSummary] = {}
    sources = _sources(args, ctx, start, end, scope, listed)
    state = (
        _MergeCursor.parse(args.cursor, as_of=as_of.isoformat())
        if args.cursor
        else _MergeCursor(src={kind: _SourceState() for kind in sources})
    )
    active = {kind: st for kind, st in state.src.items() if not st.done and kind in sources}
    fetched, not_covered = await asyncio.gather(
        asyncio.gather(*(sources[k](st.c, min(100, args.limit + st.s)) for k, st in active.items())),
        _undated(ctx, args, scope) if not args.cursor else _none(),
    )
    pending: dict[SourceKey, list[Deadline]] = {}
    next_clm: dict[SourceKey, str | None] = {}
    last_read: dict[SourceKey, date | None] = {}
    counts: dict[SourceKey, int | None] = {}
    for (kind, st), (rows, nxt, last, count) in zip(active.items(), fetched, strict=True):
        pending[kind] = rows[st.s :]
        next_clm[kind] = nxt
        last_read[kind] = last
        counts[kind] = count
    # Counted once, on the first page (every source is read there), and carried in the cursor.
    uncounted = sorted(kind for kind, count in counts.items() if count is None)
    first_total = None if uncounted else sum(count or 0 for count in counts.values())
    total = state.n if args.cursor else first_total
    merged: list[tuple[date, SourceKey, int, Deadline]] = [
        (row.date, kind, i, row) for kind, rows in pending.items() for i, row in enumerate(rows)
    ]
    merged.sort(key=lambda item: (item[0], item[1], item[2]))
    # A source with rows beyond what was fetched bounds what may be shown: nothing dated after its last
    # fetched row, or a later page would have to show an earlier date.
    frontier = min(
        (last for kind, last in last_read.items() if last is not None and next_clm[kind] is not None), default=None
    )
    chosen = [item for item in merged if frontier is None or item[0] <= frontier][: args.limit]
    if not chosen and not args.cursor:
        await check_known_id(ctx, scope)
    progress = _Progress(
        as_of=as_of.isoformat(),
        before=state.src,
        fetched={kind: len(rows) for kind, rows in pending.items()},
        backend_next=next_clm,
        order=[kind for _, kind, _, _ in chosen],
        total=total,
    )
    output = UpcomingDeadlinesOutput(
        as_of=as_of,
        window_end=end,
        statuses=list(args.statuses),
        deadlines=await _in_force(ctx, [row for _, _, _, row in chosen], listed),
        total=total,
        total_unknown=None if total is not None else _why_uncounted(uncounted, bool(args.cursor)),
        next_cursor=progress.cursor_after(len(chosen)),
        counterparties=scope.reported,
        not_covered=not_covered,
    )
    output._progress = progress
    return output


async def _none() -> None:
    return None


async def _undated(ctx: ClmContext, args: UpcomingDeadlinesInput, scope: CounterpartyScope) -> int | None:
    """How many contracts with these filters were imported from files and so have no dates in the CLM record
    (their deadlines are in their text only); None when there are none or the CLM cannot tell."""
    filters = ContractFilters(source="imported", statuses=list(args.statuses)).model_copy(update=scope.filter_args)
    try:
        page = await ctx.api.search_contracts(filters, limit=1)
    except PluginError:
        return None  # a CLM without the filter: nothing to say, and the deadlines themselves still stand
    if not page.data or page.data[0].source != "imported":
        return None  # none, or a CLM that ignored the filter (its rows are not imported ones)
    return page.total


def _why_uncounted(sources: list[SourceKey], later_page: bool) -> str:
    if later_page:
        return "the CLM did not count every source of the first page, so no total was carried to this one"
    words = ", ".join(key.replace("_", " ") for key in sources)
    return f"the CLM did not count the matching rows of: {words}"


def render(out: UpcomingDeadlinesOutput) -> str:
    note = scope_note(out.counterparties)  # which counterparties a name resolved to, first
    return f"{note}\n\n{_render(out)}" if note else _render(out)


def _shown(out: UpcomingDeadlinesOutput) -> str:
    if out.total is not None:
        return f"showing {len(out.deadlines)} of {out.total:,}"
    return f"{len(out.deadlines)} on this page, total unknown ({out.total_unknown})"


def _render(out: UpcomingDeadlinesOutput) -> str:
    text = _render_rows(out)
    if out.not_covered:
        text += (
            f"\n\nNot covered: {out.not_covered:,} contract(s) with these filters were imported from files and have "
            "no dates in the CLM record, so their deadlines cannot be listed here. Find them with "
            "{tool:search_contracts} and read each with {tool:extract_obligations}."
        )
    return text


def _render_rows(out: UpcomingDeadlinesOutput) -> str:
    head = f"Deadlines from {out.as_of} to {out.window_end} (as of {out.as_of}), contracts {', '.join(out.statuses)}"
    if not out.deadlines:
        return (
            f"{head}: none found."
            if out.next_cursor is None
            else f"{head}: none on this page; continue with cursor=`{out.next_cursor}`."
        )
    rows = [
        [
            d.date,
            f"{d.days_remaining} days" if d.days_remaining >= 0 else f"{-d.days_remaining} days overdue",
            d.kind.replace("_", " "),
            d.contract_number,
            d.counterparty,
            d.status,
            d.what,
            d.section,
            "; ".join(d.flags) or None,
            d.contract_id,
        ]
        for d in out.deadlines
    ]
    lines = [
        f"**{head}: {_shown(out)}.**",
        "",
        table(
            ["date", "remaining", "kind", "contract", "counterparty", "status", "what", "section", "flags", "id"],
            rows,
            300,
        ),
    ]
    if out.next_cursor:
        lines += [
            "",
            f"More: call {{tool:upcoming_deadlines}} again with the same arguments and cursor=`{out.next_cursor}`.",
        ]
    lines += [
        "",
        "Renewal rows are the terms in force (text and amendments, as {tool:extract_obligations} reads them); "
        "'renewal locked in' means the notice day has passed and the contract renews on the date shown. Flags are "
        "record-vs-text disagreements to resolve, not resolved here.",
    ]
    return "\n".join(lines)


TOOL = ToolSpec(
    name="upcoming_deadlines",
    title="Upcoming deadlines",
    description=(
        "Deadlines across the portfolio within `within_days` of today, by date: renewal-notice deadlines, "
        "renewals already locked in (notice missed, renews in the window), expiries and obligation due dates, "
        "with days left, section and status; one row per deadline, agreeing with {tool:extract_obligations}. "
        "Filter by counterparty and `statuses` (default active; ended contracts never get a future deadline). "
        "Paged: call again with next_cursor."
    ),
    input_model=UpcomingDeadlinesInput,
    output_model=UpcomingDeadlinesOutput,
    handler=upcoming_deadlines,
    render=render,
    permission=SCOPE_READ_CONTRACTS,
    example={"within_days": 365, "limit": 5},  # valid against the demo CLM
)
