"""Which contracts a request may see, as SQL: the per-user permission filter of every route.

A `ContractView` is one more AND-ed condition on `contracts AS c`, so totals, pages, aggregates
and counts are all computed over the visible rows only, in SQLite (never by dropping rows from a
page afterwards, which would get totals and paging wrong). The everything-view adds nothing, so a
client's own token runs exactly the queries it always did.

Indexes: `our_entity` leads `contracts_by_our_entity` and sits in every aggregation index; the
counterparty-country rule is a lookup on `contracts_by_counterparty`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.users import DemoUser


@dataclass(frozen=True)
class ContractView:
    """The contracts visible to one requester: `key` names it in cursors; None rules = unrestricted."""

    key: str
    our_entities: tuple[str, ...] | None = None
    counterparty_countries: tuple[str, ...] | None = None

    @classmethod
    def of(cls, user: DemoUser) -> ContractView:
        return cls(f"user:{user.user_id}", user.our_entities, user.counterparty_countries)

    @property
    def everything(self) -> bool:
        return self.our_entities is None and self.counterparty_countries is None

    def where(self, alias: str = "c") -> tuple[list[str], list[Any]]:
        """Conditions on `contracts AS {alias}` (none for the everything-view)."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.our_entities is not None:
            clauses.append(_in(f"{alias}.our_entity", len(self.our_entities)))
            params.extend(self.our_entities)
        if self.counterparty_countries is not None:
            inner = _in("country", len(self.counterparty_countries))
            clauses.append(f"{alias}.counterparty_id IN (SELECT id FROM counterparties WHERE {inner})")  # noqa: S608
            params.extend(self.counterparty_countries)
        return clauses, params

    def contract_seqs(self) -> tuple[str, list[Any]] | None:
        """`SELECT seq` of the visible contracts (for tables keyed by contract_seq); None: all of them."""
        if self.everything:
            return None
        clauses, params = self.where("v")
        return f"SELECT v.seq FROM contracts AS v WHERE {' AND '.join(clauses)}", params  # noqa: S608

    def counterparty_ids(self) -> tuple[str, list[Any]] | None:
        """`SELECT counterparty_id` of the visible contracts; None: every counterparty is visible."""
        if self.everything:
            return None
        clauses, params = self.where("v")
        return f"SELECT v.counterparty_id FROM contracts AS v WHERE {' AND '.join(clauses)}", params  # noqa: S608

    def cursor_scope(self, endpoint: str) -> str:
        """The endpoint name a cursor is bound to: a cursor (and the total it carries) serves one view only."""
        return endpoint if self.everything else f"{endpoint}@{self.key}"


EVERYTHING = ContractView("*")


def _in(column: str, count: int) -> str:
    return f"{column} IN ({', '.join('?' * count)})"
