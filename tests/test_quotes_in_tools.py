"""Every quote clm__extract_obligations shows, over the whole demo corpus: the exact source span or visibly
elided (each piece verbatim at the offsets shown), never cut mid-word, and notice-period quotes show the number.

Offsets are the CLM's own (into the raw document, invisible characters and all): each piece is checked against
the raw characters it names, cleaned as the tool shows any document text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

# The rule modules load once per process, in the first call that needs them: not what is measured.
import analysis.consolidation
import analysis.obligations
import analysis.terms  # noqa: F401
from analysis.durations import find_durations, same_length
from analysis.quotes import ELLIPSIS
from plugin.toolkit.untrusted import clean_inline, clean_text, strip_invisible
from sandbox.corpus.generate import generate_records, render_contract
from sandbox.corpus.models import Corpus
from sandbox.settings import SandboxSettings
from sandbox.testing import running_sandbox
from tests.conftest import mcp_client, settings_for
from tests.test_core_tools import ok

pytestmark = pytest.mark.anyio
DEMO = SandboxSettings()
SEP = f" {ELLIPSIS} "
CITE = re.compile(r'\[(\d+-\d+(?:, \d+-\d+)*)\] "(.*?)" \|')


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = DEMO.model_copy(update={"db": tmp_path_factory.mktemp("demo") / "clm.db"})
    with running_sandbox(settings) as url:
        yield url


def _texts() -> dict[str, tuple[str, Any, Any]]:
    """contract id -> (the raw text the CLM serves, the record, the ground truth)."""
    records = generate_records(Corpus(contracts=DEMO.contracts, seed=DEMO.seed, as_of=DEMO.as_of))
    out: dict[str, tuple[str, Any, Any]] = {}
    for record in records.contracts:
        rendered = render_contract(records, record)
        out[record.id] = (rendered.text, record, rendered.truth)
    return out


ISO_CODE = re.compile(r"\bPT?\d+[HDWMY]\b")


def _word(char: str) -> bool:
    return char.isalnum() or char in "_'’"


def _cuts_a_word(text: str, index: int) -> bool:
    # The visible characters either side: an invisible one inside a word does not make a word boundary.
    before, after = strip_invisible(text[max(0, index - 8) : index])[-1:], strip_invisible(text[index : index + 8])[:1]
    return 0 < index < len(text) and bool(before and after) and _word(before) and _word(after)


def _shown(text: str, start: int, end: int) -> str:
    """The raw characters start-end as a tool shows them (cleaned as at the boundary)."""
    return clean_text(text[start:end], multiline=True)


def _rebuilt(text: str, pieces: list[tuple[int, int]], lead: bool, tail: bool) -> str:
    body = SEP.join(_shown(text, s, e) for s, e in pieces)
    return (ELLIPSIS + " " if lead else "") + body + (" " + ELLIPSIS if tail else "")


class Tally:
    def __init__(self) -> None:
        self.quotes = self.exact_or_elided = self.mid_word = 0
        self.notice = self.notice_with_number = 0
        self.bad: list[Any] = []


def _check_source(tally: Tally, text: str, source: dict[str, Any]) -> None:
    pieces = [tuple(p) for p in source["pieces"]]
    if not pieces:
        return
    tally.quotes += 1
    shown = source["quote"]
    lead, tail = shown.startswith(ELLIPSIS + " "), shown.endswith(" " + ELLIPSIS)
    right = shown == _rebuilt(text, pieces, lead, tail) and (source["start"], source["end"]) == (
        pieces[0][0],
        pieces[-1][1],
    )
    right = right and source["elided"] == (lead or tail or len(pieces) > 1)
    tally.exact_or_elided += right
    cut = any(_cuts_a_word(text, s) or _cuts_a_word(text, e) for s, e in pieces)
    tally.mid_word += cut
    if not right or cut:
        tally.bad.append((source, [_shown(text, s, e) for s, e in pieces]))


def _check_markdown(tally: Tally, text: str, markdown: str) -> None:
    for offsets, shown in CITE.findall(markdown):
        pieces = [tuple(int(x) for x in part.split("-")) for part in offsets.split(", ")]
        tally.quotes += 1
        lead, tail = shown.startswith(ELLIPSIS + " "), shown.endswith(" " + ELLIPSIS)
        expected = clean_inline(_rebuilt(text, pieces, lead, tail), 10_000)  # as a table cell shows it
        right = shown == expected
        tally.exact_or_elided += right
        cut = any(_cuts_a_word(text, s) or _cuts_a_word(text, e) for s, e in pieces)
        tally.mid_word += cut
        if not right or cut:
            tally.bad.append((shown, expected))


@pytest.mark.timeout(2400)  # the whole corpus, read in full once per contract
async def test_every_quote_is_exact_or_visibly_elided_and_keeps_the_fact(demo_url: str) -> None:
    texts = _texts()
    structured, markdown = Tally(), Tally()
    dated_truth = dated_right = iso_in_words = 0
    misses: list[Any] = []
    async with mcp_client(settings_for(demo_url, call_deadline=120.0)) as client:
        for contract_id, (text, record, truth) in texts.items():
            shown_items: list[dict[str, Any]] = []
            offset: int | None = 0
            while offset is not None:
                result = await client.call_tool(
                    "clm__extract_obligations", {"contract_id": contract_id, "offset": offset, "limit": 40}
                )
                page = ok(result)
                body = "\n".join(block.text for block in result.content if hasattr(block, "text"))
                base_facts = [f for f in page["facts"] if f["citation"] is not None and not f["set_by"]]
                for fact in base_facts if offset == 0 else []:
                    # An amendment's term facts are its agreement's, cited in the agreement's text.
                    _check_source(structured, texts[fact["citation"]["document_id"]][0], fact["citation"])
                    if fact["kind"] == "renewal_notice_period":
                        quote = fact["citation"]["quote"]
                        structured.notice += 1
                        stated = [d.duration.iso for d in find_durations(quote)]
                        value = fact["value"] if fact["disagreement"] is None else None
                        structured.notice_with_number += bool(stated) and (
                            value is None or any(same_length(s, value) for s in stated)
                        )
                for item in page["obligations"]:
                    _check_source(structured, text, item["citation"])
                shown_items += page["obligations"]
                obligation_rows = body.split("**Obligations**", 1)[-1] if page["obligations"] else ""
                iso_in_words += sum(
                    bool(ISO_CODE.search(row.split(" | ")[3]))
                    for row in obligation_rows.splitlines()
                    if row.count(" | ") > 4
                )
                # Markdown: only the base document's quotes (an amendment's offsets are in its own text).
                amended = {f["kind"] for f in page["facts"] if f["set_by"]}
                amended |= {
                    f["kind"] for f in page["facts"] if f["citation"] and f["citation"]["document_id"] != contract_id
                }
                lines = [
                    line for line in body.splitlines() if not any(line.startswith(f"| {kind} |") for kind in amended)
                ]
                _check_markdown(markdown, text, "\n".join(lines))
                offset = page["next_offset"]
            # Next due date in the tool vs the truth: active contracts whose own text decides their dates.
            if record.status != "active" or (truth.consolidated is not None and truth.consolidated.amendments):
                continue
            for t in truth.obligations:
                if t.next_due is None:
                    continue
                dated_truth += 1
                paired = next(
                    (
                        o
                        for o in shown_items
                        if o["category"] == t.category.value
                        and o["citation"]["start"] < t.span.end
                        and t.span.start < o["citation"]["end"]
                    ),
                    None,
                )
                got = paired["due"]["next_due"] if paired is not None else None
                dated_right += got == t.next_due.isoformat()
                if got != t.next_due.isoformat():
                    misses.append((contract_id, t.due, got, t.next_due))
    for name, tally in (("structured", structured), ("markdown", markdown)):
        print(
            f"{name}: quotes {tally.quotes}, exact or correctly elided {tally.exact_or_elided} "
            f"({tally.exact_or_elided / max(1, tally.quotes):.1%}), mid-word cuts {tally.mid_word}"
        )
    print(f"notice-period quotes with the number: {structured.notice_with_number}/{structured.notice}")
    print(f"next due date in the tool: {dated_right}/{dated_truth}; ISO codes in the 'when' column: {iso_in_words}")
    assert structured.quotes > 1000 and markdown.quotes > 1000
    assert structured.bad == [] and markdown.bad == [], (structured.bad[:3], markdown.bad[:3])
    assert structured.notice >= 50 and structured.notice_with_number == structured.notice
    assert dated_truth >= 100 and dated_right == dated_truth, misses[:5]
    assert iso_in_words == 0
