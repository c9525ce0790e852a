"""Property-based fuzzing of every tool's arguments, generated from the tool's own input schema.

Valid arguments (with real ids mixed in) and arguments with one deliberate defect. For every case: no
JSON-RPC error, no crash ("[internal_error]"), every error labelled "[code]", the response (text +
structured JSON) within the 40,000-character budget, nothing secret or internal shown.

Default: FUZZ_CASES=320 in all (40 per tool). Long run: FUZZ_CASES=10000 pytest tests/harness/test_fuzz.py
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugin.server.budget import MAX_RESPONSE_CHARS
from tests.conftest import settings_for
from tests.harness.cells import TOOL_NAMES, leaks, outcome_of, response_chars, text_of
from tests.harness.loop_client import LoopClient
from tests.harness.matrix import FUZZ_OUTCOMES
from tests.harness.schema_strategies import invalid_for, valid_for
from tests.plugin_parts import REGISTRY, full_name

CASES = int(os.environ.get("FUZZ_CASES", "320"))
PER_TOOL = max(10, CASES // len(REGISTRY))


def patterns_of(node: Any, root: dict[str, Any]) -> set[str]:
    """Every string `pattern` in a schema node (through anyOf, array items and $ref)."""
    if not isinstance(node, dict):
        return set()
    if "$ref" in node:
        return patterns_of(root["$defs"][node["$ref"].removeprefix("#/$defs/")], root)
    found = {node["pattern"]} if "pattern" in node else set()
    for option in node.get("anyOf", []):
        found |= patterns_of(option, root)
    return found | patterns_of(node.get("items"), root)


def strings_in(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """(key, string) for every string in a JSON value; list items carry their list's key."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from strings_in(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item, key)


def is_id_key(key: str) -> bool:
    return key in {"id", "ids"} or key.endswith(("_id", "_ids"))


@pytest.fixture(scope="module")
def fuzz_client(sandbox_url: str) -> Iterator[tuple[LoopClient, dict[str, list[str]]]]:
    """The client, and real values per input pattern mixed into the fuzzed arguments: the values of the
    tools' own examples, and the ids the read-only tools' examples return (contracts, counterparties...)."""
    hints: dict[str, set[str]] = {}
    id_patterns: set[str] = set()  # patterns of id arguments (contract_id, counterparty_id, contract_ids...)
    for spec in REGISTRY:
        schema = spec.input_model.model_json_schema()
        for name, node in schema.get("properties", {}).items():
            patterns = patterns_of(node, schema)
            if is_id_key(name):
                id_patterns |= patterns
            if name in spec.example:
                for pattern in patterns:
                    hints.setdefault(pattern, set()).update(text for _, text in strings_in(spec.example[name]))
    with LoopClient(settings_for(sandbox_url, call_deadline=20.0)) as client:
        for spec in REGISTRY:
            if not spec.read_only:
                continue
            result = client.call(full_name(spec), dict(spec.example))
            assert not result.is_error and result.structured_content is not None, text_of(result)
            for key, text in strings_in(result.structured_content):
                for pattern in id_patterns:
                    if is_id_key(key) and re.fullmatch(pattern, text):
                        hints.setdefault(pattern, set()).add(text)
        yield client, {pattern: sorted(values) for pattern, values in hints.items()}


@pytest.mark.parametrize("spec", REGISTRY, ids=[full_name(s) for s in REGISTRY])
def test_fuzz_tool(spec: Any, fuzz_client: tuple[LoopClient, dict[str, list[str]]]) -> None:
    client, hints = fuzz_client
    name = full_name(spec)
    assert name in TOOL_NAMES
    schema = spec.input_model.model_json_schema()
    arguments = st.one_of(valid_for(schema, hints=hints), invalid_for(schema, hints=hints))

    @settings(
        max_examples=PER_TOOL,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(args=arguments)
    def case(args: dict[str, Any]) -> None:
        result = client.call(name, args)  # a JSON-RPC error raises here
        outcome = outcome_of(result)
        FUZZ_OUTCOMES[f"{name}:{outcome}"] += 1
        assert outcome not in {"internal_error", "unlabelled"}, text_of(result)[:500]
        assert response_chars(result) <= MAX_RESPONSE_CHARS, f"{response_chars(result)} chars"
        assert not leaks(result), leaks(result)

    case()
