"""What must hold before a tool call may reach the backend: granted scopes known, data residency verified.

`Admission.admit` runs at the start of every tool call, after argument validation and before the
tool's first backend request. Its first run fetches the token (which says which scopes were granted)
and, when a region is required, asks the backend where it is; later runs cost a dictionary lookup.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING

from plugin.observability.logging import get_logger
from plugin.server.residency import RegionGuard, mismatch, unverifiable
from plugin.server.visibility import announce_hidden, refusal, ungranted
from plugin.toolkit.errors import PermissionDenied, PluginError, PolicyDenied
from plugin.transport.users import CURRENT_USER

if TYPE_CHECKING:
    from plugin.transport.adapter import BackendMetadata
    from plugin.transport.connection import Backend

log = get_logger(__name__)


class Admission:
    def __init__(
        self,
        permissions: Mapping[str, tuple[str, ...]],
        residency: str | None,
        *,
        backend_label: str,
        metadata: Callable[[Backend], Awaitable[BackendMetadata | None]],
        rescope: Callable[[tuple[str, ...]], None] | None = None,
        user_permissions: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self._permissions = dict(permissions)  # {full tool name: scopes it needs}
        # {full tool name: scopes a signed-in user's token must carry for it} (remote mode)
        self._user_permissions = dict(permissions if user_permissions is None else user_permissions)
        self._label = backend_label
        self._metadata = metadata
        self._rescope = rescope  # switches later requests to a narrower scope set (see granted_scopes)
        self._residency = residency
        self._lock = asyncio.Lock()
        self._scopes_known = False
        self._region_verified = residency is None
        self._denied: PolicyDenied | None = None
        self.hidden: dict[str, str] = {}
        self.region_guard: RegionGuard | None = None  # per-response region check; its refusal is sticky

    @property
    def settled(self) -> bool:
        return self._scopes_known and self._region_verified

    async def learn_scopes(self, backend: Backend) -> None:
        """Learn the granted scopes now (before the first tools/list), without checking residency."""
        if not self._scopes_known:
            async with self._lock:
                if not self._scopes_known:
                    self._learn_scopes_locked(await granted_scopes(backend))

    def _learn_scopes_locked(self, learnt: tuple[frozenset[str], tuple[str, ...] | None]) -> None:
        granted, narrowed = learnt
        if narrowed is not None and self._rescope is not None:
            self._rescope(narrowed)
        self.hidden = ungranted(self._permissions, granted)
        self._scopes_known = True
        announce_hidden(self.hidden, self._label)

    async def admit(self, tool: str, backend: Backend) -> bool:
        """Raise if `tool` may not run now; return True when this call first learnt the granted scopes."""
        learnt = False
        if not self.settled:
            async with self._lock:
                learnt = await self._settle(backend)
        if self._denied is not None:
            raise self._denied
        if self.region_guard is not None and self.region_guard.denied is not None:
            raise self.region_guard.denied
        scope = self.hidden.get(tool)
        if scope is not None:
            raise refusal(tool, scope)
        user = CURRENT_USER.get()
        if user is not None:
            missing = [needed for needed in self._user_permissions.get(tool, ()) if needed not in user.scopes]
            if missing:
                raise PermissionDenied(
                    f"{tool} needs the '{missing[0]}' scope, which the signed-in user's token does not carry; "
                    "the tool is not available to this user. Ask an administrator to grant it.",
                    scope=missing[0],
                )
        return learnt

    def user_hidden(self, scopes: frozenset[str]) -> frozenset[str]:
        """The tools a user whose token carries `scopes` may not call (left out of that user's tools/list)."""
        return frozenset(ungranted(self._user_permissions, scopes))

    async def _settle(self, backend: Backend) -> bool:
        learnt = False
        if not self._scopes_known:
            self._learn_scopes_locked(await granted_scopes(backend))
            learnt = True
        if not self._region_verified and self._denied is None:
            assert self._residency is not None
            try:
                metadata = await self._metadata(backend)
            except PolicyDenied as exc:  # the region header of the metadata response itself: a definite answer
                self._denied = exc
                raise
            except PluginError as exc:
                log.warning("residency_unverifiable", error=exc.code.value)
                raise unverifiable(self._residency, exc, self._label) from None
            region = None if metadata is None else metadata.region
            self._denied = mismatch(self._residency, region, self._label)
            if self._denied is not None:
                log.error("residency_mismatch", expected=self._residency, reported=region)
            else:
                self._region_verified = True
        return learnt


async def granted_scopes(backend: Backend) -> tuple[frozenset[str], tuple[str, ...] | None]:
    """(granted scopes, narrowed request or None) from the first token.

    A backend may grant a subset of the requested scopes (the token response says which), or refuse the
    whole request with `invalid_scope` when one is not allowed to the client. In that case one token
    request without `scope` (RFC 6749 3.3: the client's default) reveals what the client has; that
    broader token is dropped at once, and the caller narrows later requests to requested & granted.
    """
    session = backend.session
    key = session.token_key
    try:
        token = await session.tokens.get(key)
    except PermissionDenied:
        probe_key = dataclasses.replace(key, scopes=())
        probe = await session.tokens.get(probe_key)
        session.tokens.invalidate(probe_key, probe.value)
        narrowed = tuple(sorted(set(key.scopes) & probe.granted_scopes))
        log.info("scopes_narrowed", requested=list(key.scopes), granted=sorted(probe.granted_scopes))
        return probe.granted_scopes, narrowed
    return token.granted_scopes, None
