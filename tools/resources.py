"""Contracts as MCP resources (records, document text, a counterparty's contracts) and argument completion.

Each resource is served by running its tool (so scopes, audit, sanitising, delimiting and the output
budget apply unchanged); this module only says how a URI maps to the tool's arguments and how to
complete a URI parameter from the CLM.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from clm_client import ClmContext
from clm_client.models import ContractFilters
from plugin.toolkit.untrusted import clean_inline

MAX_SCAN_PAGES = 5  # contract-id completion reads at most 500 contracts (by number), then stops
PAGE = 100


async def complete_contract_ids(ctx: ClmContext, prefix: str) -> Sequence[str]:
    """Contract ids whose id or number starts with `prefix` (case-insensitive), in number order."""
    wanted = prefix.strip().lower()
    found: list[str] = []
    cursor: str | None = None
    for _ in range(MAX_SCAN_PAGES):
        page = await ctx.api.search_contracts(ContractFilters(sort="number"), limit=PAGE, cursor=cursor)
        found += [c.id for c in page.data if c.id.lower().startswith(wanted) or c.number.lower().startswith(wanted)]
        cursor = page.next_cursor
        if cursor is None or len(found) > 100:
            break
    return found


async def complete_counterparties(ctx: ClmContext, prefix: str) -> Sequence[str]:
    """Counterparty names containing `prefix` (the CLM's name search); names starting with it first."""
    wanted = prefix.strip()
    page = await ctx.api.search_counterparties(wanted, limit=100)
    names = [clean_inline(c.name, 120) for c in page.data]
    starts = [n for n in names if n.lower().startswith(wanted.lower())]
    return starts + [n for n in names if n not in starts]


def contract_record(contract_id: str) -> Mapping[str, object]:
    return {"contract_id": contract_id}


def contract_text(contract_id: str, offset: str = "") -> Mapping[str, object]:
    # A bad offset is left to the tool's own validation (a clear invalid_argument), never guessed.
    return {"contract_id": contract_id, "offset": int(offset) if offset.isdigit() else (offset or 0)}


def counterparty_contracts(counterparty: str) -> Mapping[str, object]:
    return {"counterparty": counterparty, "limit": 50}
