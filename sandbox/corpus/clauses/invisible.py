"""The invisible characters of the adversarial variant (shared by the text transform and the builder)."""

from __future__ import annotations

ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
BIDI_CONTROLS = tuple(chr(c) for c in range(0x202A, 0x202F)) + tuple(chr(c) for c in range(0x2066, 0x206A))
TAGS = tuple(chr(c) for c in range(0xE0000, 0xE0080))
INVISIBLE = frozenset(ZERO_WIDTH + BIDI_CONTROLS + TAGS)
INVISIBLE_CHARS = "".join(sorted(INVISIBLE))  # for str.strip / str.rstrip


_DELETE = dict.fromkeys(map(ord, INVISIBLE))


def strip_invisible(text: str) -> str:
    """The text a human sees (tests compare it with the clean rendering)."""
    return text.translate(_DELETE)
