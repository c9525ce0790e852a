"""Hostile identifiers and filter values: rejected with a clear error, or sent safely encoded.

Every string argument of every tool gets each payload. Then the sandbox's raw request log proves that no
request reached an unintended path: every logged request matched a known route, its raw path matches the
route template with ids restricted to the id alphabet, and a free-text value that was sent arrived intact
as one query parameter (decoded value == payload), never splitting into other parameters.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs

import pytest
from pydantic import ValidationError

from tests.conftest import SandboxAdmin, mcp_client, settings_for
from tests.harness.cells import SPECS, TOOL_NAMES, leaks, outcome_of, text_of, valid_arguments
from tests.plugin_parts import REGISTRY, full_name

pytestmark = pytest.mark.anyio

PAYLOADS: dict[str, str] = {
    "dot-dot": "../../_sandbox/reset",
    "dot-dot-id": "ctr_000001/../../oauth/token",
    "query": "x?limit=100000&admin=1",
    "fragment": "x#frag",
    "encoded slash": "ctr%2F..%2F_sandbox",
    "double encoded": "%252e%252e%252f",
    "newline": "x\nX-Injected: 1",
    "crlf": "x\r\nX-Injected: 1",
    "quotes": 'O\'Brien "& Sons" `x` ; --',
    "nul": "x\x00y",
    "long": "A" * 100_000,
    "fullwidth solidus": "ctr\uff0f..\uff0fx",
    "division slash": "ctr\u2215..\u2215x",
    "bidi": "x\u202egnp.exe",
    "ampersand": "a&limit=1&cursor=zzz",
}
SAFE_OUTCOMES = {"ok", "invalid_argument", "not_found", "confirmation_required"}
ID = "[A-Za-z0-9][A-Za-z0-9_-]{0,63}"
# Free-text arguments a tool passes to the CLM as a query parameter, unchanged.
QUERY_TEXT_FIELDS = {"query", "counterparty"}


def string_fields(schema: dict[str, Any]) -> list[tuple[str, bool]]:
    """(field, is_list) for every top-level argument that takes a string or a list of strings."""

    def takes_string(node: dict[str, Any]) -> bool:
        options = node.get("anyOf", [node])
        return any(o.get("type") == "string" and "enum" not in o and "format" not in o for o in options)

    fields = []
    for name, node in schema.get("properties", {}).items():
        if takes_string(node):
            fields.append((name, False))
        elif node.get("type") == "array" and takes_string(node.get("items", {})):
            fields.append((name, True))
    return fields


def hostile_arguments(tool: str, field: str, is_list: bool, payload: str) -> dict[str, Any]:
    """The tool's example with `payload` in `field` (a list: in place of its first item, the others kept).

    A field the example leaves out may be excluded by the arguments the example does give (e.g. either
    contract ids or a counterparty): when the input model refuses the combination but accepts the value
    with only the example's required arguments, those are what is sent, so the payload itself is tested.
    """
    spec = SPECS[tool]
    example = valid_arguments(tool)
    value: Any = [payload, *example.get(field, [])[1:]] if is_list else payload
    arguments = {**example, field: value}
    if field in example or _accepts(spec.input_model, arguments):
        return arguments
    required = set(spec.input_model.model_json_schema().get("required", []))
    reduced = {**{k: v for k, v in example.items() if k in required}, field: value}
    return reduced if _accepts(spec.input_model, reduced) else arguments


def _accepts(model: Any, arguments: dict[str, Any]) -> bool:
    try:
        model.model_validate(arguments)
    except ValidationError:
        return False
    return True


def template_regex(endpoint: str) -> re.Pattern[str]:
    """'GET /v1/contracts/{contract_id}' -> a regex for the raw path, ids limited to the id alphabet."""
    path = endpoint.split(" ", 1)[1]
    return re.compile("^" + re.sub(r"\\\{[a-z_]+\\\}", ID, re.escape(path)) + "$")


CASES = [
    (full_name(spec), field, is_list)
    for spec in REGISTRY
    for field, is_list in string_fields(spec.input_model.model_json_schema())
]


def test_every_tool_with_string_arguments_is_covered() -> None:
    covered = {tool for tool, _, _ in CASES}
    assert covered == set(TOOL_NAMES), sorted(set(TOOL_NAMES) - covered)


@pytest.mark.parametrize("tool", TOOL_NAMES)
async def test_the_tools_own_example_works_on_the_test_sandbox(sandbox_url: str, tool: str) -> None:
    """The base every hostile value is put into (ToolSpec.example) is valid on the test corpus."""
    async with mcp_client(settings_for(sandbox_url)) as client:
        result = await client.call_tool(tool, valid_arguments(tool))
    assert outcome_of(result) == "ok", f"{tool} example {valid_arguments(tool)}: {text_of(result)[:300]}"


@pytest.mark.parametrize(("tool", "field", "is_list"), CASES, ids=[f"{t}.{f}" for t, f, _ in CASES])
async def test_hostile_values_never_reach_an_unintended_path(
    sandbox_url: str, admin: SandboxAdmin, tool: str, field: str, is_list: bool
) -> None:
    async with mcp_client(settings_for(sandbox_url)) as client:
        base = valid_arguments(tool)
        start = admin.requests()[-1]["seq"] if admin.requests() else 0
        accepted: list[str] = []
        for label, payload in PAYLOADS.items():
            result = await client.call_tool(tool, hostile_arguments(tool, field, is_list, payload))
            outcome = outcome_of(result)
            assert outcome in SAFE_OUTCOMES, f"{label}: {outcome}: {text_of(result)[:300]}"
            assert not leaks(result), f"{label}: {leaks(result)}"
            if outcome != "invalid_argument":
                accepted.append(payload)
        after = await client.call_tool(tool, base)
        assert not after.is_error, text_of(after)
    logged = [r for r in admin.requests(since=start) if r["seq"] > start]
    assert logged, "no backend request was logged at all"
    sent_values: list[str] = []
    for record in logged:
        assert record["endpoint"] is not None, f"request to an unknown route: {record['method']} {record['path']}"
        assert "/_sandbox" not in record["endpoint"], record
        assert template_regex(record["endpoint"]).match(record["path"]), f"{record['path']} vs {record['endpoint']}"
        query = parse_qs(record["query"], keep_blank_values=True)
        assert "admin" not in query, record["query"]
        sent_values += [v for values in query.values() for v in values]
    # A hostile value the tool accepted as free text arrives whole, as one decoded parameter value.
    if field in QUERY_TEXT_FIELDS:
        assert len(accepted) >= 8, f"only {len(accepted)} hostile values were accepted as text: {accepted}"
        for payload in accepted:
            assert payload in sent_values, f"{payload!r} was not sent intact; sent: {sent_values}"
