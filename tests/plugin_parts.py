"""The contract plugin's parts, as the composition root builds them, for the contract tests."""

from __future__ import annotations

from typing import Any

import server
from plugin.config.settings import PluginSettings
from plugin.toolkit.spec import ToolSpec

PARTS = server.parts()
ROOT = PARTS.root
IDENTITY = PARTS.identity
REGISTRY = tuple(PARTS.tools)
NAMESPACE = IDENTITY.namespace


def full_name(spec: ToolSpec[Any, Any]) -> str:
    return PARTS.full_name(spec)


def enabled_tools(settings: PluginSettings) -> list[ToolSpec[Any, Any]]:
    return PARTS.enabled_tools(settings)


def requested_scopes(settings: PluginSettings) -> tuple[str, ...]:
    return PARTS.requested_scopes(settings)
