"""Property-based fuzzing of each fake tool's arguments, drawn from the tool's own input JSON schema.

Valid and deliberately broken arguments; for each: an answer (no protocol error), no internal error,
every error labelled with a bracketed code, the response within 40,000 characters, nothing secret shown.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcp.client import Client
from mcp_types import CallToolResult

from plugin.server.budget import MAX_RESPONSE_CHARS
from plugin.server.parts import PluginParts
from tests.template.fake.tools import REGISTRY
from tests.template.helpers import fake_client, fake_settings, leaks, response_chars, text_of

CASES = 100  # per tool
_CODE = re.compile(r"^\[([a-z_]+)\] ")
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.text(min_size=3000, max_size=6000),
    st.lists(st.integers(), max_size=3),
)


def valid_for(node: dict[str, Any], example: dict[str, Any] | None = None) -> st.SearchStrategy[Any]:
    """Values a (pydantic-emitted) schema node allows; fails loudly on a node it does not know.

    At the top level the tool's `example` values are mixed in, so ids that exist are drawn too.
    """
    if "anyOf" in node:
        return st.one_of(*(valid_for(option) for option in node["anyOf"]))
    kind = node.get("type")
    if kind == "null":
        return st.none()
    if kind == "integer":
        return st.integers(min_value=node.get("minimum"), max_value=node.get("maximum"))
    if kind == "string":
        low, high = node.get("minLength", 0), node.get("maxLength", 300)
        if "pattern" in node:
            return st.from_regex(node["pattern"], fullmatch=True).filter(lambda s: low <= len(s) <= high)
        return st.text(min_size=low, max_size=min(high, 3000))
    if kind == "object":
        fields = {name: valid_for(sub) for name, sub in node["properties"].items()}
        for name, value in (example or {}).items():
            fields[name] = st.one_of(fields[name], st.just(value))
        required = sorted(node.get("required", []))
        optional = sorted(set(fields) - set(required))
        return st.fixed_dictionaries(
            {name: fields[name] for name in required}, optional={name: fields[name] for name in optional}
        )
    raise ValueError(f"schema node not handled by the fuzzer: {node}")


def arguments_for(schema: dict[str, Any], example: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    properties = sorted(schema["properties"])

    @st.composite
    def broken(draw: st.DrawFn) -> dict[str, Any]:
        args: dict[str, Any] = dict(draw(valid_for(schema, example)))
        if draw(st.booleans()):
            args[draw(st.sampled_from(properties))] = draw(JUNK)
        else:
            args[draw(st.text(min_size=1, max_size=20).filter(lambda k: k not in properties))] = draw(JUNK)
        return args

    return st.one_of(valid_for(schema, example), broken())


class LoopClient:
    """One MCP session on an event loop in a thread, callable from the synchronous hypothesis test."""

    def __init__(self, parts: PluginParts, base_url: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._parts, self._url = parts, base_url
        self._client: Client | None = None
        self._stop: asyncio.Event | None = None
        self._held: Future[None] | None = None

    def __enter__(self) -> LoopClient:
        self._thread.start()
        ready: Future[None] = Future()

        async def hold() -> None:
            self._stop = asyncio.Event()
            async with fake_client(self._parts, fake_settings(self._url, call_deadline=5.0)) as client:
                self._client = client
                ready.set_result(None)
                await self._stop.wait()

        self._held = asyncio.run_coroutine_threadsafe(hold(), self._loop)
        ready.result(timeout=30)
        return self

    def call(self, name: str, arguments: dict[str, Any]) -> CallToolResult:
        assert self._client is not None
        return asyncio.run_coroutine_threadsafe(self._client.call_tool(name, arguments), self._loop).result(60)

    def __exit__(self, *_: object) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._held is not None:
            self._held.result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


@pytest.fixture(scope="module")
def loop_client(fake_root: PluginParts, fake_url: str) -> Iterator[LoopClient]:
    with LoopClient(fake_root, fake_url) as client:
        yield client


@pytest.mark.parametrize("spec", REGISTRY, ids=[spec.name for spec in REGISTRY])
def test_fuzz_tool(spec: Any, fake_root: PluginParts, loop_client: LoopClient) -> None:
    name = fake_root.full_name(spec)
    outcomes: dict[str, int] = {}

    @settings(
        max_examples=CASES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    @given(args=arguments_for(spec.input_model.model_json_schema(), dict(spec.example)))
    def case(args: dict[str, Any]) -> None:
        result = loop_client.call(name, args)
        text = text_of(result)
        if result.is_error:
            match = _CODE.match(text)
            assert match is not None, text[:300]
            code = match.group(1)
            assert code != "internal_error", text[:300]
        else:
            code = "ok"
            assert result.structured_content is not None
        outcomes[code] = outcomes.get(code, 0) + 1
        assert response_chars(result) <= MAX_RESPONSE_CHARS
        assert not leaks(text)

    case()
    assert outcomes.get("ok", 0) > 0 and outcomes.get("invalid_argument", 0) > 0, outcomes
