"""The backend adapter for the contract CLM (the fork's room): its API client, models, errors and scopes.

`clm_client.adapter.ClmAdapter` implements `plugin.transport.adapter.BackendAdapter`; tools receive
its client as `ctx.api`, typed by `ClmContext`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clm_client.client import ClmClient
    from plugin.toolkit.spec import ToolContext

    ClmContext = ToolContext[ClmClient]


def __getattr__(name: str) -> Any:
    # Made on first use: the embedded demo's child process imports clm_client.demo, and importing this package
    # must not cost it the API client (~150 ms of imports it never uses).
    if name == "ClmContext":
        from clm_client.client import ClmClient
        from plugin.toolkit.spec import ToolContext

        globals()[name] = context = ToolContext[ClmClient]
        return context
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
