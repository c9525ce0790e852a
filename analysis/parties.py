"""The parties to the contract, from the preamble ("by and between Acme Inc., a Delaware corporation
("Acme"), and Beta LLC ("Beta")") or from "Party A: ..." lines."""

from __future__ import annotations

import re

from analysis.context import Document
from analysis.jurisdictions import canonical
from analysis.models import KeyTerm, TermKind

_PREAMBLE_CHARS = 6000
_BETWEEN = re.compile(
    r"\b(?:by\s+and\s+between|by\s+and\s+among|between|among)\b[:\s]*|(?:^|\n)[ ]*PARTIES[ ]*:?[ ]*\n\s*", re.IGNORECASE
)
_BLOCK_CHARS = 2500  # a preamble naming the parties is never longer
_LABELLED = re.compile(
    r"(?:^|\n)[ ]*(?:Party\s+[A-D]|Licensor|Licensee|Supplier|Customer|Company|Client|Contractor|Consultant|"
    r"Distributor|Buyer|Seller|Purchaser|Vendor|Provider)\s*(?:\([^)\n]{0,30}\))?\s*:\s*(?P<name>[^\n]{2,120})",
)
# Where a party's name ends: its description, address or defined name.
_NAME_END = re.compile(
    r"(?<!\s)\s*(?:,(?=\s*(?:(?-i:[a-z0-9(\[])|$))|\((?!Pty\)|Proprietary\))|\[|;|"
    r"\ba\s+(?:[A-Z][\w.-]*\s+){0,4}(?:corporation|company|limited|partnership|llc|bank|association|"
    r"organi[sz]ation|entity|individual|resident|citizen)|\ban?\s+(?:individual|corporation|company)|\bhaving\b|"
    r"\bwith\s+(?:its|an?)\b|"
    r"\blocated\b|\bwhose\b|\bresiding\b|\bof\s+\d|\bat\s+\d|\bd/b/a\b|\bhereinafter\b|$)",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"(?<!\s)\s*(?:;\s*(?:and\s+)?|,?\s+and\s+(?=[A-Z\[\"(]|[^\x00-\x7f]))")
_ALIAS = re.compile(r"\(\s*(?:the\s+|each\s+a\s+)?[\"']([^\"']{1,60})[\"']")
_END_OF_PARTIES = re.compile(
    r"\b(?:WHEREAS|RECITALS?|W\s?I\s?T\s?N\s?E\s?S\s?S\s?E\s?T\s?H|NOW,?\s+THEREFORE|BACKGROUND|PREAMBLE)\b|"
    r"\.\s+(?:The\s+parties|Each\s+of)|"
    r"\n\s*+(?:The\s+Parties\s+named|[^\W\d_][\w ]{0,40}\s+and\s+[^\W\d_][\w ]{0,40}\s+are\s+each)|"
    r"\n\s*+(?:\d{1,2}\.|Section\s+1|ARTICLE)\s",
    re.IGNORECASE,
)


def _top_level_pieces(text: str) -> list[tuple[int, str]]:
    """Split at "and"/";" outside parentheses and quotes: the parties of a preamble."""
    pieces: list[tuple[int, str]] = []
    depth = 0
    last = 0
    position = 0
    while position < len(text):
        char = text[position]
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif depth == 0:
            split = _SPLIT.match(text, position)
            if split and split.end() > position:
                pieces.append((last, text[last:position]))
                last = position = split.end()
                continue
        position += 1
    pieces.append((last, text[last:]))
    return pieces


def _name(piece: str) -> str | None:
    piece = piece.strip().lstrip(":").strip()
    piece = re.sub(r"^\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})\)\s*", "", piece)  # "(1) Acme Ltd, ..."
    piece = re.sub(r"^(?:the\s+undersigned\s*,?\s*)", "", piece, flags=re.IGNORECASE)
    end = _NAME_END.search(piece)
    name = piece[: end.start()] if end else piece
    name = " ".join(name.split()).strip(" ,\"'")
    last_word = name.rsplit(" ", 1)[-1]
    if name.endswith(".") and len(last_word) > 5 and "." not in last_word[:-1]:
        name = name[:-1]  # a full stop, not an abbreviation ("Inc.", "a.s." keep theirs)
    if (
        not name
        or len(name) > 120
        or not (name[0].isupper() or name[0].isdigit() or name[0] == "[" or not name[0].isascii())
    ):
        return None
    if re.match(r"(?:the\s+)?(?:parties|party|each|both|this|that|such|which|who|it|they)\b", name, re.IGNORECASE):
        return None
    if re.search(r"\b(?:are|is|shall|will|referred|hereby|agree[sd]?)\b", name):
        return None  # a sentence, not a name
    return name


# 'I-ESCROW, INC. ("i-Escrow")', 'Biopure Corporation (the "Company")': a name given a defined short name.
_DEFINED_AS = re.compile(
    r"\(\s*(?:the\s+|hereinafter\s+(?:called|referred\s+to\s+as|the)\s+|herein\s+(?:called\s+)?)?"
    r"[\"“']\s*(?P<alias>[^\"”'\n]{1,40}?)\s*[\"”']"
)
_TRAILING_NAME = re.compile(r"((?:[A-Z0-9][\w&.'’/-]*,?[ ]+){0,7}[A-Z0-9][\w&.'’/-]*)[ ,]*$")
_NOT_PARTY_ALIASES = re.compile(
    r"^(?:the\s+)?(?:agreement|amendment|effective\s+date|parties|party|term|territory|products?|services?|"
    r"confidential\s+information|closing|affiliates?|schedule|exhibit|plan|offering|securities|shares|act)$",
    re.IGNORECASE,
)


_DESCRIPTION_START = re.compile(
    r"\b(?:between|among|by\s+and\s+between|and)\b[:\s]*|[;)]\s*(?:and\s+)?|\n\s*|:\s*", re.IGNORECASE
)


def _defined_parties(doc: Document, limit: int) -> KeyTerm | None:
    """Names the preamble gives defined short names to, when no "between ... and ..." list was readable."""
    text = doc.text
    end = limit
    stop = _END_OF_PARTIES.search(text, 0, limit)
    if stop is not None and stop.start() > 200:
        end = stop.start()
    names: list[str] = []
    first = last = None
    for defined in _DEFINED_AS.finditer(text, 0, end):
        if _NOT_PARTY_ALIASES.match(defined.group("alias").strip()):
            continue
        # The party's description runs from the previous separator to its defined name:
        # "..., and I-ESCROW, INC., a Delaware corporation, having offices at ... ("i-Escrow")".
        look = max(0, defined.start() - 400)
        separators = list(_DESCRIPTION_START.finditer(text, look, defined.start()))
        begin = separators[-1].end() if separators else look
        description = text[begin : defined.start()]
        name = _name(description) if len(description) < 400 else None
        if name is None:
            trailing = _TRAILING_NAME.search(text[max(0, defined.start() - 120) : defined.start()])
            name = _name(trailing.group(1)) if trailing else None
        if name is None or name in names or canonical(name) is not None or re.search(r"\d", name):
            continue
        names.append(name)
        first = first if first is not None else begin
        last = defined.end()
    if len(names) < 2 or first is None or last is None:
        return None
    value = "; ".join(names[:6])
    return doc.term(TermKind.PARTIES, value, value, max(0, first), last, 0.6)


def parties(doc: Document) -> list[KeyTerm]:
    text = doc.text
    limit = min(len(text), _PREAMBLE_CHARS)
    for between in _BETWEEN.finditer(text, 0, limit):
        block_end = min(len(text), between.end() + _BLOCK_CHARS)
        stop = _END_OF_PARTIES.search(text, between.end(), block_end)
        end = stop.start() if stop else doc.sentences.span_at(between.start())[1]
        names: list[str] = []
        aliases: set[str] = set()
        for _, piece in _top_level_pieces(text[between.end() : end]):
            name = _name(piece)
            if name is None:
                if names:
                    break  # the list of parties is over ("..., and is entered into under the MSA")
                continue
            if name not in names and name not in aliases and canonical(name) is None:  # "England and Wales"
                names.append(name)
            aliases.update(alias.strip() for alias in _ALIAS.findall(piece))
        if len(names) >= 2:
            value = "; ".join(names[:6])
            start = doc.sentences.span_at(between.start())[0]
            return [doc.term(TermKind.PARTIES, value, value, start, end, 0.8)]
    defined = _defined_parties(doc, limit)
    if defined is not None:
        return [defined]
    labelled = [(m.start("name"), m.end("name"), m.group("name")) for m in _LABELLED.finditer(text, 0, limit)]
    names = [n for n in (_name(raw) for _, _, raw in labelled) if n]
    if len(names) >= 2:
        value = "; ".join(dict.fromkeys(names[:6]))
        return [doc.term(TermKind.PARTIES, value, value, labelled[0][0], labelled[-1][1], 0.6)]
    return []
