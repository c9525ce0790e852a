"""Bounded argument types shared by the tools' input models.

Identifiers are checked before they can reach a URL path; free text refuses control characters
(NUL, newlines) and invisible characters so what is sent is exactly what is shown.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from plugin.toolkit.untrusted import strip_invisible

# Identifiers go into URL paths: letters, digits, '_' and '-' only, so no '/', '.', '?', '#' or '%'.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"


def _printable(value: str) -> str:
    if strip_invisible(value) != value or any(ch in value for ch in "\r\n\t"):
        raise ValueError("must not contain control, invisible or line-break characters")
    return value


# An identifier; a tool's own id types add a description: Annotated[Identifier, Field(description=...)].
Identifier = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
SearchText = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_printable)]
Cursor = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2000, pattern=r"^[A-Za-z0-9_\-=.~]+$"),
    Field(description="next_cursor of the previous page; omit for the first"),
]
PageLimit = Annotated[int, Field(ge=1, le=100, description="Rows per page")]
