"""Key clauses: governing law, termination for convenience, payment, liability cap, confidentiality,
warranty, audit, insurance, SLA and data protection."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from analysis.context import Document, Window
from analysis.durations import Duration, find_durations
from analysis.jurisdictions import (
    ADJECTIVAL_LAW,
    FEDERATIONS,
    JURISDICTION,
    JURISDICTION_UPPER,
    adjective_jurisdiction,
    canonical,
)
from analysis.models import PERPETUAL, KeyTerm, TermKind

# --- governing law ----------------------------------------------------------------------------------

_LAW_TRIGGER = re.compile(
    r"\b(?:govern\w*|constru\w*|interpret\w*|laws?\s+of\b|choice\s+of\s+law|applicable\s+law|proper\s+law|"
    r"[A-Z][a-z]+\s+law\b|legislation\s+of\b)",
    re.IGNORECASE,
)
_GOVERNS = re.compile(
    r"\b(?:govern\w*|constru\w*|interpret\w*|enforced|controlled|applicable\s+law|proper\s+law|apply|applies|"
    r"subject\s+to\s+the\s+(?:\w+\s+){0,4}laws?|in\s+accordance\s+with\s+the\s+laws?|pursuant\s+to\s+the\s+laws?)\b",
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
_FORUM = re.compile(r"\b(?:courts?|venue|jurisdiction|arbitration|tribunal|seated|located|situated|sitting|offices?|filed|brought)\b", re.IGNORECASE)


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
        found[match.start()] = _Mention(match.start(), match.end(), adjective_jurisdiction(match.group("adjective")), True)
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
    best: tuple[float, KeyTerm] | None = None
    for window in doc.windows(_LAW_TRIGGER):
        result = _governing_jurisdiction(doc, window)
        if result is None:
            continue
        name, score = result
        if best is not None and score <= best[0]:
            continue
        confidence = min(0.97, 0.4 + score / 10)
        best = (score, doc.term(TermKind.GOVERNING_LAW, name, name, window.start, window.end, confidence))
    return [best[1]] if best else []


# --- simple clause detectors -------------------------------------------------------------------------


def _first_duration(doc: Document, window: Window, accept: Callable[[str, str], bool]) -> Duration | None:
    """The first period in the window whose surrounding text (40 chars before, 40 after) passes `accept`."""
    for found in find_durations(doc.text, window.start, window.end):
        before = doc.text[max(window.start, found.start - 40) : found.start]
        after = doc.text[found.end : min(window.end, found.end + 40)]
        if accept(before, after):
            return found.duration
    return None


def _best(candidates: list[tuple[float, KeyTerm]]) -> list[KeyTerm]:
    if not candidates:
        return []
    candidates.sort(key=lambda item: -item[0])
    return [candidates[0][1]]


_TFC_TRIGGER = re.compile(
    r"\b(?:for\s+(?:its\s+)?convenience|without\s+(?:any\s+)?(?:cause|reason)|for\s+any\s+(?:or\s+no\s+)?reason|"
    r"for\s+no\s+reason|at\s+any\s+time|with\s+or\s+without\s+cause|at\s+(?:its|their)\s+(?:sole\s+)?(?:discretion|option)|"
    r"upon\s+(?:\w+\s+){0,3}(?:\(\d+\)\s+)?(?:days?|months?)['’]?\s+(?:prior\s+)?(?:written\s+)?notice)",
    re.IGNORECASE,
)
_TERMINATE = re.compile(r"\b(?:terminat\w*|cancel\w*)\b", re.IGNORECASE)
_MAY_TERMINATE = re.compile(
    r"\b(?:may|shall\s+have\s+the\s+right\s+to|has\s+the\s+right\s+to|is\s+entitled\s+to|reserves\s+the\s+right\s+to|can|entitled\s+to|right\s+to)\s+"
    r"(?:\w+\s+){0,4}?(?:terminat\w*|cancel\w*)",
    re.IGNORECASE,
)
_FOR_CAUSE = re.compile(r"\b(?:breach|default|insolven\w*|bankrupt\w*|fail\w*\s+to|violat\w*|change\s+of\s+control)\b", re.IGNORECASE)
_CONVENIENCE = re.compile(
    r"\b(?:for\s+(?:its\s+)?convenience|without\s+(?:any\s+)?(?:cause|reason)|for\s+any\s+(?:or\s+no\s+)?reason|for\s+no\s+reason|"
    r"with\s+or\s+without\s+cause|at\s+any\s+time\s+(?:and\s+)?(?:for\s+any\s+reason|upon|by|on|with)|"
    r"in\s+its\s+sole\s+discretion)\b",
    re.IGNORECASE,
)


def termination_for_convenience(doc: Document) -> list[KeyTerm]:
    candidates: list[tuple[float, KeyTerm]] = []
    for window in doc.windows(_TFC_TRIGGER):
        text = window.text
        if not _MAY_TERMINATE.search(text):
            continue
        convenience = _CONVENIENCE.search(text)
        notice = _first_duration(
            doc, window, lambda before, after: bool(re.match(r"[\s'’]*(?:s\s+)?(?:prior\s+|advance\s+)?(?:written\s+)?(?:notice|prior|advance)", after, re.IGNORECASE))
        )
        if convenience is None and (notice is None or _FOR_CAUSE.search(text)):
            continue
        score = 1.0 + (1.0 if convenience else 0.0) + (0.5 if notice else 0.0) - (0.8 if _FOR_CAUSE.search(text) else 0.0)
        if "terminat" in doc.heading_at(window.hit):
            score += 0.5
        value = notice.iso if notice else "true"
        display = f"on {notice.display} notice" if notice else "yes"
        candidates.append((score, doc.term(TermKind.TERMINATION_FOR_CONVENIENCE, value, display, window.start, window.end, min(0.9, 0.4 + score / 5))))
    return _best([c for c in candidates if c[0] >= 1.0])


_CAP_TRIGGER = re.compile(
    r"\b(?:aggregate\s+liability|total\s+liability|maximum\s+(?:aggregate\s+)?liability|liability\s+(?:of\s+\w+\s+)?(?:shall|will)\s+(?:not|in\s+no\s+event)\s+exceed|"
    r"(?:shall|will)\s+not\s+exceed|limited\s+to|in\s+no\s+event|under\s+no\s+circumstances|limitation\s+of\s+liability|"
    r"not\s+be\s+liable|cap\b|exceed\s+the\s+(?:amount|total|fees)|no\s+(?:action|claim)[^.]{0,80}\bmore\s+than)",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"(?P<cur>US\$|U\.S\.\s?\$|\$|USD\s?|EUR\s?|€|£|GBP\s?|CAD\s?|C\$|RMB\s?)\s?(?P<amount>\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{2})?"
    r"(?:\s*(?P<scale>million|thousand|billion|m\b|k\b))?",
    re.IGNORECASE,
)
_CURRENCIES = {"$": "USD", "us$": "USD", "u.s.$": "USD", "u.s. $": "USD", "usd": "USD", "eur": "EUR", "€": "EUR", "£": "GBP", "gbp": "GBP", "cad": "CAD", "c$": "CAD", "rmb": "CNY"}
_SCALES = {"million": 1_000_000, "m": 1_000_000, "thousand": 1000, "k": 1000, "billion": 1_000_000_000}


def money(text: str) -> tuple[str, str] | None:
    """ "$500,000" -> ("USD 500000", "$500,000"); the first amount in `text`."""
    match = _MONEY.search(text)
    if not match:
        return None
    currency = _CURRENCIES.get(match.group("cur").strip().lower().replace(" ", ""), _CURRENCIES.get(match.group("cur").strip().lower(), "USD"))
    amount = int(match.group("amount").replace(",", "")) * _SCALES.get((match.group("scale") or "").lower(), 1)
    return f"{currency} {amount}", match.group(0)


def liability_cap(doc: Document) -> list[KeyTerm]:
    candidates: list[tuple[float, KeyTerm]] = []
    for window in doc.windows(_CAP_TRIGGER):
        text = window.text
        lowered = text.lower()
        if "liab" not in lowered and "damages" not in lowered and "claim" not in lowered:
            continue
        limits = re.search(
            r"\b(?:shall\s+not\s+exceed|will\s+not\s+exceed|not\s+to\s+exceed|limited\s+to|in\s+excess\s+of|exceed\s+the|"
            r"in\s+no\s+event|not\s+be\s+liable|maximum|cap(?:ped)?\b|no\s+(?:action|claim))",
            lowered,
        )
        if not limits:
            continue
        amount = money(text[limits.start() :])
        months = re.search(r"(?:fees|amounts?|charges|sums?)\s+(?:actually\s+)?(?:paid|payable)[^.]{0,80}?(?P<n>\w+|\d+)\s*(?:\(\d+\)\s*)?months", lowered)
        score = 1.0
        if re.search(r"\b(?:aggregate|total|maximum|entire|cumulative)\s+liability|liability[^.]{0,80}(?:shall|will)\s+not\s+exceed|not\s+to\s+exceed", lowered):
            score += 1.5
        if "consequential" in lowered or "indirect" in lowered or "incidental" in lowered:
            score += 0.5
        if "limitation of liability" in doc.heading_at(window.hit) or "liabilit" in doc.heading_at(window.hit):
            score += 1.0
        if amount is not None:
            value, display = amount
        elif months is not None:
            period = find_durations(months.group(0))
            first = next(period, None)
            value = f"{first.duration.amount} {first.duration.unit}s fees" if first else "true"
            display = months.group(0)[:80]
        else:
            value, display = "true", "liability is limited"
        candidates.append((score, doc.term(TermKind.LIABILITY_CAP, value, display, window.start, window.end, min(0.9, 0.3 + score / 5))))
    return _best([c for c in candidates if c[0] >= 1.5])


_WARRANTY_TRIGGER = re.compile(r"\bwarrant(?:y|ies|s|ed)?\b|\bguarantee[sd]?\b", re.IGNORECASE)


def warranty_duration(doc: Document) -> list[KeyTerm]:
    candidates: list[tuple[float, KeyTerm]] = []
    for window in doc.windows(_WARRANTY_TRIGGER):
        text = window.text
        if re.search(r"\brepresents?\s+and\s+warrants?\s+that\b(?![^.]{0,200}\bperiod\b)", text, re.IGNORECASE):
            continue
        period = _first_duration(
            doc,
            window,
            lambda before, after: bool(
                re.search(r"\b(?:period\s+of|for|within|during|of)\s+(?:an?\s+)?$", before, re.IGNORECASE)
                or re.match(r"[\s-]*(?:warranty|guarantee|period|from|after|following)", after, re.IGNORECASE)
            ),
        )
        if period is None or not re.search(r"\b(?:warranty\s+period|period|from|after|following|date\s+of|delivery|acceptance|shipment|installation)\b", text, re.IGNORECASE):
            continue
        score = 1.0 + (1.0 if re.search(r"warranty\s+period", text, re.IGNORECASE) else 0.0)
        if "warrant" in doc.heading_at(window.hit):
            score += 1.0
        candidates.append((score, doc.term(TermKind.WARRANTY_DURATION, period.iso, period.display, window.start, window.end, min(0.9, 0.4 + score / 5))))
    return _best(candidates)


_AUDIT_TRIGGER = re.compile(r"\baudit\w*|\binspect\w*|\bexamin\w*", re.IGNORECASE)


def audit_rights(doc: Document) -> list[KeyTerm]:
    candidates: list[tuple[float, KeyTerm]] = []
    for window in doc.windows(_AUDIT_TRIGGER):
        lowered = window.text.lower()
        if not re.search(r"\b(?:books|records|accounts|facilit\w+|premises|documentation|statements|reports|compliance)\b", lowered):
            continue
        if not re.search(r"\b(?:right|may|shall\s+(?:permit|allow|make\s+available|provide\s+access)|entitled|access|permit|allow)\b", lowered):
            continue
        if re.search(r"\b(?:audited\s+financial\s+statements|independent\s+auditors?\s+of\s+the\s+company)\b", lowered) and "right" not in lowered:
            continue
        notice = _first_duration(doc, window, lambda before, after: bool(re.match(r"[\s'’]*(?:s\s+)?(?:prior\s+|advance\s+)?(?:written\s+)?notice", after, re.IGNORECASE)))
        score = 1.0 + (1.0 if "audit" in lowered else 0.0) + (0.5 if "audit" in doc.heading_at(window.hit) or "record" in doc.heading_at(window.hit) else 0.0)
        value = notice.iso if notice else "true"
        display = f"on {notice.display} notice" if notice else "yes"
        candidates.append((score, doc.term(TermKind.AUDIT_RIGHTS, value, display, window.start, window.end, min(0.9, 0.4 + score / 5))))
    return _best([c for c in candidates if c[0] >= 2.0])


_INSURANCE_TRIGGER = re.compile(r"\binsur\w*", re.IGNORECASE)


def insurance(doc: Document) -> list[KeyTerm]:
    candidates: list[tuple[float, KeyTerm]] = []
    for window in doc.windows(_INSURANCE_TRIGGER):
        lowered = window.text.lower()
        if not re.search(r"\b(?:maintain|carry|procure|obtain|keep|provide|purchase)\w*\b", lowered):
            continue
        if not re.search(r"\b(?:insurance\s+(?:coverage|policy|policies|with)|liability\s+insurance|insurance\s+in|insurance\s+of|insurance\s+against|coverage|insured|policies|policy)\b", lowered):
            continue
        if re.search(r"federal\s+deposit\s+insurance|\bfdic\b|savings\s+association\s+insurance", lowered):
            continue
        amount = money(window.text)
        score = 1.0 + (1.0 if "insurance" in doc.heading_at(window.hit) else 0.0) + (0.5 if amount else 0.0)
        value, display = amount if amount else ("true", "insurance required")
        candidates.append((score, doc.term(TermKind.INSURANCE, value, display, window.start, window.end, min(0.9, 0.4 + score / 5))))
    return _best(candidates)


_CONFIDENTIAL_TRIGGER = re.compile(r"\bconfidential\w*", re.IGNORECASE)


def confidentiality_period(doc: Document) -> list[KeyTerm]:
    candidates: list[tuple[float, KeyTerm]] = []
    for window in doc.windows(_CONFIDENTIAL_TRIGGER):
        lowered = window.text.lower()
        if not re.search(r"\b(?:surviv\w*|period\s+of|for\s+(?:a\s+period\s+of\s+)?|continue|remain|after|following|perpetu\w*|indefinite\w*|until)\b", lowered):
            continue
        if re.search(r"\b(?:perpetu\w*|indefinite\w*|in\s+perpetuity)\b", lowered):
            candidates.append((1.5, doc.term(TermKind.CONFIDENTIALITY_PERIOD, PERPETUAL, "perpetual", window.start, window.end, 0.6)))
            continue
        period = _first_duration(
            doc,
            window,
            lambda before, after: bool(
                re.search(r"\b(?:period\s+of|for|of|until)\s+(?:an?\s+)?(?:additional\s+)?$", before, re.IGNORECASE)
                and re.match(r"[\s-]*(?:after|following|from|beyond|period|thereafter|of|following)", after, re.IGNORECASE)
            ),
        )
        if period is None:
            continue
        score = 1.0 + (1.0 if "confidential" in doc.heading_at(window.hit) else 0.0) + (0.5 if "surviv" in lowered else 0.0)
        candidates.append((score, doc.term(TermKind.CONFIDENTIALITY_PERIOD, period.iso, period.display, window.start, window.end, min(0.9, 0.4 + score / 5))))
    return _best(candidates)


_PAYMENT_TRIGGER = re.compile(r"\bnet\s+(?:\w+\s+)?(?:\(\d+\)\s*)?(?:\d+\s*)?(?:days?)?|\binvoices?\b|\bpayment\s+terms\b|\bpayable\b|\bdue\b", re.IGNORECASE)


def payment_terms(doc: Document) -> list[KeyTerm]:
    candidates: list[tuple[float, KeyTerm]] = []
    for window in doc.windows(_PAYMENT_TRIGGER):
        lowered = window.text.lower()
        if not re.search(r"\b(?:pa(?:y|id|yable|yment)|invoice\w*|due)\b", lowered):
            continue
        net = re.search(r"\bnet\s+(?P<rest>[^.;]{0,30})", window.text, re.IGNORECASE)
        period: Duration | None = None
        score = 0.0
        if net is not None:
            found = next(find_durations(doc.text, window.start + net.start("rest"), window.start + net.end("rest")), None)
            if found is None:
                digits = re.match(r"\s*(\d{1,3})\b", net.group("rest"))
                if digits:
                    period = Duration(amount=int(digits.group(1)), unit="day")
            else:
                period = found.duration
            score = 2.0 if period else 0.0
        if period is None:
            period = _first_duration(
                doc,
                window,
                lambda before, after: bool(
                    re.search(r"\bwithin\s+$", before, re.IGNORECASE)
                    and re.match(r"[\s\w]{0,20}?(?:after|of|from|following)\s+(?:the\s+)?(?:\w+\s+){0,3}?(?:receipt|date|invoice)", after, re.IGNORECASE)
                ),
            )
            score = 1.0 if period else 0.0
        if period is None or period.unit != "day":
            continue
        if "invoice" in lowered:
            score += 1.0
        if "payment" in doc.heading_at(window.hit) or "fees" in doc.heading_at(window.hit):
            score += 0.5
        candidates.append((score, doc.term(TermKind.PAYMENT_TERMS, period.iso, f"net {period.amount} days", window.start, window.end, min(0.9, 0.4 + score / 5))))
    return _best([c for c in candidates if c[0] >= 2.0])


_LATE_FEE_TRIGGER = re.compile(r"\b(?:late|overdue|past\s+due|unpaid|delinquent)\b|\binterest\s+at\b", re.IGNORECASE)
_RATE = re.compile(
    r"(?P<rate>\d{1,2}(?:\.\d{1,3})?)\s*%\s*(?:\([^)]{0,40}\)\s*)?(?:per\s+(?P<per>month|annum|year)|(?P<adj>monthly|annually|a\s+month|a\s+year|per\s+month))?",
    re.IGNORECASE,
)


def late_fee(doc: Document) -> list[KeyTerm]:
    candidates: list[tuple[float, KeyTerm]] = []
    for window in doc.windows(_LATE_FEE_TRIGGER):
        lowered = window.text.lower()
        if "interest" not in lowered and "late" not in lowered and "charge" not in lowered:
            continue
        rate = _RATE.search(window.text)
        if rate is None:
            continue
        period = (rate.group("per") or rate.group("adj") or "").lower()
        unit = "month" if "month" in period else ("year" if period else "")
        value = f"{rate.group('rate')}% per {unit}" if unit else f"{rate.group('rate')}%"
        score = 1.0 + (1.0 if unit else 0.0) + (0.5 if "late" in lowered or "overdue" in lowered else 0.0)
        candidates.append((score, doc.term(TermKind.LATE_FEE, value, value, window.start, window.end, min(0.9, 0.4 + score / 5))))
    return _best(candidates)


_SLA_TRIGGER = re.compile(r"\b(?:uptime|availability|available|service\s+level)\b", re.IGNORECASE)
_PERCENT = re.compile(r"\b(?P<p>9\d(?:\.\d{1,3})?)\s*%")


def sla(doc: Document) -> list[KeyTerm]:
    candidates: list[tuple[float, KeyTerm]] = []
    for window in doc.windows(_SLA_TRIGGER):
        found = _PERCENT.search(window.text)
        if not found:
            continue
        value = f"{found.group('p')}%"
        score = 1.0 + (1.0 if re.search(r"uptime|availability|service\s+level", window.text, re.IGNORECASE) else 0.0)
        candidates.append((score, doc.term(TermKind.SLA, value, f"{value} availability", window.start, window.end, min(0.9, 0.4 + score / 5))))
    return _best(candidates)


_BREACH_TRIGGER = re.compile(r"\b(?:personal\s+data|data\s+breach|security\s+(?:breach|incident)|breach\s+of\s+security|data\s+protection)\b", re.IGNORECASE)


def data_protection(doc: Document) -> list[KeyTerm]:
    candidates: list[tuple[float, KeyTerm]] = []
    for window in doc.windows(_BREACH_TRIGGER):
        lowered = window.text.lower()
        period = _first_duration(
            doc, window, lambda before, after: bool(re.search(r"\b(?:within|no\s+later\s+than|not\s+later\s+than|in\s+no\s+event\s+(?:more|later)\s+than)\s+$", before, re.IGNORECASE))
        )
        if period is not None and re.search(r"\bnotif\w*|\binform\w*", lowered):
            candidates.append((2.0, doc.term(TermKind.DATA_PROTECTION, period.iso, f"breach notice within {period.display}", window.start, window.end, 0.8)))
        elif re.search(r"\b(?:gdpr|data\s+protection\s+(?:laws?|legislation|regulation)|process\w*\s+(?:of\s+)?personal\s+data)\b", lowered):
            candidates.append((1.0, doc.term(TermKind.DATA_PROTECTION, "true", "data protection terms", window.start, window.end, 0.5)))
    return _best(candidates)


CLAUSE_EXTRACTORS: tuple[Callable[[Document], list[KeyTerm]], ...] = (
    governing_law,
    termination_for_convenience,
    payment_terms,
    late_fee,
    liability_cap,
    confidentiality_period,
    warranty_duration,
    audit_rights,
    insurance,
    sla,
    data_protection,
)
