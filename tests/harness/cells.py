"""Shared pieces of the harness: valid arguments per tool, call outcomes, leak checks, audit reading.

Used by the fault matrix, the fuzz and injection tests, and the soak benchmark.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcp.client import Client
from mcp_types import CallToolResult, TextContent

from plugin.observability.redaction import SECRETS
from tests.conftest import SECRET
from tools import REGISTRY, full_name

TOOL_NAMES: tuple[str, ...] = tuple(full_name(spec) for spec in REGISTRY)
_CODE = re.compile(r"^\[([a-z_]+)\]")
# What must never reach the model: the client secret, a bearer token, a Python traceback or source path.
_LEAKS = (SECRET, "Bearer ", "Traceback", 'File "/', "readonly-secret", "metadata-secret")


@dataclass(frozen=True)
class SampleIds:
    """Real ids from the sandbox the arguments are built from."""

    contract: str
    other: str


def valid_arguments(tool: str, ids: SampleIds) -> dict[str, Any]:
    """Arguments every tool accepts (one page, small); annotate writes the same note every time (idempotent)."""
    table: dict[str, dict[str, Any]] = {
        "clm__search_contracts": {"limit": 3},
        "clm__get_contract": {"contract_id": ids.contract},
        "clm__read_contract": {"contract_id": ids.contract, "max_chars": 500},
        "clm__extract_obligations": {"contract_id": ids.contract, "limit": 5},
        "clm__upcoming_deadlines": {"within_days": 365, "limit": 5},
        "clm__compare_contracts": {"contract_ids": [ids.contract, ids.other]},
        "clm__portfolio_report": {"kind": "by_type"},
        "clm__annotate_contract": {"contract_id": ids.contract, "body": "Harness note: reviewed."},
    }
    if set(table) != set(TOOL_NAMES):  # a new tool must get arguments here, not be silently skipped
        raise AssertionError(f"valid_arguments does not cover: {sorted(set(TOOL_NAMES) ^ set(table))}")
    return table[tool]


async def sample_ids(client: Client) -> SampleIds:
    result = await client.call_tool("clm__search_contracts", {"types": ["MSA"], "limit": 2})
    assert not result.is_error and result.structured_content is not None, text_of(result)
    rows = result.structured_content["contracts"]
    return SampleIds(contract=rows[0]["id"], other=rows[1]["id"])


def text_of(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


def outcome_of(result: CallToolResult) -> str:
    """'ok', or the error code in the leading '[code]' of the tool error, or 'unlabelled' when there is none."""
    if not result.is_error:
        return "ok"
    match = _CODE.match(text_of(result))
    return match.group(1) if match else "unlabelled"


def model_visible(result: CallToolResult) -> str:
    structured = json.dumps(result.structured_content, ensure_ascii=False) if result.structured_content else ""
    return text_of(result) + structured


def leaks(result: CallToolResult) -> list[str]:
    seen = model_visible(result)
    found = [marker for marker in _LEAKS if marker in seen]
    # Every client secret and access token this process has fetched is registered there (plugin.observability.redaction).
    if any(value in seen for value in SECRETS._values):
        found.append("a registered secret or access token")
    return found


def response_chars(result: CallToolResult) -> int:
    return len(model_visible(result))


@dataclass
class AuditLog:
    path: Path
    _read: int = field(default=0)

    def new_records(self) -> list[dict[str, Any]]:
        """Records appended since the last call."""
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        fresh = lines[self._read :]
        self._read = len(lines)
        return [json.loads(line) for line in fresh if line.strip()]
