"""Key clauses: termination for convenience, payment, liability cap, confidentiality, warranty, audit,
insurance, SLA and data protection (governing law is in `term_law`)."""

from __future__ import annotations

import re
from collections.abc import Callable

from analysis.context import Document, Window, keywords
from analysis.durations import Duration, find_durations, same_length
from analysis.models import PERPETUAL, KeyTerm, TermKind

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


MAX_CONFLICTING = 4  # values reported for one kind when clauses contradict each other
CONFLICT_MARGIN = 1.5  # candidates this close to the best one are operative clauses too


def _same_value(a: str, b: str) -> bool:
    return a == b or (a.startswith("P") and b.startswith("P") and same_length(a, b))


def resolve_conflicts(doc: Document, candidates: list[tuple[float, KeyTerm]]) -> list[KeyTerm]:
    """The best-supported term first; other operative clauses stating a different value follow it, with a
    warning: a contradiction is reported, never silently settled."""
    if not candidates:
        return []
    ranked = sorted(candidates, key=lambda item: -item[0])
    best_score = ranked[0][0]
    chosen = [ranked[0][1]]
    for score, term in ranked[1:]:
        if score < best_score - CONFLICT_MARGIN or term.value == "true":
            continue
        if not any(_same_value(term.value, kept.value) for kept in chosen) and len(chosen) < MAX_CONFLICTING:
            chosen.append(term)
    if len(chosen) > 1:
        stated = "; ".join(f"{term.display} (section {term.citation.section or 'unnumbered'})" for term in chosen)
        doc.warnings.append(f"{chosen[0].kind.value}: the contract states different values: {stated}")
    return chosen


_TFC_TRIGGER = keywords("terminat", "cancel")
_MAY_TERMINATE = re.compile(
    r"\b(?:may|shall\s+have\s+the\s+right\s+to|has\s+the\s+right\s+to|is\s+entitled\s+to|reserves\s+the\s+right\s+to|can|entitled\s+to|right\s+to)\s+"
    r"(?:\w+\s+){0,4}?(?:terminat\w*|cancel\w*)",
    re.IGNORECASE,
)
_FOR_CAUSE = re.compile(
    r"\b(?:breach|default|insolven\w*|bankrupt\w*|fail\w*\s+to|violat\w*|change\s+of\s+control)\b", re.IGNORECASE
)
_CONVENIENCE = re.compile(
    r"\b(?:for\s+(?:its\s+)?convenience|without\s+(?:any\s+)?(?:cause|reason)|for\s+any\s+(?:or\s+no\s+)?reason|for\s+no\s+reason|"
    r"with\s+or\s+without\s+cause|at\s+any\s+time\s+(?:and\s+)?(?:for\s+any\s+reason|upon|by|on|with)|"
    r"in\s+its\s+sole\s+discretion)\b",
    re.IGNORECASE,
)


_NO_CONVENIENCE = re.compile(
    r"\b(?:neither\s+party|no\s+party)\s+may\s+terminate\b[^.;]{0,60}\bconvenience|\bmay\s+not\s+terminate\b[^.;]{0,60}\bconvenience|"
    r"\bno\s+right\s+to\s+terminate\b[^.;]{0,60}\bconvenience",
    re.IGNORECASE,
)


_CONDITIONAL = re.compile(
    r"\b(?:if|in\s+the\s+event|upon\s+the\s+occurrence|should|provided\s+that|unless|in\s+case)\b", re.IGNORECASE
)


def termination_for_convenience(doc: Document) -> list[KeyTerm]:
    candidates: list[tuple[float, KeyTerm]] = []
    for window in doc.windows(_TFC_TRIGGER):
        text = window.text
        if not _MAY_TERMINATE.search(text) or _NO_CONVENIENCE.search(text):
            continue
        convenience = _CONVENIENCE.search(text)
        notice = _first_duration(
            doc,
            window,
            lambda before, after: bool(
                re.match(
                    r"[\s'’]*(?:s\s+)?(?:prior\s+|advance\s+)?(?:written\s+)?(?:notice|prior|advance)",
                    after,
                    re.IGNORECASE,
                )
            ),
        )
        if convenience is None and (notice is None or _FOR_CAUSE.search(text) or _CONDITIONAL.search(text)):
            continue  # a right to terminate if something happens is termination for cause, not for convenience
        if (
            convenience is not None
            and convenience.group(0).lower().startswith("in its sole")
            and _CONDITIONAL.search(text)
        ):
            continue
        score = (
            1.0 + (1.0 if convenience else 0.0) + (0.5 if notice else 0.0) - (0.8 if _FOR_CAUSE.search(text) else 0.0)
        )
        if "terminat" in doc.heading_at(window.hit):
            score += 0.5
        value = notice.iso if notice else "true"
        display = f"on {notice.display} notice" if notice else "yes"
        candidates.append(
            (
                score,
                doc.term(
                    TermKind.TERMINATION_FOR_CONVENIENCE,
                    value,
                    display,
                    window.start,
                    window.end,
                    min(0.9, 0.4 + score / 5),
                ),
            )
        )
    return resolve_conflicts(doc, [c for c in candidates if c[0] >= 1.0])


_CAP_TRIGGER = keywords("liab", "exceed", "limited to", "in no event", "under no circumstances", "cap")
_CURRENCY_CODES = "USD|EUR|GBP|CAD|AUD|CHF|JPY|CNY|RMB|SGD|HKD|NZD|SEK|NOK|DKK|INR|ZAR|BRL|MXN|ILS|PLN|CZK"
_MONEY = re.compile(
    rf"(?P<cur>US\$|U\.S\.\s?\$|C\$|A\$|\$|€|£|¥|(?:{_CURRENCY_CODES})\s?)\s?(?P<amount>\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d{{2}})?"
    r"(?:\s*(?P<scale>million|thousand|billion|m\b|k\b))?",
)
_SYMBOLS = {
    "$": "USD",
    "US$": "USD",
    "U.S.$": "USD",
    "U.S. $": "USD",
    "C$": "CAD",
    "A$": "AUD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
}
_SCALES = {"million": 1_000_000, "m": 1_000_000, "thousand": 1000, "k": 1000, "billion": 1_000_000_000}


def money(text: str) -> tuple[str, str] | None:
    """ "$500,000" -> ("USD 500000", "$500,000"); the first amount in `text`."""
    match = _MONEY.search(text)
    if not match:
        return None
    symbol = match.group("cur").strip()
    currency = _SYMBOLS.get(symbol, "CNY" if symbol == "RMB" else symbol)
    amount = int(match.group("amount").replace(",", "")) * _SCALES.get((match.group("scale") or "").lower(), 1)
    return f"{currency} {amount}", match.group(0)


def liability_cap(doc: Document) -> list[KeyTerm]:
    candidates: list[tuple[float, KeyTerm]] = []
    for window in doc.windows(_CAP_TRIGGER):
        text = window.text
        lowered = text.lower()
        if "liab" not in lowered and "damages" not in lowered and "claim" not in lowered:
            continue
        if len(text.strip()) < 50 and not money(text):
            continue  # a heading ("9.2 Cap on Liability.")
        limits = re.search(
            r"\b(?:shall\s+not\s+exceed|will\s+not\s+exceed|not\s+to\s+exceed|limited\s+to|in\s+excess\s+of|exceed\s+the|"
            r"in\s+no\s+event|not\s+be\s+liable|maximum|cap(?:ped)?\b|no\s+(?:action|claim)|not\s+be\s+entitled\s+to\s+recover|"
            r"(?:have|has)\s+(?:any|no)\s+liability|waive\w*\s+(?:any\s+and\s+all\s+)?claims|sole\s+(?:and\s+exclusive\s+)?remedy|exceeds?\b|"
            r"neither\s+(?:party|\w+)\b[^.;]{0,60}\bbe\s+liable|(?:shall|will)\s+not\s+be\s+(?:held\s+)?liable)",
            lowered,
        )
        if not limits:
            continue
        amount = money(text[limits.start() :])
        months = re.search(
            r"(?:fees|amounts?|charges|sums?)\s+(?:actually\s+)?(?:paid|payable)[^.]{0,80}?(?P<n>\w+|\d+)\s*(?:\(\d+\)\s*)?months",
            lowered,
        )
        score = 1.0
        if re.search(
            r"\b(?:aggregate|total|maximum|entire|cumulative)\s+liability|liability[^.]{0,80}(?:shall|will)\s+not\s+exceed|not\s+to\s+exceed",
            lowered,
        ):
            score += 1.5
        if re.search(
            r"\b(?:consequential|indirect|incidental|punitive|exemplary|special)\b[^.;]{0,60}\bdamages|\blost\s+profits",
            lowered,
        ):
            score += 1.0  # excluding whole heads of damages limits liability too
        if "limitation of liability" in doc.heading_at(window.hit) or "liabilit" in doc.heading_at(window.hit):
            score += 1.0
        if amount is not None:
            score += 1.5  # a stated cap says more than an exclusion of damages
            value, display = amount
        elif months is not None:
            period = find_durations(months.group(0))
            first = next(period, None)
            value = f"{first.duration.amount} {first.duration.unit}s fees" if first else "true"
            display = months.group(0)[:80]
            score += 1.5 if first else 0.0
        else:
            value, display = "true", "liability is limited"
        candidates.append(
            (
                score,
                doc.term(TermKind.LIABILITY_CAP, value, display, window.start, window.end, min(0.9, 0.3 + score / 5)),
            )
        )
    return _best([c for c in candidates if c[0] >= 1.5])


_WARRANTY_TRIGGER = keywords("warrant", "guarantee")


def warranty_duration(doc: Document) -> list[KeyTerm]:
    candidates: list[tuple[float, KeyTerm]] = []
    for window in doc.windows(_WARRANTY_TRIGGER):
        text = window.text
        if re.search(r"\brepresents?\s+and\s+warrants?\s+that\b", text, re.IGNORECASE) and not re.search(
            r"\bperiod\b", text, re.IGNORECASE
        ):
            continue  # a representation, not a warranty that lasts for a time
        period = _first_duration(
            doc,
            window,
            lambda before, after: bool(
                re.search(r"\b(?:period\s+of|for|within|during|of)\s+(?:an?\s+|the\s+)?$", before, re.IGNORECASE)
                or re.match(r"[\s-]*(?:warranty|guarantee|period|from|after|following)", after, re.IGNORECASE)
            ),
        )
        if period is None or not re.search(
            r"\b(?:warranty\s+period|period|from|after|following|date\s+of|delivery|acceptance|shipment|installation)\b",
            text,
            re.IGNORECASE,
        ):
            continue
        score = 1.0 + (1.0 if re.search(r"warranty\s+period", text, re.IGNORECASE) else 0.0)
        if "warrant" in doc.heading_at(window.hit):
            score += 1.0
        candidates.append(
            (
                score,
                doc.term(
                    TermKind.WARRANTY_DURATION,
                    period.iso,
                    period.display,
                    window.start,
                    window.end,
                    min(0.9, 0.4 + score / 5),
                ),
            )
        )
    return resolve_conflicts(doc, candidates)


_AUDIT_TRIGGER = keywords("audit", "inspect", "examin")


def audit_rights(doc: Document) -> list[KeyTerm]:
    candidates: list[tuple[float, KeyTerm]] = []
    for window in doc.windows(_AUDIT_TRIGGER):
        lowered = window.text.lower()
        if not re.search(
            r"\b(?:books|records|accounts|facilit\w+|premises|documentation|statements|reports|compliance)\b", lowered
        ):
            continue
        if not re.search(
            r"\b(?:right|may|shall\s+(?:permit|allow|make\s+available|provide\s+access)|entitled|access|permit|allow|"
            r"(?:available|open)\s+(?:for|to)\s+(?:\w+\s+){0,2}?(?:inspection|examination|audit))\b",
            lowered,
        ):
            continue
        if (
            re.search(r"\b(?:audited\s+financial\s+statements|independent\s+auditors?\s+of\s+the\s+company)\b", lowered)
            and "right" not in lowered
        ):
            continue
        notice = _first_duration(
            doc,
            window,
            lambda before, after: bool(
                re.match(r"[\s'’]*(?:s\s+)?(?:prior\s+|advance\s+)?(?:written\s+)?notice", after, re.IGNORECASE)
            ),
        )
        inspects = re.search(
            r"\b(?:inspect\w*|examin\w*)\b[^.;]{0,80}\b(?:books|records|accounts|facilit\w+|premises)\b|"
            r"\b(?:books|records|accounts|facilit\w+|premises)\b[^.;]{0,80}\b(?:inspect\w*|examin\w*)",
            lowered,
        )
        score = (
            1.0
            + (1.0 if "audit" in lowered or inspects else 0.0)
            + (0.5 if "audit" in doc.heading_at(window.hit) or "record" in doc.heading_at(window.hit) else 0.0)
        )
        value = notice.iso if notice else "true"
        display = f"on {notice.display} notice" if notice else "yes"
        candidates.append(
            (
                score,
                doc.term(TermKind.AUDIT_RIGHTS, value, display, window.start, window.end, min(0.9, 0.4 + score / 5)),
            )
        )
    return resolve_conflicts(doc, [c for c in candidates if c[0] >= 2.0])


_INSURANCE_TRIGGER = keywords("insur")


MAX_INSURANCE_LINES = 6


def insurance(doc: Document) -> list[KeyTerm]:
    """Insurance requirements: one term per coverage with a stated amount (best first), else one "true"."""
    with_amount: list[tuple[float, KeyTerm]] = []
    generic: list[tuple[float, KeyTerm]] = []
    for window in doc.windows(_INSURANCE_TRIGGER):
        lowered = window.text.lower()
        if re.search(r"federal\s+deposit\s+insurance|\bfdic\b|savings\s+association\s+insurance", lowered):
            continue
        heading = doc.heading_at(window.hit)
        required = re.search(r"\b(?:maintain|carry|procure|obtain|keep|provide|purchase)\w*\b", lowered) is not None
        limits = re.search(r"\b(?:limits?|not\s+less\s+than|minimum|at\s+least|coverage\s+of|amount\s+of)\b", lowered)
        amount = money(window.text)
        if amount is not None and (required or limits or "insurance" in heading):
            score = 2.0 + (1.0 if "insurance" in heading else 0.0) + (0.5 if limits else 0.0)
            value, display = amount
            with_amount.append((score, doc.term(TermKind.INSURANCE, value, display, window.start, window.end, 0.85)))
            continue
        if not required or not re.search(
            r"\b(?:insurance\s+(?:coverage|policy|policies|with)|liability\s+insurance|insurance\s+in|insurance\s+of|"
            r"insurance\s+against|coverage|insured|policies|policy)\b",
            lowered,
        ):
            continue
        score = 1.0 + (1.0 if "insurance" in heading else 0.0)
        generic.append(
            (score, doc.term(TermKind.INSURANCE, "true", "insurance required", window.start, window.end, 0.6))
        )
    if with_amount:
        with_amount.sort(key=lambda item: -item[0])  # stable: document order within a score
        return [term for _, term in with_amount[:MAX_INSURANCE_LINES]]
    return _best(generic)


_CONFIDENTIAL_TRIGGER = keywords(
    "confidential",
    "surviv",
    "non-disclosure",
    r"duty\s+of\s+confidentiality",
    r"(?:the\s+obligations\s+(?:in|under)\s+)?this\s+section",
)


def confidentiality_period(doc: Document) -> list[KeyTerm]:
    """How long confidentiality lasts: "for a period of three (3) years after termination", or "perpetual"."""
    candidates: list[tuple[float, KeyTerm]] = []
    is_nda = (
        re.search(r"non-?\s?disclosure|confidentiality\s+agreement|\bNDA\b", doc.text[:600], re.IGNORECASE) is not None
    )
    for window in doc.windows(_CONFIDENTIAL_TRIGGER):
        lowered = window.text.lower()
        heading = doc.headings_at(window.hit)
        about_confidentiality = "confidential" in lowered or "confidential" in heading or "non-disclosure" in heading
        # In a non-disclosure agreement, "This Section shall survive ..." is about confidentiality.
        if not about_confidentiality and not (is_nda and re.search(r"\bsurviv|\bthis\s+section\b", lowered)):
            continue
        if "this section" in lowered and "confidential" not in heading and not is_nda:
            continue
        if not re.search(
            r"\b(?:surviv\w*|expire\w*|continue\w*|remain\w*|period|perpetu\w*|indefinite\w*|until)\b", lowered
        ):
            continue
        if re.search(r"\b(?:perpetu\w*|indefinite\w*|in\s+perpetuity)\b", lowered):
            candidates.append(
                (1.5, doc.term(TermKind.CONFIDENTIALITY_PERIOD, PERPETUAL, "perpetual", window.start, window.end, 0.6))
            )
            continue
        period = _first_duration(
            doc,
            window,
            lambda before, after: bool(
                re.match(
                    r"[\s,]*(?:\(\w+\)\s*)?(?:after|following|from|beyond|thereafter|subsequent)", after, re.IGNORECASE
                )
                or re.search(
                    r"\b(?:period\s+of|for)\s+(?:an?\s+)?(?:additional\s+|further\s+)?$", before, re.IGNORECASE
                )
            ),
        )
        if period is None or period.unit not in ("year", "month"):
            continue
        score = (
            1.0
            + (1.0 if "confidential" in heading else 0.0)
            + (0.5 if re.search(r"surviv|expire|terminat", lowered) else 0.0)
        )
        candidates.append(
            (
                score,
                doc.term(TermKind.CONFIDENTIALITY_PERIOD, period.iso, period.display, window.start, window.end, 0.8),
            )
        )
    return resolve_conflicts(doc, candidates)


_PAYMENT_TRIGGER = keywords(r"net\s", "invoice", "payment terms", "payable", "due")


# A clause about disputing or querying an invoice, whose period is for the notice, not for paying.
_DISPUTE_NOTICE = re.compile(
    r"\b(?:disput\w*|contest\w*|quer(?:y|ies)|object\w*)\b[^.;]{0,160}?\b(?:notif\w*|notice|in\s+writing)\b|"
    r"\b(?:notif\w*|notice)\b[^.;]{0,80}?\b(?:disput\w*|contest\w*|object\w*)\b",
    re.IGNORECASE,
)
# Wording that sets when to pay ("shall pay ... within", "payable within"), which a dispute clause may also hold.
_PAYS_WITHIN = re.compile(r"\b(?:pay|pays|paid|payable)\b[^.;]{0,60}?\bwithin\b", re.IGNORECASE)


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
            found = next(
                find_durations(doc.text, window.start + net.start("rest"), window.start + net.end("rest")), None
            )
            if found is None:
                digits = re.match(r"\s*(\d{1,3})\b", net.group("rest"))
                if digits:
                    period = Duration(amount=int(digits.group(1)), unit="day")
            else:
                period = found.duration
            score = 2.0 if period else 0.0
        if period is None and _DISPUTE_NOTICE.search(window.text) and not _PAYS_WITHIN.search(window.text):
            continue  # "notify ... within 10 days after receipt of the invoice" of a dispute: not when to pay
        if period is None:
            period = _first_duration(
                doc,
                window,
                lambda before, after: bool(
                    re.search(r"\b(?:within|payable|due|paid)\s+(?:within\s+|in\s+full\s+)?$", before, re.IGNORECASE)
                    and re.match(
                        r"[\s\w]{0,20}?(?:after|of|from|following)\s+(?:the\s+)?(?:\w+\s+){0,3}?(?:receipt|date|invoice)",
                        after,
                        re.IGNORECASE,
                    )
                ),
            )
            score = 1.0 if period else 0.0
        if period is None or period.unit != "day":
            continue
        if "invoice" in lowered:
            score += 1.0
        if "payment" in doc.heading_at(window.hit) or "fees" in doc.heading_at(window.hit):
            score += 0.5
        candidates.append(
            (
                score,
                doc.term(
                    TermKind.PAYMENT_TERMS,
                    period.iso,
                    f"net {period.amount} days",
                    window.start,
                    window.end,
                    min(0.9, 0.4 + score / 5),
                ),
            )
        )
    return resolve_conflicts(doc, [c for c in candidates if c[0] >= 2.0])


_LATE_FEE_TRIGGER = keywords("late", "overdue", "past due", "unpaid", "delinquent", r"interest\s+at")
_RATE = re.compile(
    r"(?P<rate>\d{1,2}(?:\.\d{1,3})?)\s*%\)?\s*(?:\([^)]{0,40}\)\s*)?(?:per\s+(?P<per>month|annum|year)|(?P<adj>monthly|annually|a\s+month|a\s+year|per\s+month))?",
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
        unit = "month" if "month" in period else ("annum" if period else "")
        figure = rate.group("rate")
        figure = figure.rstrip("0").rstrip(".") if "." in figure else figure  # "1.0%" is "1%"
        value = f"{figure}% per {unit}" if unit else f"{figure}%"
        score = 1.0 + (1.0 if unit else 0.0) + (0.5 if "late" in lowered or "overdue" in lowered else 0.0)
        candidates.append(
            (score, doc.term(TermKind.LATE_FEE, value, value, window.start, window.end, min(0.9, 0.4 + score / 5)))
        )
    return _best(candidates)


_SLA_TRIGGER = keywords("uptime", "availab", "service level")
_PERCENT = re.compile(r"\b(?P<p>9\d(?:\.\d{1,3})?)\s*%")


def sla(doc: Document) -> list[KeyTerm]:
    candidates: list[tuple[float, KeyTerm]] = []
    for window in doc.windows(_SLA_TRIGGER):
        found = _PERCENT.search(window.text)
        if not found:
            continue
        value = f"{found.group('p')}%"
        score = 1.0 + (1.0 if re.search(r"uptime|availability|service\s+level", window.text, re.IGNORECASE) else 0.0)
        candidates.append(
            (
                score,
                doc.term(
                    TermKind.SLA, value, f"{value} availability", window.start, window.end, min(0.9, 0.4 + score / 5)
                ),
            )
        )
    return _best(candidates)


_BREACH_TRIGGER = keywords(
    r"personal\s+data",
    r"data\s+breach",
    r"security\s+(?:breach|incident)",
    r"breach\s+of\s+security",
    r"data\s+protection",
)


def data_protection(doc: Document) -> list[KeyTerm]:
    """The deadline to notify a personal-data breach ("within seventy-two (72) hours"), else "true" when the
    contract binds a party to data-protection duties (a definition alone is not enough)."""
    candidates: list[tuple[float, KeyTerm]] = []
    for window in doc.windows(_BREACH_TRIGGER):
        lowered = window.text.lower()
        if re.search(r"\"?\s*(?:means|has\s+the\s+meaning|shall\s+mean)\b", lowered) and not re.search(
            r"\b(?:shall|will|must)\b", lowered
        ):
            continue  # a definition
        period = _first_duration(
            doc,
            window,
            lambda before, after: bool(
                re.search(
                    r"\b(?:within|later\s+than|in\s+no\s+event\s+more\s+than|not\s+exceeding|no\s+more\s+than)\s+$",
                    before,
                    re.IGNORECASE,
                )
            ),
        )
        if period is not None and re.search(r"\bnotif\w*|\binform\w*|\breport\w*|\bnotice\b", lowered):
            display = f"breach notice within {period.display}"
            candidates.append(
                (2.0, doc.term(TermKind.DATA_PROTECTION, period.iso, display, window.start, window.end, 0.8))
            )
        elif re.search(r"\b(?:shall|will|must)\b", lowered) and re.search(
            r"\b(?:gdpr|data\s+protection\s+(?:laws?|legislation|regulation)|process\w*\s+(?:of\s+|any\s+)?personal\s+data)\b",
            lowered,
        ):
            candidates.append(
                (
                    1.0,
                    doc.term(TermKind.DATA_PROTECTION, "true", "data protection terms", window.start, window.end, 0.5),
                )
            )
    return resolve_conflicts(doc, candidates)


CLAUSE_EXTRACTORS: tuple[Callable[[Document], list[KeyTerm]], ...] = (
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
