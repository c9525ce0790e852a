"""Data residency: refuse to call a backend outside the declared region, failing closed.

Checked once per process, before the first resource request of the first tool call, from the
region the backend reports (the adapter's `metadata`). A definite answer (match or mismatch) is
remembered; a backend that cannot say where it is is refused for this call and asked again on the next.
`label` is what messages call the backend (the identity's `backend_label`).
"""

from __future__ import annotations

from plugin.toolkit.errors import PluginError, PolicyDenied


def normalise_region(region: str) -> str:
    return region.strip().lower()


def mismatch(expected: str, reported: str | None, label: str) -> PolicyDenied | None:
    """The refusal for a backend in `reported` when `expected` is required, or None when they agree."""
    if reported is None or not reported.strip():
        return PolicyDenied(
            f"Data residency requires the {label} to be in region '{expected}', but the {label} does not report a "
            f"region; every call is refused. Ask an administrator to check the {label} or the plugin's data "
            "residency setting."
        )
    if normalise_region(reported) != normalise_region(expected):
        return PolicyDenied(
            f"Data residency requires region '{expected}', but the {label} reports region '{reported.strip()}'; "
            "every call is refused so that no data leaves the approved region. Ask an "
            f"administrator to point the plugin at the {label} in the approved region."
        )
    return None


def unverifiable(expected: str, error: PluginError, label: str) -> PolicyDenied:
    return PolicyDenied(
        f"Data residency requires region '{expected}', but the {label}'s region could not be checked "
        f"({error.code.value}); the call is refused. Try again; if it persists, run `python server.py doctor`."
    )
