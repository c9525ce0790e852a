"""The reference backend adapter: the contract CLM's REST API (and the bundled sandbox as its demo).

Implements `plugin.transport.adapter.BackendAdapter`; `server.py` hands `ClmAdapter()` to the
machinery. A fork replaces this package to talk to Ironclad, DocuSign CLM, SpotDraft or an internal API.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from clm_client.client import SCOPE_READ_CONTRACTS, SCOPE_READ_DOCUMENTS, SCOPE_WRITE_ANNOTATIONS, ClmClient
from clm_client.demo import sandbox_app
from clm_client.errors import map_error
from clm_client.models import response_models
from plugin.toolkit.errors import NotFound
from plugin.transport.adapter import BackendMetadata, EmbeddedBackend

if TYPE_CHECKING:
    import httpx2

    from plugin.toolkit.errors import PluginError
    from plugin.transport.http import ApiSession

# The CLM's OAuth scopes by the permission a tool declares (here they are named alike).
PERMISSION_SCOPES: dict[str, tuple[str, ...]] = {
    SCOPE_READ_CONTRACTS: (SCOPE_READ_CONTRACTS,),
    SCOPE_READ_DOCUMENTS: (SCOPE_READ_DOCUMENTS,),
    SCOPE_WRITE_ANNOTATIONS: (SCOPE_WRITE_ANNOTATIONS,),
}

# Remote mode: the scopes a person's token (from the organisation's authorization server) must carry per permission.
USER_SCOPE_READ = "contracts:read"
USER_SCOPE_ANNOTATE = "contracts:annotate"
USER_SCOPES: dict[str, tuple[str, ...]] = {
    SCOPE_READ_CONTRACTS: (USER_SCOPE_READ,),
    SCOPE_READ_DOCUMENTS: (USER_SCOPE_READ,),
    SCOPE_WRITE_ANNOTATIONS: (USER_SCOPE_ANNOTATE,),
}

DEMO_CLIENT_ID = "demo-client"
DEMO_CLIENT_SECRET = "demo-secret"  # the sandbox's published demo credential, not a secret  # noqa: S105


def _remote_help(issuer: str, public_url: str) -> str:
    """What `serve` prints on stderr with the embedded default: demo users, how to get a token, the Inspector."""
    from sandbox.users import default_users  # the sandbox is imported only where the embedded default serves

    users = ", ".join(f"{u.user_id}/{u.password.get_secret_value()}" for u in default_users())
    return (
        f"demo users (user/password, demo only): {users}\n"
        "  alice sees every contract; bob only those of our EMEA entities; carol only European counterparties; "
        "dave reads everything but may not annotate\n"
        f"a demo user's token:  python -m sandbox token --user alice --url {issuer} --resource {public_url}\n"
        f"  (or: curl -s {issuer}/oauth/token -d grant_type=password -d client_id=demo-mcp-client "
        f"-d username=alice -d password=alice-demo --data-urlencode resource={public_url})\n"
        f"MCP Inspector:  npx @modelcontextprotocol/inspector  -> Transport 'Streamable HTTP', URL {public_url}, "
        "Authentication: Bearer <the token>\n"
        f"  or: npx @modelcontextprotocol/inspector --cli {public_url} --transport http "
        '--header "Authorization: Bearer $TOKEN" --method tools/list\n'
    )


class ClmAdapter:
    region_header = "X-CLM-Region"  # the CLM reports its data-residency region on every response
    user_scopes = USER_SCOPES

    @property
    def permission_scopes(self) -> Mapping[str, tuple[str, ...]]:
        return PERMISSION_SCOPES

    def client(self, session: ApiSession) -> ClmClient:
        return ClmClient(session)

    def map_error(self, response: httpx2.Response) -> PluginError:
        return map_error(response)

    async def metadata(self, client: ClmClient) -> BackendMetadata | None:
        try:
            meta = await client.meta()
        except NotFound:
            return None  # a CLM without /v1/meta: business date = today, no region
        described = f"API {meta.api_version or '?'}, {meta.contracts if meta.contracts is not None else '?'} contracts"
        return BackendMetadata(as_of=meta.as_of, region=meta.region, description=described)

    def prepare(self) -> None:
        """Build the deferred response models (~25 ms for all), so the first call only validates."""
        for model in response_models():
            model.model_rebuild(force=True)

    def embedded(self) -> EmbeddedBackend:
        return EmbeddedBackend(
            app=sandbox_app,
            client_id=DEMO_CLIENT_ID,
            client_secret=DEMO_CLIENT_SECRET,
            description="the bundled sandbox CLM, with demo data",
            # The sandbox grants its demo client every scope (sandbox/settings.py: default_clients).
            granted_scopes=frozenset(scope for scopes in PERMISSION_SCOPES.values() for scope in scopes),
            stable_secret=True,
            remote_help=_remote_help,
        )
