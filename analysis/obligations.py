"""Obligations: who must do what, by when, in which category.

A sentence is an obligation when a party is bound ("X shall", "X must", "X agrees to") to an act of one
of the categories. When is read from the text only: a date ("on or before March 1, 2025"), a period
after an event ("within thirty (30) days after receipt of invoice"), or a cycle ("within 30 days after the
end of each calendar quarter"); otherwise `Due.kind` is "unspecified".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from analysis.context import Document, Window, keywords
from analysis.dates import find_dates
from analysis.durations import find_durations
from analysis.models import Due, Obligation, ObligationCategory

MAX_OBLIGATIONS = 500

_MODAL = re.compile(
    r"\b(?:shall(?!\s+not\b)|must(?!\s+not\b)|will(?!\s+not\b)|agrees?\s+to|undertakes?\s+to|is\s+required\s+to|"
    r"are\s+required\s+to|covenants?\s+to|is\s+obligated\s+to|are\s+obligated\s+to)\b",
    re.IGNORECASE,
)
# One alternation per category, in precedence order: the most specific category that a sentence mentions wins.
_CATEGORY_WORDS: tuple[tuple[ObligationCategory, str], ...] = (
    (
        ObligationCategory.DATA_PROTECTION,
        r"personal\s+data|data\s+breach|security\s+(?:breach|incident)|breach\s+of\s+security|data\s+protection|personally\s+identifiable",
    ),
    (ObligationCategory.INSURANCE, r"insurance|insured"),
    (ObligationCategory.AUDIT, r"audit\w*|(?:books|records)\s+and\s+(?:books|records|accounts)"),
    (ObligationCategory.RENEWAL, r"non-?\s?renewal|not\s+to\s+renew|renew\w*"),
    (ObligationCategory.REPORTING, r"reports?|reporting|statements?\s+of|forecasts?|accounting\s+of"),
    (ObligationCategory.PAYMENT, r"pa(?:y|ys|id|yable|yment|yments)|invoice\w*|remit\w*|reimburse\w*|fees?"),
    (ObligationCategory.CONFIDENTIALITY, r"confidential\w*|non-?disclos\w*"),
    (ObligationCategory.NOTICE, r"notif\w*|notice|inform|give\s+written"),
    (ObligationCategory.DELIVERY, r"deliver\w*|ship\w*|provide\s+(?:the\s+)?(?:services|products|goods|deliverables)"),
)
_CATEGORY = re.compile("|".join(rf"\b(?P<c{index}>{words})\b" for index, (_, words) in enumerate(_CATEGORY_WORDS)))
_SUBJECT = re.compile(
    r"(?P<subject>(?:(?:the|each|either|such|any)\s+)?(?:[A-Z][\w&.'-]*|party|parties)(?:\s+(?:[A-Z][\w&.'-]*|party|parties|of|and)){0,5})\s*"
    r"(?:\([^)]{0,40}\)\s*)?(?:hereby\s+)?(?:also\s+)?$",
)
_CYCLES = {
    "month": "P1M",
    "calendar month": "P1M",
    "quarter": "P3M",
    "calendar quarter": "P3M",
    "fiscal quarter": "P3M",
    "year": "P1Y",
    "calendar year": "P1Y",
    "fiscal year": "P1Y",
    "contract year": "P1Y",
    "week": "P1W",
    "half year": "P6M",
    "semester": "P6M",
}
_END_OF_EACH = re.compile(
    r"\b(?:after|following|of|from)\s+the\s+(?:end|close|last\s+day)\s+of\s+(?:each|every|the\s+(?:relevant|applicable)|any)\s+"
    r"(?P<cycle>calendar\s+month|calendar\s+quarter|fiscal\s+quarter|calendar\s+year|fiscal\s+year|contract\s+year|half\s+year|month|quarter|year|week|semester)",
    re.IGNORECASE,
)
_ADVERB_CYCLE = re.compile(
    r"\b(?P<adverb>monthly|quarterly|annually|yearly|weekly|semi-?annually|each\s+(?:calendar\s+)?(?:month|quarter|year)|"
    r"every\s+(?:calendar\s+)?(?:month|quarter|year)|per\s+(?:month|quarter|year))\b",
    re.IGNORECASE,
)
_ADVERB_PERIOD = {
    "monthly": "P1M",
    "quarterly": "P3M",
    "annually": "P1Y",
    "yearly": "P1Y",
    "weekly": "P1W",
    "semiannually": "P6M",
    "semi-annually": "P6M",
}
_RELATIVE_LEAD = re.compile(
    r"\b(?:within|no\s+later\s+than|not\s+later\s+than|not\s+more\s+than|at\s+least|no\s+less\s+than|not\s+less\s+than)\s+$",
    re.IGNORECASE,
)
_EVENT = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?(?:after|following|of|from|prior\s+to|before)\s+(?P<event>[^,.;()]{3,80})", re.IGNORECASE
)
_BY_DATE_LEAD = re.compile(
    r"\b(?:on\s+or\s+before|by|no\s+later\s+than|not\s+later\s+than|prior\s+to|before|on)\s+(?:the\s+)?$", re.IGNORECASE
)


def _category(lower_text: str) -> ObligationCategory | None:
    """The highest-precedence category mentioned in `lower_text` (already lower-cased)."""
    best: int | None = None
    for match in _CATEGORY.finditer(lower_text):
        index = int((match.lastgroup or "c99")[1:])
        best = index if best is None else min(best, index)
        if best == 0:
            break
    return _CATEGORY_WORDS[best][0] if best is not None else None


def _cycle_period(phrase: str) -> str | None:
    key = " ".join(phrase.lower().replace("-", "").split())
    if key in _ADVERB_PERIOD:
        return _ADVERB_PERIOD[key]
    for prefix in ("each ", "every ", "per "):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return _CYCLES.get(key)


def _short_event(raw: str) -> str:
    words = raw.split()
    return " ".join(words[:8]).rstrip(" ,;:")


def _due(doc: Document, window: Window, after: int) -> Due:
    text = doc.text
    for found in find_durations(text, after, window.end):
        lead = text[max(window.start, found.start - 30) : found.start]
        if not _RELATIVE_LEAD.search(lead):
            continue
        tail = text[found.end : min(window.end, found.end + 120)]
        cycle = _END_OF_EACH.match(" " + tail.lstrip()) or _END_OF_EACH.search(tail[:40])
        if cycle:
            return Due(
                kind="recurring",
                period=found.duration.iso,
                event=f"end of each {cycle.group('cycle').lower()}",
                recurrence=_CYCLES.get(" ".join(cycle.group("cycle").lower().split())),
            )
        event = _EVENT.match(tail)
        return Due(
            kind="relative", period=found.duration.iso, event=_short_event(event.group("event")) if event else None
        )
    for found_date in find_dates(text, after, window.end):
        lead = text[max(window.start, found_date.start - 25) : found_date.start]
        if found_date.value is not None and _BY_DATE_LEAD.search(lead):
            return Due(kind="date", date=found_date.value)
    adverb = _ADVERB_CYCLE.search(text, after, window.end)
    if adverb:
        return Due(
            kind="recurring", recurrence=_cycle_period(adverb.group("adverb")), event=adverb.group("adverb").lower()
        )
    return Due(kind="unspecified")


def _party(text_before_modal: str) -> str | None:
    clause = re.split(r"[,;:]\s*|\bthat\s+|\bthen\s+|\bwhich\s+", text_before_modal)[-1]
    match = _SUBJECT.search(clause[-120:])
    if not match:
        return None
    subject = " ".join(match.group("subject").split())
    if subject.lower() in {"it", "this", "there", "which", "agreement", "this agreement"}:
        return None
    if subject.lower().endswith(("agreement", "term", "notice", "payment", "fees", "price")):
        return None
    return subject


def _action(doc: Document, start: int, end: int) -> str:
    raw = " ".join(doc.text[start : min(end, start + 240)].split())
    if len(raw) > 160:
        raw = raw[:160].rsplit(" ", 1)[0] + "..."
    return raw.rstrip(" .;,")


_MODAL_TRIGGER = keywords(
    "shall", "must", "will", "agree", "undertake", r"(?:is|are)\s+(?:required|obligated)", "covenant"
)


def _obligation_windows(doc: Document) -> Iterator[tuple[Window, re.Match[str]]]:
    for window in doc.windows(_MODAL_TRIGGER, limit=MAX_OBLIGATIONS * 8):
        modal = _MODAL.search(doc.text, window.start, window.end)
        if modal is not None:
            yield window, modal


def extract_obligations(doc: Document) -> list[Obligation]:
    obligations: list[Obligation] = []
    for window, modal in _obligation_windows(doc):
        category = _category(doc.lower[modal.end() : min(window.end, modal.end() + 300)])
        if category is None:
            continue
        party = _party(doc.text[window.start : modal.start()])
        if party is None:
            continue
        due = _due(doc, window, modal.end())
        confidence = 0.75 if due.kind != "unspecified" else 0.55
        obligations.append(
            Obligation(
                category=category,
                party=party,
                action=_action(doc, modal.end(), window.end),
                due=due,
                citation=doc.cite(window.start, window.end, confidence),
            )
        )
        if len(obligations) >= MAX_OBLIGATIONS:
            doc.warnings.append(f"obligations: only the first {MAX_OBLIGATIONS} are listed")
            break
    return obligations
