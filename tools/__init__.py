"""The tool registry: the single list of tools. The server, the manifest and the tests all read it.

Adding a tool = adding one module under `tools/` and one line to `REGISTRY` (then
`python server.py manifest write` and `UPDATE_SNAPSHOTS=1 python -m pytest tests/test_tool_contract.py`).
"""

from __future__ import annotations

from typing import Any

from plugin.toolkit.spec import ToolSpec
from tools import (
    annotate_contract,
    compare_contracts,
    extract_obligations,
    find_counterparties,
    get_contract,
    list_notes,
    portfolio_report,
    read_contract,
    search_contracts,
    upcoming_deadlines,
)

REGISTRY: tuple[ToolSpec[Any, Any], ...] = (
    search_contracts.TOOL,
    find_counterparties.TOOL,
    get_contract.TOOL,
    read_contract.TOOL,
    extract_obligations.TOOL,
    upcoming_deadlines.TOOL,
    compare_contracts.TOOL,
    portfolio_report.TOOL,
    list_notes.TOOL,
    annotate_contract.TOOL,
)
