"""Aggregation for a CLM without an aggregation endpoint: walk the search pages, concurrently, up to a limit.

The walk is split into one stream per status (the statuses asked for, or the common ones), each paged
serially with the CLM's cursor, all at once. One more request counts every match without a status
split, so contracts in a status the streams do not cover, or beyond the limit, make the result
`complete=False` with the number covered - never a silently smaller total.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from clm_client.models import Aggregate, AggregateGroup, ContractFilters, ContractSummary, MoneySum

if TYPE_CHECKING:
    from clm_client.client import ClmClient, DateField, GroupBy

MAX_PAGED: Final = 20_000  # contracts read in all for one aggregate; beyond it the result is partial
PAGE: Final = 100
STATUSES: Final = ("active", "expired", "terminated", "draft", "in_negotiation", "pending_signature")


def _month(contract: ContractSummary, field: DateField | None) -> str | None:
    if field == "renewal_date":
        value = contract.expiration_date if contract.auto_renew else None
    elif field in ("expiration_date", "renewal_notice_date", "effective_date"):
        value = getattr(contract, field)
    else:
        value = None  # the search rows do not carry it: counted under "no date"
    return None if value is None else value.isoformat()[:7]


def _key_of(group_by: GroupBy, date_field: DateField | None) -> Callable[[ContractSummary], str | None]:
    keys: dict[str, Callable[[ContractSummary], str | None]] = {
        "type": lambda c: c.type,
        "status": lambda c: c.status,
        "counterparty": lambda c: c.counterparty.id,
        "currency": lambda c: c.currency,
        "month": lambda c: _month(c, date_field),
    }
    return keys[group_by]


class _Groups:
    def __init__(self) -> None:
        self.count: dict[str | None, int] = defaultdict(int)
        self.labels: dict[str | None, str] = {}
        self.total: dict[str | None, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0]))
        self.annual: dict[str | None, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0]))
        self.covered = 0

    def add(self, key: str | None, contract: ContractSummary, label: str | None) -> None:
        self.covered += 1
        self.count[key] += 1
        if label is not None:
            self.labels[key] = label
        if contract.currency:
            for sums, value in ((self.total, contract.total_value), (self.annual, contract.annual_value)):
                if value is not None:
                    cell = sums[key][contract.currency]
                    cell[0] += value
                    cell[1] += 1


def _sums(by_currency: dict[str, list[float]]) -> list[MoneySum]:
    return [
        MoneySum(currency=currency, amount=round(amount, 2), contracts=int(n))
        for currency, (amount, n) in sorted(by_currency.items())
    ]


async def aggregate_by_paging(
    client: ClmClient, filters: ContractFilters, *, group_by: GroupBy, date_field: DateField | None
) -> Aggregate:
    key_of = _key_of(group_by, date_field)
    groups = _Groups()
    statuses = list(filters.statuses) or list(STATUSES)
    budget = [MAX_PAGED]

    async def stream(status: str) -> int | None:
        cursor: str | None = None
        part = filters.model_copy(update={"statuses": [status], "sort": "number"})
        total: int | None = None
        while True:
            take = min(PAGE, budget[0])  # reserved before the request: the streams run at once
            if take <= 0:
                return total
            budget[0] -= take
            page = await client.search_contracts(part, limit=take, cursor=cursor)
            total = page.total if page.total is not None else total
            budget[0] += take - len(page.data)
            for contract in page.data:
                label = contract.counterparty.name if group_by == "counterparty" else None
                groups.add(key_of(contract), contract, label)
            cursor = page.next_cursor
            if cursor is None:
                return total

    async def overall() -> int | None:
        return (await client.search_contracts(filters.model_copy(update={"sort": "number"}), limit=1)).total

    total, *_ = await asyncio.gather(overall(), *(stream(s) for s in statuses))
    complete = total is not None and groups.covered == total
    keys = list(groups.count)
    if group_by == "month":
        keys.sort(key=lambda k: (k is None, k or ""))
    else:
        keys.sort(key=lambda k: (-groups.count[k], k is None, k or ""))
    return Aggregate(
        group_by=group_by,
        date_field=date_field if group_by == "month" else None,
        total=total,
        groups=[
            AggregateGroup(
                key=k,
                label=groups.labels.get(k, k),
                count=groups.count[k],
                total_value=_sums(groups.total[k]) if k in groups.total else [],
                annual_value=_sums(groups.annual[k]) if k in groups.annual else [],
            )
            for k in keys
        ],
        covered=groups.covered,
        complete=complete,
        source="pages",
    )
