"""Enterprise controls from manifest.json -> effective settings; residency comparison; scope hiding rules."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from plugin.config.controls import (
    ControlsError,
    EnterpriseControls,
    apply_controls,
    load_controls,
)
from plugin.config.settings import PluginSettings, load_settings
from plugin.observability.audit import AuditConfigError, default_audit_path, parse_destination
from plugin.server.assembly import effective_settings
from plugin.server.residency import mismatch
from plugin.server.visibility import ungranted
from plugin.toolkit.errors import ErrorCode
from tests.plugin_parts import IDENTITY, PARTS

STRICT = EnterpriseControls(data_residency="eu-west-1", audit_logging=True, user_consent_required=True)
LAX = EnterpriseControls(data_residency=None, audit_logging=False, user_consent_required=False)


def test_strict_manifest_defaults() -> None:
    effective = apply_controls(PluginSettings(confirm_writes=False), STRICT)
    assert effective.data_residency == "eu-west-1"
    assert effective.audit == "file"
    assert parse_destination(effective.audit, IDENTITY).path == default_audit_path(IDENTITY.name)
    assert effective.audit_required is True
    # consent required by the manifest cannot be configured away
    assert effective.confirm_writes is True


def test_lax_manifest_defaults_and_consent_can_be_turned_off() -> None:
    effective = apply_controls(PluginSettings(confirm_writes=False), LAX)
    assert effective.data_residency is None
    assert effective.audit == "off" and effective.audit_required is False
    assert effective.confirm_writes is False


def test_environment_overrides_residency_and_destination() -> None:
    settings = PluginSettings(data_residency="us-east-1", audit="stderr", audit_required=False)
    effective = apply_controls(settings, STRICT)
    assert (effective.data_residency, effective.audit, effective.audit_required) == ("us-east-1", "stderr", False)
    assert apply_controls(PluginSettings(data_residency="none"), STRICT).data_residency is None


def test_legacy_audit_file_still_works(tmp_path: Path) -> None:
    effective = apply_controls(PluginSettings(audit_file=tmp_path / "a.jsonl"), LAX)
    assert effective.audit == f"file:{tmp_path / 'a.jsonl'}"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLM_AUDIT", "syslog:127.0.0.1:5514")
    monkeypatch.setenv("CLM_AUDIT_REQUIRED", "true")
    monkeypatch.setenv("CLM_DATA_RESIDENCY", "ap-south-1")
    assert PluginSettings().audit is None  # constructed directly, the environment is not read
    settings = load_settings(IDENTITY)
    assert (settings.audit, settings.audit_required, settings.data_residency) == (
        "syslog:127.0.0.1:5514",
        True,
        "ap-south-1",
    )


def test_mandatory_audit_cannot_be_off(tmp_path: Path) -> None:
    parts = dataclasses.replace(PARTS, root=tmp_path)  # the same plugin with its own manifest.json
    parts.manifest_path.write_text(json.dumps({"enterprise_controls": {"audit_logging": True}}))
    with pytest.raises(AuditConfigError, match="audit is mandatory"):
        effective_settings(parts, PluginSettings(audit="off"))
    assert effective_settings(parts, PluginSettings(audit="off", audit_required=False)).audit == "off"


def test_manifest_controls_load_and_bad_manifest_is_clear(tmp_path: Path) -> None:
    controls = load_controls(PARTS.manifest_path)  # the repository's own manifest.json
    assert controls.audit_logging is True and controls.user_consent_required is True
    bad = tmp_path / "manifest.json"
    bad.write_text('{"enterprise_controls": {"audit_logging": "sometimes"}}')
    with pytest.raises(ControlsError, match="enterprise_controls"):
        load_controls(bad)
    bad.write_text("{not json")
    with pytest.raises(ControlsError, match=str(bad)):
        load_controls(bad)


@pytest.mark.parametrize(
    ("expected", "reported", "refused"),
    [
        ("eu-west-1", "eu-west-1", False),
        ("eu-west-1", " EU-West-1 ", False),
        ("eu-west-1", "us-east-1", True),
        ("eu-west-1", None, True),
        ("eu-west-1", "", True),
    ],
)
def test_residency_comparison(expected: str, reported: str | None, refused: bool) -> None:
    error = mismatch(expected, reported, IDENTITY.backend_label)
    assert (error is not None) is refused
    if error is not None:
        assert error.code is ErrorCode.POLICY_DENIED and "eu-west-1" in error.message
        if reported:
            assert reported.strip() in error.message  # names both regions


def test_ungranted_tools() -> None:
    permissions = {"clm__search_contracts": ("read:contracts",), "clm__annotate_contract": ("write:annotations",)}
    assert ungranted(permissions, {"read:contracts", "read:documents"}) == {
        "clm__annotate_contract": "write:annotations"
    }
    assert ungranted(permissions, {"read:contracts", "write:annotations"}) == {}
    # a tool needing several scopes is hidden when any one is missing, named by the first missing one
    both = {"clm__get_document": ("read:contracts", "read:documents")}
    assert ungranted(both, {"read:contracts"}) == {"clm__get_document": "read:documents"}
    assert ungranted(both, {"read:contracts", "read:documents"}) == {}
