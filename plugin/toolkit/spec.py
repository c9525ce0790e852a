"""What a tool module declares: `ToolSpec`, and the `ToolContext` its handler receives.

A tool module (one per tool, under `tools/`) defines an input model, an output model (a
`ToolOutput`), an async handler, a Markdown renderer and a `TOOL = ToolSpec(...)`. Everything
else - validation messages, deadlines, error mapping, audit, output budget, registration with the
MCP server - is done once, by `plugin.server.pipeline`, for every tool.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from cachetools import LRUCache
from pydantic import BaseModel, ConfigDict, Field

from plugin.toolkit.confirmations import Confirmations
from plugin.toolkit.reports import ReportStore

if TYPE_CHECKING:
    from clm_client.client import ClmClient
    from plugin.config.settings import PluginSettings

# Claude Code names plugin tools mcp__plugin_<plugin>_<server>__<tool>; with plugin
# "contract-intelligence" and server "clm" that leaves 25 characters for <tool> (64 in all).
MAX_TOOL_NAME = 25


class ToolInput(BaseModel):
    """Base of every tool's arguments: unknown arguments are errors, strings are stripped."""

    # defer_build: validators are built on first use, not at import (start-up stays cheap).
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True, defer_build=True)


class AuditSummary(BaseModel):
    """What the audit trail records about a result: counts and ids, never contract text."""

    model_config = ConfigDict(frozen=True)

    count: int = 0
    contract_ids: list[str] = Field(default_factory=list)
    detail: str | None = None


class ToolOutput(BaseModel):
    """Base of every tool's structured result."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    def audit_summary(self) -> AuditSummary:
        return AuditSummary()


In = TypeVar("In", bound=ToolInput)
Out = TypeVar("Out", bound=ToolOutput)


class Progress:
    """Progress notifications to the client; a no-op when the client did not ask for them."""

    def __init__(self, report: Callable[[float, float | None, str | None], Awaitable[None]] | None) -> None:
        self._report = report

    async def __call__(self, done: float, total: float | None = None, message: str | None = None) -> None:
        if self._report is not None:
            await self._report(done, total, message)


@dataclass
class Services:
    """Process-wide helpers the tools share."""

    reports: ReportStore = field(default_factory=ReportStore)
    confirmations: Confirmations = field(default_factory=Confirmations)
    # Analysis results by document sha256: a document's text never changes under the same hash.
    analyses: LRUCache[str, Any] = field(default_factory=lambda: LRUCache(maxsize=256))


@dataclass(frozen=True)
class ToolContext:
    clm: ClmClient
    settings: PluginSettings
    as_of: date  # the business date deadlines are computed against
    progress: Progress
    client_name: str | None
    services: Services


@dataclass(frozen=True)
class ToolSpec(Generic[In, Out]):
    """One tool. `name` is without the namespace prefix; the registry adds it."""

    name: str
    title: str
    description: str  # what Claude reads to decide when to call it: precise, says when to use it
    input_model: type[In]
    output_model: type[Out]
    handler: Callable[[In, ToolContext], Awaitable[Out]]
    render: Callable[[Out], str]  # compact Markdown for the text content
    permission: str  # the OAuth scope the tool needs
    read_only: bool = True
    destructive: bool = False
    idempotent: bool = True
    open_world: bool = False  # the CLM is a closed, known system, not the open web

    @property
    def writes(self) -> bool:
        return not self.read_only
