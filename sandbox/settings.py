"""Settings of the sandbox CLM server (environment prefix `SANDBOX_`)."""

from __future__ import annotations

import json
import os
import secrets
from datetime import date
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from sandbox.api_models import Scope
from sandbox.corpus.models import Corpus
from sandbox.users import DemoUser, default_users

# A fixed business date for reproducible tests and benchmarks (pass it as `as_of`). The default is
# the real date instead, so a demo's planted deadlines always sit 30/60/90 days ahead of today.
DEMO_AS_OF = date(2026, 11, 24)
MEMORY_DB = Path(":memory:")  # db=":memory:" means a private, throw-away copy of the corpus


class ClientConfig(BaseModel):
    """One OAuth client allowed to call the sandbox."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    client_id: str = Field(min_length=1, max_length=128)
    client_secret: SecretStr
    scopes: list[Scope]
    token_exchange: bool = Field(default=False, description="May exchange user tokens for CLM tokens (RFC 8693)")
    exchange_audiences: list[str] | None = Field(
        default=None,
        description="The `aud` a subject token must carry (one of these, exactly) for this client to exchange "
        "it; None: any http(s) URL (the MCP server's canonical URL, whatever port a test gives it)",
    )
    trusted_acting_user: bool = Field(
        default=False,
        description="X-Acting-User names a demo user whose permissions then apply (the fallback for an MCP "
        "server that cannot exchange tokens); otherwise the header only names an annotation's author",
    )


def default_clients() -> list[ClientConfig]:
    return [
        ClientConfig(
            client_id="demo-client", client_secret=SecretStr("demo-secret"), scopes=list(Scope), token_exchange=True
        ),
        ClientConfig(
            client_id="readonly-client",
            client_secret=SecretStr("readonly-secret"),
            scopes=[Scope.READ_CONTRACTS, Scope.READ_DOCUMENTS],
        ),
        ClientConfig(
            client_id="metadata-client",
            client_secret=SecretStr("metadata-secret"),
            scopes=[Scope.READ_CONTRACTS],
        ),
    ]


def random_secret() -> SecretStr:
    return SecretStr(secrets.token_urlsafe(32))


class SandboxSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SANDBOX_", extra="forbid", frozen=True, populate_by_name=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=0, le=65535)
    contracts: int = Field(default=300, ge=1, le=1_000_000)
    seed: int = 7
    db: Path | None = Field(
        default=None,
        description="SQLite file; None = a cache file keyed by the corpus parameters; ':memory:' = throw-away",
    )
    cache_dir: Path | None = Field(default=None, description="Where corpus builds are cached (default: user cache)")
    as_of: date = Field(
        default_factory=date.today,
        description="The CLM's business date; default today (local date, so stable within a day)",
    )
    token_ttl_seconds: int = Field(default=3600, ge=1)
    user_token_ttl_seconds: int = Field(default=3600, ge=1, description="Lifetime of user tokens (password grant)")
    issuer: str | None = Field(
        default=None,
        pattern=r"^https?://[^/?#]+(/[^?#]*[^/?#])?$",
        description="The authorization server's issuer URL (no trailing slash); None: the base URL as served",
    )
    password_grant: bool = Field(
        default=True, description="The demo password grant for the public client demo-mcp-client (demo/test only)"
    )
    rate_limit_per_minute: int = Field(default=6000, ge=1)
    region: str = "eu-west-1"
    test_endpoints: bool = Field(default=False, description="Mount /_sandbox/* and keep the request log (tests)")
    import_paths: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        validation_alias="sandbox_import",
        description="PDF/DOCX/TXT files or folders served besides the generated corpus (env SANDBOX_IMPORT, "
        "paths separated by the OS path separator, ':' on POSIX)",
    )
    clients: list[ClientConfig] = Field(default_factory=default_clients)
    users: list[DemoUser] = Field(default_factory=default_users)
    cursor_secret: SecretStr = Field(default_factory=random_secret)

    @field_validator("import_paths", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        if isinstance(value, str):
            return [part for part in value.split(os.pathsep) if part]
        return value

    @property
    def is_memory_db(self) -> bool:
        return self.db == MEMORY_DB

    @property
    def corpus(self) -> Corpus:
        return Corpus(contracts=self.contracts, seed=self.seed, as_of=self.as_of)

    def client(self, client_id: str) -> ClientConfig | None:
        return next((c for c in self.clients if c.client_id == client_id), None)

    def user(self, user_id: str) -> DemoUser | None:
        return next((u for u in self.users if u.user_id == user_id), None)

    def to_env(self) -> dict[str, str]:
        """These settings as `SANDBOX_*` environment variables (to start `python -m sandbox` with them)."""
        env: dict[str, str] = {}
        unlisted = {"clients", "users", "cursor_secret", "import_paths"}
        for name, value in self.model_dump(mode="json", exclude=unlisted).items():
            if value is None:
                continue
            env[f"SANDBOX_{name.upper()}"] = str(value).lower() if isinstance(value, bool) else str(value)
        env["SANDBOX_CLIENTS"] = json.dumps(
            [{**c.model_dump(mode="json"), "client_secret": c.client_secret.get_secret_value()} for c in self.clients]
        )
        env["SANDBOX_USERS"] = json.dumps(
            [{**u.model_dump(mode="json"), "password": u.password.get_secret_value()} for u in self.users]
        )
        env["SANDBOX_CURSOR_SECRET"] = self.cursor_secret.get_secret_value()
        if self.import_paths:
            env["SANDBOX_IMPORT"] = os.pathsep.join(str(p) for p in self.import_paths)
        return env
