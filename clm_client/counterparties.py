"""Resolving a counterparty name as people write it, with the CLM's own counterparty search.

The policy every counterparty filter follows (the tools through `tools.counterparty_scope`, and the
client itself for a `counterparty` name filter, so no caller can get a silent empty answer):

- one clear best match: that counterparty;
- several equally good ones ("Redwood Data" for "Redwood Data Inc." and "Redwood Data Ltd"), or a fragment
  naming several ("Acme"): all of them;
- only spelling-level (fuzzy) matches: the closest spelling(s), flagged;
- nothing: `[not_found]` naming the closest counterparties (those sharing a word with the name).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from plugin.toolkit.untrusted import clean_inline

if TYPE_CHECKING:
    from clm_client.client import ClmClient
    from clm_client.models import Counterparty

STRONG: Final = frozenset({"exact", "normalised", "suffix", "transliteration"})  # the same name, written otherwise
CANDIDATES: Final = 50  # candidates read per name (the CLM's page maximum is 100)
FUZZY_MARGIN: Final = 0.02  # spelling-level candidates this close to the best are used with it
_WORD: Final = re.compile(r"\w{4,}")


def pick(candidates: list[Counterparty]) -> tuple[list[Counterparty], bool]:
    """The candidates a filter covers (best first; `candidates` must be non-empty, ranked), and whether
    they are only spelling-level matches."""
    best = candidates[0]
    kind, score = best.match or "contains", best.score if best.score is not None else 0.0
    if kind in STRONG:
        return [c for c in candidates if c.match in STRONG and (c.score or 0.0) >= score], False
    if kind == "contains":
        return [c for c in candidates if c.match == "contains"], False  # "Acme": every Acme entity
    return [c for c in candidates if (c.score or 0.0) >= score - FUZZY_MARGIN], True


async def closest(api: ClmClient, name: str, limit: int = 3) -> list[Counterparty]:
    """Counterparties sharing a word with `name` (its longest words first), for when the name matches none."""
    found: dict[str, Counterparty] = {}
    for word in sorted(set(_WORD.findall(name)), key=len, reverse=True)[:3]:
        for c in (await api.search_counterparties(word, limit=limit)).data:
            found.setdefault(c.id, c)
        if len(found) >= limit:
            break
    return list(found.values())[:limit]


def no_match_message(name: str, near: list[tuple[str, str]], *, advice: bool = True) -> str:
    """The `[not_found]` text: the name, and the closest (name, id) pairs."""
    shown = clean_inline(name, 80)
    listed = ", ".join(f"{clean_inline(n, 120)} (`{i}`)" for n, i in near)
    hint = f"; closest: {listed}" if near else " (nor does any counterparty share a word with it)"
    then = " Check the name with {tool:find_counterparties}, then pass counterparty_id." if advice else ""
    return f"No counterparty matches '{shown}'{hint}.{then}"
