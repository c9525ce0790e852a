"""Shared pieces of the harness: valid arguments per tool (its own example), call outcomes, leak checks, audit reading.

Used by the fault matrix, the fuzz and injection tests, and the soak benchmark.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcp.client import Client
from mcp_types import CallToolResult
from pydantic import ValidationError

from plugin.observability.redaction import SECRETS
from plugin.toolkit.spec import ToolSpec
from tests.conftest import SECRET
from tests.plugin_parts import REGISTRY, full_name
from tests.template.helpers import text_of

TOOL_NAMES: tuple[str, ...] = tuple(full_name(spec) for spec in REGISTRY)
_CODE = re.compile(r"^\[([a-z_]+)\]")
# What must never reach the model: the client secret, a bearer token, a Python traceback or source path.
_LEAKS = (SECRET, "Bearer ", "Traceback", 'File "/', "readonly-secret", "metadata-secret")


@dataclass(frozen=True)
class SampleIds:
    """Real ids from the sandbox (for callers that want more than the tools' own examples)."""

    contract: str
    other: str


SPECS: dict[str, ToolSpec[Any, Any]] = {full_name(spec): spec for spec in REGISTRY}


def valid_arguments(tool: str, ids: SampleIds | None = None) -> dict[str, Any]:
    """The tool's own example (`ToolSpec.example`): one page, small; a write tool's example writes the same
    note every time (idempotent). The test sandbox has the demo CLM's ids (ctr_000001..), so the example
    works there as it is. `ids` is not used (kept for callers written for the former per-tool table)."""
    spec = SPECS[tool]
    if not spec.example:  # a new tool must declare an example, not be silently skipped
        raise AssertionError(f"{tool} declares no example arguments (ToolSpec.example in its tool module)")
    example = copy.deepcopy(dict(spec.example))
    try:
        spec.input_model.model_validate(example)
    except ValidationError as exc:
        raise AssertionError(f"{tool}: its example does not match its own input model: {exc}") from None
    return example


async def sample_ids(client: Client) -> SampleIds:
    """Two real MSA ids from the sandbox (bench/response_sizes.py still asks for them)."""
    result = await client.call_tool("clm__search_contracts", {"types": ["MSA"], "limit": 2})
    assert not result.is_error and result.structured_content is not None, text_of(result)
    rows = result.structured_content["contracts"]
    return SampleIds(contract=rows[0]["id"], other=rows[1]["id"])


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
    # Every client secret and access token this process has fetched is registered there
    # (plugin.observability.redaction).
    if any(value in seen for value in SECRETS.values):
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
