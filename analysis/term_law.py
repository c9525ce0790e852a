"""Governing law: the jurisdiction whose law the contract chooses ("the laws of the State of New York"), and the
order of day and month it implies for numeric dates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.context import Document, Window, keywords
from analysis.dates import has_ambiguous_numeric_date, numeric_order_evidence, word_order_evidence
from analysis.jurisdictions import (
    ADJECTIVAL_LAW,
    FEDERATIONS,
    JURISDICTION,
    JURISDICTION_UPPER,
    adjective_jurisdiction,
    canonical,
    writes_day_first,
)
from analysis.models import UNDETERMINED, KeyTerm, TermKind
from analysis.term_clauses import resolve_conflicts

# --- governing law ----------------------------------------------------------------------------------

_LAW_TRIGGER = keywords("govern", "constru", "interpret", "law", "legislation")
_GOVERNS = re.compile(
    r"\b(?:govern\w*|constru\w*|interpret\w*|enforced|controlled|applicable\s+law|proper\s+law|apply|applies|"
    r"subject\s+to\s+(?:the\s+)?(?:\w+\s+){0,4}laws?|in\s+accordance\s+with\s+the\s+laws?|pursuant\s+to\s+the\s+laws?|"
    r"application\s+of\s+the\s+laws?)\b",
    re.IGNORECASE,
)
_LAW_WORD = re.compile(r"\b(?:laws?|legislation)\b", re.IGNORECASE)
_LAW_OF_BEFORE = re.compile(
    r"\b(?:laws?|legislation)\s+(?:of|in|applicable\s+in|in\s+force\s+in)\s+(?:and\s+)?(?:the\s+)?"
    r"(?:state|commonwealth|province|republic|kingdom|federal\s+republic|people's\s+republic|country|"
    r"united\s+states\s+(?:of\s+america\s+)?and\s+(?:of\s+)?the\s+(?:state|commonwealth))?\s*(?:of\s*)?(?:the\s+)?$",
    re.IGNORECASE,
)
_INCORPORATION = re.compile(
    r"\b(?:organi[sz]ed|incorporated|existing|formed|chartered|registered|corporation|company|partnership|"
    r"resident|citizen|licensed|qualified)\b",
    re.IGNORECASE,
)
_FORUM = re.compile(
    r"\b(?:courts?|venue|jurisdiction|arbitration|tribunal|seated|located|situated|sitting|offices?|filed|brought)\b",
    re.IGNORECASE,
)


# The law named by reference back to a place just mentioned: "made in the State of California and governed
# by the laws thereof", "(currently the State of California) ... governed by the laws of such state".
_LAW_REFERS_BACK = re.compile(
    r"^[^.;]{0,120}?\b(?:govern\w*|constru\w*)\b[^.;]{0,80}?\blaws?\s+(?:thereof|of\s+(?:such|that|said|the\s+same)\s+"
    r"(?:state|commonwealth|province|jurisdiction|country))\b",
    re.IGNORECASE,
)
# "the laws of the state where a suit is filed, being either Illinois or New York": a forum word inside the
# choice of law, not a forum clause.
_LAW_OF_PLACE_WHERE = re.compile(
    r"\blaws?\s+of\s+the\s+(?:state|jurisdiction|country|place)\s+(?:where|in\s+which)\b[^.;]{0,100}$", re.IGNORECASE
)


@dataclass(frozen=True)
class _Mention:
    start: int  # offset in the window text
    end: int
    name: str
    adjectival: bool


def _mentions(window: Window) -> list[_Mention]:
    found: dict[int, _Mention] = {}
    for pattern in (JURISDICTION, JURISDICTION_UPPER):
        for match in pattern.finditer(window.text):
            name = canonical(match.group(0))
            if name is not None and match.start() not in found:
                found[match.start()] = _Mention(match.start(), match.end(), name, adjectival=False)
    for match in ADJECTIVAL_LAW.finditer(window.text):
        found[match.start()] = _Mention(
            match.start(), match.end(), adjective_jurisdiction(match.group("adjective")), True
        )
    return [found[key] for key in sorted(found)]


def _last(pattern: re.Pattern[str], text: str) -> int:
    position = -1
    for match in pattern.finditer(text):
        position = match.start()
    return position


def _mention_score(text: str, mention: _Mention) -> float:
    before = text[max(0, mention.start - 120) : mention.start]
    after = text[mention.end : mention.end + 30]
    law_before = _LAW_OF_BEFORE.search(before)
    incorporation = _last(_INCORPORATION, before)
    governs = _last(_GOVERNS, before)
    law = _last(_LAW_WORD, before)
    if incorporation > governs:
        return 0.0  # "a company organized under the laws of Delaware"
    if governs < 0 and law < 0 and _LAW_REFERS_BACK.match(text[mention.end :]):
        return 3.0
    if _LAW_OF_PLACE_WHERE.search(before):
        return 2.0 + (1.0 if governs >= 0 else 0.0)
    forum = _last(_FORUM, before[-70:])
    if forum >= 0 and law_before is None and not re.match(r"\s*(?:law|laws)\b", after, re.IGNORECASE):
        return 0.0  # "the courts located in New York"
    score = 0.0
    if mention.adjectival or re.match(r"\s*(?:law|laws|statutes?|substantive\s+law)\b", after, re.IGNORECASE):
        score += 2.0
    if law_before is not None:
        score += 2.0
    elif law >= 0 and (
        re.search(r"\b(?:state|commonwealth|province)\s+of\s+(?:the\s+)?$", before, re.IGNORECASE)
        or re.match(r"(?:commonwealth|province)\s", text[mention.start : mention.end], re.IGNORECASE)
    ):
        score += 1.5  # "the laws of the United States and of the Commonwealth of Pennsylvania"
    elif law >= 0 and len(before) - law < 90:
        score += 0.5  # "the laws thereof ... the State of New York"
    if governs >= 0:
        score += 1.0
    if mention.name in FEDERATIONS:
        score -= 0.6  # "the laws of the United States and of the State of Texas": the state decides
    return score


def _governing_jurisdiction(doc: Document, window: Window) -> tuple[str, float] | None:
    text = window.text
    if not _GOVERNS.search(text) or not _LAW_WORD.search(text):
        return None
    best: tuple[float, int, str] | None = None
    for mention in _mentions(window):
        score = _mention_score(text, mention)
        if score > 0.9 and (best is None or score > best[0]):
            best = (score, mention.start, mention.name)
    if best is None:
        return None
    score, _, name = best
    if name == "England" and re.search(r"England\s+and\s+Wales", text, re.IGNORECASE):
        name = "England and Wales"
    heading = doc.heading_at(window.hit)
    if re.search(r"\bgovern\w*|choice\s+of\s+law|applicable\s+law|\blaw\b", heading):
        score += 1.0
    if re.search(r"\b(?:this|the)\s+(?:agreement|contract)\b", text, re.IGNORECASE):
        score += 0.5
    if re.search(r"\bgovern\w*|constru\w*", text, re.IGNORECASE):
        score += 0.5
    return name, score


def governing_law(doc: Document) -> list[KeyTerm]:
    """The law the contract chooses; two clauses choosing different laws for the whole agreement are both
    reported, with a warning (`resolve_conflicts`): a lawyer must see the contradiction, not the first of them."""
    candidates: list[tuple[float, KeyTerm]] = []
    for window in doc.windows(_LAW_TRIGGER):
        result = _governing_jurisdiction(doc, window)
        if result is None:
            continue
        name, score = result
        confidence = min(0.97, 0.4 + score / 10)
        term = doc.term(TermKind.GOVERNING_LAW, name, name, window.start, window.end, confidence)
        # A clause that chooses a law for part of the contract only (an arbitration, a section, another
        # instrument) does not contradict the clause for the whole.
        whole = _FOR_THE_WHOLE.search(window.text) is not None and _FOR_A_PART.search(window.text) is None
        candidates.append((score if whole else score - 10.0, term))
    return resolve_conflicts(doc, candidates)


_FOR_THE_WHOLE = re.compile(
    r"\b(?:this|the)\s+(?:agreement|contract)\b[^.;]{0,80}?\b(?:shall\s+be\s+|is\s+|will\s+be\s+)?(?:governed|construed|interpreted)",
    re.IGNORECASE,
)
_FOR_A_PART = re.compile(
    r"\b(?:arbitrat\w*|this\s+(?:section|clause|article|paragraph)|such\s+(?:section|clause)|guarant\w*|escrow|"
    r"security\s+interest|trust\s+deed|mortgage|collateral|except\b|notwithstanding)\b",
    re.IGNORECASE,
)


# --- the order of numeric dates ------------------------------------------------------------------------


def reads_day_first(doc: Document) -> bool:
    """Whether the document writes "3/4/2021" for 3 April (`Document.day_first`).

    Read from the document itself first (a "13/04/2021" or "04/13/2021" elsewhere in it, then whether it writes
    "3 April 2021" or "April 3, 2021"), then from the law it chooses (English law: day first), else from the law of
    the agreement it amends. Without any of these, or with evidence both ways, the American order stays."""
    text = doc.text
    if not has_ambiguous_numeric_date(text):
        return False  # nothing to decide
    for day_first, month_first in (numeric_order_evidence(text), word_order_evidence(text)):
        if day_first or month_first:
            return day_first > 0 and month_first == 0
    reported = len(doc.warnings)
    laws = {term.value for term in governing_law(doc) if term.value != UNDETERMINED}
    del doc.warnings[reported:]  # the governing-law extractor reports a contradiction itself, once
    if not laws and doc.law is not None:
        laws = {doc.law}  # an amendment that names no law is under its agreement's
    return len(laws) == 1 and writes_day_first(laws.pop())
