"""The per-call fast paths give exactly what the general code gives (issue 15 point 7: every call cheaper).

The stdin reader reads chunks instead of a byte per system call; the Markdown cell cleaner skips its regexes
for printable ASCII; the structured result skips the secret walk when no registered value can be inside it.
Each is checked against the general code over generated inputs, chunk boundaries and secrets included.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator

from hypothesis import given
from hypothesis import strategies as st

from plugin.observability.redaction import SecretRegistry
from plugin.server.stdio import split_lines
from plugin.toolkit.markdown import table
from plugin.toolkit.untrusted import _INVISIBLE, _WHITESPACE, clean_inline, strip_invisible

# Characters that matter to the cleaners: plain ASCII, white space of every kind, controls, invisible and
# bidi characters, a pipe and a backtick, and ordinary non-ASCII text.
_TRICKY = st.sampled_from(list("ab Z09.-|`  \t\n\r\x00\x07\x1b\x7f\x85\xa0\xad\u200b\u200e\u202e\u2028\ufeffé中"))
TEXT = st.lists(st.one_of(_TRICKY, st.characters()), max_size=60).map("".join)


def chunks_of(data: bytes, cuts: list[int]) -> Iterator[bytes]:
    edges = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    return (data[a:b] for a, b in itertools.pairwise(edges))


@given(
    st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=8),
    st.booleans(),
    st.lists(st.integers(0, 10_000), max_size=12),
)
def test_stdin_lines_are_the_same_whatever_the_chunks(lines: list[bytes], trailing: bool, cuts: list[int]) -> None:
    data = b"".join(line + b"\n" for line in lines) + (b"partial" if trailing else b"")
    pieces = iter([*chunks_of(data, cuts), b""])
    got = list(split_lines(lambda: next(pieces)))
    assert got == re.findall(rb"[^\n]*\n|[^\n]+$", data)
    assert b"".join(got) == data


def test_a_line_is_yielded_as_soon_as_it_is_complete() -> None:
    reads = iter([b'{"id": 1}\n{"id"', b": 2}\n", b""])
    lines = split_lines(lambda: next(reads))
    assert next(lines) == b'{"id": 1}\n'  # before the next read: a request is never held back by the one after
    assert next(lines) == b'{"id": 2}\n'


def _clean_inline_general(value: str, max_chars: int) -> str:
    text = _WHITESPACE.sub(" ", _INVISIBLE.sub("", value)).strip()
    text = re.sub(r"(?<!\\)\|", r"\\|", text).replace("`", "'")
    return text[: max_chars - 1] + "…" if len(text) > max_chars else text


@given(TEXT, st.integers(1, 80))
def test_clean_inline_fast_path_is_the_general_one(value: str, max_chars: int) -> None:
    assert clean_inline(value, max_chars) == _clean_inline_general(value, max_chars)
    assert strip_invisible(value) == _INVISIBLE.sub("", value)


@given(TEXT)
def test_a_field_cleaned_twice_is_cleaned_once(value: str) -> None:
    """Tools clean fields for their output and tables clean every cell again: the second pass changes nothing."""
    once = clean_inline(value, 500)
    assert clean_inline(once, 500) == once


def test_a_name_with_a_pipe_stays_in_its_table_cell() -> None:
    name = clean_inline("ACME | Widgets Ltd")  # as a tool's output field holds it
    row = table(["counterparty", "status"], [[name, "active"]]).splitlines()[2]
    assert [c.strip() for c in gfm_cells(row)] == ["ACME \\| Widgets Ltd", "active"]


def gfm_cells(row: str) -> list[str]:
    """A GFM table row's cells: a pipe ends a cell unless an odd number of backslashes precede it."""
    cells, current, backslashes = [], "", 0
    for ch in row.strip()[1:-1]:
        if ch == "|" and backslashes % 2 == 0:
            cells.append(current)
            current = ""
        else:
            current += ch
        backslashes = backslashes + 1 if ch == "\\" else 0
    return [*cells, current]


STRUCTURE = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["a", "title", "b"]), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(STRUCTURE, st.lists(TEXT.filter(lambda s: len(s) >= 3), max_size=3))
def test_no_secret_walk_only_when_it_would_change_nothing(structure: object, secrets: list[str]) -> None:
    registry = SecretRegistry()
    for secret in secrets:
        registry.add(secret)
    encoded = json.dumps({"value": structure}, ensure_ascii=False, separators=(",", ":"))
    if registry.absent_from_json(encoded):
        assert registry.scrub_structure({"value": structure}) == {"value": structure}


def test_a_secret_json_would_escape_is_never_taken_as_absent() -> None:
    registry = SecretRegistry()
    registry.add('tok"en-value')
    assert not registry.absent_from_json(json.dumps({"t": "x"}))
