"""`python server.py doctor`: for the engineer whose plugin "doesn't work".

One line per check - PASS, FAIL (with the fix) or SKIP (with why) - in the order a connection is
made: configuration, token endpoint, token, scopes, backend, data residency, manifest signature.
Every line goes through the secret scrubber; the client secret and tokens are never printed. With
no backend configured it checks the embedded demo backend. Exit status 0 only when nothing failed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING

import httpx2
from pydantic import BaseModel, ConfigDict

from plugin.config.settings import PluginSettings, SettingsError, load_settings
from plugin.observability.audit import open_audit_sink
from plugin.observability.redaction import SECRETS
from plugin.release import signing
from plugin.release.shipped import SIGNATURE_NAME
from plugin.server.admission import granted_scopes
from plugin.server.assembly import effective_settings
from plugin.server.parts import PluginParts
from plugin.server.residency import mismatch
from plugin.toolkit.errors import AuthenticationFailed, BackendUnavailable, PermissionDenied, PluginError
from plugin.transport.connection import open_backend, rescoped

if TYPE_CHECKING:
    from plugin.transport.connection import Backend


class Status(StrEnum):
    PASS = "PASS"  # noqa: S105 - a check status, not a password
    FAIL = "FAIL"
    SKIP = "SKIP"


class Check(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    status: Status
    detail: str
    fix: str | None = None

    def line(self) -> str:
        text = f"{self.status.value:<4}  {self.name:<16} {self.detail}"
        if self.fix and self.status is Status.FAIL:
            text += f"\n      fix: {self.fix}"
        return SECRETS.scrub(text)


def _pass(name: str, detail: str) -> Check:
    return Check(name=name, status=Status.PASS, detail=detail)


def _fail(name: str, detail: str, fix: str) -> Check:
    return Check(name=name, status=Status.FAIL, detail=detail, fix=fix)


def _skip(name: str, detail: str) -> Check:
    return Check(name=name, status=Status.SKIP, detail=detail)


async def run_checks(
    parts: PluginParts, settings: PluginSettings | None = None, *, emit: Callable[[Check], None] | None = None
) -> list[Check]:
    """All checks, in order; `emit` sees each as soon as it is known (the CLI prints progressively)."""
    checks: list[Check] = []
    label = parts.identity.backend_label

    def record(check: Check) -> Check:
        checks.append(check)
        if emit is not None:
            emit(check)
        return check

    effective = _configuration(parts, settings, record)
    if effective is None:
        for name in ("token endpoint", "token", "scopes", label, "data residency"):
            record(_skip(name, "configuration failed"))
        record(_signature(parts))
        return checks
    await _connection(parts, effective, record)
    record(_signature(parts))
    return checks


def _configuration(
    parts: PluginParts, settings: PluginSettings | None, record: Callable[[Check], Check]
) -> PluginSettings | None:
    identity = parts.identity
    try:
        loaded = settings if settings is not None else load_settings(identity)
        effective = effective_settings(parts, loaded)
        tools = parts.enabled_tools(effective)
        sink = open_audit_sink(effective.audit, identity, demo=effective.embedded)
    except SettingsError as exc:
        record(
            _fail("configuration", str(exc), f"fix the named {identity.env_prefix}* variable(s) in the configuration")
        )
        return None
    except (ValueError, OSError) as exc:
        record(_fail("configuration", str(exc), "fix the named setting (see README, Configuration)"))
        return None
    audit = "off" if sink is None else sink.destination
    if sink is not None:
        sink.close()
    embedded = parts.adapter.embedded() if effective.embedded else None
    if effective.embedded and embedded is None:
        record(
            _fail(
                "configuration",
                f"no {identity.backend_label} configured and no embedded demo backend",
                f"set {identity.env('base_url')}, {identity.env('token_url')}, {identity.env('client_id')} and "
                f"{identity.env('client_secret')}",
            )
        )
        return None
    where = f"embedded ({identity.env('base_url')} unset)" if effective.embedded else str(effective.base_url)
    client = effective.client_id or (embedded.client_id if embedded is not None else "?")
    residency = effective.data_residency or "not required"
    record(
        _pass(
            "configuration",
            f"{identity.backend_label} {where}; client {client}; {len(tools)} tools enabled "
            f"({', '.join(parts.full_name(t) for t in tools)}); audit {audit}"
            f"{' (mandatory)' if effective.audit_required else ''}; data residency {residency}",
        )
    )
    return effective


async def _connection(parts: PluginParts, settings: PluginSettings, record: Callable[[Check], Check]) -> None:
    identity = parts.identity
    label = identity.backend_label
    requested = parts.requested_scopes(settings)
    try:
        async with open_backend(settings, parts.adapter, requested, identity=identity) as backend:
            conn = backend.connection
            token_reachable = await _probe(backend.http, "POST", conn.token_url)
            if token_reachable is None:
                record(_pass("token endpoint", f"{conn.token_url} answers"))
            else:
                record(
                    _fail(
                        "token endpoint",
                        f"{conn.token_url} cannot be reached ({token_reachable})",
                        f"check {identity.env('token_url')}, the network/proxy, and that the {label}'s OAuth "
                        "server is up",
                    )
                )
            granted: frozenset[str] | None = None
            active = backend
            try:
                granted, narrowed = await granted_scopes(backend)
                if narrowed is not None:  # as the server does: go on with what the backend allows
                    active = rescoped(backend, parts.adapter, settings, narrowed)
                how = (
                    f"only without {' '.join(sorted(set(requested) - granted))} (the {label} refused the full request)"
                    if narrowed is not None
                    else f"with scopes {' '.join(sorted(granted))}"
                )
                record(_pass("token", f"obtained for client {conn.client_id} {how}"))
            except PluginError as exc:
                record(_token_failure(parts, exc, requested))
            record(_scopes(parts, settings, requested, granted))
            region = await _backend(parts, active, granted is not None, record)
            record(_residency(parts, settings.data_residency, region))
    except OSError as exc:  # the embedded backend could not start, or the like
        for name in ("token endpoint", "token", "scopes", label, "data residency"):
            record(
                _fail(
                    name, f"cannot open the backend: {exc}", f"run with {identity.env('log_level')}=DEBUG for details"
                )
            )


async def _probe(http: httpx2.AsyncClient, method: str, url: str) -> str | None:
    """None when `url` answers HTTP at all (any status), else why not."""
    try:
        response = await http.request(method, url, timeout=5.0)
        await response.aread()
    except httpx2.TimeoutException:
        return "timed out"
    except httpx2.TransportError as exc:
        return type(exc).__name__
    return None


def _token_failure(parts: PluginParts, error: PluginError, requested: tuple[str, ...]) -> Check:
    identity = parts.identity
    label = identity.backend_label
    if isinstance(error, AuthenticationFailed):
        fix = (
            f"check {identity.env('client_id')} and {identity.env('client_secret')} (the secret is never shown) with "
            f"the {label} administrator"
        )
    elif isinstance(error, PermissionDenied):
        fix = f"ask the {label} administrator to allow scopes {' '.join(requested)}, or disable the tools needing them"
    elif isinstance(error, BackendUnavailable):
        fix = f"check {identity.env('token_url')} and that the {label}'s OAuth server is up"
    else:
        fix = f"check {identity.env('token_url')} points at an OAuth 2.0 token endpoint"
    return _fail("token", error.message, fix)


def _scopes(
    parts: PluginParts, settings: PluginSettings, requested: tuple[str, ...], granted: frozenset[str] | None
) -> Check:
    if granted is None:
        return _skip("scopes", f"requested {' '.join(requested) or '(none)'}; no token, so nothing granted to compare")
    missing = sorted(set(requested) - granted)
    if not missing:
        return _pass("scopes", f"requested {' '.join(requested)}; granted {' '.join(sorted(granted))}")
    scopes = parts.tool_scopes(parts.enabled_tools(settings))
    hidden = [tool for tool, needed in scopes.items() if set(needed) & set(missing)]
    return _fail(
        "scopes",
        f"requested {' '.join(requested)}; granted {' '.join(sorted(granted)) or '(none)'}; missing "
        f"{' '.join(missing)}, so these tools will be hidden: {', '.join(hidden)}",
        f"ask the {parts.identity.backend_label} administrator to grant {' '.join(missing)} to this client, or "
        f"disable the tools: {parts.identity.env('disabled_tools')}={','.join(hidden)}",
    )


async def _backend(
    parts: PluginParts, backend: Backend, have_token: bool, record: Callable[[Check], Check]
) -> str | None:
    """Reach the backend through the adapter's metadata; return the region it reports, if any."""
    label = parts.identity.backend_label
    base_url = parts.identity.env("base_url")
    if not have_token:
        try:
            response = await backend.http.get("/", timeout=5.0)
        except httpx2.TransportError as exc:
            record(
                _fail(
                    label,
                    f"{backend.connection.base_url} cannot be reached ({type(exc).__name__})",
                    f"check {base_url}, the network/proxy, and that the {label} is up",
                )
            )
            return None
        record(
            _skip(label, f"{backend.connection.base_url} answers (HTTP {response.status_code}), but without a token")
        )
        return None
    try:
        metadata = await parts.adapter.metadata(backend.api)
    except PluginError as exc:
        record(
            _fail(
                label,
                f"{backend.connection.base_url} failed: {exc.message}",
                f"check {base_url} and that the {label} is up; `curl` it from this machine",
            )
        )
        return None
    if metadata is None:
        record(_pass(label, f"{backend.connection.base_url} answers (it reports no metadata: business date is today)"))
        return None
    described = f": {metadata.description}" if metadata.description else ""
    record(_pass(label, f"{backend.connection.base_url} answers{described}, as of {metadata.as_of or 'today'}"))
    return metadata.region


def _residency(parts: PluginParts, required: str | None, reported: str | None) -> Check:
    label = parts.identity.backend_label
    if required is None:
        where = f"the {label} reports {reported}" if reported else f"the {label}'s region unknown"
        return _skip("data residency", f"not required ({where})")
    if reported is None:
        return _fail(
            "data residency",
            f"required {required}, but the {label}'s region could not be read; every tool call will be refused",
            "fix the checks above first, or use a backend whose adapter reports its region",
        )
    if mismatch(required, reported, label) is not None:
        return _fail(
            "data residency",
            f"required {required}, but the {label} reports {reported}; every tool call will be refused",
            f"point {parts.identity.env('base_url')} at the {label} tenant in the required region, or correct "
            f"enterprise_controls.data_residency ({parts.identity.env('data_residency')}) if the requirement changed",
        )
    return _pass("data residency", f"required {required}; the {label} reports {reported}")


def _signature(parts: PluginParts) -> Check:
    """manifest.sig, when there is one: signature, signer (pinned by the trusted fingerprint) and file digests."""
    root, identity = parts.root, parts.identity
    fingerprint_variable = identity.env("trusted_fingerprint")
    start_refusal = signing.verify_installation(root, identity)  # what the server itself would decide at start-up
    if not (root / SIGNATURE_NAME).exists():
        if start_refusal is not None:
            return _fail(
                "signature",
                start_refusal.splitlines()[0],
                "sign the installation (python -m plugin.release.signing sign) or install a signed copy",
            )
        return _skip("signature", f"no signature ({SIGNATURE_NAME} absent)")
    trusted = os.environ.get(fingerprint_variable, "").strip() or None
    result = signing.verify(root, identity, trusted, installed=True)  # the same files the start-up check requires
    if not result.ok:
        more = f" (+{len(result.problems) - 3} more)" if len(result.problems) > 3 else ""
        return _fail(
            "signature",
            "verification failed: " + "; ".join(result.problems[:3]) + more,
            "re-install the plugin from a trusted, signed copy (python -m plugin.release.signing verify lists "
            "every file)",
        )
    pinned = f"pinned by {fingerprint_variable}" if trusted else f"not pinned: set {fingerprint_variable}"
    return _pass(
        "signature",
        f"{result.checked_files} files verify, covering all {result.importable_files} importable files; signer "
        f"{result.signer} ({pinned})",
    )
