"""Plugin settings, read from the environment (and the host's plugin user configuration).

Secrets come only from the environment or the host's secret store, never from files in the repo.
A bad value stops the server at start-up with a message naming the variable (see `load_settings`).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENV_PREFIX = "CLM_"
_ACTING_USER = re.compile(r"^[\w.@+\-]{1,128}$")


def _split_words(value: object) -> object:
    """`CLM_SCOPES="a b"` / `CLM_ENABLED_TOOLS="x,y"`: space- or comma-separated lists."""
    if isinstance(value, str):
        return [word for word in re.split(r"[\s,]+", value.strip()) if word]
    return value


class PluginSettings(BaseSettings):
    """Every setting has an environment variable `CLM_<NAME>` (upper case)."""

    # Hosts (Claude Code, Claude Desktop) pass "" for options the user left empty: treat as unset.
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True, env_ignore_empty=True)

    # -- the CLM -----------------------------------------------------------------------------------------
    base_url: AnyHttpUrl | None = Field(
        default=None, description="CLM API base URL; unset = start the bundled sandbox CLM (demo data)"
    )
    token_url: AnyHttpUrl | None = Field(default=None, description="OAuth 2.0 token endpoint")
    client_id: str | None = Field(default=None, max_length=256)
    client_secret: SecretStr | None = None
    token_auth_method: Literal["client_secret_basic", "client_secret_post"] = "client_secret_basic"  # noqa: S105
    scopes: Annotated[list[str] | None, NoDecode] = Field(
        default=None,
        description="Override the requested scopes (default: exactly what the enabled tools need)",
    )
    acting_user: str | None = Field(default=None, description="User on whose behalf calls are made")
    as_of: date | None = Field(
        default=None, description="Business date for deadline arithmetic (default: the CLM's, else today)"
    )

    # -- tool selection and controls ---------------------------------------------------------------------
    read_only: bool = Field(default=False, description="Remove every write tool, overriding everything")
    enabled_tools: Annotated[list[str] | None, NoDecode] = None
    disabled_tools: Annotated[list[str], NoDecode] = Field(default_factory=list)
    confirm_writes: bool = Field(default=True, description="Two-step confirmation for annotations")

    # -- transport budgets -------------------------------------------------------------------------------
    connect_timeout: float = Field(default=5.0, gt=0, le=60)
    read_timeout: float = Field(default=20.0, gt=0, le=300)
    call_deadline: float = Field(default=30.0, gt=0, le=600, description="Overall seconds per tool call")
    max_connections: int = Field(default=20, ge=1, le=200)
    max_retries: int = Field(default=3, ge=0, le=10)
    max_retry_after: float = Field(default=10.0, ge=0, le=120, description="Longest Retry-After honoured")
    token_refresh_margin: float = Field(
        default=0.1, gt=0, lt=1, description="Refresh when this fraction of the lifetime is left"
    )

    # -- diagnostics -------------------------------------------------------------------------------------
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    demo_contracts: int = Field(default=300, ge=10, le=5000, description="Size of the embedded demo corpus")
    audit_file: Path | None = Field(default=None, description="Deprecated spelling of CLM_AUDIT=file:PATH")

    # -- governance (issue 6): effective values; `plugin.config.controls.apply_controls` fills the defaults ---
    audit: str | None = Field(
        default=None,
        description='Audit destination: "file[:PATH]" | "stderr" | "syslog[:ADDRESS]" | "off" '
        "(default: a JSON-lines file under the user's state directory when the manifest requires audit logging)",
    )
    audit_required: bool | None = Field(
        default=None, description="Refuse tool calls whose audit record cannot be written (default: manifest)"
    )
    data_residency: str | None = Field(
        default=None,
        description='Region the CLM must report, e.g. "eu-west-1"; "none" disables the check (default: manifest)',
    )

    _split = field_validator("scopes", "enabled_tools", "disabled_tools", mode="before")(_split_words)

    @field_validator("acting_user")
    @classmethod
    def _acting_user_is_header_safe(cls, value: str | None) -> str | None:
        if value is not None and not _ACTING_USER.match(value):
            raise ValueError("must be 1-128 letters, digits or . _ @ + -")
        return value

    @model_validator(mode="after")
    def _remote_clm_is_complete(self) -> PluginSettings:
        if self.base_url is not None:
            missing = [
                f"{ENV_PREFIX}{name.upper()}"
                for name in ("token_url", "client_id", "client_secret")
                if getattr(self, name) is None
            ]
            if missing:
                raise ValueError(f"CLM_BASE_URL is set, so {', '.join(missing)} must be set too")
        return self

    @property
    def embedded(self) -> bool:
        """No CLM configured: the bundled sandbox serves demo data in-process."""
        return self.base_url is None


class SettingsError(Exception):
    """Configuration the server cannot start with; the message names the variable."""


def load_settings() -> PluginSettings:
    try:
        return PluginSettings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False, include_input=False):
            loc = "".join(str(part) for part in error["loc"][:1])
            name = f"{ENV_PREFIX}{loc.upper()}" if loc else "configuration"
            problems.append(f"{name}: {error['msg']}")
        raise SettingsError("invalid configuration: " + "; ".join(problems)) from None
