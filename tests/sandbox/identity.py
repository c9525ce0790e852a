"""Helpers of the identity tests: a sandbox with a database file (for the permission truth), user CLM tokens."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from pydantic import SecretStr

from sandbox.api_models import Scope
from sandbox.app import create_app
from sandbox.settings import DEMO_AS_OF, ClientConfig, SandboxSettings, default_clients
from sandbox.store.database import cached_corpus, copy_database
from sandbox.testing import serving, user_token
from tests.sandbox.helpers import Api

EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"
MCP_URL = "http://127.0.0.1:9/mcp"  # the MCP server's canonical URL a user token is for (nothing listens)
USERS = ("alice", "bob", "carol", "dave")
# The demo corpus (300 contracts, seed 7): some counterparties there have contracts both inside and outside
# bob's entities, so a count that ignores the view shows (the 120-contract test corpus has none).
IDENTITY_CORPUS = 300
IDENTITY_SEED = 7

# A client trusted to name the user it acts for (the fallback without token exchange), and one allowed
# to exchange only tokens meant for one exact MCP URL.
TRUSTED = ClientConfig(
    client_id="acting-client", client_secret=SecretStr("acting-secret"), scopes=list(Scope), trusted_acting_user=True
)
NARROW = ClientConfig(
    client_id="narrow-client",
    client_secret=SecretStr("narrow-secret"),
    scopes=list(Scope),
    token_exchange=True,
    exchange_audiences=["https://mcp.example/mcp"],
)


@dataclass
class IdentitySandbox:
    api: Api
    app: FastAPI
    db: Path

    @property
    def url(self) -> str:
        return self.api.base_url

    def exchange(
        self,
        subject_token: str,
        *,
        client: tuple[str, str] = ("demo-client", "demo-secret"),
        **form: str,
    ) -> Any:
        data = {
            "grant_type": EXCHANGE,
            "subject_token": subject_token,
            "subject_token_type": ACCESS_TOKEN,
            **form,
        }
        return self.api.http.post("/oauth/token", data=data, auth=client)

    def clm_token(self, user: str) -> str:
        """A CLM token bound to `user`, the way the MCP server gets one: password grant, then exchange."""
        response = self.exchange(user_token(self.url, user, resource=MCP_URL))
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    def client_token(self, client: ClientConfig = TRUSTED) -> str:
        return self.api.token(client.client_id, client.client_secret.get_secret_value())


@contextmanager
def identity_sandbox(tmp: Path, contracts: int = IDENTITY_CORPUS) -> Iterator[IdentitySandbox]:
    db = tmp / f"identity-{uuid.uuid4().hex[:8]}.db"
    settings = SandboxSettings(
        contracts=contracts,
        seed=IDENTITY_SEED,
        as_of=DEMO_AS_OF,
        db=db,
        test_endpoints=True,
        clients=[*default_clients(), TRUSTED, NARROW],
        rate_limit_per_minute=10**6,
    )
    copy_database(cached_corpus(settings.corpus), db)  # a private copy of the cached build, as a file
    app = create_app(settings)
    with serving(app) as url:
        api = Api(url)
        try:
            yield IdentitySandbox(api=api, app=app, db=db)
        finally:
            api.close()
