"""The backend adapter interface: what a fork implements to put its own API behind the tools.

The machinery never imports an adapter; the composition root (`server.py`) hands one over. An
adapter declares:
- `client(session)`: the typed API client the tools call (`ToolContext.api`), built on the one
  HTTP pipeline (`ApiSession`: tokens, retries, deadlines, size caps);
- `permission_scopes`: the OAuth scopes each tool permission needs (least privilege);
- `map_error(response)`: an error response of the backend as a `PluginError` the model can act on;
- `metadata(client)`: optional business date and region (`None` when the backend has none: "today"
  is the business date, doctor skips the check, and required data residency fails closed);
- `embedded()`: the demo backend served when nothing is configured, or `None` (the
  server then says at start-up that a backend must be configured).

Optional (read with `region_header_of` / `user_scopes_of`, so an adapter without them needs no change):
- `region_header`: the response header in which the backend reports its region on every response
  (e.g. "X-Region"); with data residency required, every response carrying it is checked.
- `user_scopes`: remote mode: {permission: the scopes a *user's* token (from the organisation's
  authorization server) must carry for a tool with that permission}; default: the backend scopes.
- `prepare()`: local work the first call would otherwise do (e.g. building deferred response models), run
  in the background after `initialize` (read with `prepare_of`). It must send no request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    import httpx2

    from plugin.toolkit.errors import PluginError
    from plugin.transport.http import ApiSession

ApiClient = TypeVar("ApiClient", covariant=True)


class BackendMetadata(BaseModel):
    """What a backend may say about itself; every field optional."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    as_of: date | None = None  # the backend's business date, when it is not today
    region: str | None = None  # where its data lives (data residency)
    description: str | None = None  # one line for `doctor`, e.g. "API v1, 300 contracts"


@dataclass(frozen=True)
class EmbeddedBackend:
    """A demo backend, served when no backend is configured.

    With `DEMO_PROCESS=child` the stdio server builds it at spawn in a child process
    (plugin.transport.backend_process) that takes the same parts from the composition root (`server.py`);
    a child started later imports `app` by its reference (`module:qualname`), so `app` should be a
    module-level function (any other callable is then built in-process and called through the ASGI
    transport, no port, as in the `in-process` mode).
    `app` is blocking work (it may build a demo database) and runs off the event loop. With
    `stable_secret`, it is called as `app(settings, secret)`: 32 bytes, stable for this installation
    (derived from its key ring), to sign the demo backend's own state (e.g. its cursors) with, so
    that state stays valid across restarts.
    """

    app: Callable[..., Any]  # returns an ASGI application
    client_id: str
    client_secret: str  # a published demo credential, not a secret
    description: str  # what stderr says at start-up, e.g. "the bundled sandbox, with demo data"
    token_path: str = "/oauth/token"  # noqa: S105 - a URL path, not a secret
    auth_method: Literal["client_secret_basic", "client_secret_post"] = "client_secret_basic"
    stable_secret: bool = False
    # The scopes the demo client is granted, when known in advance: the first tools/list then needs no
    # token (and no demo backend built) to decide which tools to list, so start-up stays as cheap as before.
    granted_scopes: frozenset[str] | None = None
    # Remote mode (`serve`) with nothing configured: the demo backend served on a loopback port, with a test
    # authorization server. `remote_app(settings, secret)` builds it (default `app`); `remote_help(issuer,
    # public_url)` is what stderr says about getting a demo user's token and connecting a client.
    remote_app: Callable[..., Any] | None = None
    remote_help: Callable[[str, str], str] | None = None


class BackendAdapter(Protocol[ApiClient]):
    """Implemented by the fork's adapter (see clm_client.adapter for the reference implementation)."""

    @property
    def permission_scopes(self) -> Mapping[str, tuple[str, ...]]:
        """{permission a tool declares: the OAuth scopes it needs}."""
        ...

    def client(self, session: ApiSession) -> ApiClient: ...

    def map_error(self, response: httpx2.Response) -> PluginError: ...

    async def metadata(self, client: Any) -> BackendMetadata | None: ...

    def embedded(self) -> EmbeddedBackend | None: ...


def region_header_of(adapter: object) -> str | None:
    """The adapter's optional `region_header` (None when it declares none)."""
    header = getattr(adapter, "region_header", None)
    return header if isinstance(header, str) and header else None


def prepare_of(adapter: object) -> Callable[[], None] | None:
    """The adapter's optional `prepare` (None when it declares none)."""
    prepare = getattr(adapter, "prepare", None)
    return prepare if callable(prepare) else None


def user_scopes_of(adapter: object) -> Mapping[str, tuple[str, ...]] | None:
    """The adapter's optional `user_scopes` table (None when it declares none)."""
    table = getattr(adapter, "user_scopes", None)
    return table if isinstance(table, Mapping) else None
