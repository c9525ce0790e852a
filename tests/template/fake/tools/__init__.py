"""The fake plugin's tool registry."""

from __future__ import annotations

from typing import Any

from plugin.toolkit.spec import ToolSpec
from tests.template.fake.tools import add_note, list_items

REGISTRY: tuple[ToolSpec[Any, Any], ...] = (list_items.TOOL, add_note.TOOL)
