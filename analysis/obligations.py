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
from analysis.durations import DurationMatch, find_durations
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
    r"\b(?:within|no\s+later\s+than|not\s+later\s+than|later\s+than|not\s+more\s+than|at\s+least|no\s+less\s+than|"
    r"not\s+less\s+than|payable|due|paid|net)\s+$",
    re.IGNORECASE,
)
# "on thirty (30) days' notice": a period of notice, read only when "notice" follows.
_NOTICE_LEAD = re.compile(r"\b(?:on|upon|with|giving|gives|by)\s+(?:at\s+least\s+)?$", re.IGNORECASE)
_NOTICE_TAIL = re.compile(
    r"^[\s'’]*(?:s\s+)?(?:\(\w+\)\s*)?(?:prior\s+|advance\s+)?(?:written\s+)?notice", re.IGNORECASE
)
# "for at least one (1) year thereafter": how long a duty lasts, not when it falls due.
_LASTS = re.compile(r"^\s*(?:thereafter|after\s+(?:the\s+)?(?:termination|expiration))", re.IGNORECASE)
_FOR_LEAD = re.compile(r"\bfor\s+(?:at\s+least\s+|a\s+(?:minimum\s+)?period\s+of\s+)?$", re.IGNORECASE)
_EVENT = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?(?P<direction>after|following|of|from|prior\s+to|before)\s+(?P<event>[^,.;()]{3,80})",
    re.IGNORECASE,
)
_BY_DATE_LEAD = re.compile(
    r"\b(?:on\s+or\s+before|by|no\s+later\s+than|not\s+later\s+than|prior\s+to|before|on)\s+(?:the\s+)?$", re.IGNORECASE
)


_SPECIFIC = frozenset(
    {
        ObligationCategory.DATA_PROTECTION,
        ObligationCategory.INSURANCE,
        ObligationCategory.AUDIT,
        ObligationCategory.RENEWAL,
        ObligationCategory.REPORTING,
    }
)


def _category(lower_text: str) -> ObligationCategory | None:
    """What the duty is about (`lower_text` starts at the verb, lower-cased): a specific subject (data
    protection, insurance, audit, renewal) wins; otherwise the first kind of act named after the verb."""
    first: ObligationCategory | None = None
    specific: int | None = None
    for match in _CATEGORY.finditer(lower_text):
        index = int((match.lastgroup or "c99")[1:])
        category = _CATEGORY_WORDS[index][0]
        if first is None:
            first = category
        if category in _SPECIFIC and match.start() < 150:
            specific = index if specific is None else min(specific, index)
    return _CATEGORY_WORDS[specific][0] if specific is not None else first


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


def _relative_due(doc: Document, window: Window, found: DurationMatch) -> Due | None:
    text = doc.text
    lead = text[max(window.start, found.start - 30) : found.start]
    tail = text[found.end : min(window.end, found.end + 120)]
    relative = _RELATIVE_LEAD.search(lead) is not None
    if _FOR_LEAD.search(lead) and not relative:
        return None  # "for a period of two years": how long a duty lasts
    if _LASTS.match(tail) and re.search(r"\bfor\b", lead, re.IGNORECASE):
        return None  # "for at least one (1) year thereafter"
    if not (relative or (_NOTICE_LEAD.search(lead) and _NOTICE_TAIL.match(tail))):
        return None
    cycle = _END_OF_EACH.search(tail[:90])
    if cycle and cycle.start() < 12:
        name = " ".join(cycle.group("cycle").lower().split())
        return Due(
            kind="recurring", period=found.duration.iso, event=f"end of each {name}", recurrence=_CYCLES.get(name)
        )
    event = _EVENT.match(tail)
    if event is None:
        return Due(kind="relative", period=found.duration.iso, event="notice" if _NOTICE_TAIL.match(tail) else None)
    described = _short_event(event.group("event"))
    if event.group("direction").lower().startswith(("prior", "before")):
        described = f"before {described}"
    return Due(kind="relative", period=found.duration.iso, event=described)


def _due(doc: Document, window: Window, duty_start: int) -> Due:
    """When the duty falls due, read only from its sentence: the expression nearest after the verb (or, if
    none follows it, the last one before it: "Within 10 days after ..., Vendor shall deliver")."""
    text = doc.text
    timed: list[tuple[int, Due]] = []
    for found in find_durations(text, window.start, window.end):
        due = _relative_due(doc, window, found)
        if due is not None:
            timed.append((found.start, due))
    for found_date in find_dates(text, window.start, window.end):
        lead = text[max(window.start, found_date.start - 25) : found_date.start]
        if found_date.value is not None and _BY_DATE_LEAD.search(lead):
            timed.append((found_date.start, Due(kind="date", date=found_date.value)))
    after = [item for item in timed if item[0] >= duty_start]
    if after:
        return min(after, key=lambda item: item[0])[1]
    if timed:
        return max(timed, key=lambda item: item[0])[1]
    adverb = _ADVERB_CYCLE.search(text, window.start, window.end)
    if adverb:
        return Due(
            kind="recurring", recurrence=_cycle_period(adverb.group("adverb")), event=adverb.group("adverb").lower()
        )
    return Due(kind="unspecified")


_PRONOUNS = frozenset({"it", "they", "he", "she", "such party", "that party", "the party"})
_NOT_PARTIES = ("agreement", "term", "notice", "payment", "fees", "price", "invoice", "invoices", "section", "schedule")


def _subject(clause: str) -> str | None:
    match = _SUBJECT.search(clause[-120:])
    if not match:
        return None
    subject = " ".join(match.group("subject").split())
    lowered = subject.lower()
    if lowered in {"this", "there", "which", "this agreement"} or lowered.endswith(_NOT_PARTIES):
        return None
    return subject


def _party(text_before_modal: str) -> str | None:
    """Who is bound: the subject of the modal verb ("Customer shall"); a pronoun ("If Customer disputes an
    invoice, it shall notify") is resolved to the last party named earlier in the sentence."""
    clauses = re.split(r"[,;:\n]\s*|\bthat\s+|\bthen\s+|\bwhich\s+", text_before_modal)
    last = " ".join(clauses[-1].split()).lower()
    pronoun = next((p for p in _PRONOUNS if last == p or last.endswith(" " + p)), None)
    if pronoun is None:
        return _subject(clauses[-1])
    for earlier in reversed(clauses[:-1]):
        names = [
            match.group(0)
            for match in re.finditer(r"\b(?:[A-Z][\w&.'-]*)(?:\s+[A-Z][\w&.'-]*){0,3}", earlier)
            if match.group(0).lower() not in {"if", "in", "the", "where", "when", "upon", "unless"}
        ]
        if names:
            return names[-1]
    return None


def _action(doc: Document, start: int, end: int) -> str:
    raw = " ".join(doc.text[start : min(end, start + 240)].split())
    if len(raw) > 160:
        raw = raw[:160].rsplit(" ", 1)[0] + "..."
    return raw.rstrip(" .;,")


_MODAL_TRIGGER = keywords(
    "shall",
    "must",
    "will",
    "agree",
    "undertake",
    r"(?:is|are)\s+(?:required|obligated)",
    "covenant",
    "may",
    "payable",
    r"payment\s+terms",
    "unless",
)
# Duties stated without "shall": rights a party must respect, payment terms, notices that stop a renewal.
_IMPLIED_DUTIES: tuple[tuple[ObligationCategory, re.Pattern[str]], ...] = (
    (
        ObligationCategory.PAYMENT,
        re.compile(r"\b(?:is|are)\s+(?:due\s+and\s+)?payable\b|\bpayment\s+terms\s+are\b", re.IGNORECASE),
    ),
    (
        ObligationCategory.AUDIT,
        re.compile(r"\bmay\b[^.;]{0,120}?\b(?:audit|inspect)\b|\bright\s+to\s+(?:audit|inspect)\b", re.IGNORECASE),
    ),
    (
        ObligationCategory.RENEWAL,
        re.compile(
            r"\bprevent\s+(?:such|the|any)\s+(?:automatic\s+)?(?:renewal|extension)|\bunless\b[^.;]{0,80}\bnotif\w*[^.;]{0,120}\b(?:not\s+to\s+renew|non-?renewal|not\s+(?:wish|want|intend)\s+to\s+renew)",
            re.IGNORECASE,
        ),
    ),
)


_PASSIVE = re.compile(
    r"\s*+(?:be|are|is)\s+(?:\w+ed|paid|made|given|sent|held|kept|done|borne|shown|set)\b", re.IGNORECASE
)
_AGENT = re.compile(r"\bby\s+(?:the\s+)?(?P<agent>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,3})")


_NAME = r"[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,2}"
_AUDITED = re.compile(rf"\b(?:audit|inspect|examine)\s+(?:the\s+)?(?P<who>{_NAME})['’]s\b")
_NOTIFIER = re.compile(
    rf"\b(?P<who>either\s+party|each\s+party|{_NAME})\s+(?:may\s+prevent|provides|gives|notifies|delivers|serves|sends)\b",
    re.IGNORECASE,
)


def _implied_party(doc: Document, window: Window, category: ObligationCategory) -> str | None:
    """Who a duty stated without "shall" binds: the audited party; the party giving notice of non-renewal."""
    if category is ObligationCategory.AUDIT:
        audited = _AUDITED.search(doc.text, window.start, window.end)
        return audited.group("who") if audited else None
    if category is ObligationCategory.RENEWAL:
        notifier = _NOTIFIER.search(doc.text, window.start, window.end)
        if notifier:
            who = notifier.group("who")
            return who.lower() if who.lower().startswith(("either", "each")) else who
    return None


def _obligation_windows(doc: Document) -> Iterator[tuple[Window, int, ObligationCategory | None]]:
    """Sentences that bind someone: (window, where the duty starts, its category if the cue fixes it)."""
    for window in doc.windows(_MODAL_TRIGGER, limit=MAX_OBLIGATIONS * 8):
        modal = _MODAL.search(doc.text, window.start, window.end)
        for category, cue in _IMPLIED_DUTIES:
            implied = cue.search(doc.text, window.start, window.end)
            if implied is not None and (modal is None or category is not ObligationCategory.PAYMENT):
                yield window, implied.start(), category
                break
        else:
            if modal is not None:
                yield window, modal.start(), None


def extract_obligations(doc: Document) -> list[Obligation]:
    obligations: list[Obligation] = []
    for window, at, fixed_category in _obligation_windows(doc):
        modal = _MODAL.match(doc.text, at)
        duty_start = modal.end() if modal else at
        category = (
            fixed_category
            or _category(doc.lower[duty_start : min(window.end, duty_start + 300)])
            or _category(doc.lower[window.start : window.end])
        )
        if category is None:
            continue
        party = _implied_party(doc, window, fixed_category) if fixed_category else _party(doc.text[window.start : at])
        passive = modal is not None and _PASSIVE.match(doc.text, modal.end()) is not None
        if party is None or passive:
            agent = _AGENT.search(doc.text, duty_start, min(window.end, duty_start + 80))
            party = agent.group("agent") if agent else party
        if party is None and not passive and fixed_category is None:
            continue  # neither a named party nor a passive duty ("Invoices shall be paid")
        due = _due(doc, window, duty_start)
        confidence = 0.75 if due.kind != "unspecified" else 0.55
        obligations.append(
            Obligation(
                category=category,
                party=party,
                action=_action(doc, duty_start, window.end),
                due=due,
                citation=doc.cite(window.start, window.end, confidence),
            )
        )
        if len(obligations) >= MAX_OBLIGATIONS:
            doc.warnings.append(f"obligations: only the first {MAX_OBLIGATIONS} are listed")
            break
    return obligations
