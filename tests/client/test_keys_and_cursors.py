"""The installation key ring, and one keyed, query-bound, range-checked cursor mechanism for every list tool.

Before: cursors were unkeyed base64 JSON (a negative per-source offset re-served rows, the deadline query
fingerprint could be recomputed for another query), and the confirmation key was random per process.
"""

from __future__ import annotations

import base64
import json
import stat
import time
from pathlib import Path
from typing import Any

import pytest

from plugin.config.state import KEYRING_FILE, KeyRing, state_dir
from plugin.toolkit.confirmations import Confirmations, idempotency_key
from plugin.toolkit.cursors import CursorCodec, PageCursor, query_of
from plugin.toolkit.errors import ConfirmationRequired
from tests.conftest import ROOT, mcp_client, settings_for
from tests.plugin_parts import PARTS
from tools.upcoming_deadlines import UpcomingDeadlinesInput, _MergeCursor, _SourceState

pytestmark = pytest.mark.anyio
DEADLINES = "clm__upcoming_deadlines"
SEARCH = "clm__search_contracts"


def keys() -> KeyRing:
    return KeyRing.for_identity(PARTS.identity)


def test_key_ring_is_private_in_the_state_dir_and_never_in_the_repo() -> None:
    ring = keys()
    assert ring.path == state_dir(PARTS.identity) / KEYRING_FILE
    assert stat.S_IMODE(ring.path.stat().st_mode) == 0o600
    assert ROOT not in ring.path.parents
    assert KeyRing(ring.path).current_id == ring.current_id  # the next process reads the same ring


def test_rotation_keeps_recent_tokens_valid_and_idempotency_keys_stable(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path / "ring.json")
    write = {"contract": "ctr_1", "body": "b", "target": None, "user": "u"}
    token, _ = Confirmations(ring).issue(write)
    key_before = idempotency_key(write, ring)
    ring.rotate()
    Confirmations(KeyRing(ring.path)).verify(token, write)  # the previous key still verifies
    assert idempotency_key(write, KeyRing(ring.path)) == key_before  # never changes with rotation
    ring.rotate()
    ring.rotate()  # now out of the ring (it keeps 3)
    with pytest.raises(ConfirmationRequired, match="not issued by this installation"):
        Confirmations(KeyRing(ring.path)).verify(token, write)
    expired = Confirmations(ring, ttl=-1).issue(write)[0]
    with pytest.raises(ConfirmationRequired, match="expired"):
        Confirmations(ring).verify(expired, write)


def _page(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    data: dict[str, Any] = result.structured_content
    return data


def _error(result: Any) -> str:
    assert result.is_error
    text: str = result.content[0].text
    return text


def _forge(tool: str, cursor: Any, query: dict[str, object], ring: KeyRing | None = None, ttl: float = 3600) -> str:
    return CursorCodec(ring or keys(), ttl=ttl).encode(cursor, tool=tool, query=query)


async def test_search_cursor_refusals_say_exactly_why(sandbox_url: str, tmp_path: Path) -> None:
    args = {"limit": 3, "sort": "number"}
    async with mcp_client(settings_for(sandbox_url)) as client:
        first = _page(await client.call_tool(SEARCH, args))
        cursor = first["next_cursor"]
        payload, key_id, mac = cursor.split(".")
        tampered = f"{payload}.{key_id}.{'A' * len(mac)}"
        other_query = await client.call_tool(SEARCH, args | {"sort": "-number", "cursor": cursor})
        bad_mac = await client.call_tool(SEARCH, args | {"cursor": tampered})
        garbage = await client.call_tool(SEARCH, args | {"cursor": "eyJiYWNrZW5kX2N1cnNvciI6bnVsbCwic2tpcCI6LTV9"})
        # Signed by another installation's key ring.
        foreign_ring = KeyRing(tmp_path / "other.json")
        from tools.search_contracts import SearchContractsInput

        query = query_of(SearchContractsInput.model_validate(args))
        foreign = await client.call_tool(SEARCH, args | {"cursor": _forge(SEARCH, PageCursor(), query, foreign_ring)})
        expired = await client.call_tool(SEARCH, args | {"cursor": _forge(SEARCH, PageCursor(), query, ttl=-10)})
        other_tool = await client.call_tool(SEARCH, args | {"cursor": _forge(DEADLINES, PageCursor(), query)})
        # Authentic (signed with this installation's key) but out of range: never trusted.
        negative = _forge(SEARCH, PageCursor.model_construct(backend_cursor=None, skip=-5), query)
        huge = _forge(SEARCH, PageCursor.model_construct(backend_cursor=None, skip=10**9), query)
        fine = _forge(SEARCH, PageCursor(backend_cursor=None, skip=1), query)
        refused_negative = await client.call_tool(SEARCH, args | {"cursor": negative})
        refused_huge = await client.call_tool(SEARCH, args | {"cursor": huge})
        accepted = _page(await client.call_tool(SEARCH, args | {"cursor": fine}))
    assert "belongs to a different query" in _error(other_query)
    for refused in (bad_mac, garbage, refused_negative, refused_huge):
        message = _error(refused)
        assert message.startswith("[invalid_argument]") and "not one this tool returned" in message
    assert "not issued by this installation" in _error(foreign)
    assert "has expired" in _error(expired)
    assert "belongs to another tool" in _error(other_tool)
    # skip=1 within the first backend page: the rest of that page, nothing repeated.
    assert [c["id"] for c in accepted["contracts"]] == [c["id"] for c in first["contracts"]][1:]


async def test_deadline_cursor_is_keyed_bound_and_range_checked(sandbox_url: str) -> None:
    arguments = {"within_days": 365, "limit": 5}
    async with mcp_client(settings_for(sandbox_url)) as client:
        first = _page(await client.call_tool(DEADLINES, arguments))
        as_of = first["as_of"]
        query = query_of(UpcomingDeadlinesInput.model_validate(arguments), as_of=as_of)
        ok = _MergeCursor(
            src={"renewal_notice": _SourceState(s=1), "expiry": _SourceState(), "obligation": _SourceState()}
        )
        accepted = await client.call_tool(DEADLINES, arguments | {"cursor": _forge(DEADLINES, ok, query)})
        negative = _MergeCursor.model_construct(
            v=1, src={"renewal_notice": _SourceState.model_construct(c=None, s=-5, done=False)}
        )
        refused = await client.call_tool(DEADLINES, arguments | {"cursor": _forge(DEADLINES, negative, query)})
        # The old unkeyed form: base64 JSON with a recomputable fingerprint.
        old = {"v": 1, "q": "0" * 16, "src": {"renewal_notice": {"c": None, "s": -5, "done": False}}}
        unkeyed = base64.urlsafe_b64encode(json.dumps(old).encode()).decode().rstrip("=")
        refused_old = await client.call_tool(DEADLINES, arguments | {"cursor": unkeyed})
        other = await client.call_tool(DEADLINES, {"within_days": 30, "limit": 5, "cursor": first["next_cursor"]})
    assert not accepted.is_error  # the forging path above is the tool's own: only the range makes the difference
    for message in (_error(refused), _error(refused_old)):
        assert message.startswith("[invalid_argument]") and "not one this tool returned" in message
    assert "belongs to a different query" in _error(other)


def test_cursor_expiry_is_enforced_even_when_authentic() -> None:
    codec = CursorCodec(keys(), ttl=-1)
    token = codec.encode(PageCursor(), tool=SEARCH, query={})
    from plugin.toolkit.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match="expired"):
        CursorCodec(keys()).decode(PageCursor, token, tool=SEARCH, query={})
    assert time.time() > 0
