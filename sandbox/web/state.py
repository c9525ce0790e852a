"""Everything a running sandbox holds, created once per app by `create_app`."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from sandbox.settings import SandboxSettings
from sandbox.store.database import Database
from sandbox.store.documents import DocumentCache
from sandbox.web.cursor import CursorCodec
from sandbox.web.faults import FaultPlan
from sandbox.web.idp import IdentityProvider
from sandbox.web.observe import Observer
from sandbox.web.tokens import RateLimiter, TokenStore


@dataclass
class SandboxState:
    settings: SandboxSettings
    db: Database
    tokens: TokenStore
    limiter: RateLimiter
    cursors: CursorCodec
    idp: IdentityProvider
    faults: FaultPlan = field(default_factory=FaultPlan)
    observer: Observer = field(default_factory=Observer)
    documents: DocumentCache = field(default_factory=DocumentCache)

    @classmethod
    def create(cls, settings: SandboxSettings, db: Database) -> SandboxState:
        return cls(
            settings=settings,
            db=db,
            tokens=TokenStore(settings.token_ttl_seconds),
            limiter=RateLimiter(settings.rate_limit_per_minute),
            cursors=CursorCodec(settings.cursor_secret.get_secret_value().encode()),
            idp=IdentityProvider(settings.user_token_ttl_seconds),
            observer=Observer(keep_log=settings.test_endpoints),
        )


def get_state(request: Request) -> SandboxState:
    state = request.app.state.sandbox
    assert isinstance(state, SandboxState)
    return state
