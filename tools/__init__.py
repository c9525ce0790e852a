"""The tool registry: the single list of tools. The server, the manifest and the tests all read it.

Adding a tool = adding one module under `tools/` and one line to `REGISTRY`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools import (
    annotate_contract,
    compare_contracts,
    extract_obligations,
    get_contract,
    portfolio_report,
    read_contract,
    search_contracts,
    upcoming_deadlines,
)

if TYPE_CHECKING:
    from plugin.config.settings import PluginSettings
    from plugin.toolkit.spec import ToolSpec

# The namespace prefix of every tool name; a fork changes it here and only here.
NAMESPACE = "clm__"

REGISTRY: tuple[ToolSpec[Any, Any], ...] = (
    search_contracts.TOOL,
    get_contract.TOOL,
    read_contract.TOOL,
    extract_obligations.TOOL,
    upcoming_deadlines.TOOL,
    compare_contracts.TOOL,
    portfolio_report.TOOL,
    annotate_contract.TOOL,
)


def full_name(spec: ToolSpec[Any, Any]) -> str:
    return NAMESPACE + spec.name


class UnknownToolError(ValueError):
    pass


def enabled_tools(settings: PluginSettings) -> list[ToolSpec[Any, Any]]:
    """The tools this configuration serves. Read-only removes every write tool, overriding all else."""
    known = {full_name(spec) for spec in REGISTRY} | {spec.name for spec in REGISTRY}
    named = set(settings.enabled_tools or []) | set(settings.disabled_tools)
    unknown = sorted(named - known)
    if unknown:
        raise UnknownToolError(
            f"unknown tool name(s) in CLM_ENABLED_TOOLS/CLM_DISABLED_TOOLS: {', '.join(unknown)}; "
            f"known: {', '.join(sorted(full_name(s) for s in REGISTRY))}"
        )

    def named_in(names: list[str] | None, spec: ToolSpec[Any, Any]) -> bool:
        return names is not None and (spec.name in names or full_name(spec) in names)

    chosen = []
    for spec in REGISTRY:
        if settings.enabled_tools is not None and not named_in(settings.enabled_tools, spec):
            continue
        if named_in(settings.disabled_tools, spec):
            continue
        if settings.read_only and spec.writes:
            continue
        chosen.append(spec)
    return chosen
