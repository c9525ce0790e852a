"""The verified user a request acts for (remote mode), as the transport sees it.

The server's resource-server layer verifies the bearer token of each HTTP request and sets
`CURRENT_USER` for the tool call; the HTTP pipeline then asks the backend as that user:
- `exchange` (default): the user's token is exchanged (RFC 8693) at the backend's token endpoint for
  a backend token bound to the user, cached per (user, audience, scopes);
- `acting_user` (a backend that cannot exchange tokens): the client's own token, with the verified
  subject as `X-Acting-User` (never a value from user settings).
Unset (stdio): the client's own token and the configured acting user, as always.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from typing import Literal

UserMode = Literal["exchange", "acting_user"]


@dataclass(frozen=True)
class VerifiedUser:
    subject: str  # `sub` of the verified token: unique per issuer
    issuer: str
    scopes: frozenset[str]
    token: str = field(repr=False)  # the user's own token: only ever sent as a token exchange's subject_token
    client_id: str | None = None  # the MCP client the token was issued to
    expires_at: int | None = None


CURRENT_USER: contextvars.ContextVar[VerifiedUser | None] = contextvars.ContextVar("verified_user", default=None)
