"""Text normalisation for matching: case- and accent-insensitive names, safe FTS5 queries."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Words of a free-text query: letters/digits (any script), optionally ending in * for a prefix match.
_QUERY_WORD = re.compile(r"(\w+)(\*?)")
MAX_QUERY_WORDS = 16


def fold(text: str) -> str:
    """Casefolded, without accents: 'Société' and 'SOCIETE' fold to the same string."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def like_contains(text: str) -> str:
    """A LIKE pattern (ESCAPE '\\') matching values that contain `text`, folded."""
    escaped = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class SearchTerms:
    """A free-text query: quoted phrases (word sequences) and single words (optionally prefixes)."""

    phrases: tuple[tuple[str, ...], ...]
    words: tuple[tuple[str, bool], ...]  # (word, is_prefix)

    def __bool__(self) -> bool:
        return bool(self.phrases or self.words)


def _words(text: str) -> list[tuple[str, str]]:
    # NFKC first: a decomposed accent would otherwise split a word in two.
    return _QUERY_WORD.findall(unicodedata.normalize("NFKC", text).replace("_", " "))


def parse_query(text: str) -> SearchTerms:
    """Words, and "quoted phrases"; an unpaired quote is just a character (its text stays words)."""
    parts = text.split('"')
    if len(parts) % 2 == 0:  # odd number of quotes: the last one opens nothing
        parts[-2:] = [parts[-2] + " " + parts[-1]]
    phrases: list[tuple[str, ...]] = []
    words: list[tuple[str, bool]] = []
    for index, part in enumerate(parts):
        found = _words(part)
        if index % 2 == 1 and len(found) > 1:
            phrases.append(tuple(word for word, _ in found))
        else:
            words.extend((word, bool(star) and index % 2 == 0) for word, star in found)
    room = MAX_QUERY_WORDS
    kept_phrases = []
    for phrase in phrases:
        if room <= 0:
            break
        kept_phrases.append(phrase[:room])
        room -= len(phrase)
    return SearchTerms(phrases=tuple(kept_phrases), words=tuple(words[: max(0, room)]))


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression requiring every phrase and word of `text`; None if it has none.

    User text is never spliced into FTS5 syntax: each word or phrase becomes a quoted string of
    letters and digits, so operators, column filters and stray quotes in the input are just text.
    """
    terms = parse_query(text)
    if not terms:
        return None
    parts = [f'"{" ".join(phrase)}"' for phrase in terms.phrases]
    parts.extend(f'"{word}"{"*" if prefix else ""}' for word, prefix in terms.words)
    return " AND ".join(parts)


def hit_pattern(terms: SearchTerms) -> re.Pattern[str] | None:
    """A regex finding the first place the query hits a text (phrases first, as FTS5 tokenises)."""
    alternatives = [r"[\W_]+".join(re.escape(w) for w in phrase) for phrase in terms.phrases]
    if not alternatives:
        alternatives = [re.escape(word) + (r"\w*" if prefix else "") for word, prefix in terms.words]
    if not alternatives:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


def find_hit(text: str, pattern: re.Pattern[str]) -> tuple[int, int] | None:
    """(start, end) of the first hit in `text`, accents ignored as FTS5 ignores them."""
    found = pattern.search(text)
    if found is not None:
        return found.span()
    # Accents: fold each distinct non-ASCII character that folds to one character (é -> e), so the
    # folded text keeps every offset; str.translate does it at C speed even for 600k characters.
    table = {}
    for ch in set(text):
        if not ch.isascii():
            folded = fold(ch)
            if len(folded) == 1:
                table[ord(ch)] = folded
    if not table:
        return None
    found = pattern.search(text.translate(table))
    return found.span() if found is not None else None


_SPACE = re.compile(r"\s+")


SNIPPET_CHARS = 200  # the most a snippet holds, its '…' marks included


def snippet(text: str, start: int, end: int, before: int = 60, after: int = 120) -> str:
    """Plain text around text[start:end], whitespace collapsed, never cut mid-word, '…' where cut.

    At most SNIPPET_CHARS characters, marks included (a hit longer than that is shown whole)."""
    low = max(0, start - before)
    # Two characters stay free for the marks; the hit itself is never cut.
    high = min(len(text), max(end, start) + after, max(end, low + SNIPPET_CHARS - 2))
    if low > 0:  # move forward to the start of a word
        while low < start and not text[low - 1].isspace():
            low += 1
    if high < len(text):  # move back to the end of a word
        while high > end and not text[high].isspace():
            high -= 1
    body = _SPACE.sub(" ", text[low:high]).strip()
    return f"{'…' if low > 0 else ''}{body}{'…' if high < len(text) else ''}"
