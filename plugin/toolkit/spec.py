"""What a tool module declares: `ToolSpec`, and the `ToolContext` its handler receives.

A tool module (one per tool, under `tools/`) defines an input model, an output model (a
`ToolOutput`), an async handler, a Markdown renderer and a `TOOL = ToolSpec(...)`. Everything
else - validation messages, deadlines, error mapping, audit, paging to the output budget,
registration with the MCP server - is done once, by `plugin.server`, for every tool.

Tools name each other as `{tool:short_name}` in descriptions, schemas, rendered text and error
messages; the server writes the namespaced name (`identity.namespace`) in its place, so no tool
spells the namespace.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, Literal, Self, TypeVar

from cachetools import LRUCache
from pydantic import BaseModel, ConfigDict, Field

from plugin.config.state import KeyRing
from plugin.toolkit.confirmations import Confirmations
from plugin.toolkit.cursors import CursorCodec
from plugin.toolkit.reports import ReportStore

if TYPE_CHECKING:
    from plugin.config.settings import PluginSettings

TOOL_REFERENCE = re.compile(r"\{tool:([a-z][a-z0-9_]*)\}")


def expand_tool_references(text: str, namespace: str) -> str:
    """`{tool:read_items}` -> `<namespace>read_items` (with the identity's namespace)."""
    if "{tool:" not in text:
        return text
    return TOOL_REFERENCE.sub(lambda match: namespace + match.group(1), text)


class ToolInput(BaseModel):
    """Base of every tool's arguments: unknown arguments are errors, strings are stripped."""

    # defer_build: validators are built on first use, not at import (start-up stays cheap).
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True, defer_build=True)


class AuditSummary(BaseModel):
    """What the audit trail records about a result: counts and ids, never document text."""

    model_config = ConfigDict(frozen=True)

    count: int = 0
    # default=[], copied per instance: default_factory=list costs a signature inspection per field at start-up
    record_ids: list[str] = Field(default=[])
    detail: str | None = None


@dataclass(frozen=True)
class ResourceLinkSpec:
    uri: str
    name: str
    title: str | None = None
    description: str | None = None
    mime_type: str | None = None


class ToolOutput(BaseModel):
    """Base of every tool's structured result.

    A list result overrides `row_count` and `trimmed` so the server can fit it to the output budget:
    `trimmed(keep)` returns the same result with only its first `keep` rows and a cursor that
    continues right after them. One rule for every tool: the server trims, never the tool.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    def audit_summary(self) -> AuditSummary:
        return AuditSummary()

    def resource_links(self) -> list[ResourceLinkSpec]:
        """Resources the result points to (e.g. a report's CSV): sent as `resource_link` content."""
        return []

    def row_count(self) -> int:
        """How many trimmable rows the result holds (0: it cannot be trimmed)."""
        return 0

    def trimmed(self, keep: int) -> Self:
        """The result with its first `keep` rows, continuing after them; only called when `row_count() > keep`."""
        raise NotImplementedError(f"{type(self).__name__} declares no trimmable rows")


In = TypeVar("In", bound=ToolInput)
Out = TypeVar("Out", bound=ToolOutput)
Api = TypeVar("Api")


class Progress:
    """Progress notifications to the client; a no-op when the client did not ask for them."""

    def __init__(self, report: Callable[[float, float | None, str | None], Awaitable[None]] | None) -> None:
        self._report = report

    async def __call__(self, done: float, total: float | None = None, message: str | None = None) -> None:
        if self._report is not None:
            await self._report(done, total, message)


Consent = Literal["accept", "decline", "cancel"]


class Confirmer:
    """Asks the person (not the model) to confirm, through the client (MCP elicitation).

    `available` is False when the client cannot ask (no elicitation capability): the tool then
    falls back to its two-step token. The server implements it for both protocol eras.
    """

    available: bool = False

    async def __call__(self, message: str) -> Consent:
        raise RuntimeError("this client cannot ask the person; check `available` first")


@dataclass
class Services:
    """Process-wide helpers the tools share; keyed by the installation key ring, so they survive restarts."""

    keys: KeyRing
    reports: ReportStore
    confirmations: Confirmations
    cursors: CursorCodec
    # Analysis results by document digest: a document's text never changes under the same hash.
    analyses: LRUCache[str, Any] = field(default_factory=lambda: LRUCache(maxsize=256))


@dataclass(frozen=True)
class ToolContext(Generic[Api]):
    api: Api  # the adapter's typed API client
    settings: PluginSettings
    as_of: date  # the business date deadlines are computed against
    progress: Progress
    services: Services
    confirm: Confirmer = field(default_factory=Confirmer)


@dataclass(frozen=True)
class ListedResource:
    """One live resource for `resources/list` (e.g. a report that has not expired)."""

    uri: str
    name: str
    title: str | None = None
    description: str | None = None
    mime_type: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class ResourceSpec:
    """An MCP resource template a tool publishes; removed with the tool.

    Either `read(services, **uri_parameters)` returns the text (None when it has expired), or
    `tool_arguments(**uri_parameters)` gives arguments for the owning tool, and the server serves
    the resource by running that tool (validation, scopes, audit, sanitising, budget) and returning
    its rendered text. `listing(services)` names the live instances for `resources/list`;
    `complete` offers values for a URI parameter (`completion/complete`) from the backend.
    """

    uri_template: str  # relative to the identity's resource scheme, e.g. "reports/{report_id}"
    name: str
    title: str
    description: str
    mime_type: str
    # `read` and `listing` may be coroutine functions (the report store is async: it may be shared Redis).
    read: Callable[..., str | Awaitable[str | None] | None] | None = None
    tool_arguments: Callable[..., Mapping[str, object]] | None = None
    listing: Callable[[Services], Sequence[ListedResource] | Awaitable[Sequence[ListedResource]]] | None = None
    # {URI parameter: async (ctx, typed prefix) -> up to 100 values}
    complete: Mapping[str, Callable[[ToolContext[Any], str], Awaitable[Sequence[str]]]] = field(default_factory=dict)


@dataclass(frozen=True)
class ToolSpec(Generic[In, Out]):
    """One tool. `name` is without the namespace prefix; the server adds it."""

    name: str
    title: str
    description: str  # what Claude reads to decide when to call it: precise, says when to use it
    input_model: type[In]
    output_model: type[Out]
    handler: Callable[[In, ToolContext[Any]], Awaitable[Out]]
    render: Callable[[Out], str]  # compact Markdown for the text content
    permission: str  # the permission the tool needs (the adapter maps it to OAuth scopes)
    read_only: bool = True
    destructive: bool = False
    idempotent: bool = True
    open_world: bool = False  # the backend is a closed, known system, not the open web
    # Arguments that make a valid call against the embedded demo backend: the fault matrix, the fuzz
    # seeds and CI's Inspector calls use them, so no test keeps a table of arguments per tool.
    example: Mapping[str, object] = field(default_factory=dict)
    resources: tuple[ResourceSpec, ...] = ()
    # Arguments naming the backend records a call targets. A call that ends without a result (cancelled at
    # shutdown, failed) is audited with these ids: a write may have been committed before it ended.
    target_arguments: tuple[str, ...] = ()
    # Local work the tool's first call would otherwise do (an import it defers at start-up): the server runs it in
    # the background after `initialize`, with the backend's own warm-up.
    prepare: Callable[[], None] | None = None

    def target_ids(self, arguments: Mapping[str, object]) -> list[str]:
        ids: list[str] = []
        for name in self.target_arguments:
            value = arguments.get(name)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str | int) and not isinstance(item, bool):
                    ids.append(str(item)[:100])
        return ids[:100]
