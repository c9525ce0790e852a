"""Property-based fuzzing of every tool's arguments, generated from the tool's own input schema.

Valid arguments (with real ids mixed in) and arguments with one deliberate defect. For every case: no
JSON-RPC error, no crash ("[internal_error]"), every error labelled "[code]", the response (text +
structured JSON) within the 40,000-character budget, nothing secret or internal shown.

Default: FUZZ_CASES=320 in all (40 per tool). Long run: FUZZ_CASES=10000 pytest tests/harness/test_fuzz.py
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugin.server.pipeline import MAX_RESPONSE_CHARS
from tests.conftest import settings_for
from tests.harness.cells import TOOL_NAMES, leaks, outcome_of, response_chars, text_of
from tests.harness.loop_client import LoopClient
from tests.harness.matrix import FUZZ_OUTCOMES
from tests.harness.schema_strategies import invalid_for, valid_for
from tools import REGISTRY, full_name

CASES = int(os.environ.get("FUZZ_CASES", "320"))
PER_TOOL = max(10, CASES // len(REGISTRY))
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"


@pytest.fixture(scope="module")
def fuzz_client(sandbox_url: str) -> Iterator[tuple[LoopClient, dict[str, list[str]]]]:
    with LoopClient(settings_for(sandbox_url, call_deadline=20.0)) as client:
        page = client.call("clm__search_contracts", {"limit": 10})
        assert page.structured_content is not None, text_of(page)
        contracts = page.structured_content["contracts"]
        hints = {ID_PATTERN: [row["id"] for row in contracts] + [row["counterparty_id"] for row in contracts]}
        yield client, hints


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
