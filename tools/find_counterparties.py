"""The find_counterparties tool: resolve a counterparty name as people write it to the CLM's counterparties."""

from __future__ import annotations

from pydantic import Field, PrivateAttr

from clm_client import ClmContext
from clm_client.client import SCOPE_READ_CONTRACTS
from clm_client.counterparties import closest, no_match_message
from clm_client.models import Counterparty
from plugin.toolkit.cursors import PageCursor
from plugin.toolkit.inputs import Cursor, PageLimit, SearchText
from plugin.toolkit.markdown import cell, table
from plugin.toolkit.spec import AuditSummary, ToolInput, ToolOutput, ToolSpec
from plugin.toolkit.untrusted import clean_inline
from tools.counterparty_scope import CounterpartyUsed


class FindCounterpartiesInput(ToolInput):
    name: SearchText = Field(description="The name as the user wrote it, e.g. 'ACME Corp.'")
    limit: PageLimit = 10
    cursor: Cursor | None = None


class Candidate(ToolOutput):
    id: str = Field(description="Pass as counterparty_id to the other tools")
    name: str
    country: str | None
    contract_count: int | None = Field(description="All contracts with this counterparty")
    contracts_by_status: dict[str, int]
    match: str | None = Field(
        description="Why it is a candidate: exact, normalised (case/accents/punctuation/spacing), suffix (legal "
        "form), transliteration (ue = ü, Harbour = Harbor), contains (a fragment of the name) or fuzzy (typo)"
    )
    score: float | None = Field(description="0-1, 1 = exact; candidates come best first")


class FindCounterpartiesOutput(ToolOutput):
    name: str
    candidates: list[Candidate]
    total: int | None = Field(description="Candidates for the name, across all pages (null: unknown)")
    next_cursor: str | None = Field(description="Pass as `cursor` (same name) for the next page")
    closest: list[CounterpartyUsed] = Field(
        default_factory=list, description="When nothing matches: counterparties sharing a word with the name"
    )
    _position: PageCursor = PrivateAttr(default_factory=lambda: PageCursor(backend_cursor=None))

    def audit_summary(self) -> AuditSummary:
        return AuditSummary(count=len(self.candidates), record_ids=[c.id for c in self.candidates])

    def row_count(self) -> int:
        return len(self.candidates)

    def trimmed(self, keep: int) -> FindCounterpartiesOutput:
        after = self._position.after(keep)
        trimmed = self.model_copy(update={"candidates": self.candidates[:keep], "next_cursor": after.encode()})
        trimmed._position = self._position
        return trimmed


def _candidate(c: Counterparty) -> Candidate:
    return Candidate(
        id=c.id,
        name=clean_inline(c.name, 120),
        country=None if c.country is None else clean_inline(c.country, 8),
        contract_count=c.contract_count,
        contracts_by_status={clean_inline(k, 30): v for k, v in c.contracts_by_status.items()},
        match=None if c.match is None else clean_inline(c.match, 20),
        score=c.score,
    )


def _near(c: Counterparty) -> CounterpartyUsed:
    return CounterpartyUsed(id=c.id, name=clean_inline(c.name, 120), match=c.match, score=c.score)


async def find_counterparties(args: FindCounterpartiesInput, ctx: ClmContext) -> FindCounterpartiesOutput:
    position = PageCursor.decode(args.cursor)
    page = await ctx.api.search_counterparties(args.name, limit=args.limit, cursor=position.backend_cursor)
    rows = [_candidate(c) for c in page.data[position.skip : position.skip + args.limit]]
    if position.skip + len(rows) < len(page.data):
        next_cursor: str | None = PageCursor(
            backend_cursor=position.backend_cursor, skip=position.skip + len(rows)
        ).encode()
    else:
        next_cursor = None if page.next_cursor is None else PageCursor(backend_cursor=page.next_cursor).encode()
    near = await closest(ctx.api, args.name) if not page.data and args.cursor is None else []
    output = FindCounterpartiesOutput(
        name=clean_inline(args.name, 200),
        candidates=rows,
        total=page.total,
        next_cursor=next_cursor,
        closest=[_near(c) for c in near],
    )
    output._position = position
    return output


def render(out: FindCounterpartiesOutput) -> str:
    if not out.candidates:
        if not out.total and out.next_cursor is None:
            return no_match_message(out.name, [(c.name, c.id) for c in out.closest], advice=False) + " Ask the user."
        return f"No more candidates for '{out.name}'."
    total = f"{out.total:,}" if out.total is not None else "an unknown number of"
    lines = [f"**{total} counterparties match '{out.name}'; {len(out.candidates)} on this page, best first.**", ""]
    lines.append(
        table(
            ["id", "name", "country", "contracts", "by status", "match", "score"],
            [
                [
                    c.id,
                    c.name,
                    c.country,
                    c.contract_count,
                    ", ".join(f"{k} {v}" for k, v in c.contracts_by_status.items()),
                    c.match,
                    None if c.score is None else f"{c.score:.2f}",
                ]
                for c in out.candidates
            ],
            max_cell=80,
        )
    )
    lines += [
        "",
        "Pass the id as counterparty_id to {tool:search_contracts} or {tool:upcoming_deadlines}. Ask the user "
        "when several could be meant; 'fuzzy' matches are spelling guesses.",
    ]
    if out.next_cursor:
        lines.append(
            "More: call {tool:find_counterparties} again with the same name and "
            f"cursor=`{cell(out.next_cursor, 2000)}`."
        )
    return "\n".join(lines)


TOOL = ToolSpec(
    name="find_counterparties",
    title="Find counterparties",
    description=(
        "Resolve a counterparty name as the user wrote it to the CLM's counterparties, best first: id, "
        "country, contract counts by status, why it matches and a 0-1 score. Tolerates legal forms, case, "
        "accents, punctuation, spacing, spellings (Müller = Mueller) and typos. Use it first when the user "
        "names a counterparty, then pass counterparty_id; if several could be meant, ask."
    ),
    input_model=FindCounterpartiesInput,
    output_model=FindCounterpartiesOutput,
    handler=find_counterparties,
    render=render,
    permission=SCOPE_READ_CONTRACTS,
    example={"name": "Acme Corp."},  # valid against the demo CLM
)
