"""The embedded demo backend: the bundled sandbox CLM, built from the plugin's settings.

A module of its own, importing nothing at the top: the stdio server builds the demo in a child process
that imports `sandbox_app` by its reference (plugin.transport.backend_process), and that process should
pay only for the sandbox, not for the API client and the tools' models.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plugin.config.settings import PluginSettings


def sandbox_app(settings: PluginSettings, secret: bytes) -> Any:
    # The sandbox (FastAPI, SQLite) is imported only when the embedded default is used.
    from pydantic import SecretStr

    from sandbox.app import create_app
    from sandbox.settings import SandboxSettings

    # Its cursors are signed with the installation's secret and its database is the cached build (written
    # annotations included), so a cursor or a note from one server process is still valid in the next.
    cursor_secret = SecretStr(base64.urlsafe_b64encode(secret).decode())
    return create_app(
        SandboxSettings(contracts=settings.demo_size, cursor_secret=cursor_secret, import_paths=settings.demo_import)
    )
