"""Obligations: who must do what, by when, in which category.

A sentence states an obligation when a party, named by its name or role (never a document, a thing or a
negation: "this Agreement", "Firmware", "Neither party"), is bound ("X shall", "X must", "X agrees to", or
passively "invoices shall be paid by X") to an act of one of the categories. The verb decides the category
("shall indemnify ... any delivery" is no delivery duty); rights, billing and deeming clauses bind no one.
Only duties a reader must act on are listed: timed ones, and standing ones (keeping insurance in force,
submitting to an audit). When is read from the text only: a date ("on or before March 1, 2025"), a period
after an event ("within thirty (30) days after receipt of invoice"), or a cycle ("within 30 days after the
end of each calendar quarter").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator, Sequence

from dateutil.relativedelta import relativedelta

from analysis.context import Document, Window, keywords
from analysis.deadlines import initial_term_end, renewal_deadlines
from analysis.durations import DurationMatch, find_durations, from_iso
from analysis.models import PERPETUAL, Due, KeyTerm, Obligation, ObligationCategory, TermKind
from analysis.numbers import ORDINAL_WORD, ordinal_to_int
from analysis.text import LOWER, UPPER

MAX_OBLIGATIONS = 500

_MODAL = re.compile(
    r"\b(?:shall(?!\s+not\b)|must(?!\s+not\b)|will(?!\s+not\b)|agrees?\s+to|undertakes?\s+to|is\s+required\s+to|"
    r"are\s+required\s+to|covenants?\s+to|is\s+obligated\s+to|are\s+obligated\s+to)\b",
    re.IGNORECASE,
)
_SUBJECT = re.compile(
    rf"(?P<subject>(?:(?:the|each|either|such|any)\s+)?(?:{UPPER}[\w&.'-]*|party|parties)(?:\s+(?:{UPPER}[\w&.'-]*|party|parties|of|and)){{0,5}})\s*"
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


_DAY_OF_EACH = re.compile(
    rf"\b(?:on\s+or\s+before|by|no\s+later\s+than|not\s+later\s+than|before|on)\s+the\s+"
    rf"(?P<day>\d{{1,2}}(?:st|nd|rd|th)?|{ORDINAL_WORD})\s+(?:calendar\s+|business\s+)?day\s+of\s+(?:each|every)\s+"
    rf"(?:calendar\s+)?month\b",
    re.IGNORECASE,
)


def _day_number(raw: str) -> int | None:
    digits = re.match(r"\d+", raw)
    day = int(digits.group(0)) if digits else ordinal_to_int(raw.lower())
    return day if day is not None and 1 <= day <= 28 else None  # 29-31 do not occur in every month


def _due(doc: Document, window: Window, duty_start: int) -> Due:
    """When the duty falls due, read only from its sentence: the expression nearest after the verb (or, if
    none follows it, the last one before it: "Within 10 days after ..., Vendor shall deliver")."""
    text = doc.text
    timed: list[tuple[int, Due]] = []
    for found in find_durations(text, window.start, window.end):
        due = _relative_due(doc, window, found)
        if due is not None:
            timed.append((found.start, due))
    for found_date in doc.dates(window.start, window.end):
        lead = text[max(window.start, found_date.start - 25) : found_date.start]
        if found_date.value is not None and _BY_DATE_LEAD.search(lead):
            timed.append((found_date.start, Due(kind="date", date=found_date.value)))
    after = [item for item in timed if item[0] >= duty_start]
    if after:
        return min(after, key=lambda item: item[0])[1]
    if timed:
        return max(timed, key=lambda item: item[0])[1]
    day_of = _DAY_OF_EACH.search(text, window.start, window.end)
    if day_of:
        day = _day_number(day_of.group("day"))
        if day is not None:
            # The Nth of each month is N days after the end of the month before: the same schedule.
            return Due(kind="recurring", period=f"P{day}D", event=f"day {day} of each month", recurrence="P1M")
    adverb = _ADVERB_CYCLE.search(text, window.start, window.end)
    if adverb:
        return Due(
            kind="recurring", recurrence=_cycle_period(adverb.group("adverb")), event=adverb.group("adverb").lower()
        )
    return Due(kind="unspecified")


_PRONOUNS = frozenset({"it", "they", "he", "she", "such party", "that party", "the party"})
_DETERMINERS = re.compile(r"^(?:the|each|either|such|any|both|said|every)\s+", re.IGNORECASE)
# Who can owe a duty: the parties, named by the roles contracts give them. A document ("this Agreement", "the
# Order Form"), a thing ("Firmware", "PDF copies") or an event is never an obligor.
_ROLES = frozenset(
    re.split(
        r"\s+",
        """party parties customer client company vendor supplier provider consultant contractor subcontractor licensor
    licensee seller buyer purchaser manufacturer distributor reseller processor controller sub-processor subprocessor
    agent principal franchisor franchisee landlord tenant lessor lessee owner developer publisher sponsor employer
    employee executive bank lender borrower investor member members partner partners shareholder shareholders
    operator contractor affiliate recipient discloser marketer retailer dealer representative user member
    purchaser institution university hospital servicer administrator trustee guarantor manager advisor adviser
    collaborator producer carrier""".strip(),
    )
)
_NEGATED = re.compile(r"^(?:neither|no|none|nothing|not|in\s+no\s+event|under\s+no)\b", re.IGNORECASE)


def _subject(clause: str) -> str | None:
    match = _SUBJECT.search(clause[-120:])
    if not match:
        return None
    subject = " ".join(match.group("subject").split())
    lowered = subject.lower()
    if lowered in {"this", "there", "which", "this agreement"}:
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
            for match in re.finditer(rf"\b(?:{UPPER}[\w&.'-]*)(?:\s+{UPPER}[\w&.'-]*){{0,3}}", earlier)
            if match.group(0).lower() not in {"if", "in", "the", "where", "when", "upon", "unless"}
        ]
        if names:
            return names[-1]
    return None


_ALIAS = re.compile(
    r"\(\s*(?:the\s+|each\s+(?:a|an)\s+|hereinafter\s+(?:called\s+|referred\s+to\s+as\s+)?(?:the\s+)?|"
    rf"herein\s+(?:called\s+)?)?[\"“']\s*(?P<alias>{UPPER}[^\"”'\n]{{0,40}}?)\s*[\"”']"
)
_PREAMBLE = 6000


def _aliases(doc: Document) -> frozenset[str]:
    """Short names the preamble defines ("Acme Inc. ("Acme")"): the names its parties go by."""
    return frozenset(
        " ".join(m.group("alias").lower().split()) for m in _ALIAS.finditer(doc.text, 0, min(len(doc.text), _PREAMBLE))
    )


_LEADING = re.compile(
    r"^(?:(?:if|unless|when|whenever|where|upon|should|in|and|or|then|provided|that|after|before|once|while|"
    r"notwithstanding|thereafter|following)\s+)+",
    re.IGNORECASE,
)


_HEADING_RUN_IN = re.compile(rf"^(?:{UPPER}{{2,}}\s+)+(?={UPPER}{LOWER})")


def _clean_party(name: str) -> str:
    """The name itself: not the heading above it ("Fees\nCustomer") nor a conjunction ("If Customer")."""
    name = name.rsplit("\n", 1)[-1].strip()
    name = _HEADING_RUN_IN.sub("", name)  # a heading run in: "CHANGE REQUESTS Client"
    return _LEADING.sub("", name).strip()


def _is_party(subject: str, aliases: frozenset[str]) -> bool:
    """A party's name or role, not a document, a thing or a negation ("Neither party", "No Statement of Work")."""
    if _NEGATED.match(subject):
        return False
    core = _DETERMINERS.sub("", " ".join(subject.lower().split()))
    # Checked before the aliases: a preamble defines "this Agreement" as carefully as its parties.
    if re.search(r"\b(?:agreement|order\s+form|statement\s+of\s+work|sow|schedule|exhibit|amendment)\b", core):
        return False
    if core in aliases or subject.lower() in aliases:
        return True
    head = core.rsplit(" ", 1)[-1]
    return head in _ROLES or head.rstrip("s") in _ROLES


def _is_party_like(subject: str) -> bool:
    """A proper name that could be a party: capitalised, short, not a negation, a document or a thing."""
    if _NEGATED.match(subject) or not subject[:1].isupper() or len(subject.split()) > 4:
        return False
    core = _DETERMINERS.sub("", subject.lower())
    return _DOCUMENT_OR_THING.search(core) is None


_DOCUMENT_OR_THING = re.compile(
    r"\b(?:agreement|order\s+form|statement\s+of\s+work|sow|schedule|exhibit|amendment|section|article|clause|"
    r"notices?|invoices?|payments?|fees?|prices?|term|services?|products?|goods|deliverables?|software|firmware|"
    r"pdf|documents?|information|data|records?|reports?|plan|committee|license|licence|rights?|obligations?|"
    r"provisions?|terms|price|amount|sums?|this|such|all|any)\b"
)


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
            r"\bprevent\s+(?:such|the|any)\s+(?:automatic\s+)?(?:renewal|extension)|\bunless\b[^.;]{0,80}\bnoti(?:ce|fy|fies|fication)\b[^.;]{0,120}\b(?:not\s+to\s+renew|non-?renewal|not\s+(?:wish|want|intend)\s+to\s+renew)",
            re.IGNORECASE,
        ),
    ),
)


_PASSIVE = re.compile(
    r"\s*+(?:be|are|is)\s+(?P<participle>\w+ed|paid|made|given|sent|held|kept|done|borne|shown|set)\b", re.IGNORECASE
)
_AGENT = re.compile(rf"\bby\s+(?:the\s+)?(?P<agent>{UPPER}[\w&.'-]*(?:\s+{UPPER}[\w&.'-]*){{0,3}})")

_BREACH = r"(?:personal\s+data\s+breach|data\s+breach|security\s+(?:breach|incident)|breach\s+of\s+security)"
# What a duty is about, read from its verb and object (matched at each verb of the predicate, lower-cased):
# the verb decides ("shall indemnify ... any delivery" is no delivery duty), the object refines it. Verbs that
# name no trackable act (indemnify, comply, conform, be deemed, be entitled) give no category: not listed.
_ACTS: tuple[tuple[ObligationCategory, re.Pattern[str]], ...] = tuple(
    (category, re.compile(pattern))
    for category, pattern in (
        (ObligationCategory.DATA_PROTECTION, rf"(?:notify|inform|advise|report)\b[^.;]{{0,80}}?{_BREACH}"),
        (ObligationCategory.DATA_PROTECTION, r"(?:forward|refer|pass\s+on|redirect)\b[^.;]{0,40}?data\s+subject"),
        (
            ObligationCategory.DATA_PROTECTION,
            r"(?:delete|return|destroy|erase)\b[^.;]{0,60}?(?:personal\s+(?:data|information)|customer\s+data)",
        ),
        (
            ObligationCategory.CONFIDENTIALITY,
            r"(?:return|destroy|delete|erase)\b[^.;]{0,140}?(?:confidential|proprietary)\s+information",
        ),
        (ObligationCategory.INSURANCE, r"(?:maintain|obtain|procure|carry|keep)\b[^.;]{0,160}?\binsur"),
        (
            ObligationCategory.INSURANCE,
            r"(?:provide|deliver|furnish|supply|send|submit)\b[^.;]{0,60}?certificates?\s+of\s+insurance",
        ),
        (
            ObligationCategory.AUDIT,
            r"(?:make|keep)\b[^.;]{0,80}?available\s+for\s+(?:audit|inspection)|(?:permit|allow|submit\s+to)\b"
            r"[^.;]{0,60}?\b(?:audit|inspect)",
        ),
        (ObligationCategory.RENEWAL, r"(?:give|provide|send|serve)\b[^.;]{0,40}?notice\s+of\s+non-?\s?renewal"),
        (
            ObligationCategory.REPORTING,
            r"(?:deliver|provide|furnish|submit|send|prepare|supply|render|issue)\b[^.;]{0,80}?"
            r"\b(?:reports?|statements?\s+of|forecasts?|accounting)\b",
        ),
        (ObligationCategory.PAYMENT, r"(?:pay|remit|reimburse|refund)\b|make\s+(?:all\s+|any\s+)?payments?\b"),
        (
            ObligationCategory.NOTICE,
            r"(?:notify|inform|advise)\b|(?:give|provide|send|serve)\s+(?:\w+\s+){0,3}?notice\b|"
            r"accept\s+or\s+reject\b",
        ),
        (ObligationCategory.DELIVERY, r"(?:deliver|ship|complete|dispatch|supply|furnish|provide)\b"),
    )
)
_BREACH_CUE = re.compile(_BREACH)
# Adverbs and an inserted phrase between the modal and its verb: "shall promptly, and in any event within
# seven (7) days, forward", "shall, within thirty (30) days of the end of this Agreement, return".
_INSERTION = re.compile(r"\s*(?:(?:\w+ly|also|then|thereupon)\s*)?(?:,[^,;.]{0,140},)?\s*")
# Further verbs of one predicate: "review each deliverable and shall notify ...".
_NEXT_VERB = re.compile(r"\b(?:and|or)\s+(?:(?:shall|will|must)\s+)?(?:also\s+)?(?:promptly\s+)?(?=[a-z])")
# Passive duties name the act by their subject: "Invoices shall be paid by X", "Notification of any Personal
# Data Breach shall be made by X".
_PASSIVE_ACTS: tuple[tuple[ObligationCategory, str, re.Pattern[str]], ...] = tuple(
    (category, verb, re.compile(pattern))
    for category, verb, pattern in (
        (ObligationCategory.DATA_PROTECTION, "notify", rf"\b(?:notification|notice)\b[^.;]{{0,60}}{_BREACH}"),
        (ObligationCategory.NOTICE, "give", r"\b(?:notification|notice)s?\b"),
        (ObligationCategory.REPORTING, "deliver", r"\b(?:reports?|statements?|forecasts?)\b"),
        (ObligationCategory.PAYMENT, "pay", r"\b(?:invoices?|fees?|amounts?|payments?|sums?|charges?)\b"),
        (ObligationCategory.DELIVERY, "deliver", r"\b(?:deliverables?|products?|goods|orders?|shipments?)\b"),
    )
)
_PASSIVE_VERBS = {
    ObligationCategory.PAYMENT: ("paid", "made", "remitted"),
    ObligationCategory.DELIVERY: ("delivered", "shipped", "made", "completed"),
    ObligationCategory.REPORTING: ("delivered", "provided", "submitted", "sent", "furnished", "made", "given"),
    ObligationCategory.NOTICE: ("given", "made", "sent", "provided", "delivered"),
    ObligationCategory.DATA_PROTECTION: ("given", "made", "sent", "provided"),
}


def _act_category(lower: str, start: int, end: int) -> ObligationCategory | None:
    """The category of the first verb of the predicate [start, end) that names a trackable act."""
    stop = min(end, start + 260)
    inserted = _INSERTION.match(lower, start, stop)
    start = inserted.end() if inserted else start
    positions = [start] + [m.end() for m in _NEXT_VERB.finditer(lower, start, stop)]
    for position in positions:
        while position < stop and lower[position] in " \n\t":
            position += 1
        for category, pattern in _ACTS:
            if pattern.match(lower, position, end):
                return category
    return None


def _passive_category(subject_lower: str, participle: str) -> tuple[ObligationCategory, str] | None:
    for category, verb, pattern in _PASSIVE_ACTS:
        if participle in _PASSIVE_VERBS[category] and pattern.search(subject_lower):
            return category, verb
    return None


# A duty that runs for a stated time rather than falling due: "maintain ... during the Term".
_CONTINUING = re.compile(r"\b(?:during|throughout)\s+the\s+(?:term|life)\b|\bat\s+all\s+times\b", re.IGNORECASE)
# "maintain insurance", "keep in force": a standing duty by its verb, never due on one day.
_KEEPS_UP = re.compile(r"\s*(?:\w+ly\s+)?(?:maintain|carry|keep\s+in\s+(?:full\s+)?force)\b")
# Rights and billing are not duties a party must be reminded of: "X shall invoice", "X shall be entitled to".
_NOT_A_DUTY = re.compile(
    r"\s*(?:invoice|bill|issue\s+(?:an\s+)?invoices?|be\s+entitled|have\s+the\s+right|be\s+deemed|be\s+liable)\b",
    re.IGNORECASE,
)


_NAME = rf"{UPPER}[\w&.'-]*(?:\s+{UPPER}[\w&.'-]*){{0,2}}"
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


_PAYABLE = re.compile(r"(?:is|are)\s+(?:due\s+and\s+)?payable\b|payment\s+terms\s+are\b", re.IGNORECASE)
_INVOICES = re.compile(rf"\b(?:shall|will)\s+(?:invoice|bill)\s+(?:the\s+)?(?P<who>{_NAME})")
_PAYS = re.compile(rf"\b(?P<who>{_NAME})\s+(?:shall|will|must|agrees\s+to)\s+(?:promptly\s+)?pay\b")


def _payer(doc: Document, aliases: frozenset[str]) -> str | None:
    """Who pays under this contract: the party most often bound to "pay" (for "Invoices are payable ...")."""
    counts: dict[str, int] = {}
    for window in doc.windows(_PAY_TRIGGER, limit=60):
        for match in _PAYS.finditer(doc.text, window.start, window.end):
            who = match.group("who")
            if _is_party(who, aliases):
                counts[who] = counts.get(who, 0) + 1
    if not counts:  # nobody "shall pay": the party that is invoiced pays
        for window in doc.windows(_INVOICE_TRIGGER, limit=20):
            for match in _INVOICES.finditer(doc.text, window.start, window.end):
                who = _clean_party(match.group("who"))
                if _is_party(who, aliases):
                    counts[who] = counts.get(who, 0) + 1
    return max(counts, key=lambda who: counts[who]) if counts else None


_INVOICE_TRIGGER = keywords("shall invoice", "will invoice", "shall bill", "will bill")
_PAY_TRIGGER = keywords("shall pay", "will pay", "must pay", "agrees to pay", "shall promptly pay")


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


def _passive_action(doc: Document, verb: str, subject: str, agent_end: int, end: int) -> str:
    """ "Invoices shall be paid by Customer within 30 days" -> "pay Invoices within 30 days"."""
    thing = re.sub(r"^(?:notification|notice)s?\s+of\s+", "", subject, flags=re.IGNORECASE)
    rest = " ".join(doc.text[agent_end : min(end, agent_end + 200)].split())
    action = f"{verb} {thing} {rest}".strip()
    if len(action) > 160:
        action = action[:160].rsplit(" ", 1)[0] + "..."
    return action.rstrip(" .;,")


_REQUIRED = re.compile(r"\s*be\s+(?:required|obligated|obliged)\s+to\b", re.IGNORECASE)
# A name the contract binds again and again is one of its parties ("GSK shall ...", "Chase will ..."), even
# when its preamble does not define it: a thing or a document is rarely the subject of a duty.
MIN_SUBJECT_COUNT = 3


def extract_obligations(doc: Document) -> list[Obligation]:
    """Duties a party must act on: bound by name or role, of one of the categories, and timed (a date, a period
    after an event, a cycle) or continuing for a stated time. Untimed statements of intent ("Supplier shall
    comply with all laws") are not tracked obligations and are left out, as are rights and deeming clauses."""
    pending: list[tuple[ObligationCategory, str, str | None, Window, int]] = []
    subjects: dict[str, int] = {}
    aliases = _aliases(doc)
    payer: str | None = None
    payer_known = False
    for window, at, fixed_category in _obligation_windows(doc):
        modal = _MODAL.match(doc.text, at)
        duty_start = modal.end() if modal else at
        action: str | None = None
        if fixed_category is not None:
            category: ObligationCategory | None = fixed_category
            if fixed_category is ObligationCategory.PAYMENT:
                if not payer_known:
                    payer, payer_known = _payer(doc, aliases), True
                party = payer
                cue = _PAYABLE.match(doc.text, at)
                tail = doc.text[cue.end() if cue else at : window.end]
                action = "pay invoices " + " ".join(tail.split()).rstrip(" .;,")
            else:
                party = _implied_party(doc, window, fixed_category)
                if fixed_category is ObligationCategory.RENEWAL:
                    notifier = _NOTIFIER.search(doc.text, window.start, window.end)
                    if notifier is not None:  # the act itself: "notifies the other party ... before the end"
                        action = _action(doc, notifier.end("who"), window.end)
        else:
            if _NOT_A_DUTY.match(doc.text, duty_start):
                continue
            required = _REQUIRED.match(doc.text, duty_start)
            duty_start = required.end() if required else duty_start  # "shall be required to notify": active
            subject = _party(doc.text[window.start : at])
            passive = None if required else _PASSIVE.match(doc.text, duty_start)
            if passive is not None:
                agent = _AGENT.match(doc.text, passive.end() + 1) or _AGENT.search(
                    doc.text, passive.end(), min(window.end, passive.end() + 40)
                )
                # The passive subject is the thing acted on, lower-case or not: "invoices shall be paid by X".
                thing = " ".join(re.split(r"[,;:\n]", doc.text[max(window.start, at - 120) : at])[-1].split())
                matched = _passive_category(thing.lower(), passive.group("participle").lower())
                if matched is None:
                    continue  # "shall be deemed accepted": no one is bound to act
                category, verb = matched
                if agent is not None:
                    party = agent.group("agent")
                    action = _passive_action(doc, verb, thing, agent.end(), window.end)
                elif category is ObligationCategory.PAYMENT:  # "the fees shall be paid monthly": by the payer
                    if not payer_known:
                        payer, payer_known = _payer(doc, aliases), True
                    party = payer
                    action = _passive_action(doc, verb, thing, passive.end(), window.end)
                else:
                    continue
            else:
                party = _clean_party(subject) if subject else None
                if party:
                    subjects[party] = subjects.get(party, 0) + 1
                category = _act_category(doc.lower, duty_start, window.end)
        party = _clean_party(party) if party else None
        if category is None or not party:
            continue
        if category is ObligationCategory.NOTICE and _BREACH_CUE.search(doc.lower, window.start, window.end):
            category = ObligationCategory.DATA_PROTECTION  # "notify Customer ... of a Personal Data Breach"
        pending.append((category, party, action, window, duty_start))
        if len(pending) >= MAX_OBLIGATIONS * 4:
            break
    obligations: list[Obligation] = []
    for category, party, action, window, duty_start in pending:
        named = _is_party(party, aliases) or (subjects.get(party, 0) >= MIN_SUBJECT_COUNT and _is_party_like(party))
        if not named:
            continue
        due = _due(doc, window, duty_start)
        continuing = (
            _CONTINUING.search(doc.text, window.start, window.end) is not None
            or _KEEPS_UP.match(doc.lower, duty_start) is not None
        )
        if due.kind == "unspecified" and not continuing and category is not ObligationCategory.AUDIT:
            continue
        confidence = 0.75 if due.kind != "unspecified" else 0.55
        obligations.append(
            Obligation(
                category=category,
                party=party,
                action=action or _action(doc, duty_start, window.end),
                due=due,
                citation=doc.cite(window.start, window.end, confidence),
            )
        )
        if len(obligations) >= MAX_OBLIGATIONS:
            doc.warnings.append(f"obligations: only the first {MAX_OBLIGATIONS} are listed")
            break
    return obligations


# --- when it falls due, in words and as the next date ---------------------------------------------------

_CYCLE_WORDS = {"P1W": "week", "P1M": "month", "P3M": "quarter", "P6M": "half-year", "P1Y": "year"}


def _period_words(iso: str | None) -> str | None:
    duration = from_iso(iso) if iso else None
    return duration.display if duration is not None else None


def _date_words(day: dt.date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def due_wording(due: Due) -> str:
    """When an obligation falls due, in words for a reader: "within 10 days after the end of each calendar
    month", "within 30 days after receipt of invoice", "at least 60 days before end of current term",
    "by 1 March 2025", "every quarter". ISO codes stay in the structured fields."""
    period = _period_words(due.period)
    if due.kind == "date" and due.date is not None:
        return f"by {_date_words(due.date)}"
    if due.kind == "recurring":
        event = due.event or ""
        day = re.fullmatch(r"day (\d+) of each month", event)
        if day:
            return f"on or before day {day.group(1)} of each month"
        if period and event.startswith("end of each"):
            return f"within {period} after the {event}"
        cycle = _CYCLE_WORDS.get(due.recurrence or "")
        if cycle:
            return f"every {cycle}"
        every = _period_words(due.recurrence)
        return f"every {every}" if every else (event or "on a recurring basis")
    if due.kind == "relative" and period:
        after = due.event
        if after is None:
            return f"within {period}"
        if after == "notice":
            return f"on {period}' notice" if period.endswith("s") else f"on {period}'s notice"
        if after.startswith("before "):
            return f"at least {period} {after}"
        return f"within {period} after {after}"
    return "no fixed date: a continuing duty"


_CALENDAR_CYCLES = {"P1M": 1, "P3M": 3, "P6M": 6, "P1Y": 12}


def _term_value(terms: Sequence[KeyTerm], kind: TermKind) -> str | None:
    return next((term.value for term in terms if term.kind == kind), None)


def _iso_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _next_period_due(
    months: int, offset: relativedelta, start: dt.date, end: dt.date | None, as_of: dt.date
) -> dt.date | None:
    """First "end of a calendar period + offset" on or after `as_of`, over the periods that overlap
    [start, end]: calendar periods (quarters end 31 March, 30 June, ...) from the one holding `start`."""
    first = dt.date(start.year, ((start.month - 1) // months) * months + 1, 1)
    # Skip whole periods up to shortly before as_of (no walk through a long history).
    elapsed = (as_of.year - first.year) * 12 + as_of.month - first.month
    period_start = first + relativedelta(months=max(0, elapsed // months - 2) * months)
    for _ in range(24):
        if end is not None and period_start > end:
            return None
        period_end = period_start + relativedelta(months=months) - relativedelta(days=1)
        due = period_end + offset
        if due >= as_of:
            return due
        period_start += relativedelta(months=months)
    return None


def next_due(obligation: Obligation, terms: Sequence[KeyTerm], as_of: dt.date) -> dt.date | None:
    """The next date on or after `as_of` by which the obligation must be met, when the text fixes one.

    - a fixed date: that date, unless it has passed;
    - notice of non-renewal: the last day to give it for the term running at `as_of` (or the next term's,
      once that day has passed), from the contract's own term, renewal and notice clauses;
    - "within N days after the end of each calendar month/quarter/year" (or "by the Nth day of each month"):
      the end of the next period + N days, for periods from the effective date to the end of the current
      term (none after a term that has ended).
    None when the schedule depends on an event ("30 days after receipt of invoice") or on something the text
    does not state (no effective date, a fiscal year whose start is not given, business days)."""
    due = obligation.due
    if due.kind == "date":
        return due.date if due.date is not None and due.date >= as_of else None
    if obligation.category is ObligationCategory.RENEWAL and (due.event or "").startswith("before"):
        status = renewal_deadlines(terms, as_of)
        if status.notice_deadline is None:
            return None
        return status.next_notice_deadline if status.deadline_passed else status.notice_deadline
    if due.kind != "recurring" or due.recurrence not in _CALENDAR_CYCLES:
        return None
    event = due.event or ""
    calendar_cycle = re.fullmatch(
        r"end of each (?:calendar )?(?:month|quarter|year|half year)|day \d+ of each month", event
    )
    offset_duration = from_iso(due.period) if due.period else None
    if calendar_cycle is None or offset_duration is None or offset_duration.business:
        return None
    offset = {
        "day": relativedelta(days=offset_duration.amount),
        "week": relativedelta(weeks=offset_duration.amount),
        "month": relativedelta(months=offset_duration.amount),
        "year": relativedelta(years=offset_duration.amount),
    }.get(offset_duration.unit)
    start = _iso_date(_term_value(terms, TermKind.EFFECTIVE_DATE)) or _iso_date(
        _term_value(terms, TermKind.AGREEMENT_DATE)
    )
    if offset is None or start is None:
        return None
    if _term_value(terms, TermKind.EXPIRATION_DATE) == PERPETUAL:
        end = None
    elif _term_value(terms, TermKind.AUTO_RENEWAL) == "true":
        end = renewal_deadlines(terms, as_of).current_term_end or initial_term_end(terms).value
    else:
        end = initial_term_end(terms).value
    return _next_period_due(_CALENDAR_CYCLES[due.recurrence], offset, start, end, as_of)
