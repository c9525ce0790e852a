"""`python server.py doctor`: for the engineer whose plugin "doesn't work".

One line per check - PASS, FAIL (with the fix) or SKIP (with why) - in the order a connection is
made: configuration, token endpoint, token, scopes, CLM, data residency, manifest signature. Every
line goes through the secret scrubber; the client secret and tokens are never printed. With no CLM
configured it checks the embedded sandbox. Exit status 0 only when nothing failed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import httpx2
from pydantic import BaseModel, ConfigDict

from plugin.toolkit.errors import AuthenticationFailed, BackendUnavailable, ClmError, PermissionDenied
from plugin.observability.redaction import SECRETS
from plugin.config.settings import PluginSettings, SettingsError, load_settings

if TYPE_CHECKING:
    from plugin.transport.connection import Backend

ROOT = Path(__file__).resolve().parents[2]


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
    settings: PluginSettings | None = None, *, emit: Callable[[Check], None] | None = None
) -> list[Check]:
    """All checks, in order; `emit` sees each as soon as it is known (the CLI prints progressively)."""
    checks: list[Check] = []

    def record(check: Check) -> Check:
        checks.append(check)
        if emit is not None:
            emit(check)
        return check

    effective = _configuration(settings, record)
    if effective is None:
        for name in ("token endpoint", "token", "scopes", "CLM", "data residency"):
            record(_skip(name, "configuration failed"))
        record(_signature())
        return checks
    await _connection(effective, record)
    record(_signature())
    return checks


def _configuration(settings: PluginSettings | None, record: Callable[[Check], Check]) -> PluginSettings | None:
    from plugin.server.assembly import effective_settings
    from plugin.observability.audit import open_audit_sink
    from tools import enabled_tools, full_name

    try:
        loaded = settings if settings is not None else load_settings()
        effective = effective_settings(loaded)
        tools = enabled_tools(effective)
        sink = open_audit_sink(effective.audit)
    except SettingsError as exc:
        record(_fail("configuration", str(exc), "fix the named CLM_* variable(s) in the plugin's configuration"))
        return None
    except (ValueError, OSError) as exc:
        record(_fail("configuration", str(exc), "fix the named setting (see README, Configuration)"))
        return None
    audit = "off" if sink is None else sink.destination
    if sink is not None:
        sink.close()
    where = "embedded sandbox (CLM_BASE_URL unset)" if effective.embedded else str(effective.base_url)
    residency = effective.data_residency or "not required"
    record(
        _pass(
            "configuration",
            f"CLM {where}; client {effective.client_id or 'demo-client'}; {len(tools)} tools enabled "
            f"({', '.join(full_name(t) for t in tools)}); audit {audit}"
            f"{' (mandatory)' if effective.audit_required else ''}; data residency {residency}",
        )
    )
    return effective


async def _connection(settings: PluginSettings, record: Callable[[Check], Check]) -> None:
    from plugin.server.admission import granted_scopes
    from plugin.transport.connection import open_backend, requested_scopes, rescoped

    requested = requested_scopes(settings)
    try:
        async with open_backend(settings) as backend:
            conn = backend.connection
            token_reachable = await _probe(backend.http, "POST", conn.token_url)
            if token_reachable is None:
                record(_pass("token endpoint", f"{conn.token_url} answers"))
            else:
                record(
                    _fail(
                        "token endpoint",
                        f"{conn.token_url} cannot be reached ({token_reachable})",
                        "check CLM_TOKEN_URL, the network/proxy, and that the CLM's OAuth server is up",
                    )
                )
            granted: frozenset[str] | None = None
            active = backend
            try:
                granted, narrowed = await granted_scopes(backend)
                if narrowed is not None:  # as the server does: go on with what the CLM allows
                    active = rescoped(backend, settings, narrowed)
                how = (
                    f"only without {' '.join(sorted(set(requested) - granted))} (the CLM refused the full request)"
                    if narrowed is not None
                    else f"with scopes {' '.join(sorted(granted))}"
                )
                record(_pass("token", f"obtained for client {conn.client_id} {how}"))
            except ClmError as exc:
                record(_token_failure(exc, requested))
            record(_scopes(settings, requested, granted))
            region = await _clm(active, granted is not None, record)
            record(_residency(settings.data_residency, region))
    except OSError as exc:  # the embedded sandbox could not start, or the like
        for name in ("token endpoint", "token", "scopes", "CLM", "data residency"):
            record(_fail(name, f"cannot open the backend: {exc}", "run with CLM_LOG_LEVEL=DEBUG for details"))


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


def _token_failure(error: ClmError, requested: tuple[str, ...]) -> Check:
    if isinstance(error, AuthenticationFailed):
        fix = "check CLM_CLIENT_ID and CLM_CLIENT_SECRET (the secret is never shown) with the CLM administrator"
    elif isinstance(error, PermissionDenied):
        fix = f"ask the CLM administrator to allow scopes {' '.join(requested)}, or disable the tools needing them"
    elif isinstance(error, BackendUnavailable):
        fix = "check CLM_TOKEN_URL and that the CLM's OAuth server is up"
    else:
        fix = "check CLM_TOKEN_URL points at an OAuth 2.0 token endpoint"
    return _fail("token", error.message, fix)


def _scopes(settings: PluginSettings, requested: tuple[str, ...], granted: frozenset[str] | None) -> Check:
    from tools import enabled_tools, full_name

    if granted is None:
        return _skip("scopes", f"requested {' '.join(requested) or '(none)'}; no token, so nothing granted to compare")
    missing = sorted(set(requested) - granted)
    if not missing:
        return _pass("scopes", f"requested {' '.join(requested)}; granted {' '.join(sorted(granted))}")
    hidden = [full_name(spec) for spec in enabled_tools(settings) if spec.permission in missing]
    return _fail(
        "scopes",
        f"requested {' '.join(requested)}; granted {' '.join(sorted(granted)) or '(none)'}; missing "
        f"{' '.join(missing)}, so these tools will be hidden: {', '.join(hidden)}",
        f"ask the CLM administrator to grant {' '.join(missing)} to this client, or disable the tools: "
        f"CLM_DISABLED_TOOLS={','.join(hidden)}",
    )


async def _clm(backend: Backend, have_token: bool, record: Callable[[Check], Check]) -> str | None:
    """Reach the CLM; return the region it reports (from /v1/meta, else the X-CLM-Region header)."""
    if have_token:
        try:
            meta = await backend.clm.meta()
        except ClmError as exc:
            record(
                _fail(
                    "CLM",
                    f"{backend.connection.base_url} /v1/meta failed: {exc.message}",
                    "check CLM_BASE_URL and that the CLM is up; `curl` it from this machine",
                )
            )
            return None
        record(
            _pass(
                "CLM",
                f"{backend.connection.base_url} answers: API {meta.api_version or '?'}, "
                f"{meta.contracts if meta.contracts is not None else '?'} contracts, as of {meta.as_of or '?'}",
            )
        )
        return meta.region
    try:
        response = await backend.http.get("/v1/meta", timeout=5.0)
    except httpx2.TransportError as exc:
        record(
            _fail(
                "CLM",
                f"{backend.connection.base_url} cannot be reached ({type(exc).__name__})",
                "check CLM_BASE_URL, the network/proxy, and that the CLM is up",
            )
        )
        return None
    record(_skip("CLM", f"{backend.connection.base_url} answers (HTTP {response.status_code}), but without a token"))
    return response.headers.get("x-clm-region")


def _residency(required: str | None, reported: str | None) -> Check:
    from plugin.server.residency import mismatch

    if required is None:
        where = f"the CLM reports {reported}" if reported else "the CLM's region unknown"
        return _skip("data residency", f"not required ({where})")
    if reported is None:
        return _fail(
            "data residency",
            f"required {required}, but the CLM's region could not be read; every tool call will be refused",
            "fix the CLM/token checks above first",
        )
    if mismatch(required, reported) is not None:
        return _fail(
            "data residency",
            f"required {required}, but the CLM reports {reported}; every tool call will be refused",
            "point CLM_BASE_URL at the CLM tenant in the required region, or correct "
            "enterprise_controls.data_residency (CLM_DATA_RESIDENCY) if the requirement changed",
        )
    return _pass("data residency", f"required {required}; the CLM reports {reported}")


def _signature(root: Path = ROOT) -> Check:
    """manifest.sig, when there is one: signature, signer (pinned by CLM_TRUSTED_FINGERPRINT) and file digests."""
    from plugin.release import signing
    from plugin.release.shipped import SIGNATURE_NAME

    start_refusal = signing.verify_installation(root)  # what the server itself would decide at start-up
    if not (root / SIGNATURE_NAME).exists():
        if start_refusal is not None:
            return _fail(
                "signature",
                start_refusal.splitlines()[0],
                "sign the installation (python -m plugin.release.signing sign) or install a signed copy",
            )
        return _skip("signature", f"no signature ({SIGNATURE_NAME} absent)")
    trusted = os.environ.get("CLM_TRUSTED_FINGERPRINT", "").strip() or None
    result = signing.verify(root, trusted)
    if not result.ok:
        more = f" (+{len(result.problems) - 3} more)" if len(result.problems) > 3 else ""
        return _fail(
            "signature",
            "verification failed: " + "; ".join(result.problems[:3]) + more,
            "re-install the plugin from a trusted, signed copy (python -m plugin.release.signing verify lists every file)",
        )
    pinned = "pinned by CLM_TRUSTED_FINGERPRINT" if trusted else "not pinned: set CLM_TRUSTED_FINGERPRINT"
    return _pass("signature", f"{result.checked_files} files verify; signer {result.signer} ({pinned})")
