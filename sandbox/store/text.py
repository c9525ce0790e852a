"""Text normalisation for matching: case- and accent-insensitive names, safe FTS5 queries."""

from __future__ import annotations

import re
import unicodedata

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


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression requiring every word of `text`; None if it has no words.

    User text is never spliced into FTS5 syntax: each word becomes a quoted string, so
    operators, quotes and column filters in the input are just characters.
    """
    # NFKC first: a decomposed accent would otherwise split a word in two.
    words = _QUERY_WORD.findall(unicodedata.normalize("NFKC", text).replace("_", " "))
    terms = [f'"{word}"{star}' for word, star in words]
    if not terms:
        return None
    return " AND ".join(terms[:MAX_QUERY_WORDS])
