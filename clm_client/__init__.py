"""The backend adapter for the contract CLM (the fork's room): its API client, models, errors and scopes.

`clm_client.adapter.ClmAdapter` implements `plugin.transport.adapter.BackendAdapter`; tools receive
its client as `ctx.api`, typed by `ClmContext`.
"""

from __future__ import annotations

from clm_client.client import ClmClient
from plugin.toolkit.spec import ToolContext

ClmContext = ToolContext[ClmClient]
