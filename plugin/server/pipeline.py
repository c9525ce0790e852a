"""Runs every tool call the same way: validate, deadline, call, map errors, fit to the budget, render, audit.

`Runtime` owns the process-wide pieces (the backend client and its token cache, the audit sink) and
creates the backend lazily on the first call, so `initialize` and `tools/list` never wait for a
token, a network round trip or the embedded backend to start.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from cachetools import LRUCache
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, InputRequiredResult, JSONRPCRequest, ResourceLink, TextContent
from pydantic import ValidationError

from plugin.config.shared import async_client, namespace, password_of
from plugin.config.state import KeyRing, state_dir
from plugin.observability.audit import AuditEntry, AuditSink, AuditWriteError, audit_arguments
from plugin.observability.logging import get_logger
from plugin.observability.redaction import SECRETS
from plugin.observability.telemetry import Telemetry
from plugin.server.admission import Admission
from plugin.server.budget import MAX_RESPONSE_CHARS, OverBudget, fit_to_budget
from plugin.server.consent import ClientConfirmer, InputRequired
from plugin.server.parts import PluginParts
from plugin.server.registration import describe_validation_error
from plugin.server.residency import RegionGuard
from plugin.server.visibility import ungranted
from plugin.toolkit.confirmations import Confirmations
from plugin.toolkit.cursors import CursorCodec, cursor_scope
from plugin.toolkit.errors import (
    BackendUnavailable,
    DeadlineExceeded,
    ErrorCode,
    InvalidArgument,
    PermissionDenied,
    PluginError,
    PolicyDenied,
)
from plugin.toolkit.reports import RedisReports, ReportStore
from plugin.toolkit.spec import (
    AuditSummary,
    Confirmer,
    Progress,
    Services,
    ToolContext,
    ToolOutput,
    ToolSpec,
    expand_tool_references,
)
from plugin.toolkit.untrusted import clean_inline
from plugin.toolkit.untrusted import prepare as prepare_text_cleaning
from plugin.transport.adapter import prepare_of, region_header_of
from plugin.transport.connection import Backend, open_backend, rescoped
from plugin.transport.http import CURRENT_CALL, CallScope
from plugin.transport.oauth import preload_token_client
from plugin.transport.shared_tokens import RedisTokens
from plugin.transport.users import CURRENT_USER, VerifiedUser

if TYPE_CHECKING:
    from mcp.server.context import ServerRequestContext
    from mcp.server.mcpserver import Context

    from plugin.config.settings import PluginSettings
    from plugin.transport.adapter import BackendMetadata

    # A type only: the child-process module is imported when a child is started (not on the default path).
    from plugin.transport.backend_process import BackendProcess

log = get_logger(__name__)

__all__ = ["MAX_RESPONSE_CHARS", "Runtime"]

# The audit record's `tool` for an argument completion (it reads the backend as the caller, like a call).
COMPLETION = "completion/complete"
# How long the first tools/list of a connection waits to learn the granted scopes (token request).
LIST_SETTLE_SECONDS = 3.0
WARM_UP_DELAY_SECONDS = 0.5


def make_services(parts: PluginParts, settings: PluginSettings | None = None, state: Any = None) -> Services:
    """The tools' shared helpers, keyed by the installation key ring.

    Local (the default): the ring and the reports in the user's state directory. With `STATE_URL`,
    both in that Redis (`state` is its asyncio client), shared by every replica.
    """
    url = settings.shared_state if settings is not None else None
    keys = KeyRing.for_identity(parts.identity, url)
    reports: Path | RedisReports = state_dir(parts.identity) / "reports"
    if url is not None:
        reports = RedisReports(state, namespace(parts.identity.name))
    return Services(
        keys=keys,
        reports=ReportStore(parts.identity.report_scheme, reports, keys),
        confirmations=Confirmations(keys),
        cursors=CursorCodec(keys),
    )


class Runtime:
    def __init__(
        self,
        parts: PluginParts,
        settings: PluginSettings,
        *,
        audit: AuditSink | None = None,
        backend: Backend | None = None,
        telemetry: Telemetry | None = None,
        embedded_process: BackendProcess | None = None,
    ) -> None:
        """`embedded_process`: the embedded demo backend, started in a child process at spawn (its owner stops it)."""
        self.parts = parts
        self.embedded_process = embedded_process
        self.settings = settings
        self.identity = parts.identity
        self.audit = audit
        self.specs = parts.enabled_tools(settings)  # an unknown tool name fails here, at start-up
        # {full tool name: scopes}; tools whose scopes the first token lacks are refused and, when known before
        # the first tools/list, left out of it (plugin.server.visibility).
        self.admission = Admission(
            parts.tool_scopes(self.specs),
            settings.data_residency,
            backend_label=self.identity.backend_label,
            metadata=self._metadata,
            rescope=self._rescope,
            user_permissions=parts.tool_user_scopes(self.specs),
        )
        self.telemetry = telemetry or Telemetry(self.identity.name, self.identity.version)
        self.session_id = uuid.uuid4().hex[:12]
        header = region_header_of(parts.adapter)
        self.region_guard = (
            RegionGuard(settings.data_residency, header, self.identity.backend_label)
            if settings.data_residency is not None and header is not None
            else None
        )
        self.admission.region_guard = self.region_guard
        self._backend = backend
        self._backend_lock = asyncio.Lock()
        self._stack = AsyncExitStack()
        self._backend_as_of: date | None = None  # the backend's business date, when it reports one
        self._metadata_known = False
        self._metadata_lock = asyncio.Lock()
        self._opening: asyncio.Task[None] | None = None  # the backend, opened ahead of the first call
        self._connecting: asyncio.Task[None] | None = None  # the demo's child process, awaited from `initialized`
        self._warm_up: asyncio.Task[None] | None = None  # the opening and this process's preparation
        # Graceful shutdown (plugin.server.visibility): once draining, new calls are refused (and audited);
        # `idle` is set whenever no call is in flight.
        self.draining = False
        self._in_flight = 0
        self.idle = asyncio.Event()
        self.idle.set()
        # Shared state for replicas (plugin.config.shared): one asyncio client for reports and tokens.
        state_url = settings.shared_state
        self._state = None if state_url is None else async_client(state_url)
        if state_url is not None:
            SECRETS.add(password_of(state_url))
        self.services = make_services(parts, settings, self._state)
        self._listed_hidden: frozenset[str] | None = None  # what tools/list leaves out, fixed at its first answer
        self._list_lock = asyncio.Lock()
        self._settling: asyncio.Task[None] | None = None
        # Remote mode: the verified user of the current request (set by plugin.server.remote); None on stdio.
        self.current_user: Callable[[], VerifiedUser | None] = lambda: None
        # Remote mode (set by plugin.server.remote): several people share this process, so what it keeps for
        # one of them (reports, confirmations) is theirs only, and a request without a verified user gets none.
        self.remote = False
        self._user_settings: LRUCache[str, PluginSettings] = LRUCache(maxsize=1024)  # by verified subject
        # (session, name, version) of the last session seen; weakly held, so an ended session can be freed

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def hidden_tools(self) -> frozenset[str]:
        """What this request's `tools/list` leaves out: `listed_hidden`, and in remote mode also the tools whose
        scopes the signed-in user's token lacks (fixed per user: the cache hint is private)."""
        hidden = await self.listed_hidden()
        user = self.current_user()
        return hidden if user is None else hidden | self.admission.user_hidden(user.scopes)

    async def listed_hidden(self) -> frozenset[str]:
        """The tools `tools/list` leaves out: decided once, before its first answer, and never changed after.

        The first list waits (at most LIST_SETTLE_SECONDS) for the first token, which says which scopes were
        granted. If it cannot be had in time, the list is what the configuration enables, and a call whose
        scope turns out to be missing fails with `permission_denied`. A list that changed as a side effect of
        another request would break clients that cache it (and the 2026-07-28 specification forbids it).
        """
        if self._listed_hidden is None and self.settings.embedded:
            embedded = self.parts.adapter.embedded()
            if embedded is not None and embedded.granted_scopes is not None:
                self._listed_hidden = frozenset(ungranted(self.parts.tool_scopes(self.specs), embedded.granted_scopes))
        if self._listed_hidden is None:
            async with self._list_lock:
                if self._listed_hidden is None:
                    self.start_settling()
                    assert self._settling is not None
                    try:
                        await asyncio.wait_for(asyncio.shield(self._settling), LIST_SETTLE_SECONDS)
                    except TimeoutError:
                        log.warning("scopes_not_known_in_time", waited_s=LIST_SETTLE_SECONDS)
                    self._listed_hidden = frozenset(self.admission.hidden)
        return self._listed_hidden

    def start_settling(self) -> None:
        """Start learning the granted scopes in the background (the first tools/list waits for it, bounded)."""
        if self._settling is None:
            self._settling = asyncio.create_task(self._settle_scopes())

    async def _settle_scopes(self) -> None:
        try:
            await self.admission.learn_scopes(await self.backend())
        except Exception as exc:  # unreachable token endpoint, bad credentials: calls will say so
            log.warning("scopes_unknown_at_list", error=type(exc).__name__)

    async def backend(self) -> Backend:
        if self._backend is None:
            async with self._backend_lock:
                if self._backend is None:
                    opened = open_backend(
                        self.settings,
                        self.parts.adapter,
                        self.parts.requested_scopes(self.settings),
                        identity=self.identity,
                        response_check=None if self.region_guard is None else self.region_guard.check,
                        shared_tokens=self._shared_tokens(),
                        embedded_process=self.embedded_process,
                    )
                    self._backend = await self._stack.enter_async_context(opened)
        return self._backend

    def _shared_tokens(self) -> RedisTokens | None:
        if self._state is None:
            return None
        key = self.services.keys.installation_key("shared-token-cache")
        return RedisTokens(self._state, namespace(self.identity.name), key)

    def _rescope(self, scopes: tuple[str, ...]) -> None:
        """Request only `scopes` from now on: the backend refused some of what the enabled tools need."""
        assert self._backend is not None
        self._backend = rescoped(self._backend, self.parts.adapter, self.settings, scopes)

    async def _metadata(self, backend: Backend) -> BackendMetadata | None:
        metadata = await self.parts.adapter.metadata(backend.api)
        self._learn(metadata)
        return metadata

    def _learn(self, metadata: BackendMetadata | None) -> None:
        self._backend_as_of = None if metadata is None else metadata.as_of
        self._metadata_known = True

    async def as_of(self, backend: Backend) -> date:
        """The business date: configured, else the backend's own, else today.

        The backend is asked once per process; one without metadata is not asked again, and
        "today" is re-read on every call so a long-running server does not freeze the date.
        """
        if self.settings.as_of is not None:
            return self.settings.as_of
        if not self._metadata_known:
            async with self._metadata_lock:  # single flight: 100 concurrent cold calls ask once
                if not self._metadata_known:
                    with contextlib.suppress(PluginError):  # transient: ask again on the next call
                        await self._metadata(backend)
        return self._backend_as_of or date.today()

    def start_warm_up(self) -> None:
        """After `initialize`: open the backend in the background, so the first tool call does not wait for it,
        and prepare this process's own share of that call.

        For the embedded demo backend this imports and builds it (or waits for its child process) and fetches
        its token and metadata (the bulk of a cold first call). For a real backend only the HTTP client is
        made: no request is sent before a tool call asks for one.
        """
        self._start_opening()
        if self._warm_up is None:
            self._warm_up = asyncio.get_running_loop().create_task(self._warm())

    def start_warm_up_soon(self) -> None:
        """`start_warm_up` a moment after `initialize`: the client's `tools/list` follows at once, and CPU-bound
        warm-up work would delay that answer; a person's first prompt comes later. When the demo backend builds
        in its child process, connecting to it costs this process nothing (the wait for its readiness is off the
        loop, in a thread that holds no lock): that starts at once; the token comes with the warm-up."""
        if self.embedded_process is not None and self._connecting is None:
            self._connecting = asyncio.get_running_loop().create_task(self._connect())
        asyncio.get_running_loop().call_later(WARM_UP_DELAY_SECONDS, self.start_warm_up)

    def _start_opening(self) -> None:
        if self._opening is None:
            self._opening = asyncio.get_running_loop().create_task(self._open())

    async def _connect(self) -> None:
        with contextlib.suppress(Exception):  # the first tool call meets (and reports) the same problem
            await self.backend()

    async def _open(self) -> None:
        try:
            backend = await self.backend()
            if self.settings.embedded:
                await backend.session.tokens.get(backend.session.token_key)
                await self.as_of(backend)
        except Exception as exc:  # the first tool call meets (and reports) the same problem
            log.debug("warm_up_failed", error=type(exc).__name__)

    async def _warm(self) -> None:
        await asyncio.sleep(0)  # the opening starts first (a child's readiness is awaited off the loop) ...
        self._prepare()  # ... then this process prepares its own share of the first call
        if self._opening is not None:
            await self._opening

    def _prepare(self) -> None:
        """Local work the first call would otherwise do, without a request: text-cleaning tables, the adapter's
        deferred models, the token client's import, each tool's own (~120 ms together).

        Each step is only a head start: one that fails is logged and the others still run (the first call does
        the failed one again, and reports what goes wrong)."""
        steps: list[tuple[str, Callable[[], None]]] = [("text_cleaning", prepare_text_cleaning)]
        if (prepare := prepare_of(self.parts.adapter)) is not None:
            steps.append(("adapter", prepare))
        steps.append(("token_client", preload_token_client))
        steps.extend((spec.name, spec.prepare) for spec in self.specs if spec.prepare is not None)
        for step, run in steps:
            try:
                run()
            except Exception as exc:
                log.debug("prepare_failed", step=step, error=type(exc).__name__)

    async def aclose(self) -> None:
        for task in (self._warm_up, self._opening, self._connecting):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if self._settling is not None and not self._settling.done():
            self._settling.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._settling
        await self._stack.aclose()
        if self._state is not None:
            with contextlib.suppress(Exception):  # a Redis already gone must not stop the shutdown
                await self._state.aclose()
        if self.audit is not None:
            self.audit.close()

    # -- one tool call -------------------------------------------------------------------------------------
    async def invoke(
        self, spec: ToolSpec[Any, Any], full_name: str, arguments: dict[str, Any], ctx: Context | None
    ) -> CallToolResult | InputRequiredResult:
        scope = CallScope(deadline=time.monotonic() + self.settings.call_deadline)
        token = CURRENT_CALL.set(scope)
        user_token = CURRENT_USER.set(self.current_user())
        started = time.perf_counter()
        outcome = "ok"
        summary = AuditSummary()
        self._in_flight += 1
        self.idle.clear()
        with self.telemetry.tool_call(full_name, scope.request_id) as traced:
            try:
                if self.draining:
                    raise BackendUnavailable(
                        f"The server is shutting down and no longer accepts calls; {full_name} was not run. "
                        "Call it again once the server has restarted."
                    )
                self._audit_ready()
                try:
                    args = spec.input_model.model_validate(arguments)
                except ValidationError as exc:
                    raise InvalidArgument(describe_validation_error(exc, full_name)) from None
                # Cursors encoded or decoded in this call are bound to this tool and these arguments.
                with cursor_scope(self.services.cursors, full_name, args):
                    try:
                        async with asyncio.timeout(self.settings.call_deadline) as budget:

                            def paused(seconds: float, budget: asyncio.Timeout = budget) -> None:
                                # Time the person spends answering does not count against the call deadline.
                                when = budget.when()
                                if when is not None:
                                    budget.reschedule(when + seconds)
                                if scope.deadline is not None:
                                    scope.deadline += seconds

                            context = await self._admit(full_name, ctx, paused)
                            output = await spec.handler(args, context)
                    except InputRequired as asked:
                        outcome = "input_required"  # the person is asked; the client calls again with the answer
                        return asked.result
                    except TimeoutError:
                        raise DeadlineExceeded(
                            f"{full_name} did not finish within {self.settings.call_deadline:g} s; the "
                            f"{self.identity.backend_label} is slow. Try again, or narrow the request (filters, "
                            "smaller page)."
                        ) from None
                    result, output = self._result(full_name, spec, output)
                if self.audit is not None:  # the summary is only read by the audit record
                    summary = output.audit_summary()
                return result
            except PluginError as exc:
                outcome = f"error:{exc.code.value}"
                message = expand_tool_references(exc.for_model(), self.identity.namespace)
                raise ToolError(SECRETS.scrub(message)) from None
            except asyncio.CancelledError:
                outcome = "cancelled"
                raise
            except Exception as exc:
                outcome = f"exception:{type(exc).__name__}"
                log.exception("tool_crashed", tool=full_name, request_id=scope.request_id)
                raise ToolError(
                    f"[{ErrorCode.INTERNAL.value}] {full_name} failed unexpectedly; the error was logged with request "
                    f"id {scope.request_id}. Try again; if it persists, report that id to an administrator."
                ) from None
            finally:
                CURRENT_CALL.reset(token)
                CURRENT_USER.reset(user_token)
                elapsed = time.perf_counter() - started
                traced.outcome, traced.backend_requests = outcome, scope.requests
                self.telemetry.record_duration(full_name, outcome, elapsed)
                if self.audit is not None and outcome != "ok" and not summary.record_ids:
                    summary = AuditSummary(record_ids=spec.target_ids(arguments))
                try:
                    self._audit(full_name, arguments, ctx, scope, outcome, summary, elapsed)
                finally:
                    self._in_flight -= 1
                    if not self._in_flight:
                        self.idle.set()

    def unknown_tool(self, name: str, arguments: dict[str, Any], ctx: Context | None) -> ToolError:
        """The (audited) error for a call naming a tool this server does not serve, known to the registry or not."""
        shown = clean_inline(name, 80)
        registered = {self.parts.full_name(spec): spec for spec in self.parts.tools}.get(name)
        if registered is not None and self.settings.read_only and not registered.read_only:
            why = f"{shown} is a write tool and {self.identity.env('read_only')} removes every write tool"
        elif registered is not None:
            why = (
                f"{shown} is disabled in this configuration ({self.identity.env('enabled_tools')}/"
                f"{self.identity.env('disabled_tools')})"
            )
        else:
            why = f"there is no tool named '{shown}'"
        scope = CallScope(deadline=time.monotonic())
        self._audit(shown, arguments, ctx, scope, f"error:{ErrorCode.NOT_FOUND.value}", AuditSummary(), 0.0)
        return ToolError(f"[{ErrorCode.NOT_FOUND.value}] Unknown tool: {why}. Call tools/list for the tools served.")

    def refused(self, request: JSONRPCRequest) -> None:
        """Audit a tool call the transport answered "busy" (too many unanswered requests) without running it."""
        if request.method != "tools/call":
            return
        params = request.params if isinstance(request.params, dict) else {}
        name, arguments = params.get("name"), params.get("arguments")
        tool = clean_inline(name, 80) if isinstance(name, str) else "?"
        scope = CallScope(deadline=time.monotonic())
        with contextlib.suppress(ToolError):  # the busy answer is already on its way
            self._audit(
                tool,
                arguments if isinstance(arguments, dict) else {},
                None,
                scope,
                f"error:{ErrorCode.RATE_LIMITED.value}",
                AuditSummary(),
                0.0,
                mcp_request_id=str(request.id),
            )

    def begin_draining(self) -> None:
        """Refuse new calls from now on (remote mode's SIGTERM: the calls in flight finish)."""
        self.draining = True

    async def drain(self, grace: float) -> bool:
        """Refuse new calls and wait up to `grace` seconds for those in flight; True when none is left."""
        self.draining = True
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(grace):
                await self.idle.wait()
        return not self._in_flight

    async def complete(
        self,
        full_name: str,
        argument: str,
        prefix: str,
        completer: Callable[[ToolContext[Any], str], Awaitable[Sequence[str]]],
    ) -> list[str]:
        """Argument completion for one of `full_name`'s resources, as the caller, audited like a read.

        It reads the backend as the verified user with that tool's admission (scopes, residency), exactly as
        a call of the tool would: never with the server's own credentials, which see what the user may not.
        A hint, so it fails closed: anything that stops it (no verified user in remote mode, a scope the
        user lacks, an error, an audit record that cannot be written when audit is mandatory) offers nothing.
        """
        user = self.current_user()
        if (self.remote and user is None) or self.draining:
            return []
        seconds = min(self.settings.call_deadline, 5.0)
        scope = CallScope(deadline=time.monotonic() + seconds)
        call_token = CURRENT_CALL.set(scope)
        user_token = CURRENT_USER.set(user)
        started = time.perf_counter()
        outcome = "ok"
        values: list[str] = []
        try:
            self._audit_ready()
            async with asyncio.timeout(seconds):
                context = await self._admit(full_name, None)
                values = list(await completer(context, prefix))
        except PluginError as exc:
            outcome = f"error:{exc.code.value}"
        except TimeoutError:
            outcome = f"error:{ErrorCode.DEADLINE_EXCEEDED.value}"
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        except Exception as exc:
            outcome = f"exception:{type(exc).__name__}"
            log.exception("completion_crashed", tool=full_name, request_id=scope.request_id)
        finally:
            CURRENT_CALL.reset(call_token)
            CURRENT_USER.reset(user_token)
            if outcome != "ok":
                values = []
                log.info("completion_failed", tool=full_name, argument=argument, outcome=outcome)
            summary = AuditSummary(count=len(values), detail=f"{argument} of {full_name}")
            arguments = {"tool": full_name, "argument": argument, "value": prefix}
            try:
                self._audit(COMPLETION, arguments, None, scope, outcome, summary, time.perf_counter() - started)
            except ToolError:
                values = []  # mandatory audit: what could not be recorded is withheld
        return values

    def services_for(self, user: VerifiedUser | None, session: str | None = None) -> Services | None:
        """The shared services as one caller sees them: only the reports that caller made, and confirmation
        tokens bound to that caller and `session` (a token shown to one person confirms nothing for another).

        None: a remote request without a verified user, which is given nothing. On stdio (one person)
        the services themselves."""
        if user is None:
            return None if self.remote else self.services
        owner = owner_of(user)
        return dataclasses.replace(
            self.services,
            reports=self.services.reports.owned_by(owner),
            confirmations=self.services.confirmations.bound_to(owner, session),
        )

    def _audit_ready(self) -> None:
        """Mandatory audit: refuse before doing anything when the destination is known to be broken."""
        if self.audit is not None and self.settings.audit_required and not self.audit.ready():
            raise PolicyDenied(
                f"The audit trail ({self.audit.destination}) cannot be written and audit is mandatory; the call "
                "was refused. Ask an administrator to fix the audit destination."
            )

    async def _admit(
        self, full_name: str, ctx: Context | None, paused: Callable[[float], None] | None = None
    ) -> ToolContext[Any]:
        """Scopes and data residency are settled before the tool's first backend request."""
        backend = await self.backend()
        # Never changes tools/list: a scope learnt here only refuses the call (see listed_hidden).
        await self.admission.admit(full_name, backend)
        # The session may have been narrowed to fewer scopes while admitting: read the backend again.
        backend = await self.backend()
        user = CURRENT_USER.get()
        # Stateless (shared state): the SDK keeps no session, so a client's Mcp-Session-Id would be its own say-so.
        session = None if self.settings.shared_state is not None else _session_of(ctx)
        services = self.services_for(user, session)
        if services is None:
            raise PermissionDenied(f"{full_name} needs a signed-in user; this request carries none.")
        # Remote mode: the call acts for the verified user, so what a tool derives from the acting user (a
        # write's confirmation and idempotency key) is that user's, never the configured one shared by all.
        settings = self.settings if user is None else self._settings_of(user)
        # The SDK makes this a no-op when the client sent no progress token.
        report = None if ctx is None else ctx.report_progress
        return ToolContext(
            api=backend.api,
            settings=settings,
            as_of=await self.as_of(backend),
            progress=Progress(report),
            services=services,
            confirm=Confirmer() if ctx is None else ClientConfirmer(ctx, paused),
        )

    def _settings_of(self, user: VerifiedUser) -> PluginSettings:
        settings = self._user_settings.get(user.subject)
        if settings is None:
            settings = self.settings.model_copy(update={"acting_user": user.subject})
            self._user_settings[user.subject] = settings
        return settings

    def _result(
        self, full_name: str, spec: ToolSpec[Any, Any], output: ToolOutput
    ) -> tuple[CallToolResult, ToolOutput]:
        namespace = self.identity.namespace
        with_structured = self.settings.structured_output

        def measure(candidate: ToolOutput) -> tuple[int, str, str]:
            """(size, text, structured JSON): the size counts the text and `json.dumps(structured,
            ensure_ascii=False)`, which is the compact JSON plus one space after each separator."""
            text = expand_tool_references(spec.render(candidate), namespace)
            if not with_structured:  # the text is the whole result (docs/responses.md)
                return len(text), text, ""
            encoded = candidate.model_dump_json()
            # Every separator is a comma or a colon, so this is an upper bound; counted exactly only near the budget.
            size = len(text) + len(encoded) + encoded.count(",") + encoded.count(":")
            if size > MAX_RESPONSE_CHARS:
                size = len(text) + len(json.dumps(json.loads(encoded), ensure_ascii=False))
            return size, text, encoded

        try:
            output, text, encoded = fit_to_budget(output, measure)
        except OverBudget as exc:
            # A result that cannot be trimmed to the budget is a defect of the tool, never of the backend.
            log.error("response_over_budget", tool=full_name, chars=exc.size)
            raise ToolError(
                f"[{ErrorCode.INTERNAL.value}] {full_name} produced a response over the "
                f"{MAX_RESPONSE_CHARS:,}-character budget that it cannot page; ask for a narrower request, and "
                "report this to an administrator."
            ) from None
        # A backend may echo a credential inside an ordinary field (e.g. a title): never to the model.
        # Done after fitting: tokens and secrets are far longer than the marker that replaces them.
        text = SECRETS.scrub_values(text)
        scrubbed: dict[str, Any] | None = None
        if with_structured:
            scrubbed = json.loads(encoded)
            if not SECRETS.absent_from_json(encoded):
                scrubbed = cast(dict[str, Any], SECRETS.scrub_structure(scrubbed))
        links = [
            ResourceLink(
                type="resource_link",
                uri=link.uri,
                name=link.name,
                title=link.title,
                description=link.description,
                mime_type=link.mime_type,
            )
            for link in output.resource_links()
        ]
        content: list[Any] = [TextContent(type="text", text=text), *links]
        result = CallToolResult(content=content, structured_content=scrubbed)
        return result, output

    @staticmethod
    def _client_of(request: ServerRequestContext[Any, Any] | None) -> tuple[str | None, str | None]:
        """The client's name and version from its `initialize` (held by the connection; two attribute reads)."""
        params = None if request is None else request.session.client_params
        if params is None:
            return None, None
        return params.client_info.name, params.client_info.version

    def _audit(
        self,
        tool: str,
        arguments: dict[str, Any],
        ctx: Context | None,
        scope: CallScope,
        outcome: str,
        summary: AuditSummary,
        elapsed: float,
        *,
        mcp_request_id: str | None = None,
    ) -> None:
        if self.audit is None:
            return
        request = _request_of(ctx)
        client_name, client_version = self._client_of(request)
        user = self.current_user()
        record = AuditEntry(
            timestamp=datetime.now(UTC),
            request_id=scope.request_id,
            mcp_request_id=mcp_request_id if request is None else str(request.request_id),
            session_id=self.session_id,
            tool=tool,
            arguments=audit_arguments(arguments),
            outcome=outcome,
            result_count=summary.count if outcome == "ok" else None,
            record_ids=summary.record_ids[:100],
            result_detail=summary.detail,
            duration_ms=round(elapsed * 1000, 2),
            acting_user=self.settings.acting_user if user is None else user.subject,
            subject=None if user is None else user.subject,
            issuer=None if user is None else user.issuer,
            client_name=client_name,
            client_version=client_version,
            plugin_name=self.identity.name,
            plugin_version=self.identity.version,
            backend_request_ids=scope.backend_request_ids[:50],
        )
        try:
            self.audit.write(record)
        except AuditWriteError as exc:
            # Never silent: stderr always; with mandatory audit the result is withheld.
            with contextlib.suppress(OSError, ValueError):  # stderr itself may be the broken destination
                sys.stderr.write(
                    f"{self.identity.name}: AUDIT FAILURE for {tool} (request {scope.request_id}): {exc}\n"
                )
            if self.settings.audit_required and outcome != "cancelled":
                raise ToolError(
                    f"[{ErrorCode.POLICY_DENIED.value}] The audit record for this call could not be written and "
                    "audit is mandatory, so the result is withheld. Ask an administrator to fix the audit "
                    f"destination (request id {scope.request_id})."
                ) from None


def _session_of(ctx: Context | None) -> str | None:
    """The streamable HTTP session of the request (`Mcp-Session-Id`, which the SDK has matched to a live session
    of this user); None on stdio and sessionless requests."""
    request = _request_of(ctx)
    headers = None if request is None else getattr(request.request, "headers", None)
    return None if headers is None else headers.get("mcp-session-id")


def owner_of(user: VerifiedUser) -> str:
    """Whom a kept result belongs to: the verified subject, unique per issuer (JSON: no separator to forge)."""
    return json.dumps([user.issuer, user.subject], ensure_ascii=False)


def _request_of(ctx: Context | None) -> ServerRequestContext[Any, Any] | None:
    """The SDK's request context. `Context` is a pydantic model and its `request_context` reads a private attribute
    through `BaseModel.__getattr__`, which raises and catches an AttributeError inside: ~5 us even when warm (83 ns
    read where pydantic keeps private attributes). The property is the fallback should the SDK rename it."""
    if ctx is None:
        return None
    private = getattr(ctx, "__pydantic_private__", None)
    if isinstance(private, dict) and (request := private.get("_request_context")) is not None:
        return cast("ServerRequestContext[Any, Any]", request)
    try:
        return ctx.request_context
    except ValueError:  # outside a request
        return None
