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


def default_clients() -> list[ClientConfig]:
    return [
        ClientConfig(client_id="demo-client", client_secret=SecretStr("demo-secret"), scopes=list(Scope)),
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

    def to_env(self) -> dict[str, str]:
        """These settings as `SANDBOX_*` environment variables (to start `python -m sandbox` with them)."""
        env: dict[str, str] = {}
        for name, value in self.model_dump(mode="json", exclude={"clients", "cursor_secret", "import_paths"}).items():
            if value is None:
                continue
            env[f"SANDBOX_{name.upper()}"] = str(value).lower() if isinstance(value, bool) else str(value)
        env["SANDBOX_CLIENTS"] = json.dumps(
            [
                {"client_id": c.client_id, "client_secret": c.client_secret.get_secret_value(), "scopes": c.scopes}
                for c in self.clients
            ]
        )
        env["SANDBOX_CURSOR_SECRET"] = self.cursor_secret.get_secret_value()
        if self.import_paths:
            env["SANDBOX_IMPORT"] = os.pathsep.join(str(p) for p in self.import_paths)
        return env
