"""How long the contract runs: the initial term and the date it ends (or that it has no fixed end)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from analysis.context import Document, Window, keywords
from analysis.dates import find_dates
from analysis.durations import Duration, DurationMatch, find_durations
from analysis.numbers import ORDINAL_WORD, WORD_NUMBER, ordinal_to_int, words_to_int

# --- initial term and expiry -------------------------------------------------------------------------

_TERM_TRIGGER = keywords(
    "term",
    "commenc",
    "duration",
    "expir",
    "valid",
    r"in\s+(?:full\s+)?(?:force|effect)",
    r"(?:have|has)\s+effect",
    "perpetu",
    "indefinite",
    r"(?:shall|will)\s+(?:continue|remain|end)",
    "until",
    "ending",
    "through",
)
_END_DATE_LEAD = re.compile(
    # "on or prior to August 1, 2005" is a deadline, not where the term ends.
    r"\b(?:until|through|thru|(?<!prior\s)to|till|end\w*|terminat\w*|expir\w*|conclud\w*|clos\w*|means?|is|"
    r"(?:expiration|termination|expiry|end)\s+date\s*:)\s*"
    r"(?:on\s+|at\s+|upon\s+|as\s+of\s+)?(?:and\s+including\s+)?(?:the\s+)?"
    r"(?:(?:earlier|later|sooner|first)\s+(?:to\s+occur\s+)?of\s*:?\s*(?:\(?[a-z1-9ivx]{1,3}\)\s*)?)?"
    r"(?:close\s+of\s+business\s+on\s+|midnight\s+(?:\([^)]{0,30}\)\s+)?on\s+|11:59\s*p\.?m\.?[^,]{0,30}\s+on\s+)?$",
    re.IGNORECASE,
)
# "in effect until the end of 2006": the term ends with that calendar year (a year alone is no date for find_dates).
_END_OF_YEAR = re.compile(
    r"\b(?:until|through|thru|till|to|expir\w*\s+(?:on|at)|end\w*\s+(?:on|at)|terminat\w*\s+(?:on|at))\s+"
    r"the\s+end\s+of\s+(?:(?:the\s+)?(?:calendar|fiscal)\s+year\s+)?(?P<year>(?:19|20)\d\d)\b(?!\s+season)",
    re.IGNORECASE,
)
_START_DATE_LEAD = re.compile(
    r"\b(?:commenc\w*|begin\w*|start\w*|from|effective|as\s+of|on|force|effect)\s+(?:on\s+|as\s+of\s+|from\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
_PERPETUAL = re.compile(
    # "a perpetual, irrevocable license": the licence outlives the term, the agreement is not perpetual.
    # "Evergreen Gateway" is a name, not a term that renews without end.
    r"\b(?:perpetu\w*(?![\w\s,()-]{0,60}\b(?:licen[cs]e|right)s?\b)|indefinite\w*|in\s+perpetuity|no\s+fixed\s+term|"
    r"evergreen(?!(?-i:\s+(?!Term|Renewal|Basis)[A-Z][a-z]))|"
    r"not\s+be\s+terminable|until\s+(?:such\s+time\s+as\s+it\s+is\s+|it\s+is\s+)?terminated|(?:end|expire)s?\s+(?:only\s+)?when\s+terminated|"
    r"until\s+(?:either|one|any)\s+(?:party|of\s+the\s+parties)\b|"
    # "shall terminate ... on the exercise by the Sponsor of its right to terminate": only a party ends it.
    r"\b(?:until|on|upon)\s+the\s+exercise\s+(?:by\s+[^,.;]{1,40}?\s+)?of\s+(?:its|their|a|the)\s+(?:\w+\s+)?right\s+to\s+terminate\b|"
    # "continue until termination as provided below": ended only by a party, never by the calendar; "until the
    # termination of the Supply Agreement" is an event of another contract and stays an event.
    r"until\s+(?:its\s+)?termination\b(?!\s+(?:of|by\s+(?:the|such)\s+\w+\s+agreement)\b))",
    re.IGNORECASE,
)
# A sentence that ends the agreement early on a condition ("If the Shares are not sold ..., this Agreement shall
# terminate", "shall automatically terminate if the Broker ceases to be a member") or ends only some of its
# provisions: a termination right, not how long the agreement runs.
_EARLY_TERMINATION = re.compile(
    r"^\W*(?:\d+(?:\.\d+)*\s+)?(?:\(?[a-z0-9]{1,4}\)\s*)?(?:in\s+the\s+event\b|if\b|should\b|upon\b)|\bmay\s+(?:be\s+)?terminat\w*|"
    r"\bautomatically\s+terminate\s+(?:if|upon|in\s+the\s+event|on\s+the\s+occurrence)\b|"
    # "This Agreement shall terminate if the Supply Agreement is terminated": a condition, not a term.
    r"\b(?:shall|will)\s+(?:terminate|expire)\s+(?:if|in\s+the\s+event)\b",
    re.IGNORECASE,
)
# "The representations and warranties shall terminate one year from the Closing Date", "The obligation of the Fund to
# pay shall survive ... until all payments are made", "The provisions of Sections 4
# and 5 shall terminate upon ...": the sentence is about some provisions, not about how long the agreement runs.
_PROVISIONS_SUBJECT = re.compile(
    r"\W*(?:\d+(?:\.\d+)*\s+)?(?:\(?[a-z0-9]{1,4}\)\s*)?(?:the\s+)?"
    r"(?:provisions(?!\s+of\s+this\s+agreement)|indemni\w*|obligations?|representations|warranties|covenants)\b",
    re.IGNORECASE,
)
# The sentence is about how long this agreement runs (not a licence, a warranty or an obligation).
_ABOUT_TERM = re.compile(
    r"\b(?:(?:the|this|initial|its)\s+\"?term\b(?!\s+hereof)|term\s+of\s+(?:this|the)\b|term\s*:|term[\"”]?\s+(?:is|shall|will)\b|"
    r"\bterms?\s+of\s+the\s+(?:project|engagement|agreement|contract)\s*:|"
    r"for\s+a\s+(?:\w+\s+)?term\b|(?:a|an)\s+(?:initial\s+)?term\s+of\b|(?:this\s+(?:\w+\s+){0,3}?|the\s+)(?:agreement|contract|amendment|addendum)\b"
    r"[^.;]{0,80}?\b(?:continue|remain|expire|terminate|end|be\s+(?:valid|effective|in\s+(?:full\s+)?(?:force|effect))|"
    r"commence|begin|run|have\s+a\s+term|(?:have|has)\s+effect|is\s+for|be\s+for|valid)|"
    # "this IP Agreement shall extend until ...": the agreement itself is the subject (not "the period begins on the
    # date of this Agreement and shall extend until").
    r"\b(?:this|the)\s+(?:\w+\s+){0,2}?agreement\s+(?:shall|will)\s+extend\s+until\b|"
    r"agreement\s+(?:period|duration)|duration\s+of\s+(?:this|the)|"
    r"(?:expiration|termination|expiry|end)\s+date|contract\s+period|period\s+of\s+validity|valid\s+for|shall\s+be\s+valid|remain\s+valid|"
    r"is\s+valid|fixed\s+term|(?:joint\s+venture|promotion|engagement)\s+(?:shall|will|is)|(?:have|has)\s+a\s+duration\s+of|"
    r"not\s+be\s+terminable)",
    re.IGNORECASE,
)
# 'shall terminate upon termination of the Offering': an end fixed by an event, not a date.
_EVENT_END = re.compile(
    r"\b(?:shall|will)\s+(?:automatically\s+)?(?:not\s+)?(?:continue|remain|expire|terminate|end|extend)\b[^.;]{0,80}?"
    r"\b(?:until|upon|on|when|at|if|for\s+so\s+long\s+as|as\s+long\s+as|through\s+the\s+(?:completion|expiration|expiry|termination|end|conclusion|last|final))\b|"
    # "will be in effect from the Effective Date until completion of the Research Program", "... and ending on the
    # expiration of all Statements of Work".
    r"\b(?:shall|will)\s+be\s+(?:in\s+(?:full\s+)?(?:force|effect)\s+|effective\s+)?from\b[^.;]{0,80}?\buntil\b|"
    # "shall remain valid during the term of the LSA": the agreement lasts as long as another one.
    r"\b(?:shall|will)\s+(?:continue|remain)\b[^.;]{0,40}?\b(?:during|for|throughout)\s+the\s+(?:term|duration|life)\s+of\s+"
    r"(?!this\b)(?:the|each|any|such)\b|"
    # "... and end on the expiration date of the operation term of Party B": an end tied to another period.
    r"\b(?:ending|expiring|terminating|and\s+(?:shall\s+|will\s+)?(?:end|expire|terminate)s?)\s+(?:on|upon|at|with)\s+the\s+"
    r"(?:expiration|termination|completion|end)\b|"
    r"\bis\s+for\s+the\s+(?:total\s+)?duration\s+of\b|\b(?:period|term)\s+of\s+\[|\buntil\s+the\s+\[|"
    # "shall begin as of the Effective Date and continue until Acceptance of all Deliverables": the second verb of
    # the sentence runs the term to the event.
    r"\band\s+(?:shall\s+|will\s+)?(?:thereafter\s+)?(?:continues?|remains?)\b[^.;]{0,60}?\b(?:until|(?:for\s+)?as\s+long\s+as|for\s+so\s+long\s+as|through\s+the\s+(?:completion|expiration|expiry|termination|end|conclusion|last|final))\b",
    re.IGNORECASE,
)
_START_ANCHOR = re.compile(
    r"\b(?:from|after|following|commencing|beginning|starting|as\s+of|of)\s+(?:on\s+)?(?:and\s+including\s+)?"
    r"(?:the\s+)?(?P<what>effective\s+date|date\s+(?:first\s+)?(?:written|set\s+forth|stated)\s+above|"
    r"date\s+(?:hereof|of\s+(?:this|the)\s+(?:agreement|document|contract))|execution\s+(?:date|of\s+this\s+agreement)|"
    r"date\s+of\s+(?:execution|signature|signing)|commencement\s+date|signing\s+date|start\s+date|"
    r"effective\s+date\s+first\s+set\s+forth\s+above)",
    re.IGNORECASE,
)
_POST_TERM = re.compile(
    r"[\s,]*+(?:\(\d+\)\s*)?(?:period\s+)?(?:after|following|from|beyond|post|subsequent\s+to)\s+(?:the\s+|its\s+|such\s+)?(?:date\s+of\s+)?"
    r"(?:any\s+)?(?:the\s+)?(?:termination|expiration|expiry|end\s+of\s+the\s+term|cessation|receipt|(?:the\s+)?(?:date\s+of\s+)?(?:the\s+)?notice|"
    r"(?:written\s+)?notice)",
    re.IGNORECASE,
)
# What a term may run from that this analysis can date.
_KNOWN_START = re.compile(
    r"(?:effective\s+date|date\s+(?:hereof|of\s+(?:this|the)\s+(?:agreement|document|contract)|"
    r"(?:and\s+year\s+)?(?:first\s+)?(?:above\s+)?(?:written|set\s+forth|stated)|of\s+(?:the\s+)?(?:execution|signature|signing))|"
    r"execution|signature|commencement\s+date|start\s+date|signing|this\s+agreement|such\s+date|"
    r"the\s+date\s+(?:of\s+)?(?:this|the)\s+agreement|agreement\s+date)",
    re.IGNORECASE,
)
_RENEWAL_LEAD = re.compile(
    r"\b(?:additional|successive|renewal|further|extended|extension|another)\s+(?:\w+\s+){0,3}$"
    # "be prolonged, or further extended automatically for a period of 12 months": the length of each extension
    # ("shall extend for a period of five years" is the initial term's own length: the active verb is not enough)
    r"|\b(?:extended|renew\w*|prolong\w*)\s+(?:automatically\s+|thereafter\s+|tacitly\s+)?(?:for\s+)?"
    r"(?:(?:a|an|one|each|such)\s+)?(?:(?:further|additional|successive|subsequent|consecutive)\s+)?"
    r"(?:(?:period|term)s?\s+of\s+)?$",
    re.IGNORECASE,
)
# "until the end of the fifteenth (15th) Contract Year", "upon the end of Year 3": whole years of the term.
_CONTRACT_YEAR_END = re.compile(
    rf"\b(?:until|through|upon|at|on)\s+the\s+(?:end|expiration|expiry)\s+of\s+(?:"
    rf"(?:the\s+)?(?P<nth>{ORDINAL_WORD}|\d{{1,2}}\s?(?:st|nd|rd|th))\s*(?:\(\s*\d{{1,2}}\s?(?:st|nd|rd|th)?\s*\)\s*)?"
    rf"(?P<name>(?:Contract|Agreement|Term)\s+Year)|(?:Contract\s+|Agreement\s+)?Year\s+(?P<n>\d{{1,2}}))\b",
    re.IGNORECASE,
)


def _contract_year_start(doc: Document, name: str | None) -> str | None:
    """What the contract's years run from, when their definition starts them on a date this analysis knows:
    '"Year" means each period of twelve (12) months commencing on the Effective Date'."""
    label = re.escape(name) if name else r"(?:Contract\s+|Agreement\s+)?Year"
    definition = re.search(rf"[\"“]{label}[\"”]\s*(?:shall\s+)?means?\b[^.;]{{0,120}}", doc.text, re.IGNORECASE)
    if definition is None:
        return None
    anchor = _START_ANCHOR.search(definition.group(0)) or re.search(
        r"\b(?:commencing|beginning|starting)\s+(?:on|with)\s+(?:the\s+)?(?P<what>effective\s+date|date\s+(?:hereof|of\s+this\s+agreement))",
        definition.group(0),
        re.IGNORECASE,
    )
    return anchor.group("what").lower() if anchor else None


_ANNIVERSARY = re.compile(
    rf"\b(?P<nth>{ORDINAL_WORD}|\d{{1,2}}\s?(?:st|nd|rd|th)|{WORD_NUMBER}\s*(?:\(\s*\d{{1,2}}\s*\))?[\s-]*years?)\s*"
    r"(?:\(\s*\d{1,2}\s?(?:st|nd|rd|th)?\s*\)\s*)?anniversary\s+(?:date\s+)?of\s+"
    r"(?:the\s+)?(?P<what>effective\s+date|date\s+(?:hereof|of\s+this\s+agreement)|execution|commencement\s+date|this\s+agreement)",
    re.IGNORECASE,
)
_TERM_DURATION_LEAD = re.compile(
    r"(?:\b(?:term|period|duration)\s+(?:of\s+(?:this|the)\s+(?:\w+\s+){1,5}?)?(?:(?:shall|will)\s+be\s+|is\s+|of\s+|:\s*)|"
    r"\bfor\s+(?:an?\s+|the\s+)?(?:initial\s+|fixed\s+|minimum\s+|further\s+)?(?:(?:term|period)\s+of\s+)?|"
    r"\b(?:continue|remain\s+in\s+(?:full\s+)?(?:force|effect)|remain\s+valid|be\s+valid|valid)\s+for\s+(?:a\s+period\s+of\s+)?|"
    r"\bterm\s*:\s*|^(?:initial\s+)?(?:term|duration)(?:\s+of\s+(?:this\s+|the\s+)?(?:agreement|contract))?\s*[.:]\s*|\(i\.e\.,?\s+|\bthereafter\s+for\s+|\b(?:end|expire|expires|terminate|terminates)\s+(?:after\s+|in\s+)?|\b(?:earlier|sooner|later)\s+of\s+|\bending\s+|\bterm\s+is\s+|\bshall\s+be\s+|\buntil\s+|"
    r"\b(?:on|until|through|(?:or|and)\s+\(?[a-h1-9ivx]{1,3}\))\s+the\s+(?:date|day)\s+(?:that\s+is\s+|which\s+is\s+)?)"
    r"(?:an?\s+)?(?:(?:initial|fixed)\s+(?:term\s+|period\s+)?(?:of\s+)?)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TermFinding:
    window: Window
    expiry: date | None
    perpetual: bool
    duration: Duration | None
    start_what: str | None  # what the term runs from, when it is not a date
    start_date: date | None
    event: bool  # the term ends on an event the text does not date
    score: float
    day_before: bool = False  # "the day prior to the fourth anniversary"
    month_end: bool = False  # "the last day of the month fifteen (15) years from the Effective Date"


def _anniversary_number(text: str) -> int | None:
    """ "fifth" -> 5, "5th" -> 5, "five (5) year" -> 5."""
    digits = re.search(r"\d+", text)
    if digits:
        return int(digits.group(0))
    ordinal = ordinal_to_int(text)
    if ordinal is not None:
        return ordinal
    return words_to_int(re.sub(r"[\s-]*years?$", "", text, flags=re.IGNORECASE))


def _is_term_length(window: Window, found: DurationMatch) -> bool:
    lead = window.text[max(0, found.start - window.start - 80) : found.start - window.start]
    return _TERM_DURATION_LEAD.search(lead) is not None


# '"Term" means the period ...': apart from _ABOUT_TERM, whose word boundary a quotation mark never follows.
_TERM_MEANS = re.compile(r"[\"“](?:initial\s+)?term[\"”]\s+(?:shall\s+)?means?\b", re.IGNORECASE)
# 'The term "Credit Data" means ...', 'the term "control" (including "controlled by") means ...': the word "term"
# introducing a definition, not the contract's term.
_DEFINITION_AFTER = re.compile(
    r"\s*[\"“'‘][^\"”'’]{1,60}[\"”'’]\s*(?:\([^()]{0,160}\)\s*)?,?\s*(?:shall\s+)?(?:means?|refers?|includes?|has\b)"
)
# A period that starts when the term ends: "for six (6) months at the end of the Term", "one (1) year thereafter"
# (after "during the Term"); a survival or sell-off period, not the term.
_AT_TERM_END = re.compile(
    r"[\s,]*+(?:\([^)]{0,20}\)\s*)?(?:at|upon|on)\s+(?:the\s+)?(?:end|expiration|expiry|termination)\s+of\b",
    re.IGNORECASE,
)
_THEREAFTER = re.compile(r"[\s,]*+thereafter\b", re.IGNORECASE)
# "during the Term and for two years thereafter", "for the term of this Agreement and for five (5) years thereafter".
_DURING_TERM = re.compile(r"\b(?:during|throughout|for)\s+the\s+term\b", re.IGNORECASE)


# "the right to distribute during the Term ... until December 31, 2006": a sentence that names the term only as
# the time something else happens in does not say how long the agreement runs.
_WITHIN_TERM = re.compile(r"\b(?:during|throughout)\s+$", re.IGNORECASE)


_RECITAL = re.compile(r"\W*(?:\d+(?:\.\d+)*\s+|\(?[A-Za-z0-9]{1,3}\)\s*)?(?:WHEREAS|Whereas)\b")


# "expire upon the later of: (a) the conclusion of the season and (b) March 31, 2023": the date is the second item
# of the list (the first is led by _END_DATE_LEAD itself).
_LISTED_END = re.compile(
    r"\b(?:earlier|later|sooner|first|earliest|latest)\s+(?:to\s+occur\s+)?of\b[^.;]{0,160}?\b(?:and|or)\s+"
    r"\(?[a-h1-9ivx]{1,3}\)\s*(?:the\s+)?$",
    re.IGNORECASE,
)


_LATER_OF = re.compile(r"\b(?:later|latest|last)\s+(?:to\s+occur\s+)?of\b", re.IGNORECASE)
_LIST_ITEM = re.compile(r"\(\s*[a-h1-9ivx]{1,3}\s*\)")


def _later_of_dates(doc: Document, window: Window, position: int) -> list[date] | None:
    """For a date at `position` listed in "the later of (a) ... and (b) ...": the listed dates, or [] when an
    item is an event the text does not date (the date is then only a floor; the end is left to the event).
    None when the date is not in such a list."""
    later = next(reversed(list(_LATER_OF.finditer(doc.text, max(window.start, position - 200), position))), None)
    if later is None:
        return None
    stop = _list_end(doc.text, later.end(), window.end)
    listed = doc.text[later.end() : stop]
    items = len(_LIST_ITEM.findall(listed)) or 1 + len(re.findall(r"\b(?:and|or)\b", listed, re.IGNORECASE))
    dated = [found.value for found in doc.dates(later.end(), stop) if found.value is not None]
    return [] if len(dated) < max(items, 2) else dated


def _list_end(text: str, start: int, end: int) -> int:
    """Where a list that starts at `start` ends: the first semicolon or full stop, else `end`."""
    return min((i for i in (text.find(";", start, end), text.find(". ", start, end)) if i > 0), default=end)


def _later_than_anniversary(text: str, anniversary: re.Match[str]) -> bool:
    """True for an anniversary listed in "the later of (i) the third anniversary of the Effective Date or (ii) <an
    event>": the anniversary is only the earliest end; an item the text does not date decides it."""
    if _LATER_OF.search(text, max(0, anniversary.start() - 60), anniversary.start()) is None:
        return False
    rest = text[anniversary.end() : _list_end(text, anniversary.end(), len(text))]
    others = [item for item in re.split(r"\b(?:and|or)\s+(?:\(?[a-h1-9ivx]{1,3}\)\s*)?", rest)[1:] if item.strip()]
    return any(not find_dates(item) and _ANNIVERSARY.search(item) is None for item in others)


def _ends_on(doc: Document, window: Window, position: int) -> bool:
    """Whether the words before `position` make what starts there the end of the term."""
    if _END_DATE_LEAD.search(doc.text, max(window.start, position - 70), position):
        return True
    return _LISTED_END.search(doc.text, max(window.start, position - 200), position) is not None


_LAST_DAY_OF = re.compile(r"\b(?:the\s+)?last\s+day\s+(?:of|in)\s+(?:the\s+month\s+of\s+)?$", re.IGNORECASE)


def last_day_of_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


# "shall continue in effect for the Service Period" where '"Service Period" means April 1, 2019 through March 30,
# 2020': the term ends where the named period's definition ends it.
_FOR_DEFINED_PERIOD = re.compile(
    r"\b(?:[Ff]or|[Tt]hrough|[Uu]ntil|(?:at|upon)\s+the\s+end\s+of)\s+the\s+(?P<name>(?:[A-Z][a-z]+\s+){1,2}?(?:Period|Term))\b"
)


def _defined_period_end(doc: Document, text: str) -> date | None:
    for named in _FOR_DEFINED_PERIOD.finditer(text):
        definition = re.search(
            rf"[\"“]{re.escape(named.group('name'))}[\"”]\s*(?:shall\s+)?means?\s+", doc.text, re.IGNORECASE
        )
        if definition is None:
            continue
        for found in doc.dates(definition.end(), min(len(doc.text), definition.end() + 150)):
            lead = doc.text[max(definition.end(), found.start - 40) : found.start]
            if found.value is not None and _END_DATE_LEAD.search(lead):
                return found.value
    return None


# "During the Term, Licensee shall purchase ... for the period ending June 30, 2019": an obligation that runs
# inside the term, whose dates are not the term's.
_DURING_TERM_LEAD = re.compile(
    r"\W*(?:\d+(?:\.\d+)*\s+|\(?[a-z0-9]{1,4}\)\s*)?(?:during|throughout)\s+the\s+(?:initial\s+)?term\b", re.IGNORECASE
)


# "a production period of two (2) months to commence on May 2, 2011, and the remaining term of this Agreement shall be
# for a period of twelve (12) months to commence on July 2, 2011": a term in phases ends with its last phase.
_PHASE_START = re.compile(
    r"[\s,]*(?:\([^)]{0,40}\)\s*)?(?:to\s+)?(?:commenc\w*|begin\w*|start\w*)\s+(?:on|as\s+of)\s+(?:the\s+)?"
    r"(?:[a-z]+\s+){0,3}?(?:date\s+of\s+)?$",
    re.IGNORECASE,
)


def _later_phase(doc: Document, window: Window, after: int) -> tuple[Duration, date] | None:
    """The last later phase of the term with its own length and stated start date, if any."""
    phase: tuple[Duration, date] | None = None
    for found in find_durations(doc.text, after, window.end):
        if found.duration.business or not _is_term_length(window, found):
            continue
        for start in doc.dates(found.end, min(window.end, found.end + 80)):
            if start.value is not None and _PHASE_START.match(doc.text, found.end, start.start):
                phase = (found.duration, start.value)
            break
    return phase


def _analyse_term_window(doc: Document, window: Window, headed: bool = False) -> TermFinding | None:
    text = window.text
    if _DURING_TERM_LEAD.match(text):
        return None
    if _RECITAL.match(text):
        return None  # "WHEREAS, the previous agreement expired on May 28, 2016": another agreement's story
    if _PROVISIONS_SUBJECT.match(text):
        return None
    about = next(
        (
            m
            for m in _ABOUT_TERM.finditer(text)
            if not _DEFINITION_AFTER.match(text, m.end())
            and not _WITHIN_TERM.search(text, max(0, m.start() - 12), m.start())
        ),
        None,
    )
    if about is None and _TERM_MEANS.search(text) is None and not headed:
        return None
    lowered = text.lower()
    says_end_of = "end of" in lowered  # a cheap gate for the "end of ..." patterns below
    end_date: date | None = None
    start_date: date | None = None
    floor_only = False
    for found in doc.dates(window.start, window.end):
        lead = doc.text[max(window.start, found.start - 70) : found.start]
        month_end = _LAST_DAY_OF.search(lead)
        # "expire on the last day of February, 2023": the month's last day, led like any end date.
        if (
            found.value is None
            and found.month
            and found.year
            and month_end is not None
            and _ends_on(doc, window, found.start - len(lead) + month_end.start())
        ):
            end_date = last_day_of_month(date(found.year, found.month, 1))
            break
        if found.value is not None and _ends_on(doc, window, found.start):
            listed = _later_of_dates(doc, window, found.start)
            if listed == []:
                floor_only = True  # the date is only the earliest the term can end
                break
            end_date = max(listed) if listed else found.value
            break
        if found.value is not None and _START_DATE_LEAD.search(lead):
            start_date = start_date or found.value
    if end_date is None and says_end_of:
        year_end = _END_OF_YEAR.search(text)
        if year_end is not None:
            end_date = date(int(year_end.group("year")), 12, 31)
    if end_date is None:
        end_date = _defined_period_end(doc, text)
    duration: Duration | None = None
    duration_end = window.start
    for found_duration in find_durations(doc.text, window.start, window.end):
        tail = doc.text[found_duration.end : min(window.end, found_duration.end + 60)]
        # What leads the length, white space of padded columns collapsed: the verb of an extension may sit well
        # before it ("extended automatically for a period of").
        lead = " ".join(doc.text[max(window.start, found_duration.start - 80) : found_duration.start].split()) + " "
        if _POST_TERM.match(tail) or found_duration.duration.business or found_duration.duration.unit == "hour":
            continue  # "for two years after termination" is a survival period, not the term
        if _AT_TERM_END.match(tail) or (
            _THEREAFTER.match(tail) and _DURING_TERM.search(doc.text, window.start, found_duration.start)
        ):
            continue
        if _RENEWAL_LEAD.search(lead) or re.match(r"[\s,]*(?:prior\s+to|before|in\s+advance)", tail, re.IGNORECASE):
            continue  # a renewal length or a notice period
        if _is_term_length(window, found_duration):
            duration = found_duration.duration
            duration_end = found_duration.end
            break
    if duration is not None and start_date is not None:
        phase = _later_phase(doc, window, duration_end)
        if phase is not None:
            duration, start_date = phase
    start_what: str | None = None
    anchor = _START_ANCHOR.search(text)
    if anchor:
        start_what = anchor.group("what").lower()
    elif duration is not None:
        # "fifteen (15) years after the project's in-service date": the term runs from an event the text
        # does not date, so its end cannot be computed (never from the effective date by default).
        event_start = re.match(
            r"[\s,]*(?:\([^)]*\)\s*)?(?:after|following|from|commencing\s+(?:on|upon)|beginning\s+(?:on|upon)|of)\s+(?:the\s+)?(?P<event>[^,.;]{3,60})",
            doc.text[duration_end : min(window.end, duration_end + 90)],
            re.IGNORECASE,
        )
        if (
            event_start
            and not _KNOWN_START.match(event_start.group("event"))
            and find_dates(event_start.group("event")) == []
        ):
            start_what = "event: " + event_start.group("event").strip()
    day_before = False
    contract_year = _CONTRACT_YEAR_END.search(text) if says_end_of or "expir" in lowered else None
    if contract_year and duration is None and end_date is None:
        nth = _anniversary_number(contract_year.group("nth") or contract_year.group("n"))
        year_start = _contract_year_start(doc, contract_year.group("name"))
        if nth and year_start is not None:
            duration = Duration(amount=nth, unit="year")
            start_what = year_start
    anniversary_floor = False
    anniversary = _ANNIVERSARY.search(text)
    if anniversary and duration is None and end_date is None and _later_than_anniversary(text, anniversary):
        # "the later of the third anniversary ... or the day the licensee ceases to be a subsidiary": only a floor,
        # but still the clause that ends the term, as much as one with the anniversary alone
        floor_only = anniversary_floor = True
        anniversary = None
    if anniversary and duration is None and end_date is None:
        nth_text = anniversary.group("nth")
        nth = _anniversary_number(nth_text)
        if nth:
            duration = Duration(amount=nth, unit="year")
            start_what = anniversary.group("what").lower()
            start_date = None  # the anniversary names its own starting point
            day_before = (
                re.search(
                    r"\bday\s+(?:prior\s+to|before|preceding)\s+(?:the\s+)?$",
                    text[: anniversary.start()],
                    re.IGNORECASE,
                )
                is not None
            )
    perpetual = bool(_PERPETUAL.search(text)) and end_date is None and duration is None
    event = floor_only or (
        end_date is None
        and duration is None
        and not perpetual
        and _EVENT_END.search(text) is not None
        and _EARLY_TERMINATION.search(text) is None
    )
    if end_date is None and duration is None and not perpetual and not event:
        return None
    heading = doc.heading_at(window.hit)
    score = 1.0 if (end_date or duration or perpetual or anniversary_floor) else 0.3
    if re.search(r"\b(?:during|throughout)\s+the\s+term\b|post-term", lowered):
        score -= 1.0
    if re.search(r"\b(?:the|this|initial)\s+\"?term\b|term\s+of\s+this", lowered):
        score += 1.0
    if re.search(r"[\"“](?:initial\s+)?term[\"”]\s+(?:shall\s+)?mean|\binitial\s+term\s+(?:shall\s+)?mean", lowered):
        score += 1.0  # '"Term" shall mean the period ...': the definition of the term
        if end_date is not None:
            # '"Term" means 1 March 2013 to 28 February 2014': the definition dates the term itself, so it outranks
            # a sentence that runs something "for the Term" with a length of its own.
            score += 1.0
    elif re.search(r"\((?:the\s+|such\s+period,?\s+)?[\"“](?:initial\s+)?term[\"”]\)", lowered):
        score += 1.0  # '... until terminated under Section 9 (the "Term")': the sentence that defines the term
    # "Term", "Term and Termination", "Duration": not "Termination Assistance", whose periods follow the term.
    if re.search(r"\bterm\b|duration|expir", heading):
        score += 1.5
    if re.search(r"\brenew\w*", lowered):
        score -= 0.3
    if re.search(
        r"\b(?:licen[cs]e\s+(?:granted|shall)|warrant\w*|confidential\w*|non-?compet\w*|royalt\w*|survive)", lowered
    ) and not re.search(r"\bthis\s+agreement\b", lowered):
        score -= 1.0
    # "Client may cancel, effective on the first anniversary": a right to end the term early, not its end.
    if re.search(
        r"\bmay\s+(?:terminate|cancel)\b|\bbreach\w*|\bcure\w*|prior\s+to\s+(?:the\s+)?(?:expiration|end)\b", lowered
    ):
        score -= 0.8
    return TermFinding(
        window=window,
        expiry=end_date,
        perpetual=perpetual,
        duration=duration,
        start_what=start_what,
        start_date=start_date,
        event=event,
        score=score,
        day_before=day_before,
    )


# 'The parties anticipate the Commencement Date to be November 16, 1998': the planned date of a start that the
# contract defines by an event.
_START_NAMES = {"commencement date": "Commencement", "start date": "Start", "launch date": "Launch"}


def planned_start(doc: Document, what: str) -> date | None:
    """The date the text plans for a named start ("Commencement Date", "Launch Date"), if it states one."""
    word = _START_NAMES.get(what.lower())
    if word is None:
        return None
    name = rf"{word}\s+Date"
    stated = re.compile(
        rf"(?:\b(?:anticipate[sd]?|expect(?:s|ed)?|plan(?:s|ned)?)\s+(?:that\s+)?the\s+{name}\s+(?:to\s+be|will\s+be|will\s+occur\s+on)|"
        rf"\bthe\s+{name}\s+(?:is\s+)?(?:anticipated|expected|planned|scheduled)\s+to\s+(?:be|occur)(?:\s+on)?)\s+(?:on\s+)?$"
    )
    for hit in re.finditer(rf"\b{name}\b", doc.text):
        for found in doc.dates(hit.end(), min(len(doc.text), hit.end() + 40)):
            lead = doc.text[max(0, found.start - 120) : found.start]
            if found.value is not None and stated.search(lead):
                return found.value
            break
    return None


_DEFINED_END = re.compile(
    r"\b(?:Expiration|Termination|Expiry|End)\s+Date\"?\s*(?::|shall\s+mean|means|shall\s+be|is)\s*(?:the\s+)?",
    re.IGNORECASE,
)


# 'Expiration Date: at midnight on the last day of the month fifteen (15) years from the Effective Date'.
_DEFINED_END_LENGTH = re.compile(
    r"(?:at\s+midnight\s+on\s+|at\s+the\s+end\s+of\s+)?(?:the\s+)?(?P<month_end>last\s+day\s+of\s+the\s+(?:calendar\s+)?month\s+"
    r"(?:in\s+which\s+(?:the\s+date\s+)?|that\s+is\s+)?)?$",
    re.IGNORECASE,
)


def _defined_end_length(doc: Document, defined: re.Match[str]) -> TermFinding | None:
    """An end date defined as a length from a start this analysis can date."""
    for found in find_durations(doc.text, defined.end(), min(len(doc.text), defined.end() + 120)):
        lead = _DEFINED_END_LENGTH.match(doc.text, defined.end(), found.start)
        after = (
            found.end + len(doc.text[found.end : found.end + 10]) - len(doc.text[found.end : found.end + 10].lstrip())
        )
        anchor = _START_ANCHOR.match(doc.text, after)
        if lead is None or anchor is None or found.duration.business:
            return None
        return TermFinding(
            window=doc.sentence_window(defined.start()),
            expiry=None,
            perpetual=False,
            duration=found.duration,
            start_what=anchor.group("what").lower(),
            start_date=None,
            event=False,
            score=3.0,
            month_end=lead.group("month_end") is not None,
        )
    return None


def _defined_end_date(doc: Document) -> TermFinding | None:
    """'"Expiration Date" means March 31, 2020' / 'Termination Date: December 31, 2023'."""
    for defined in doc.matches(keywords(r"(?:expiration|termination|expiry|end)\s+date"), _DEFINED_END):
        length = _defined_end_length(doc, defined)
        if length is not None:
            return length
        dates = doc.dates(defined.end(), min(len(doc.text), defined.end() + 40))
        if dates and dates[0].value is not None and dates[0].start - defined.end() < 8:
            window = doc.sentence_window(defined.start())
            return TermFinding(
                window=window,
                expiry=dates[0].value,
                perpetual=False,
                duration=None,
                start_what=None,
                start_date=None,
                event=False,
                score=3.0,
            )
    return None


# "shall expire on the Expiration Date (the "Term")": the end is a defined date, stated where it is defined.
_ENDS_ON_DEFINED_DATE = re.compile(
    r"\b(?:on|until|through)\s+the\s+(?:Expiration|Termination|Expiry|End)\s+Date\b(?!\s+of\b)", re.IGNORECASE
)


# "1.1 Initial Term. Three (3) years from the Effective Date.": the heading names what its clause is about.
_TERM_HEADING = re.compile(
    r"[ \t]*(?:(?:Section|Article|Clause)[ \t]+)?(?:[0-9IVX]{1,4}(?:\.[0-9]{1,3})*\.?|\([a-z0-9]{1,3}\))?[ \t]*"
    r"(?P<heading>(?:initial[ \t]+|contract[ \t]+)?(?:term|duration)(?:[ \t]+of[ \t]+(?:this[ \t]+|the[ \t]+)?"
    r"(?:agreement|contract))?|(?:agreement|contract)[ \t]+(?:term|period|duration))[ \t]*[.:][ \t]*(?=[A-Z(])",
    re.IGNORECASE,
)


# The clause goes on from its heading without a subject: "Three (3) years from ...", "Commencing on ...".
_SUBJECTLESS = re.compile(
    r"(?:commenc|beginn|start|from\b|effective|until\b|through\b|ending|expir|for\b|an?\s+(?:initial\s+)?(?:period|term)\b|"
    rf"the\s+period\b|\d|\(\d|perpetu|indefinite|{WORD_NUMBER}\b)",
    re.IGNORECASE,
)


def _headed_term_clauses(doc: Document) -> list[tuple[Window, bool]]:
    """The first sentence of each clause headed as the term, where it runs on from its heading on the same line, and
    whether it goes on without a subject (a clause with a subject of its own must still say it is about the term)."""
    windows: list[tuple[Window, bool]] = []
    for clause in doc.sections.clauses[:400]:
        headed = _TERM_HEADING.match(doc.text, clause.start, min(clause.end, clause.start + 120))
        if headed is None:
            continue
        # From the heading on: its words lead a length stated bare ("Initial Term. Three (3) years ...").
        at = headed.start("heading")
        end = doc.sentence_window(headed.end()).end
        window = Window(start=at, end=end, text=doc.text[at:end], hit=at)
        windows.append((window, _SUBJECTLESS.match(doc.text, headed.end()) is not None))
    return windows


def find_term(doc: Document) -> TermFinding | None:
    defined = _defined_end_date(doc)
    best: TermFinding | None = defined
    candidates = [(window, False) for window in doc.windows(_TERM_TRIGGER)]
    candidates += _headed_term_clauses(doc)
    for window, headed in candidates:
        finding = _analyse_term_window(doc, window, headed)
        if finding is not None and (best is None or finding.score > best.score):
            best = finding
    if defined is not None and best is not None and best.event and _ENDS_ON_DEFINED_DATE.search(best.window.text):
        return defined
    return best
