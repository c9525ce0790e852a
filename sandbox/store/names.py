"""Resolving a company name as people type it to the counterparties on record.

"ACME Corp.", "Acme Cloud Services Inc", "OBrien", "Mueller", "Blue Harbor Trading" and one-letter
typos should all find the intended counterparty. Each name is reduced to a few keys, from strict
to loose, and a query is scored by the strictest key on which it meets a name:

- exact: the same string;
- normalised: the same once case, accents, punctuation and spacing are ignored;
- suffix: the same once legal forms (Inc., GmbH, S.A., Pty Ltd...) and a leading "The" are dropped;
- transliteration: the same once German umlauts are spelt out (ü = ue) and British spellings
  folded to US ones (Harbour = Harbor) - the rules no library applies to names;
- contains: every word the query keeps is a word (or the start of one) of the name;
- fuzzy: close by edit distance (rapidfuzz), for typos.

`anyascii` transliterates other scripts and letters that do not decompose (Ø, Ł, Þ); the rest is
the hand-written part: legal forms, spelling variants, umlauts.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from anyascii import anyascii

# Legal forms and company words, as words once punctuation is gone ("S.A." -> "sa", "Sp. z o.o." ->
# "sp zoo"). Dropped only at the end of a name (or "the" at its start), never from its middle.
LEGAL_FORMS: Final = frozenset((
    "inc", "incorporated", "corp", "corporation", "co", "company", "cos", "llc", "llp", "lp", "ltd", "limited",
    "plc", "pc", "gmbh", "mbh", "ag", "kg", "kgaa", "se", "sa", "sas", "sarl", "srl", "spa", "sl", "slu", "bv",
    "nv", "oy", "oyj", "ab", "aps", "as", "asa", "pty", "pvt", "pte", "sp", "zoo", "sro", "ehf", "kk", "group",
    "holdings", "holding",
))  # fmt: skip
# Spellings of the same legal form, to one ("Incorporated" = "Inc."): among names equal but for their legal
# form, the one with the form the query names ranks first ("Redwood Data Incorporated" -> "... Inc.").
_SAME_FORM: Final = {
    "incorporated": "inc", "corporation": "corp", "limited": "ltd", "company": "co", "aktiebolag": "ab",
    "private": "pvt", "lc": "llc",
}  # fmt: skip
_UMLAUTS: Final = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})
_APOSTROPHES: Final = re.compile(r"['’`´‘]")
_NON_WORD: Final = re.compile(r"[^a-z0-9]+")
# British -> US spellings common in company names (whole-word endings).
_SPELLINGS: Final = (
    (re.compile(r"our$"), "or"),  # harbour, colour, labour
    (re.compile(r"(?<=[a-z]{3})tre$"), "ter"),  # centre, metre (not "tre" alone)
    (re.compile(r"(?<=[a-z]{2})is(e|ed|es|ing|ation|ations)$"), r"iz\1"),  # organisation
    (re.compile(r"ogue$"), "og"),  # catalogue
)
FUZZY_FLOOR: Final = 80.0  # rapidfuzz ratio (0-100) below which a name is not a candidate


class MatchKind(StrEnum):
    EXACT = "exact"
    NORMALISED = "normalised"
    SUFFIX = "suffix"
    TRANSLITERATION = "transliteration"
    CONTAINS = "contains"
    FUZZY = "fuzzy"


@dataclass(frozen=True)
class NameKeys:
    raw: str  # stripped, casefolded
    words: tuple[str, ...]  # ASCII words, legal forms kept
    core: tuple[str, ...]  # legal forms and a leading "the" dropped (the words if nothing is left)
    variant: tuple[str, ...]  # core with umlauts spelt out and British spellings folded
    forms: frozenset[str]  # the legal forms dropped from the end, one spelling each

    @property
    def normalised(self) -> str:
        return "".join(self.words)


@dataclass(frozen=True)
class NameMatch:
    score: float  # 0-1
    kind: MatchKind


def _ascii_words(text: str) -> tuple[str, ...]:
    ascii_text = anyascii(unicodedata.normalize("NFKC", text)).lower().replace("&", " and ")
    words = _NON_WORD.split(_APOSTROPHES.sub("", ascii_text))
    merged: list[str] = []
    for word in filter(None, words):
        # Initials split by dots ("b.v.", "s.a.", "o.o.") become one word again.
        if len(word) == 1 and merged and merged[-1].isalpha() and len(merged[-1]) <= 2 and merged[-1] != "and":
            merged[-1] += word
        else:
            merged.append(word)
    return tuple(w for w in merged if w != "and")


def _core(words: tuple[str, ...]) -> tuple[str, ...]:
    end = len(words)
    while end > 1 and words[end - 1] in LEGAL_FORMS:
        end -= 1
    start = 1 if end > 1 and words[0] == "the" else 0
    return words[start:end] if end > start else words


def _forms(words: tuple[str, ...]) -> frozenset[str]:
    end = len(words)
    while end > 1 and words[end - 1] in LEGAL_FORMS:
        end -= 1
    return frozenset(_SAME_FORM.get(w, w) for w in words[end:])


def _spelling(word: str) -> str:
    for pattern, replacement in _SPELLINGS:
        word = pattern.sub(replacement, word)
    return word


@functools.lru_cache(maxsize=8192)  # names on record are keyed once, not on every query
def keys(name: str) -> NameKeys:
    words = _ascii_words(name)
    core = _core(words)
    spelt = _core(_ascii_words(name.casefold().translate(_UMLAUTS)))
    return NameKeys(
        raw=" ".join(name.casefold().split()),
        words=words,
        core=core,
        variant=tuple(_spelling(w) for w in spelt),
        forms=_forms(words),
    )


def _contains(query: tuple[str, ...], name: tuple[str, ...]) -> float:
    """Share of the name's words that the query's words cover (0 if a query word is not in the name)."""
    if not query:
        return 0.0
    joined = "".join(name)
    squeezed = "".join(query)  # "O Brien" for "OBrien", "Blue harbour" for "BlueHarbour"
    if all(any(n.startswith(q) for n in name) for q in query) or (len(squeezed) >= 4 and squeezed in joined):
        return min(1.0, sum(len(q) for q in query) / max(1, len(joined)))
    return 0.0


def match(query: str, name: str) -> NameMatch | None:
    """How well `query` names `name`, or None if it does not."""
    q, n = keys(query), keys(name)
    if not q.words:
        return None
    if q.raw == n.raw:
        return NameMatch(1.0, MatchKind.EXACT)
    if q.normalised == n.normalised:
        return NameMatch(0.97, MatchKind.NORMALISED)
    if q.core == n.core or "".join(q.core) == "".join(n.core):
        # 0.94-0.96 by how many legal forms they share: "Acme Ltd" for "Acme Limited" before "Acme GmbH".
        shared = len(q.forms & n.forms) / len(q.forms | n.forms) if q.forms | n.forms else 1.0
        return NameMatch(round(0.94 + 0.02 * shared, 3), MatchKind.SUFFIX)
    if q.variant == n.variant or "".join(q.variant) == "".join(n.variant):
        return NameMatch(0.93, MatchKind.TRANSLITERATION)
    coverage = max(_contains(q.core, n.core), _contains(q.variant, n.variant), _contains(q.words, n.words))
    if coverage == 0 and q.raw in n.raw:  # any fragment of the name as written (scripts, punctuation)
        coverage = len(q.raw) / max(1, len(n.raw))
    if coverage > 0:
        return NameMatch(round(0.75 + 0.15 * coverage, 3), MatchKind.CONTAINS)
    from rapidfuzz import fuzz  # ~9 ms to import: only a name that nothing closer matched needs it

    ratio = max(
        fuzz.ratio(" ".join(q.variant), " ".join(n.variant)),
        fuzz.ratio(" ".join(q.core), " ".join(n.core)),
        # A typo in the legal form itself ("Coporation"): it is no longer recognised as one and stays in the core.
        fuzz.ratio(" ".join(q.words), " ".join(n.words)),
        # A typo in a query that names the first words only ("Acme Clud" for "Acme Cloud Services").
        fuzz.ratio(" ".join(q.variant), " ".join(n.variant[: len(q.variant)])) - 5,
    )
    if ratio >= FUZZY_FLOOR:
        return NameMatch(round(0.7 * ratio / 100, 3), MatchKind.FUZZY)
    return None
