"""Demo users of the sandbox's test authorization server, and what each may see and do.

The passwords are demo-only constants (documented, like `demo-secret`): the sandbox is a test CLM.

| user  | password   | sees                                                            | may annotate |
|-------|------------|-----------------------------------------------------------------|--------------|
| alice | alice-demo | every contract                                                  | yes          |
| bob   | bob-demo   | contracts signed by our EMEA entities (`our_entity` Ltd, GmbH)  | yes          |
| carol | carol-demo | contracts with counterparties in the UK or the EU's big markets | yes          |
| dave  | dave-demo  | every contract                                                  | no (read-only) |

A rule left unset (None) does not restrict; rules that are set all apply (AND). A counterparty is
visible to a restricted user when at least one of its contracts is, and its contract counts are
of the contracts that user sees.
"""

from __future__ import annotations

import sqlite3
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from sandbox.api_models import Scope


class UserScope(StrEnum):
    """Scopes of a user's token (audience: the MCP server), as the authorization server grants them."""

    CONTRACTS_READ = "contracts:read"
    CONTRACTS_ANNOTATE = "contracts:annotate"


# What a user scope lets a token exchanged for it do at the CLM.
CLM_SCOPES_OF: Final[dict[UserScope, frozenset[Scope]]] = {
    UserScope.CONTRACTS_READ: frozenset({Scope.READ_CONTRACTS, Scope.READ_DOCUMENTS}),
    UserScope.CONTRACTS_ANNOTATE: frozenset({Scope.WRITE_ANNOTATIONS}),
}

EMEA_ENTITIES: Final = ("Northwind Analytics Ltd", "Northwind Analytics GmbH")
EUROPEAN_COUNTRIES: Final = ("GB", "IE", "FR", "DE", "NL", "ES", "IT", "PL")


class DemoUser(BaseModel):
    """A person the test authorization server knows, with the contracts the CLM lets them see."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    user_id: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9._-]*$")
    name: str
    email: str
    password: SecretStr
    our_entities: tuple[str, ...] | None = Field(
        default=None, description="Only contracts signed by one of these of our entities (None: any)"
    )
    counterparty_countries: tuple[str, ...] | None = Field(
        default=None, description="Only contracts whose counterparty is in one of these countries (None: any)"
    )
    can_annotate: bool = True

    @property
    def sees_everything(self) -> bool:
        return self.our_entities is None and self.counterparty_countries is None

    @property
    def scopes(self) -> frozenset[UserScope]:
        """The user scopes the authorization server may grant this user."""
        if self.can_annotate:
            return frozenset(UserScope)
        return frozenset({UserScope.CONTRACTS_READ})

    def may_see(self, our_entity: str, counterparty_country: str) -> bool:
        """The permission rule itself, on one contract's attributes (the truth the SQL views must match)."""
        if self.our_entities is not None and our_entity not in self.our_entities:
            return False
        return self.counterparty_countries is None or counterparty_country in self.counterparty_countries


def default_users() -> list[DemoUser]:
    return [
        DemoUser(
            user_id="alice", name="Alice Ahlberg", email="alice@northwind.example", password=SecretStr("alice-demo")
        ),
        DemoUser(
            user_id="bob",
            name="Bob Brennan",
            email="bob@northwind.example",
            password=SecretStr("bob-demo"),
            our_entities=EMEA_ENTITIES,
        ),
        DemoUser(
            user_id="carol",
            name="Carol Castillo",
            email="carol@northwind.example",
            password=SecretStr("carol-demo"),
            counterparty_countries=EUROPEAN_COUNTRIES,
        ),
        DemoUser(
            user_id="dave",
            name="Dave Dimitrov",
            email="dave@northwind.example",
            password=SecretStr("dave-demo"),
            can_annotate=False,
        ),
    ]


def clm_scopes(user_scopes: frozenset[UserScope]) -> frozenset[Scope]:
    """The CLM scopes the given user scopes allow."""
    return frozenset().union(*(CLM_SCOPES_OF[s] for s in user_scopes))


def permission_truth(conn: sqlite3.Connection, users: list[DemoUser]) -> dict[str, frozenset[str]]:
    """For each user, the ids of the contracts they may see: every row read, `may_see` decides.

    Deliberately not the SQL the routes filter with (`sandbox.store.access`): the tests compare the
    two, so a mistake in either shows.
    """
    rows = conn.execute(
        "SELECT c.id, c.our_entity, p.country FROM contracts AS c JOIN counterparties AS p ON p.id = c.counterparty_id"
    ).fetchall()
    return {user.user_id: frozenset(str(r[0]) for r in rows if user.may_see(str(r[1]), str(r[2]))) for user in users}
