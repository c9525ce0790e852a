"""The plugin's identity: name, display name, server key, tool namespace, environment prefix, user options.

Declared once, in `identity.toml` at the plugin root (the fork's file). Everything that names the
product derives from this model: the manifest's identity fields, the Claude plugin files, the MCP
bundle manifest, folder names, messages and the signature format. The machinery never spells a
product name itself.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

IDENTITY_FILE = "identity.toml"

_KEBAB = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_SEMVER = r"^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$"
# Claude Code names plugin tools mcp__plugin_<plugin>_<server>__<tool>; longer than 64 characters breaks it.
CLIENT_TOOL_NAME_LIMIT = 64


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Author(_Strict):
    name: str = Field(min_length=1)
    email: str | None = None
    url: str | None = None


class UserOption(_Strict):
    """One value a person configures when installing; it sets the variable `<env_prefix><KEY>`."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    sensitive: bool = False


class Identity(_Strict):
    name: str = Field(pattern=_KEBAB, max_length=40)
    display_name: str = Field(min_length=1, max_length=60)
    version: str = Field(pattern=_SEMVER)
    description: str = Field(min_length=1, max_length=1024)
    short_description: str = Field(min_length=1, max_length=200)
    instructions: str | None = None
    category: str = Field(min_length=1)
    # default=[], copied per instance: default_factory=list costs a signature inspection per field at start-up
    keywords: list[str] = Field(default=[])
    server_key: str = Field(pattern=r"^[a-z][a-z0-9-]{0,20}$")
    namespace: str = Field(pattern=r"^[a-z][a-z0-9]*__$", max_length=16)
    env_prefix: str = Field(pattern=r"^[A-Z][A-Z0-9]*_$", max_length=16)
    backend_label: str = Field(min_length=1, max_length=40)
    reverse_dns: str = Field(pattern=r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
    # Where the privacy policy of the service the plugin connects to is published (MCP bundle `privacy_policies`).
    privacy_policies: list[str] = Field(default=[])
    author: Author
    user_options: list[UserOption] = Field(default=[])

    # -- derived names ------------------------------------------------------------------------------------
    @property
    def marketplace_name(self) -> str:
        return f"{self.name}-marketplace"

    @property
    def signature_format(self) -> str:
        return f"{self.name}-signature/1"

    @property
    def report_scheme(self) -> str:
        """URI scheme of the resources the plugin's tools publish (e.g. reports)."""
        return f"{self.server_key}-resource"

    @property
    def client_tool_prefix(self) -> str:
        return f"mcp__plugin_{self.name}_{self.server_key}__"

    @property
    def max_tool_name(self) -> int:
        """Longest full tool name (namespace included) a Claude Code client can still address."""
        return CLIENT_TOOL_NAME_LIMIT - len(self.client_tool_prefix)

    def env(self, setting: str) -> str:
        """The environment variable of a setting: `env("base_url")` -> `<env_prefix>BASE_URL`."""
        return f"{self.env_prefix}{setting.upper()}"

    def user_config_key(self, option: UserOption) -> str:
        return f"{self.server_key.replace('-', '_')}_{option.key}"

    def tool_name(self, short: str) -> str:
        return f"{self.namespace}{short}"


class IdentityError(ValueError):
    """identity.toml is missing or invalid; the message names the file and each problem."""


def load_identity(root: Path) -> Identity:
    path = root / IDENTITY_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IdentityError(f"{path}: not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise IdentityError(f"{path}: not valid TOML ({exc})") from None
    try:
        return Identity.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'identity'}: {e['msg']}"
            for e in exc.errors(include_url=False, include_input=False)
        )
        raise IdentityError(f"{path}: {problems}") from None
