"""Enterprise controls from manifest.json, and the effective settings they produce.

An organisation's administrator sets `enterprise_controls` in the manifest they sign and ship:
- `audit_logging: true`: every call is audited (default destination: a JSON-lines file under the
  user's state directory) and a call whose audit record cannot be written is refused;
- `user_consent_required: true`: the annotation confirmation step cannot be turned off;
- `data_residency: "<region>"`: the backend must report that region, else every call is refused.

The environment may choose the audit destination and override the residency region (for admins
and tests), but it cannot switch off user consent the manifest requires.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from plugin.config.settings import PluginSettings

NO_RESIDENCY = frozenset({"none", "off", "any", ""})


class EnterpriseControls(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    data_residency: str | None = None
    audit_logging: bool = False
    user_consent_required: bool = False


class ControlsError(ValueError):
    """manifest.json's enterprise_controls cannot be read; the server must not start without them."""


def load_controls(path: Path) -> EnterpriseControls:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return EnterpriseControls.model_validate(raw.get("enterprise_controls") or {})
    except (OSError, ValueError, AttributeError) as exc:
        reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else type(exc).__name__
        raise ControlsError(f"cannot read enterprise_controls from {path}: {reason}") from None


def apply_controls(settings: PluginSettings, controls: EnterpriseControls) -> PluginSettings:
    """The settings the server runs with: every governance field resolved to one explicit value."""
    residency = settings.data_residency if settings.data_residency is not None else controls.data_residency
    if residency is not None and residency.strip().lower() in NO_RESIDENCY:
        residency = None
    audit = settings.audit
    if audit is None:
        if settings.audit_file is not None:
            audit = f"file:{settings.audit_file}"
        else:
            audit = "file" if controls.audit_logging else "off"
    required = settings.audit_required if settings.audit_required is not None else controls.audit_logging
    return settings.model_copy(
        update={
            "data_residency": residency.strip() if residency else None,
            "audit": audit,
            "audit_required": required,
            # Consent the manifest requires cannot be configured away.
            "confirm_writes": True if controls.user_consent_required else settings.confirm_writes,
        }
    )
