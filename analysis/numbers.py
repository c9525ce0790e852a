"""Numbers as contracts write them: "sixty (60)", "thirty-six", "one hundred and twenty", "twenty-first".

The regex fragments here are bounded alternations (no nested quantifiers), so they scan in linear time.
"""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,  # a misspelling common enough in filed contracts
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_ORDINAL_UNITS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
}
_ORDINAL_TENS = {
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "sixtieth": 60,
    "seventieth": 70,
    "eightieth": 80,
    "ninetieth": 90,
}


def _alternation(words: dict[str, int]) -> str:
    # Longest first so "seventeen" is not cut to "seven".
    return "|".join(sorted(words, key=len, reverse=True))


_UNIT_RE = _alternation(_UNITS)
_TENS_RE = _alternation(_TENS)
# 0..99 in words: "seven", "seventeen", "forty", "forty-two", "forty two".
_BELOW_100 = rf"(?:(?:{_TENS_RE})(?:[\s-]+(?:{_UNIT_RE}))?|(?:{_UNIT_RE}))"
# 0..999 999 in words, e.g. "one hundred and twenty", "two thousand five hundred".
_BELOW_1000 = rf"(?:{_BELOW_100}(?:\s+hundred(?:\s+(?:and\s+)?{_BELOW_100})?)?|hundred)"
WORD_NUMBER = rf"(?:{_BELOW_1000}(?:\s+thousand(?:\s+(?:and\s+)?{_BELOW_1000})?)?)"

# A cardinal as contracts write it: "sixty (60)", "sixty", "60", "(60)", "sixty(60)".
# Groups: `words`, `paren` (digits in parentheses) and `digits`.
NUMBER = (
    rf"(?:(?P<words>\b{WORD_NUMBER})\b(?:\s*\(\s*(?P<paren>\d{{1,4}})\s*\))?"
    rf"|\(\s*(?P<paren_only>\d{{1,4}})\s*\)"
    rf"|(?P<digits>\b\d{{1,4}}(?:,\d{{3}})?)\b)"
)

_ORD_UNIT_RE = _alternation(_ORDINAL_UNITS)
_ORD_TENS_RE = _alternation(_ORDINAL_TENS)
# 1..31 as an ordinal word: "first", "twenty-first", "thirtieth".
ORDINAL_WORD = rf"(?:(?:{_TENS_RE})[\s-]+(?:{_ORD_UNIT_RE})|{_ORD_TENS_RE}|{_ORD_UNIT_RE})"

_TOKEN = re.compile(r"[a-z]+")
_HUNDRED, _THOUSAND = "hundred", "thousand"
_WORD_NUMBER_RE = re.compile(rf"^{WORD_NUMBER}$", re.IGNORECASE)


def words_to_int(words: str) -> int | None:
    """ "one hundred and twenty" -> 120, "thirty-six" -> 36; None if not a number in words."""
    text = " ".join(words.lower().split())
    if not text or not _WORD_NUMBER_RE.match(text):
        return None
    total = 0
    current = 0
    for token in _TOKEN.findall(text):
        if token in _UNITS:
            current += _UNITS[token]
        elif token in _TENS:
            current += _TENS[token]
        elif token == _HUNDRED:
            current = (current or 1) * 100
        elif token == _THOUSAND:
            total += (current or 1) * 1000
            current = 0
        # "and" is filler
    return total + current


def ordinal_to_int(word: str) -> int | None:
    """ "twenty-first" -> 21, "first" -> 1, "thirtieth" -> 30; None otherwise."""
    tokens = _TOKEN.findall(word.lower())
    if not tokens:
        return None
    last = tokens[-1]
    value = _ORDINAL_UNITS.get(last) or _ORDINAL_TENS.get(last)
    if value is None:
        return None
    if len(tokens) == 1:
        return value
    if len(tokens) == 2 and tokens[0] in _TENS and last in _ORDINAL_UNITS:
        return _TENS[tokens[0]] + value
    return None


def number_from_match(match: re.Match[str]) -> int | None:
    """The value of a `NUMBER` match. Digits in parentheses win over words (they are the operative
    figure when the two disagree, e.g. a typo in "sixty (90)")."""
    paren = match.group("paren") or match.group("paren_only")
    if paren:
        return int(paren)
    digits = match.group("digits")
    if digits:
        return int(digits.replace(",", ""))
    words = match.group("words")
    return words_to_int(words) if words else None


def parse_number(text: str) -> int | None:
    """A whole number written in words, digits or both ("sixty (60)"); None if `text` is not one."""
    match = re.fullmatch(NUMBER, text.strip(), re.IGNORECASE)
    return number_from_match(match) if match else None
