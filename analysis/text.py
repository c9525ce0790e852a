"""The text the extractors scan, and the way back to the original offsets.

Extractors work on a cleaned copy: invisible characters (zero-width, bidi controls, Unicode tags, soft
hyphens) removed so they cannot split a keyword, and typographic quotes/spaces mapped one-for-one to ASCII.
`Prepared.cite` maps spans back and quotes the ORIGINAL text, so a citation always satisfies
`quote == text[start:end]`.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field

from analysis.models import Citation


def _letter_class(test: str) -> str:
    """A regex class of the letters for which `str.<test>()` holds: ASCII, Latin-1, Latin Extended, Greek and
    Cyrillic. `re` has no \\p{Lu}; `[A-Z]` alone would not see "Ñandú" or "Élan" as a capitalised name."""
    chars = [chr(c) for block in ((0x41, 0x7B), (0xC0, 0x530), (0x1E00, 0x1F00)) for c in range(*block)]
    wanted = [c for c in chars if getattr(c, test)()]
    ranges: list[str] = []
    start = previous = wanted[0]
    for char in [*wanted[1:], ""]:
        if char and ord(char) == ord(previous) + 1:
            previous = char
            continue
        ranges.append(re.escape(start) if start == previous else f"{re.escape(start)}-{re.escape(previous)}")
        if char:
            start = previous = char
    return "[" + "".join(ranges) + "]"


# A capital and a small letter, as regex classes (for names: "Ñandú", "Øresund", "Élan").
UPPER = _letter_class("isupper")
LOWER = _letter_class("islower")

# Characters that render as nothing but can hide inside words (prompt-injection and copy-paste debris).
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\U000e0000-\U000e007f]"
)
# One-for-one replacements keep offsets; they only make the patterns simpler.
_SAME_LENGTH = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u3000": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\t": " ",
        "\x0c": "\n",
        "\x0b": "\n",
        "\u2028": "\n",
        "\u2029": "\n",
    }
)


@dataclass(frozen=True)
class Prepared:
    original: str
    clean: str
    # clean index -> original index; None when nothing was removed (the common case: identity).
    _offsets: array[int] | None = field(default=None, repr=False)

    def to_original(self, index: int) -> int:
        if self._offsets is None:
            return index
        if index >= len(self._offsets):
            return len(self.original)
        return self._offsets[index]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original span covering clean `[start, end)`."""
        if self._offsets is None:
            return start, end
        if end <= start:
            position = self.to_original(start)
            return position, position
        return self.to_original(start), self.to_original(end - 1) + 1

    def cite(
        self,
        start: int,
        end: int,
        *,
        section: str | None,
        heading: str | None,
        confidence: float,
    ) -> Citation:
        """A citation of clean span `[start, end)`, trimmed of surrounding white space."""
        while start < end and self.clean[start].isspace():
            start += 1
        while end > start and self.clean[end - 1].isspace():
            end -= 1
        original_start, original_end = self.original_span(start, end)
        return Citation(
            section=section,
            heading=heading,
            quote=self.original[original_start:original_end],
            start=original_start,
            end=original_end,
            confidence=round(confidence, 3),
        )


_MAPPED = re.compile("[" + "".join(re.escape(chr(code)) for code in _SAME_LENGTH) + "]")


def _same_length(text: str) -> str:
    # str.translate with a dict is slow on long texts; the mapped characters are rare, so substitute them.
    return _MAPPED.sub(lambda match: str(_SAME_LENGTH[ord(match.group(0))]), text)


# SEC filings render underlining as a run of hyphens beside or below the words ("shall ---- thereafter continue",
# "made as of 31 December, --------- 1996"): blanked one-for-one, so the words read on and offsets are kept.
_UNDERLINE = re.compile(r"(?<!\S)-{2,}+(?!\S)")


def prepare(text: str) -> Prepared:
    translated = _same_length(text)
    if "--" in translated:
        translated = _UNDERLINE.sub(lambda match: " " * len(match.group(0)), translated)
    if not _INVISIBLE.search(translated):
        return Prepared(original=text, clean=translated)
    offsets: array[int] = array("l")
    pieces: list[str] = []
    position = 0
    for match in _INVISIBLE.finditer(translated):
        pieces.append(translated[position : match.start()])
        offsets.extend(range(position, match.start()))
        position = match.end()
    pieces.append(translated[position:])
    offsets.extend(range(position, len(translated)))
    return Prepared(original=text, clean="".join(pieces), _offsets=offsets)


# --- sentences --------------------------------------------------------------------------------------

# Words whose trailing period does not end a sentence.
_ABBREVIATION_WORDS = (
    "inc ltd co corp llc lp llp plc no nos mr mrs ms dr st sec art para u.s u.k e.g i.e etc vs v "
    "jan feb mar apr jun jul aug sep sept oct nov dec s.a n.v b.v a.g g.m.b.h ag gmbh pty bhd sa nv bv "
    "approx dept est fig hon jr sr prof rev ave blvd ste p.o pte d/b/a cf incl"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
# A month written out with a stray full stop before its day ("April. 1st 2019") is not a sentence end.
_MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)
_SECTION_START = r"(?:\(?\d{1,3}(?:\.\d{1,3})*\.?\)?|\([a-z]{1,4}\)|[A-Z]\.|ARTICLE|Article|SECTION|Section)\s"
# A sentence ends at ". " before a capital/quote/digit/bracket, at a blank line, or where a numbered
# section starts on a new line or after a run of spaces (the layout of text extracted from SEC filings).
_BOUNDARY = re.compile(
    r"(?P<stop>[.!?][\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9]))"
    r"|\n[ ]*+\n(?:\s*(?:-[ ]?\d{1,3}[ ]?-|\d{1,3}|Page[ ]\d{1,3}(?:[ ]of[ ]\d{1,3})?)[ ]*\n)?\s*+"
    rf"|\n[ ]*+(?={_SECTION_START})"
    rf"|(?<![ ])[ ]{{3,}}+(?={_SECTION_START})"
)
_PARAGRAPH_BREAK = re.compile(r"\n[ ]*\n")
_NUMBERED = re.compile(_SECTION_START)
_WORD_BEFORE = re.compile(r"([A-Za-z./]+)\.[\"')\]]?$")
# "by 5:00 p.m. Eastern time on the tenth day": a time of day followed by its zone, a weekday or "on", not a full stop.
_TIME_OF_DAY = re.compile(r"\d[ ]?(?:[ap]\.m|[AP]\.M)\.$")
_AFTER_TIME = re.compile(
    r"[(\[]?(?:(?:Eastern|Central|Mountain|Pacific|Atlantic|Alaska|Hawaii|Greenwich|British|Central\s+European|"
    r"Prevailing|Local|Standard|Daylight|New\s+York|Chicago|Los\s+Angeles|London|Toronto|Singapore|Hong\s+Kong|"
    r"Tokyo|Sydney|Paris|Frankfurt|Zurich|Dublin|Beijing)\b|(?:[ECMP][SD]?T|GMT|UTC|BST|CET|CEST|[A-Z]{2,4}T)\b|"
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|Time\b)"
)


@dataclass(frozen=True)
class Sentences:
    """Sentence boundaries of a text: `starts[i]`..`ends[i]`."""

    starts: list[int]
    ends: list[int]

    def index_at(self, position: int) -> int:
        return max(0, bisect_right(self.starts, position) - 1)

    def span_at(self, position: int) -> tuple[int, int]:
        index = self.index_at(position)
        return self.starts[index], self.ends[index]


_CONTINUES_AFTER = re.compile(
    r"(?:,|\b(?:the|this|that|of|and|or|to|a|an|by|for|in|with|shall|will|be|is|are|its|their|such|any|all|from|on|at|as))$"
)


def _continues(text: str, end_of_sentence: int, next_start: int) -> bool:
    before = text[max(0, end_of_sentence - 12) : end_of_sentence].rstrip()
    following = text[next_start : next_start + 1]
    if not before or not following:
        return False
    if (before[-1].islower() or before[-1].isdigit()) and following.islower():
        return True
    return _CONTINUES_AFTER.search(before) is not None and following.isalpha()


_NUMBER_WORD_BEFORE = re.compile(
    r"(?:,|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|the|of|and|or|to|a|for|by|in|with|within|than|least|per|each))$",
    re.IGNORECASE,
)


def _wrapped_number(text: str, end_of_sentence: int, next_start: int) -> bool:
    """A line break before "(1)" or "30" in the middle of a sentence ("one\n(1) year")."""
    before = text[max(0, end_of_sentence - 12) : end_of_sentence].rstrip()
    return (
        bool(before)
        and _NUMBER_WORD_BEFORE.search(before) is not None
        and text[next_start : next_start + 1] in "(0123456789"
    )


def split_sentences(text: str) -> Sentences:
    starts = [0]
    ends: list[int] = []
    for match in _BOUNDARY.finditer(text):
        boundary = match.start()
        if match.group("stop"):
            boundary += 1  # the sentence keeps its full stop
            tail = text[max(0, boundary - 24) : boundary]
            word = _WORD_BEFORE.search(tail)
            if _PARAGRAPH_BREAK.search(match.group(0)) and _NUMBERED.match(text, match.end()):
                word = None  # "... Beta LLC.\n\n1.1 Initial Term.": a numbered section after "LLC." starts anew
            if word and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1):
                continue  # "Acme Inc. and", "Section 2.1. The", "J. Smith"
            if word and word.group(1).lower() in _MONTHS and text[match.end() : match.end() + 1].isdigit():
                continue  # "April. 1st 2019"
            if _TIME_OF_DAY.search(tail) and _AFTER_TIME.match(text, match.end()):
                continue  # "5:00 p.m. Eastern time", "10 a.m. (Pacific Time)"
        elif match.group(0).count("\n") >= 2 and _continues(text, boundary, match.end()):
            continue  # a page break inside a sentence: "Thereafter, this\n\n\nAgreement shall ..."
        elif _wrapped_number(text, boundary, match.end()):
            continue  # a hard-wrapped line that starts with "(1) year periods", not a new item
        if boundary > starts[-1]:
            ends.append(boundary)
            starts.append(match.end())
        else:
            starts[-1] = match.end()
    ends.append(len(text))
    if starts[-1] > ends[-1]:
        starts[-1] = ends[-1]
    return Sentences(starts=starts, ends=ends)
