"""Data residency: refuse to call a backend outside the declared region, failing closed.

Checked before the first resource request of the first tool call, from the region the backend
reports (the adapter's `metadata`). A definite answer (match or mismatch) is remembered; a backend
that cannot say where it is is refused for this call and asked again on the next.
When the adapter names a response header that reports the region (`region_header`), every response
is checked too (`RegionGuard`): a region that changes mid-session fails that call and, sticky, every
later one. `label` is what messages call the backend (the identity's `backend_label`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from plugin.observability.logging import get_logger
from plugin.observability.redaction import bounded
from plugin.toolkit.errors import PluginError, PolicyDenied

if TYPE_CHECKING:
    import httpx2

log = get_logger(__name__)


class RegionGuard:
    """Checks the region header of every backend response against the required region."""

    def __init__(self, expected: str, header: str, label: str) -> None:
        self.expected = expected
        self.header = header
        self._label = label
        self.denied: PolicyDenied | None = None  # once set, every later call is refused

    def check(self, response: httpx2.Response) -> None:
        if self.denied is not None:
            raise self.denied
        reported = response.headers.get(self.header)
        if reported is None:
            return  # this response says nothing; the metadata check covers a backend that never says
        refusal = mismatch(self.expected, reported, self._label)
        if refusal is not None:
            log.error("residency_changed", expected=self.expected, reported=bounded(reported, 64), header=self.header)
            self.denied = PolicyDenied(
                f"Data residency requires region '{self.expected}', but a {self._label} response reported region "
                f"'{bounded(reported.strip(), 64)}'; this call and every later one in this session are refused so "
                f"that no data leaves the approved region. Ask an administrator to check the {self._label}."
            )
            raise self.denied


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
