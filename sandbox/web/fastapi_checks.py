"""FastAPI without its import of pydantic.v1, which was about a quarter of building the sandbox app.

FastAPI asks of every route parameter (and of some response values) whether its type is a pydantic.v1 model, so
that it can refuse one, and imports the whole pydantic.v1 package to ask: 75-90 ms with `-X importtime`, on the
path of the embedded demo's first tool call. No v1 model can exist before pydantic.v1 has been imported, so until
then the answer is "no" without importing it (the change proposed upstream in fastapi/fastapi#16374, not
released). `apply()` puts that question in front of FastAPI's two checks; once pydantic.v1 is imported, FastAPI's
own check answers, so a v1 model is still refused as before.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import fastapi._compat
import fastapi._compat.shared
import fastapi.encoders


def _unless_v1_absent(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    def checked(value: Any) -> bool:
        return "pydantic.v1" in sys.modules and check(value)

    checked.__wrapped__ = check  # type: ignore[attr-defined]
    return checked


def apply() -> None:
    """Idempotent; call before the first route is declared (route declaration runs the check)."""
    shared = fastapi._compat.shared
    if hasattr(shared.is_pydantic_v1_model_class, "__wrapped__"):
        return
    # annotation_is_pydantic_v1 calls is_pydantic_v1_model_class through the module's globals.
    shared.is_pydantic_v1_model_class = _unless_v1_absent(shared.is_pydantic_v1_model_class)  # type: ignore[assignment]
    instance_check = _unless_v1_absent(shared.is_pydantic_v1_model_instance)
    # The instance check is imported by name into these modules; each keeps its own reference.
    for module in (shared, fastapi._compat, fastapi.encoders):
        module.is_pydantic_v1_model_instance = instance_check  # type: ignore[attr-defined]
