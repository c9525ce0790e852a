"""HTTP routes of the sandbox CLM, one module per resource."""

from sandbox.web.fastapi_checks import apply as _apply_fastapi_checks

_apply_fastapi_checks()  # before any route module declares a route
