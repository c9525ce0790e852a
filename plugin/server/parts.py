"""What the composition root (`server.py`) hands the machinery: the fork's rooms, as values.

The machinery never imports `tools/` or the adapter; it receives them here. Everything derived
from the parts (full tool names, the tools a configuration enables, the scopes to request) is
computed here once, so no other module needs to know where the parts came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plugin.config.identity import Identity
from plugin.config.settings import PluginSettings
from plugin.toolkit.spec import ToolSpec
from plugin.transport.adapter import BackendAdapter, user_scopes_of


class UnknownToolError(ValueError):
    """A tool named in the enable/disable settings is not in the registry."""


@dataclass(frozen=True)
class PluginParts:
    root: Path  # the plugin root: identity.toml, manifest.json, the shipped files
    identity: Identity
    tools: Sequence[ToolSpec[Any, Any]]  # the registry, in order
    adapter: BackendAdapter[Any]

    def full_name(self, spec: ToolSpec[Any, Any]) -> str:
        return self.identity.tool_name(spec.name)

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def enabled_tools(self, settings: PluginSettings) -> list[ToolSpec[Any, Any]]:
        """The tools this configuration serves. Read-only removes every write tool, overriding all else."""
        known = {self.full_name(spec) for spec in self.tools} | {spec.name for spec in self.tools}
        named = set(settings.enabled_tools or []) | set(settings.disabled_tools)
        unknown = sorted(named - known)
        if unknown:
            raise UnknownToolError(
                f"unknown tool name(s) in {self.identity.env('enabled_tools')}/{self.identity.env('disabled_tools')}: "
                f"{', '.join(unknown)}; known: {', '.join(sorted(self.full_name(s) for s in self.tools))}"
            )

        def named_in(names: list[str] | None, spec: ToolSpec[Any, Any]) -> bool:
            return names is not None and (spec.name in names or self.full_name(spec) in names)

        chosen = []
        for spec in self.tools:
            if settings.enabled_tools is not None and not named_in(settings.enabled_tools, spec):
                continue
            if named_in(settings.disabled_tools, spec):
                continue
            if settings.read_only and not spec.read_only:
                continue
            chosen.append(spec)
        return chosen

    def scopes_for(self, permissions: Sequence[str]) -> tuple[str, ...]:
        table = self.adapter.permission_scopes
        return tuple(sorted({scope for permission in permissions for scope in table[permission]}))

    def requested_scopes(self, settings: PluginSettings) -> tuple[str, ...]:
        """Exactly the scopes the enabled tools need (least privilege), unless overridden."""
        if settings.scopes is not None:
            return tuple(sorted(set(settings.scopes)))
        return self.scopes_for([spec.permission for spec in self.enabled_tools(settings)])

    def tool_scopes(self, specs: Sequence[ToolSpec[Any, Any]]) -> dict[str, tuple[str, ...]]:
        """{full tool name: the scopes it needs}."""
        return {self.full_name(spec): self.scopes_for([spec.permission]) for spec in specs}

    def tool_user_scopes(self, specs: Sequence[ToolSpec[Any, Any]]) -> dict[str, tuple[str, ...]]:
        """{full tool name: the scopes a user's token must carry for it} (remote mode; see `user_scopes_of`)."""
        table = user_scopes_of(self.adapter)
        if table is None:
            return self.tool_scopes(specs)
        return {self.full_name(spec): tuple(sorted(set(table.get(spec.permission, ())))) for spec in specs}
