"""Plugin settings, read from the environment (and the host's plugin user configuration).

Every setting has the variable `<env_prefix><NAME>` (the prefix is the identity's `env_prefix`).
Secrets come only from the environment or the host's secret store, never from files in the repo.
A bad value stops the server at start-up with a message naming the variable (see `load_settings`).
Constructed directly (`PluginSettings(...)`, as tests do), the environment is not read at all.
"""

from __future__ import annotations

import ipaddress
import os
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

from plugin.config.demo_process import DEFAULT as DEMO_PROCESS_DEFAULT
from plugin.config.demo_process import DemoProcess
from plugin.config.identity import Identity
from plugin.config.shared import check_state_url, state_host

_ACTING_USER = re.compile(r"^[\w.@+\-]{1,128}$")


def _split_words(value: object) -> object:
    """`<PREFIX>SCOPES="a b"` / `<PREFIX>ENABLED_TOOLS="x,y"`: space- or comma-separated lists."""
    if isinstance(value, str):
        return [word for word in re.split(r"[\s,]+", value.strip()) if word]
    return value


class PluginSettings(BaseSettings):
    """Every setting has an environment variable `<env_prefix><NAME>` (upper case), read by `load_settings`."""

    # Hosts (Claude Code, Claude Desktop) pass "" for options the user left empty: treat as unset.
    model_config = SettingsConfigDict(extra="ignore", frozen=True, env_ignore_empty=True, defer_build=True)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Only `load_settings` reads the environment (with the identity's prefix); no dotenv, no files.
        return (init_settings, env_settings) if cls.model_config.get("env_prefix") else (init_settings,)

    # -- the backend -----------------------------------------------------------------------------------------
    base_url: AnyHttpUrl | None = Field(
        default=None, description="Backend API base URL; unset = the embedded demo backend"
    )
    token_url: AnyHttpUrl | None = Field(default=None, description="OAuth 2.0 token endpoint")
    client_id: str | None = Field(default=None, max_length=256, description="OAuth client id")
    client_secret: SecretStr | None = Field(
        default=None, description="OAuth client secret (only from the environment or the host's secret store)"
    )
    token_auth_method: Literal["client_secret_basic", "client_secret_post"] = Field(
        default="client_secret_basic",
        description="How the client authenticates at the token endpoint: client_secret_basic or client_secret_post",
    )
    allow_insecure_http: bool = Field(
        default=False,
        description="Accept http:// backend and token URLs on non-loopback hosts (labs only: secrets travel in clear)",
    )
    scopes: Annotated[list[str] | None, NoDecode] = Field(
        default=None,
        description="Override the requested scopes (default: exactly what the enabled tools need)",
    )
    acting_user: str | None = Field(default=None, description="User on whose behalf calls are made")
    as_of: date | None = Field(
        default=None, description="Business date for deadline arithmetic (default: the backend's, else today)"
    )

    # -- tool selection and controls ---------------------------------------------------------------------
    read_only: bool = Field(default=False, description="Remove every write tool, overriding everything")
    enabled_tools: Annotated[list[str] | None, NoDecode] = Field(
        default=None, description="Only these tools, by name (space/comma separated; default all)"
    )
    # default=[], copied per instance: default_factory=list costs a signature inspection per field at start-up
    disabled_tools: Annotated[list[str], NoDecode] = Field(
        default=[], description="Not these tools, by name (space/comma separated)"
    )
    confirm_writes: bool = Field(default=True, description="Two-step confirmation for annotations")
    structured_output: bool = Field(
        default=False,
        description="Also send each result as structuredContent, with outputSchema in tools/list (for programmatic "
        "clients; off by default: the data would be sent twice, see docs/responses.md)",
    )

    # -- transport budgets -------------------------------------------------------------------------------
    connect_timeout: float = Field(default=5.0, gt=0, le=60, description="Seconds to connect to the backend")
    read_timeout: float = Field(default=20.0, gt=0, le=300, description="Seconds to wait for a backend response")
    call_deadline: float = Field(default=30.0, gt=0, le=600, description="Overall seconds per tool call")
    max_connections: int = Field(default=20, ge=1, le=200, description="HTTP connection pool size")
    max_retries: int = Field(
        default=3, ge=0, le=10, description="Retries of idempotent requests (connection errors, 429, 5xx)"
    )
    max_retry_after: float = Field(default=10.0, ge=0, le=120, description="Longest Retry-After honoured")
    token_refresh_margin: float = Field(
        default=0.1, gt=0, lt=1, description="Refresh when this fraction of the lifetime is left"
    )
    max_in_flight: int = Field(
        default=64, ge=1, le=10_000, description="Requests one session may have unanswered; more get an error"
    )
    shutdown_grace: float = Field(
        default=10.0, ge=0, le=600, description="Seconds in-flight calls may finish after SIGTERM/SIGINT"
    )

    # -- remote mode (`serve`: streamable HTTP, the server as an OAuth resource server) ---------------------
    serve_host: str = Field(default="127.0.0.1", max_length=255, description="serve: address to listen on")
    serve_port: int = Field(default=8000, ge=0, le=65535, description="serve: TCP port (0 = any free port)")
    public_url: AnyHttpUrl | None = Field(
        default=None,
        description="serve: the MCP endpoint's canonical URL, the audience user tokens must carry "
        "(default http://HOST:PORT/mcp on a loopback host; required on any other)",
    )
    auth_issuer: AnyHttpUrl | None = Field(
        default=None,
        description="serve: the organisation's authorization server (token issuer); unset = the embedded demo's",
    )
    auth_jwks_url: AnyHttpUrl | None = Field(
        default=None, description="serve: the issuer's JWKS (default: jwks_uri from the issuer's metadata)"
    )
    auth_required_scopes: Annotated[list[str], NoDecode] = Field(
        default=[], description="serve: scopes every user token must carry (space/comma separated)"
    )
    auth_leeway: float = Field(
        default=30.0, ge=0, le=300, description="serve: seconds of clock skew tolerated on exp/nbf/iat"
    )
    allowed_hosts: Annotated[list[str] | None, NoDecode] = Field(
        default=None,
        description="serve: Host header values accepted (host:port, host:* for any port; default PUBLIC_URL's host "
        "and loopback)",
    )
    allowed_origins: Annotated[list[str] | None, NoDecode] = Field(
        default=None, description="serve: Origin header values accepted (default PUBLIC_URL's origin and loopback)"
    )
    token_exchange: bool = Field(
        default=True,
        description="serve: exchange each user's token for a per-user backend token (RFC 8693); false = client "
        "credentials with the verified user as the acting user",
    )

    # -- diagnostics -------------------------------------------------------------------------------------
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Log level on stderr: DEBUG, INFO, WARNING or ERROR"
    )
    demo_size: int = Field(default=300, ge=10, le=5000, description="Size of the embedded demo data set")
    demo_import: Annotated[list[Path], NoDecode] = Field(
        default=[],
        description="Your own PDF/DOCX/TXT contracts (files or folders, separated by the OS path separator) "
        "served by the embedded demo backend beside its generated contracts",
    )
    demo_process: DemoProcess = Field(
        default=DEMO_PROCESS_DEFAULT,
        description="Where the embedded demo backend is built: in-process = inside the server after start-up; "
        "child = a child process started with the server, on another core (a faster first call, a slower start: "
        "BENCHMARKS.md); auto = child when the load average leaves a core free",
    )
    audit_file: Path | None = Field(default=None, description="Deprecated spelling of AUDIT=file:PATH")

    # -- governance: effective values; `plugin.config.controls.apply_controls` fills the defaults ---
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
        description='Region the backend must report, e.g. "eu-west-1"; "none" disables the check (default: manifest)',
    )

    # -- shared state for replicas (plugin.config.shared) ---------------------------------------------------
    state_url: SecretStr | None = Field(
        default=None,
        description="Redis for state shared by replicas (key ring, reports, tokens): redis://, rediss:// (TLS) or "
        "unix://; unset = the state directory and this process",
    )

    _split = field_validator(
        "scopes",
        "enabled_tools",
        "disabled_tools",
        "auth_required_scopes",
        "allowed_hosts",
        "allowed_origins",
        mode="before",
    )(_split_words)

    @field_validator("demo_import", mode="before")
    @classmethod
    def _split_import_paths(cls, value: object) -> object:
        if isinstance(value, str):
            return [Path(part).expanduser() for part in value.split(os.pathsep) if part.strip()]
        return value

    @field_validator("acting_user")
    @classmethod
    def _acting_user_is_header_safe(cls, value: str | None) -> str | None:
        if value is not None and not _ACTING_USER.match(value):
            raise ValueError("must be 1-128 letters, digits or . _ @ + -")
        return value

    @model_validator(mode="after")
    def _remote_backend_is_complete(self) -> PluginSettings:
        if self.base_url is not None:
            missing = [name for name in ("token_url", "client_id", "client_secret") if getattr(self, name) is None]
            if missing:
                # {setting} markers: load_settings names the variables with the identity's prefix.
                named = ", ".join("{" + name + "}" for name in missing)
                raise ValueError("{base_url} is set, so " + named + " must be set too")
        return self

    @model_validator(mode="after")
    def _transport_is_safe(self) -> PluginSettings:
        """Credentials never travel in clear nor sit in a URL (checked before anything connects)."""
        for name in ("base_url", "token_url", "auth_issuer", "auth_jwks_url"):
            url = getattr(self, name)
            if url is None:
                continue
            if url.username is not None or url.password is not None:
                # The value itself is never repeated: it holds a credential.
                raise ValueError(
                    "{" + name + "} must not contain credentials (user:password@); the plugin authenticates with "
                    "{client_id} and {client_secret}"
                )
            if url.scheme == "http" and not self.allow_insecure_http and not is_loopback(url.host or ""):
                raise ValueError(
                    "{" + name + "} uses http:// for the non-loopback host '" + (url.host or "") + "', so the client "
                    "secret and access tokens would travel unencrypted: use https://, or set "
                    "{allow_insecure_http}=true for a lab"
                )
        return self

    @model_validator(mode="after")
    def _state_url_is_safe(self) -> PluginSettings:
        """The shared state holds signing keys and tokens: a Redis off the loopback must be reached over TLS."""
        if self.state_url is None:
            return self
        url = self.state_url.get_secret_value()
        problem = check_state_url(url)
        if problem is not None:
            raise ValueError("{state_url} " + problem)  # never the value: it may hold the Redis password
        host = state_host(url)
        if url.startswith("redis://") and not self.allow_insecure_http and not is_loopback(host):
            raise ValueError(
                "{state_url} uses redis:// for a non-loopback host, so signing keys and tokens would travel "
                "unencrypted: use rediss:// (TLS), or set {allow_insecure_http}=true for a lab"
            )
        return self

    @property
    def shared_state(self) -> str | None:
        """The Redis URL replicas share state through, or None for local state."""
        return None if self.state_url is None else self.state_url.get_secret_value()

    @property
    def embedded(self) -> bool:
        """No backend configured: the adapter's embedded demo backend serves in-process."""
        return self.base_url is None


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1: traffic that never leaves the machine."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class SettingsError(Exception):
    """Configuration the server cannot start with; the message names the variable."""


_SETTING_MARKER = re.compile(r"\{([a-z_]+)\}")


def settings_class(identity: Identity) -> type[PluginSettings]:
    """`PluginSettings` reading `<env_prefix><NAME>` variables."""
    config = SettingsConfigDict(**{**PluginSettings.model_config, "env_prefix": identity.env_prefix})
    return type("EnvironmentSettings", (PluginSettings,), {"model_config": config})


def load_settings(identity: Identity) -> PluginSettings:
    try:
        return settings_class(identity)()
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False, include_input=False):
            loc = "".join(str(part) for part in error["loc"][:1])
            name = identity.env(loc) if loc else "configuration"
            message = _SETTING_MARKER.sub(lambda m: identity.env(m.group(1)), error["msg"])
            problems.append(f"{name}: {message.removeprefix('Value error, ')}")
        raise SettingsError("invalid configuration: " + "; ".join(problems)) from None
