"""Aggregation where the data is: counts and per-currency sums over every matching contract.

One GROUP BY (group key, currency) in SQLite - a single pass over the matching rows - folded into
groups here; a client never pages through 100,000 contracts to count them. Grouped by type, status,
counterparty or currency and filtered only by columns of a rollup (sandbox.store.schema), the pass is
over the rollup's partial sums instead of the contracts: ~800 rows without counterparties, ~25,000
with (in counterparty order: grouped without a sort), instead of 100,000.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import Final

from sandbox.api_models import Aggregate, AggregateGroup, DateField, GroupBy, Money
from sandbox.store.access import ContractView
from sandbox.store.contracts import ContractFilters
from sandbox.store.paging import where_sql

_KEYS: Final = {
    GroupBy.TYPE: "c.type",
    GroupBy.STATUS: "c.status",
    GroupBy.COUNTERPARTY: "c.counterparty_id",
    GroupBy.CURRENCY: "c.currency",
}


def _key_sql(group_by: GroupBy, date_field: DateField | None, filters: ContractFilters) -> str:
    if group_by is GroupBy.MONTH:
        assert date_field is not None
        if date_field is DateField.RENEWAL and any(
            bound is not None
            for bound in (filters.renewal_after, filters.renewal_before, filters.expires_after, filters.expires_before)
        ):
            # Within a window read off the expiration index, the virtual column's month from its parts.
            return "substr(CASE WHEN c.auto_renew THEN c.expiration_date END, 1, 7)"
        return f"substr(c.{date_field.value}, 1, 7)"  # ISO dates: 'YYYY-MM'; the same expression as its index
    return _KEYS[group_by]


# The filters whose conditions (ContractFilters.where) name only columns of a rollup; a user's view does too.
_ROLLUP_FILTERS: Final = frozenset({"type", "status", "currency", "counterparty", "counterparty_id", "auto_renew"})
_BY_COUNTERPARTY: Final = frozenset({"counterparty", "counterparty_id"})  # only the counterparty rollup has these
_BY_TYPE: Final = frozenset({"type"})  # ... and only the other one this
_ROLLUP_SUMS: Final = "sum(c.n) AS n, sum(c.tv) AS tv, sum(c.tvn) AS tvn, sum(c.av) AS av, sum(c.avn) AS avn"
_CONTRACTS_SELECT: Final = (
    "c.currency AS cur, count(*) AS n, sum(c.total_value) AS tv, count(c.total_value) AS tvn,"
    " sum(c.annual_value) AS av, count(c.annual_value) AS avn FROM contracts AS c"
)


def _rollup_sql(filters: ContractFilters, group_by: GroupBy, view: ContractView) -> str | None:
    """SELECT ... FROM the rollup that serves this aggregation (its WHERE and GROUP BY follow); None: none does."""
    used = set(filters.model_dump(include=set(ContractFilters.model_fields), exclude_defaults=True))
    if group_by is GroupBy.MONTH or not used <= _ROLLUP_FILTERS:
        return None
    counterparties = group_by is GroupBy.COUNTERPARTY or bool(used & _BY_COUNTERPARTY)
    if not counterparties and view.counterparty_countries is None:
        table = "contract_rollup"
    elif group_by is not GroupBy.TYPE and not used & _BY_TYPE:
        table = "contract_rollup_cp"
    else:
        return None  # types and counterparties at once: the contracts' own indexes
    key = "nullif(c.currency, '')" if group_by is GroupBy.CURRENCY else _KEYS[group_by]
    return f"SELECT {key} AS k, nullif(c.currency, '') AS cur, {_ROLLUP_SUMS} FROM {table} AS c"  # noqa: S608 - our names


def _rollup_group_sql(group_by: GroupBy) -> str:
    # The raw columns, in the rollup's key order: by counterparty, SQLite streams the groups off its primary key.
    return "c.currency" if group_by is GroupBy.CURRENCY else f"{_KEYS[group_by]}, c.currency"


def _group_sql(group_by: GroupBy) -> str:
    # By currency the key is the currency: grouping by both would make SQLite sort in a temporary B-tree
    # instead of walking its covering index in order.
    return "k" if group_by is GroupBy.CURRENCY else "k, cur"


def aggregate_contracts(
    conn: sqlite3.Connection,
    filters: ContractFilters,
    group_by: GroupBy,
    date_field: DateField | None,
    *,
    view: ContractView,
) -> Aggregate:
    """Groups of the matching contracts that `view` sees."""
    clauses, params = filters.where()
    view_clauses, view_params = view.where()
    clauses.extend(view_clauses)
    params.extend(view_params)
    key = _key_sql(group_by, date_field, filters)
    rows = None
    rollup = _rollup_sql(filters, group_by, view)
    if rollup is not None:
        try:
            rows = conn.execute(
                f"{rollup} {where_sql(clauses)} GROUP BY {_rollup_group_sql(group_by)}", params
            ).fetchall()
        except sqlite3.OperationalError as exc:  # a database built before the rollups existed
            if "contract_rollup" not in str(exc):
                raise
    if rows is None:
        # Not off contracts_by_auto_renew (equality on auto_renew would make SQLite prefer it, then read every row
        # of the window for its values): the aggregation indexes cover the test. A notice window at 100,000
        # contracts: ~125 ms -> ~16 ms.
        clauses = [f"+{clause}" if clause.startswith("c.auto_renew =") else clause for clause in clauses]
        rows = conn.execute(
            f"SELECT {key} AS k, {_CONTRACTS_SELECT} {where_sql(clauses)} GROUP BY {_group_sql(group_by)}",
            params,
        ).fetchall()
    counts: dict[str | None, int] = defaultdict(int)
    totals: dict[str | None, list[Money]] = defaultdict(list)
    annuals: dict[str | None, list[Money]] = defaultdict(list)
    for row in rows:
        key = row["k"]
        counts[key] += row["n"]
        if row["cur"] is None:
            continue  # a value without a currency cannot be summed with anything
        if row["tvn"]:
            totals[key].append(Money(currency=row["cur"], amount=round(row["tv"], 2), contracts=row["tvn"]))
        if row["avn"]:
            annuals[key].append(Money(currency=row["cur"], amount=round(row["av"], 2), contracts=row["avn"]))
    labels = _counterparty_names(conn, [k for k in counts if k is not None]) if group_by is GroupBy.COUNTERPARTY else {}
    groups = [
        AggregateGroup(
            key=key,
            label=labels.get(key, key) if key is not None else None,
            count=count,
            total_value=sorted(totals[key], key=lambda m: m.currency),
            annual_value=sorted(annuals[key], key=lambda m: m.currency),
        )
        for key, count in counts.items()
    ]
    if group_by is GroupBy.MONTH:
        groups.sort(key=lambda g: (g.key is None, g.key or ""))
    else:
        groups.sort(key=lambda g: (-g.count, g.key is None, g.key or ""))
    return Aggregate(
        group_by=group_by,
        date_field=date_field if group_by is GroupBy.MONTH else None,
        total=sum(counts.values()),
        groups=groups,
    )


def _counterparty_names(conn: sqlite3.Connection, ids: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
        chunk = ids[start : start + 500]
        names.update(
            conn.execute(
                f"SELECT id, name FROM counterparties WHERE id IN ({', '.join('?' * len(chunk))})",  # noqa: S608
                chunk,
            ).fetchall()
        )
    return names
