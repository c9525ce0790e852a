"""Runs every tool call the same way: validate, deadline, call, map errors, render, budget, audit.

`Runtime` owns the process-wide pieces (the CLM client and its token cache, the audit sink) and
creates the backend lazily on the first call, so `initialize` and `tools/list` never wait for a
token, a network round trip or the embedded sandbox to start.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
import uuid
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools.base import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import ConfigDict, ValidationError

from plugin.server.admission import Admission
from plugin.observability.audit import AuditRecord, AuditSink, AuditWriteError, audit_arguments
from plugin.toolkit.errors import ClmError, DeadlineExceeded, ErrorCode, InvalidArgument, NotFound, PolicyDenied
from plugin.transport.http import CURRENT_CALL, CallScope
from plugin.observability.logging import get_logger
from plugin.observability.redaction import SECRETS
from plugin.toolkit.untrusted import clean_inline
from plugin.observability.telemetry import Telemetry
from plugin.toolkit.spec import AuditSummary, Progress, Services, ToolContext, ToolOutput, ToolSpec

if TYPE_CHECKING:
    from mcp.server.mcpserver import Context

    from clm_client.client import ClmClient
    from clm_client.models import Meta
    from plugin.transport.connection import Backend
    from plugin.config.settings import PluginSettings

log = get_logger(__name__)

MAX_RESPONSE_CHARS = 40_000


@dataclass(frozen=True)
class PluginIdentity:
    name: str
    version: str


class Runtime:
    def __init__(
        self,
        settings: PluginSettings,
        identity: PluginIdentity,
        *,
        audit: AuditSink | None = None,
        backend: Backend | None = None,
        permissions: dict[str, str] | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.settings = settings
        self.identity = identity
        self.audit = audit
        # {full tool name: scope}; tools whose scope the first token lacks are hidden (plugin.server.visibility).
        self.admission = Admission(permissions or {}, settings.data_residency, rescope=self._rescope)
        self.telemetry = telemetry or Telemetry(identity.version)
        self.session_id = uuid.uuid4().hex[:12]
        self._backend = backend
        self._backend_lock = asyncio.Lock()
        self._stack = AsyncExitStack()
        self._clm_as_of: date | None = None  # the CLM's business date, when it reports one
        self._meta_asked = False
        self.services = Services()

    async def backend(self) -> Backend:
        if self._backend is None:
            async with self._backend_lock:
                if self._backend is None:
                    from plugin.transport.connection import open_backend

                    self._backend = await self._stack.enter_async_context(open_backend(self.settings))
        return self._backend

    def _rescope(self, scopes: tuple[str, ...]) -> None:
        """Request only `scopes` from now on: the CLM refused some of what the enabled tools need."""
        from plugin.transport.connection import rescoped

        assert self._backend is not None
        self._backend = rescoped(self._backend, self.settings, scopes)

    async def clm(self) -> ClmClient:
        return (await self.backend()).clm

    async def as_of(self, clm: ClmClient) -> date:
        """The business date: configured, else the CLM's own, else today.

        The CLM is asked once per process; a CLM without a metadata endpoint is not asked again, and
        "today" is re-read on every call so a long-running server does not freeze the date.
        """
        if self.settings.as_of is not None:
            return self.settings.as_of
        if not self._meta_asked:
            try:
                self._learn_meta(await clm.meta())
            except NotFound:
                self._meta_asked = True
            except ClmError:
                pass  # transient: ask again on the next call
        return self._clm_as_of or date.today()

    def _learn_meta(self, meta: Meta) -> None:
        self._clm_as_of = meta.as_of
        self._meta_asked = True

    async def aclose(self) -> None:
        await self._stack.aclose()
        if self.audit is not None:
            self.audit.close()

    # -- one tool call -------------------------------------------------------------------------------------
    async def invoke(
        self, spec: ToolSpec[Any, Any], full_name: str, arguments: dict[str, Any], ctx: Context | None
    ) -> CallToolResult:
        scope = CallScope(deadline=time.monotonic() + self.settings.call_deadline)
        token = CURRENT_CALL.set(scope)
        started = time.perf_counter()
        outcome = "ok"
        summary = AuditSummary()
        with self.telemetry.tool_call(full_name, scope.request_id) as traced:
            try:
                self._audit_ready()
                try:
                    args = spec.input_model.model_validate(arguments)
                except ValidationError as exc:
                    raise InvalidArgument(describe_validation_error(exc, full_name)) from None
                try:
                    async with asyncio.timeout(self.settings.call_deadline):
                        context = await self._admit(full_name, ctx)
                        output = await spec.handler(args, context)
                except TimeoutError:
                    raise DeadlineExceeded(
                        f"{full_name} did not finish within {self.settings.call_deadline:g} s; the CLM is slow. "
                        "Try again, or narrow the request (filters, smaller page)."
                    ) from None
                summary = output.audit_summary()
                return self._result(full_name, spec, output)
            except ClmError as exc:
                outcome = f"error:{exc.code.value}"
                raise ToolError(SECRETS.scrub(exc.for_model())) from None
            except asyncio.CancelledError:
                outcome = "cancelled"
                raise
            except Exception as exc:
                outcome = f"exception:{type(exc).__name__}"
                log.exception("tool_crashed", tool=full_name, request_id=scope.request_id)
                raise ToolError(
                    f"[internal_error] {full_name} failed unexpectedly; the error was logged with request id "
                    f"{scope.request_id}. Try again; if it persists, report that id to an administrator."
                ) from None
            finally:
                CURRENT_CALL.reset(token)
                elapsed = time.perf_counter() - started
                traced.outcome, traced.clm_requests = outcome, scope.requests
                self.telemetry.record_duration(full_name, outcome, elapsed)
                self._audit(full_name, arguments, ctx, scope, outcome, summary, elapsed)

    def _audit_ready(self) -> None:
        """Mandatory audit: refuse before doing anything when the destination is known to be broken."""
        if self.audit is not None and self.settings.audit_required and not self.audit.ready():
            raise PolicyDenied(
                f"The audit trail ({self.audit.destination}) cannot be written and audit is mandatory; the call "
                "was refused. Ask an administrator to fix the audit destination."
            )

    async def _admit(self, full_name: str, ctx: Context | None) -> ToolContext:
        """Scopes and data residency are settled before the tool's first CLM request."""
        backend = await self.backend()
        if await self.admission.admit(full_name, backend) and self.admission.hidden and ctx is not None:
            await _notify_tools_changed(ctx)
        if self.admission.meta is not None and not self._meta_asked:
            self._learn_meta(self.admission.meta)
        return await self._context(ctx)

    async def _context(self, ctx: Context | None) -> ToolContext:
        clm = await self.clm()
        # The SDK makes this a no-op when the client sent no progress token.
        report = None if ctx is None else ctx.report_progress
        return ToolContext(
            clm=clm,
            settings=self.settings,
            as_of=await self.as_of(clm),
            progress=Progress(report),
            client_name=_client_info(ctx)[0],
            services=self.services,
        )

    def _result(self, full_name: str, spec: ToolSpec[Any, Any], output: ToolOutput) -> CallToolResult:
        text = spec.render(output)
        structured = output.model_dump(mode="json")
        size = len(text) + len(json.dumps(structured, ensure_ascii=False))
        if size > MAX_RESPONSE_CHARS:
            # A tool must page or trim before this; reaching here is a bug, and the budget still holds.
            log.error("response_over_budget", tool=full_name, chars=size)
            raise ClmError(
                f"{full_name} produced a response over the {MAX_RESPONSE_CHARS:,}-character budget; "
                "ask for a smaller page or a narrower range."
            )
        return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=structured)

    def _audit(
        self,
        tool: str,
        arguments: dict[str, Any],
        ctx: Context | None,
        scope: CallScope,
        outcome: str,
        summary: AuditSummary,
        elapsed: float,
    ) -> None:
        if self.audit is None:
            return
        client_name, client_version = _client_info(ctx)
        record = AuditRecord(
            request_id=scope.request_id,
            mcp_request_id=None if ctx is None else str(ctx.request_id),
            session_id=self.session_id,
            tool=tool,
            arguments=audit_arguments(arguments),
            outcome=outcome,
            result_count=summary.count if outcome == "ok" else None,
            contract_ids=summary.contract_ids[:100],
            result_detail=summary.detail,
            duration_ms=round(elapsed * 1000, 2),
            acting_user=self.settings.acting_user,
            client_name=client_name,
            client_version=client_version,
            plugin_name=self.identity.name,
            plugin_version=self.identity.version,
            clm_request_ids=scope.clm_request_ids[:50],
        )
        try:
            self.audit.write(record)
        except AuditWriteError as exc:
            # Never silent: stderr always; with mandatory audit the result is withheld.
            with contextlib.suppress(OSError, ValueError):  # stderr itself may be the broken destination
                sys.stderr.write(
                    f"contract-intelligence: AUDIT FAILURE for {tool} (request {scope.request_id}): {exc}\n"
                )
            if self.settings.audit_required and outcome != "cancelled":
                raise ToolError(
                    f"[{ErrorCode.POLICY_DENIED.value}] The audit record for this call could not be written and "
                    "audit is mandatory, so the result is withheld. Ask an administrator to fix the audit "
                    f"destination (request id {scope.request_id})."
                ) from None


async def _notify_tools_changed(ctx: Context) -> None:
    """Tell the client `tools/list` changed (hidden tools); best effort, a client may not listen."""
    try:
        await ctx.notify_tools_changed()
        await ctx.session.send_tool_list_changed()
    except Exception as exc:  # a notification must never fail the call
        log.debug("tools_changed_not_sent", error=type(exc).__name__)


def _client_info(ctx: Context | None) -> tuple[str | None, str | None]:
    if ctx is None:
        return None, None
    try:
        params = ctx.session.client_params
    except (AttributeError, ValueError):
        return None, None
    if params is None:
        return None, None
    return params.client_info.name, params.client_info.version


def describe_validation_error(exc: ValidationError, tool: str) -> str:
    """One line per bad argument, naming it and saying what is allowed; no echo of long values."""
    parts: list[str] = []
    for error in exc.errors(include_url=False)[:6]:
        field = ".".join(str(p) for p in error["loc"]) or "arguments"
        if error["type"] == "extra_forbidden":
            parts.append(f"unknown argument '{clean_inline(field, 60)}'")
            continue
        message = error["msg"]
        ctx = error.get("ctx") or {}
        if "expected" in ctx:
            message = f"must be one of {ctx['expected']}"
        parts.append(f"'{clean_inline(field, 60)}': {clean_inline(message, 200)}")
    more = f" (+{exc.error_count() - 6} more)" if exc.error_count() > 6 else ""
    return f"Invalid arguments for {tool}: " + "; ".join(parts) + more + ". Fix them and call again."


class _NoArguments(ArgModelBase):
    """Placeholder: `ClmTool.run` validates with the tool's own input model instead."""

    model_config = ConfigDict(extra="allow")


class ClmTool(Tool):
    """An SDK `Tool` whose call goes through `Runtime.invoke`."""

    spec: Any = None
    runtime: Any = None

    async def run(self, arguments: dict[str, Any], context: Any, convert_result: bool = False) -> Any:
        runtime: Runtime = self.runtime
        return await runtime.invoke(self.spec, self.name, arguments, context)


def annotations_for(spec: ToolSpec[Any, Any]) -> ToolAnnotations:
    return ToolAnnotations(
        title=spec.title,
        read_only_hint=spec.read_only,
        destructive_hint=spec.destructive,
        idempotent_hint=spec.idempotent,
        open_world_hint=spec.open_world,
    )


def build_tool(
    spec: ToolSpec[Any, Any], full_name: str, runtime: Runtime, schemas: dict[str, dict[str, Any]] | None = None
) -> ClmTool:
    """`schemas` ({"input": ..., "output": ...}) as plugin.server.schema_cache gives them; generated when absent."""
    schemas = schemas or {"input": input_schema(spec), "output": output_schema(spec)}
    # The schema is given, not derived: ClmTool.run validates and renders itself, so the SDK needs no
    # output adapter (building one per tool would only slow start-up).
    metadata = FuncMetadata(arg_model=_NoArguments, output_schema=schemas["output"])
    return ClmTool(
        fn=_never_called,
        name=full_name,
        title=spec.title,
        description=spec.description,
        parameters=schemas["input"],
        fn_metadata=metadata,
        is_async=True,
        annotations=annotations_for(spec),
        meta={"permission": spec.permission},
        spec=spec,
        runtime=runtime,
    )


def input_schema(spec: ToolSpec[Any, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = spec.input_model.model_json_schema()
    return schema


def output_schema(spec: ToolSpec[Any, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = spec.output_model.model_json_schema()
    return schema


async def _never_called(**_: Any) -> None:
    raise AssertionError("ClmTool.run does not call fn")
