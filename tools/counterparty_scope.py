"""Resolving a counterparty name to the CLM's counterparties, for every tool that filters by counterparty.

A name as the user writes it ("ACME Corp.", "Mueller", "OBrien") goes to the CLM's own counterparty
search (legal forms, accents, punctuation, spellings and typos tolerated, candidates ranked by score);
`clm_client.counterparties.pick` chooses which candidates a filter covers. The tool filters by their
ids and says which; a name matching nothing is a `[not_found]` error naming the closest.

Tools call `resolve_counterparty` once, splat `scope.filter_args` into their CLM filters, put
`scope.reported` in their output and `scope_note(...)` in their Markdown.
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import Field

from clm_client import ClmContext
from clm_client.counterparties import CANDIDATES, closest, no_match_message, pick
from clm_client.models import ContractFilters, Counterparty
from plugin.toolkit.errors import InvalidArgument, NotFound
from plugin.toolkit.spec import ToolOutput
from plugin.toolkit.untrusted import clean_inline

MAX_USED: Final = 20  # counterparties one filter covers; more are named as left out


class CounterpartyUsed(ToolOutput):
    id: str
    name: str
    match: str | None = Field(default=None, description="Why it matched the name: exact ... fuzzy")
    score: float | None = Field(default=None, description="0-1, 1 = exact")


class CounterpartyScope(ToolOutput):
    """Which counterparties a result covers, and why."""

    query: str | None = Field(description="The counterparty name as given (null: only an id was given)")
    used: list[CounterpartyUsed] = Field(description="The counterparties the result covers")
    left_out: int = Field(default=0, description="Further counterparties matching the name, not covered")
    fuzzy: bool = Field(default=False, description="No name matched; the closest spelling(s) were used")
    by_name: bool = Field(
        default=False, description="The CLM cannot resolve names: filtered by 'name contains' (no ids)"
    )

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.used]

    @property
    def filter_args(self) -> dict[str, Any]:
        """Keyword arguments for `ContractFilters` / `ObligationFilters` (empty: no counterparty filter)."""
        if self.by_name:
            return {"counterparty": self.query}
        return {"counterparty_ids": self.ids} if self.used else {}

    @property
    def reported(self) -> CounterpartyScope | None:
        """What the tool's output carries (None when the call had no counterparty filter)."""
        return self if self.used or self.by_name else None


def _used(c: Counterparty) -> CounterpartyUsed:
    return CounterpartyUsed(id=c.id, name=clean_inline(c.name, 120), match=c.match, score=c.score)


def describe(c: CounterpartyUsed) -> str:
    return f"{c.name} (`{c.id}`)"


async def resolve_counterparty(ctx: ClmContext, name: str | None, counterparty_id: str | None) -> CounterpartyScope:
    """The counterparties a `counterparty` name (and/or `counterparty_id`) filter covers; raises if none."""
    if name is None:
        used = [] if counterparty_id is None else [CounterpartyUsed(id=counterparty_id, name=counterparty_id)]
        return CounterpartyScope(query=None, used=used)
    try:
        page = await ctx.api.search_counterparties(name, limit=CANDIDATES)
    except NotFound:  # a CLM without a counterparty search: its own "name contains" filter, said so
        if counterparty_id is not None:
            return CounterpartyScope(query=None, used=[CounterpartyUsed(id=counterparty_id, name=counterparty_id)])
        return CounterpartyScope(query=name, used=[], by_name=True)
    candidates = page.data
    if counterparty_id is not None:
        chosen = [c for c in candidates if c.id == counterparty_id]
        if not chosen:
            raise InvalidArgument(
                f"counterparty_id '{counterparty_id}' is not a counterparty matching counterparty "
                f"'{clean_inline(name, 80)}'; give one of the two."
            )
        return CounterpartyScope(query=name, used=[_used(chosen[0])])
    if not candidates:
        raise NotFound(no_match_message(name, [(c.name, c.id) for c in await closest(ctx.api, name)]))
    chosen, fuzzy = pick(candidates)
    total = page.total if page.total is not None else len(candidates)
    matching = len(chosen) + (max(0, total - len(candidates)) if chosen[-1] is candidates[-1] else 0)
    return CounterpartyScope(
        query=name,
        used=[_used(c) for c in chosen[:MAX_USED]],
        left_out=max(0, matching - MAX_USED),
        fuzzy=fuzzy,
    )


async def check_known_id(ctx: ClmContext, scope: CounterpartyScope) -> None:
    """Raise `[not_found]` when a `counterparty_id` given on its own names no counterparty with any contract.

    Called when a filtered answer came back empty: the CLM filters by an unknown id as by a known one with
    nothing in range, and an empty answer would then read as "no contracts" for a counterparty that is not
    there (a mistyped or stale id), where an unknown name is an error."""
    if scope.query is not None or scope.by_name or len(scope.used) != 1:
        return
    wanted = scope.used[0].id
    page = await ctx.api.search_contracts(ContractFilters(counterparty_ids=[wanted]), limit=1)
    if page.data or page.total:
        return
    raise NotFound(
        f"No counterparty '{wanted}' with any contract is known to the CLM (or visible to you): the id is "
        "mistyped, stale or from another system. Find the counterparty's id with {tool:find_counterparties}."
    )


def scope_note(scope: CounterpartyScope | None) -> str | None:
    """One Markdown line saying which counterparties the result covers (None: no counterparty filter)."""
    if scope is None:
        return None
    if scope.by_name:
        return f"Counterparty: names containing '{clean_inline(scope.query or '', 80)}' (the CLM cannot resolve names)."
    names = ", ".join(describe(c) for c in scope.used)
    if scope.query is None:
        return f"Counterparty: `{scope.used[0].id}`." if scope.used else None
    asked = clean_inline(scope.query, 80)
    if scope.fuzzy:
        line = f"No counterparty is named '{asked}'; using the closest spelling: {names}. Check it is the one meant."
    elif len(scope.used) == 1:
        only = scope.used[0]
        how = "" if only.match in (None, "exact") else f", {only.match} match"
        line = f"Counterparty '{asked}' = {only.name} (`{only.id}`{how})."
    else:
        line = (
            f"Counterparty '{asked}' matches {len(scope.used) + scope.left_out} counterparties; this covers "
            f"{'all' if not scope.left_out else 'the best ' + str(len(scope.used))}: {names}. Pass counterparty_id "
            "to narrow it to one."
        )
    if scope.left_out:
        line += f" {scope.left_out} more match and are not covered: see {{tool:find_counterparties}}."
    return line
