"""Amendment operations are searched only where a section is named: the same matches as a search of the whole text.

Every sentence here is written for these tests (none is taken from a real contract).
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import amendments
from analysis.amendments import _SECTION_LED_PATTERNS, _SECTION_WORD, _section_led

FRAGMENTS = [
    "Section 3.2 of the Agreement is hereby deleted in its entirety and replaced with the following: ",
    '"3.2 Warranty. Supplier warrants the Goods for six (6) months." ',
    "Sections 4.1, 4.2 and 4.3 of the Agreement are deleted. ",
    "Clause 7 (Payment) shall read as follows: ",
    "Article IX of the Contract shall have no further force or effect. ",
    'Paragraph 2(b) is amended by deleting "thirty (30)" and replacing it with "sixty (60)". ',
    "Section 12.1 is hereby extended to three (3) years. ",
    "The notice period set out in Section 9 is hereby reduced to 45 days. ",
    "a new Section 14.5 is added: ",
    'In Section 5, the words "net 30" are replaced by "net 45". ',
    "This Amendment No. 2 is made on 3 March 2024. ",
    "section 3.2 of the agreement is removed. ",
    "SECTION 8 OF THE AGREEMENT IS AMENDED AND RESTATED AS FOLLOWS: ",
    "the sections below, clause by clause, ",
    "new Section 6 shall read ",
    "Sectional headings are for convenience only. ",
    "\n\n",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12))
def test_a_section_led_pattern_finds_what_a_whole_text_search_finds(parts: list[str]) -> None:
    text = "".join(parts)
    starts = [match.start() for match in _SECTION_WORD.finditer(text)]
    for pattern in _SECTION_LED_PATTERNS:
        assert [m.span() for m in _section_led(pattern, text, starts)] == [m.span() for m in pattern.finditer(text)]


def test_every_pattern_searched_at_section_names_only_starts_with_one() -> None:
    # A pattern added to the set must start with the section name (after a look-behind at most): else a match that
    # starts elsewhere would be missed.
    for pattern in _SECTION_LED_PATTERNS:
        source = re.sub(r"^\(\?<![^)]*\)", "", pattern.pattern)
        assert source.startswith(("(?:Section|Clause|Article|Paragraph)", "(?:Sections|Clauses|Articles|Paragraphs)"))
    led = {
        n for n, value in vars(amendments).items() if isinstance(value, re.Pattern) and value in _SECTION_LED_PATTERNS
    }
    assert led == {"_SWAP", "_SECTION_CHANGE", "_REPLACE_SEVERAL", "_DELETE_SEVERAL", "_REPLACE", "_READ", "_DELETE"}
