"""`ctx.confirm(message)`: the person confirms through the client (MCP elicitation), on both protocol eras.

- Up to 2025-11-25 the server sends `elicitation/create` mid-call and waits for the answer.
- From 2026-07-28 a tool call cannot wait on the client: the first round answers with an
  `InputRequiredResult` carrying the question; the client asks the person and calls the tool
  again with the answer in `input_responses`. The tool runs again from the start, reaches the
  same question, and this time finds its answer. The question's key and `request_state` are a
  digest of the exact message, so an answer is only ever taken for the question it was given for
  (the SDK seals `request_state`, so the client cannot forge it).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mcp_types import (
    ElicitRequest,
    ElicitRequestFormParams,
    ElicitResult,
    InputRequiredResult,
)
from mcp_types.version import is_version_at_least

from plugin.toolkit.spec import Confirmer, Consent

if TYPE_CHECKING:
    from mcp.server.mcpserver import Context

INPUT_REQUIRED_VERSION = "2026-07-28"  # first era whose tools/call carries questions in InputRequiredResult
# Nothing to fill in: the person answers with the client's accept / decline / cancel.
CONFIRM_SCHEMA: dict[str, Any] = {"type": "object", "properties": {}}


class InputRequired(Exception):
    """Raised by `ctx.confirm` on the 2026-07-28 era's first round; the pipeline answers with `result`."""

    def __init__(self, result: InputRequiredResult) -> None:
        super().__init__("input required")
        self.result = result


def _modern(ctx: Context) -> bool:
    version = ctx.protocol_version
    return version is not None and is_version_at_least(version, INPUT_REQUIRED_VERSION)


def _can_elicit(ctx: Context) -> bool:
    try:
        capabilities = ctx.client_capabilities
    except (AttributeError, ValueError):
        return False
    elicitation = None if capabilities is None else capabilities.elicitation
    if elicitation is None:
        return False
    # An empty elicitation capability means form mode (the spec's default).
    return elicitation.form is not None or elicitation.url is None


class ClientConfirmer(Confirmer):
    def __init__(self, ctx: Context, paused: Callable[[float], None] | None = None) -> None:
        self._ctx = ctx
        self._paused = paused  # told how long the person took, so it does not count against the call deadline
        self.available = _can_elicit(ctx)

    async def __call__(self, message: str) -> Consent:
        if not self.available:
            raise RuntimeError("this client cannot ask the person; check `available` first")
        ctx = self._ctx
        if not _modern(ctx):
            started = time.monotonic()
            try:
                answer = await ctx.request_context.session.elicit_form(
                    message=message, requested_schema=CONFIRM_SCHEMA, related_request_id=ctx.request_id
                )
            finally:
                if self._paused is not None:
                    self._paused(time.monotonic() - started)
            return answer.action
        digest = hashlib.sha256(message.encode()).hexdigest()[:24]
        key, state = f"confirm-{digest[:12]}", f"confirm:{digest}"
        responses = ctx.input_responses or {}
        answered = responses.get(key)
        if isinstance(answered, ElicitResult) and ctx.request_state == state:
            return answered.action
        request = ElicitRequest(params=ElicitRequestFormParams(message=message, requested_schema=CONFIRM_SCHEMA))
        raise InputRequired(InputRequiredResult(input_requests={key: request}, request_state=state))
