"""Data residency: refuse to call a CLM outside the declared region, failing closed.

Checked once per process, before the first CLM resource request of the first tool call, from the
region the CLM reports (`GET /v1/meta`). A definite answer (match or mismatch) is remembered; a
CLM that cannot say where it is is refused for this call and asked again on the next.
"""

from __future__ import annotations

from plugin.toolkit.errors import ClmError, PolicyDenied


def normalise_region(region: str) -> str:
    return region.strip().lower()


def mismatch(expected: str, reported: str | None) -> PolicyDenied | None:
    """The refusal for a CLM in `reported` when `expected` is required, or None when they agree."""
    if reported is None or not reported.strip():
        return PolicyDenied(
            f"Data residency requires the CLM to be in region '{expected}', but the CLM does not report a "
            "region; every call is refused. Ask an administrator to check the CLM or the plugin's data "
            "residency setting."
        )
    if normalise_region(reported) != normalise_region(expected):
        return PolicyDenied(
            f"Data residency requires region '{expected}', but the CLM reports region '{reported.strip()}'; "
            "every call is refused so that no contract data leaves the approved region. Ask an "
            "administrator to point the plugin at the CLM in the approved region."
        )
    return None


def unverifiable(expected: str, error: ClmError) -> PolicyDenied:
    return PolicyDenied(
        f"Data residency requires region '{expected}', but the CLM's region could not be checked "
        f"({error.code.value}); the call is refused. Try again; if it persists, run `python server.py doctor`."
    )
