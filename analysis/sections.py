"""Clause segmentation: numbered sections and their headings.

Handles "12.2 Termination for Convenience", "Section 5. Term", "ARTICLE VII", "7.1(a)", "(a)" and the
layout of text extracted from SEC filings, where sections often start after a run of spaces instead of
on a new line. A section runs until the next section of the same or a higher level.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from analysis.models import Clause

# Where a section may start: the start of the text, a new line, or a run of 3+ spaces.
# Consumed rather than looked behind, so the engine can skip ahead to the next newline or space run.
# Possessive, and a run of spaces is entered only at its start: long runs stay linear.
_LEAD = r"(?:^|\n|(?<![ ])[ ]{3})[ ]*+"
_ARTICLE = re.compile(_LEAD + r"(?:ARTICLE|Article)[ ]+[IVXLC\d]")
_HEADING_PATTERN = re.compile(
    _LEAD + r"(?P<head>(?P<kw>ARTICLE|Article|SECTION|Section|Sec\.|§)[ ]*"
    r"(?P<kw_num>[IVXLC]{1,8}|\d{1,3}(?:\.\d{1,3}){0,4}|[A-Z])\b"
    r"(?P<kw_sub>(?:\([a-z0-9]{1,4}\)){0,3})(?![ ]+of[ ]+(?:the|this|that)\b)\.?"  # not "Section 9.2 of the ..."
    r"|(?P<num>\d{1,3}(?:\.\d{1,3}){1,4})(?P<sub>(?:\([a-z0-9]{1,4}\)){0,3})\.?"
    r"|(?P<top>\d{1,3})(?:\.|(?=\([a-z0-9]{1,4}\)))(?P<top_sub>(?:\([a-z0-9]{1,4}\)){0,3})"
    r"|(?P<roman>[IVX]{1,6})\."
    r"|(?P<letter>\([a-z]{1,4}\)|\([0-9]{1,2}\)))"
    r"(?=[ ]|\n|$)",
    re.MULTILINE,
)
# Heading text after the number: up to a period, colon, dash, new line or run of spaces; short.
_HEADING_TEXT = re.compile(
    r"[ ]*+[-:.\u2013\u2014]?[ ]*+(?P<text>[A-Z\"'(](?:[^\n.:]|[.:](?=\S)){0,90}?)(?=[.:](?:\s|$)|\n|[ ]{3}|$)"
)
_SMALL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "under"}
    | {"upon", "with", "without", "its"}
)
# A heading on a line of its own after the number ("ARTICLE VII\nTERM AND TERMINATION").
_NEXT_LINE_HEADING = re.compile(r"[ ]*\n[ \n]{0,4}(?P<text>[A-Z][A-Z ,&/'-]{2,60}[A-Z])[ ]*(?=\n)")


@dataclass(frozen=True)
class Segmentation:
    clauses: list[Clause]
    _starts: list[int]
    _parents: list[int]

    def locate(self, position: int) -> tuple[str | None, str | None]:
        """(section number, heading) of the innermost section containing `position`."""
        index = bisect_right(self._starts, position) - 1
        while index >= 0 and not (self.clauses[index].start <= position < self.clauses[index].end):
            index = self._parents[index]
        if index < 0:
            return None, None
        number = self.clauses[index].number
        heading: str | None = None
        walk = index
        while walk >= 0 and heading is None:
            heading = self.clauses[walk].heading
            walk = self._parents[walk]
        return number, heading

    def headings(self, position: int) -> list[str]:
        """Headings of the sections containing `position`, innermost first."""
        index = bisect_right(self._starts, position) - 1
        while index >= 0 and not (self.clauses[index].start <= position < self.clauses[index].end):
            index = self._parents[index]
        found: list[str] = []
        while index >= 0:
            heading = self.clauses[index].heading
            if heading:
                found.append(heading)
            index = self._parents[index]
        return found


def _looks_like_heading(text: str) -> bool:
    words = text.split()
    if not words or len(words) > 10:
        return False
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return True
    significant = [w for w in words if w.lower() not in _SMALL_WORDS]
    capitalised = [w for w in significant if w[:1].isupper() or w[:1] in "\"'(" or not w[:1].isalpha()]
    return bool(significant) and len(capitalised) == len(significant) and words[0][:1].isupper()


def _heading_after(text: str, position: int) -> str | None:
    match = _HEADING_TEXT.match(text, position, min(len(text), position + 120))
    if match:
        candidate = match.group("text").strip().strip("\"'").strip()
        if candidate and _looks_like_heading(candidate) and not candidate.startswith("("):
            return candidate
    below = _NEXT_LINE_HEADING.match(text, position, min(len(text), position + 80))
    if below:
        return below.group("text").strip()
    return None


_ROMAN_LETTERS = frozenset("ivxlc")


def _list_style(item: str, open_items: list[tuple[str, str, int]]) -> str:
    """'digit', 'roman' or 'alpha' for a list item's label ("1", "ii", "b"). "(i)" after "(h)" is a letter."""
    if item.isdigit():
        return "digit"
    if set(item) <= _ROMAN_LETTERS:
        follows_letter = any(
            style == "alpha" and len(item) == 1 and ord(number[-2]) == ord(item) - 1 for style, number, _ in open_items
        )
        return "alpha" if follows_letter else "roman"
    return "alpha"


def _open_items(base: str, subs: str, level: int) -> list[tuple[str, str, int]]:
    """The list items a number like "5(b)(ii)" opens: ("alpha", "5(b)", level - 1), ("roman", "5(b)(ii)", level)."""
    items: list[tuple[str, str, int]] = []
    labels = re.findall(r"\(([a-z0-9]{1,4})\)", subs)
    number = base
    for depth, label in enumerate(labels):
        number += f"({label})"
        items.append((_list_style(label, items), number, level - len(labels) + depth + 1))
    return items


def segment(text: str) -> Segmentation:
    """Numbered sections of `text` with headings and nesting levels. Linear in the text length."""
    has_articles = _ARTICLE.search(text) is not None
    shift = 1 if has_articles else 0
    raw: list[tuple[int, str, int, str | None]] = []  # (start, number, level, heading)
    last_base: str | None = None  # the enclosing numbered section of "(a)" items
    last_base_level = 0
    # Open list items, outermost first: "(i)" after "(a)" nests in it ("2(a)(i)"), "(b)" after "(i)" closes it.
    open_items: list[tuple[str, str, int]] = []
    for match in _HEADING_PATTERN.finditer(text):
        start = match.start("head")
        groups = match.groupdict()
        number: str
        level: int
        if groups["kw"]:
            base = groups["kw_num"]
            if groups["kw"].lower() == "article":
                number, level = base, 0
            else:
                number = base + (groups["kw_sub"] or "")
                level = base.count(".") + shift + number.count("(")
            last_base, last_base_level = base, level - number.count("(")
            open_items = _open_items(base, groups["kw_sub"] or "", level)
        elif groups["num"] or groups["top"]:
            base = groups["num"] or groups["top"]
            number = base + (groups["sub"] or groups["top_sub"] or "")
            level = base.count(".") + shift + number.count("(")
            last_base, last_base_level = base, base.count(".") + shift
            open_items = _open_items(base, groups["sub"] or groups["top_sub"] or "", level)
        elif groups["roman"]:
            number = groups["roman"]
            level = 0
            last_base, last_base_level = number, level
            open_items = []
        else:
            if last_base is None:
                continue  # a list item with no numbered section around it
            label = groups["letter"][1:-1]
            style = _list_style(label, open_items)
            sibling = next((i for i in range(len(open_items) - 1, -1, -1) if open_items[i][0] == style), None)
            if sibling is not None:
                del open_items[sibling:]
            parent_number, parent_level = open_items[-1][1:] if open_items else (last_base, last_base_level)
            number = parent_number + groups["letter"]
            level = parent_level + 1
            open_items.append((style, number, level))
        heading = _heading_after(text, match.end())
        if not groups["kw"] and not groups["letter"]:
            # A bare number must be followed by a capitalised word, or it is a figure, not a section.
            following = text[match.end() : match.end() + 3].lstrip(" ")
            if not following or not (following[0].isupper() or following[0] in "\"'(\n"):
                continue
        raw.append((start, number, level, heading))

    clauses: list[Clause] = []
    parents: list[int] = []
    stack: list[int] = []
    ends: list[int] = []
    for start, number, level, heading in raw:
        while stack and clauses[stack[-1]].level >= level:
            ends[stack.pop()] = start
        parents.append(stack[-1] if stack else -1)
        clauses.append(Clause(number=number, heading=heading, start=start, end=len(text), level=level))
        ends.append(len(text))
        stack.append(len(clauses) - 1)
    finished = [
        clause.model_copy(update={"end": max(ends[i], clause.start)}) if ends[i] != clause.end else clause
        for i, clause in enumerate(clauses)
    ]
    return Segmentation(clauses=finished, _starts=[c.start for c in finished], _parents=parents)
