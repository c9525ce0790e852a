"""Renewal: whether the contract renews by itself, for how long, and the notice that stops it."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from analysis.context import Document, Window, keywords
from analysis.durations import Duration, find_durations, same_length
from analysis.numbers import NUMBER, number_from_match

# --- renewal ---------------------------------------------------------------------------------------------

_RENEWAL_TRIGGER = keywords(
    "renew",
    "tacit",
    "automatic",
    "thereafter",
    r"month[\s-]+to[\s-]+month",
    "extend",
    "extension",
    r"year[\s-]+to[\s-]+year",
    "successive",
    "continue",
    "indefinitely",
)
_AUTOMATIC = re.compile(
    r"\b(?:automatic\w*|(?:shall|will)\s+(?:thereafter\s+)?(?:be\s+)?(?:renew|extend|continue(?!\s+for\s+(?:a\s+(?:period|term)\s+of\s+)?"
    r"(?:\w+\s+)?(?:\(\d+\)|\d)))|"
    r"deemed\s+(?:to\s+(?:be|have\s+been)\s+)?(?:renewed|extended)|self-renew\w*|evergreen|year[\s-]+to[\s-]+year|"
    r"(?:renew|extend)\w*\s+(?:for|on)\s+(?:an?\s+)?(?:additional|successive|further|subsequent|consecutive)|"
    r"unless\s+(?:either|one|a|any)\s+(?:party|of\s+the\s+parties)|unless\s+(?:written\s+)?notice)",
    re.IGNORECASE,
)
_OPTIONAL = re.compile(
    r"\b(?:may\s+(?:be\s+)?(?:renew|extend)\w*|option\s+to\s+(?:renew|extend)|right\s+to\s+(?:renew|extend)|"
    r"mutual\w*\s+(?:written\s+)?(?:agree|consent)\w*|upon\s+(?:the\s+)?mutual|if\s+(?:both|the)\s+parties\s+agree|"
    r"by\s+mutual|subject\s+to\s+(?:the\s+)?(?:mutual\s+)?(?:written\s+)?agreement)",
    re.IGNORECASE,
)
_NOT_RENEWAL = re.compile(
    r"\b(?:renewal\s+of\s+(?:the\s+|any\s+|such\s+|its\s+)?(?:licen|registr|patent|trademark|insurance|polic|permit|lease|domain)|"
    r"renewal\s+(?:fees?|premium|rate|pricing|price)|extension\s+of\s+(?:time|credit)|extended\s+warranty|"
    r"extend(?:s|ed)?\s+(?:to|beyond)\s+(?:any|all|its|their|the\s+(?:affiliates|subsidiaries))|"
    r"(?:patent|registration|trademark|licen[cs]e)s?\s+(?:renewal|extension))",
    re.IGNORECASE,
)
_RENEWAL_LENGTH_LEAD = re.compile(
    r"(?:\b(?:additional|successive|further|subsequent|consecutive|renewal|extension|extended|one\s+or\s+more|"
    r"periods?\s+of|terms?\s+of|for|of|another)\s+(?:an?\s+)?(?:additional\s+|successive\s+|further\s+|"
    r"consecutive\s+|renewal\s+)?(?:periods?\s+of\s+|terms?\s+of\s+)?(?:an?\s+)?|\bon\s+an?\s+|\bperiods?,\s*|"
    # "is extended automatically by one year"; active: "may extend the term by one year", "extends by one (1) year"
    r"\b(?:renew|extend|prolong)\w*\s+(?:(?:this|the)\s+(?:agreement|term|contract)\s+)?(?:automatically\s+|tacitly\s+)?"
    r"by\s+(?:up\s+to\s+)?(?:a\s+(?:further\s+)?)?)$",
    re.IGNORECASE,
)
_SAME_AS_PREVIOUS = re.compile(
    r"\b(?:(?:of\s+)?the\s+same\s+(?:duration|length)|equal\s+(?:in\s+(?:duration|length)\s+)?to\s+the\s+(?:initial|previous|then|original)|"
    r"same\s+(?:duration|length|period)\s+as\s+the\s+(?:initial|original|previous)|"
    # "renews automatically under these same terms": the term's length is one of its terms
    r"(?:renew|extend)\w*\s+(?:\w+\s+)?(?:on|under|upon)\s+(?:the|these|such)\s+same\s+terms)",
    re.IGNORECASE,
)
_INDEFINITE_RENEWAL = re.compile(
    r"\b(?:thereafter|after\s+that|afterwards?)\b[^.]{0,80}\b(?:until\s+terminated|indefinitely|until\s+(?:either|one)\s+party)|"
    r"\bindefinitely\s+after|\b(?:renew|extend|continu)\w*\s+(?:\w+\s+){0,2}?for\s+an?\s+(?:unlimited|indefinite)\s+period",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RenewalFinding:
    window: Window
    automatic: bool
    mutual: bool  # renews only if both parties agree at the time
    term: Duration | None
    perpetual: bool
    same_as_initial: bool
    score: float


def _renewal_length(doc: Document, window: Window, start: int) -> Duration | None:
    """The length of each renewal, read after the renewal wording starting at `start`."""
    for found in find_durations(doc.text, start, window.end):
        lead = doc.text[max(window.start, found.start - 60) : found.start]
        tail = doc.text[found.end : min(window.end, found.end + 40)]
        if re.match(
            r"[\s'’]*(?:s\s+)?(?:prior|before|in\s+advance|advance|written\s+notice|notice|of\s+(?:prior\s+)?(?:written\s+)?notice)",
            tail,
            re.IGNORECASE,
        ):
            continue  # "ninety (90) days prior written notice"
        if re.search(
            r"\b(?:at\s+least|not\s+less\s+than|no\s+less\s+than|no\s+later\s+than|within|minimum\s+of)\s+$",
            lead,
            re.IGNORECASE,
        ):
            continue
        if re.search(r"\bnotice\s+periods?\s+of\s+$", lead, re.IGNORECASE):
            continue  # "terminated with a notice period of three (3) months": the notice, not the renewal
        if _RENEWAL_LENGTH_LEAD.search(lead) or re.match(
            r"[\s-]*(?:periods?|terms?|renewal|extension|increments?)", tail, re.IGNORECASE
        ):
            return found.duration
    rest = doc.text[start : window.end]
    if re.search(
        r"\byear[\s-]+to[\s-]+year\b|\bannual(?:ly)?\s+(?:basis|periods?|renewals?|terms?)\b|\bannually\b|\b(?:each|every)\s+year\b|"
        r"\b(?:an?\s+)(?:additional|further|successive|subsequent)\s+year\b|"
        r"\bfor\s+(?:an?\s+|one\s+)?(?:additional|further|successive)\s+years?\b|\bautomatic\s+annual\b",
        rest,
        re.IGNORECASE,
    ):
        return Duration(amount=1, unit="year")
    if re.search(
        r"\bmonth[\s-]+to[\s-]+month\b|\bmonthly\s+basis\b|\b(?:each|every)\s+month\b|"
        r"\b(?:an?\s+)(?:additional|further|successive|subsequent)\s+month\b",
        rest,
        re.IGNORECASE,
    ):
        return Duration(amount=1, unit="month")
    return None


# Renewal of this agreement (not of a licence, a lease, a purchase order, an offering or a deadline).
_RENEWS = re.compile(
    r"\b(?:automatic\w*\s+(?:be\s+)?(?:\w+\s+)?(?:renew\w*|(?:extend|continu)\w*\b(?!\s+(?:until|through|to)\b))|"
    r"(?:renew|extend|continu)\w*\s+automatically|"
    r"(?:shall|will)\s+(?:thereafter\s+)?(?:be\s+)?(?:automatically\s+)?(?:renew|extend)(?:s|ed|al)?\b(?!\s+(?:until|from|to|through|beyond|upon|the\s+time))|"
    r"(?:renew\w*|extend\w*|continue\w*)\s+(?:\w+\s+){0,5}?(?:thereafter\s+)?(?:for|on|by)\s+(?:up\s+to\s+)?"
    r"(?:an?\s+|one\s+or\s+more\s+|(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:\(\d+\)\s+)?)?"
    r"(?:additional|successive|further|subsequent|consecutive|another|renewal|like|similar|identical)|"
    r"(?:renew\w*|extend\w*)\s+(?:\w+\s+){0,3}?(?:for|on|by)\s+(?:an?\s+)?annual|"
    r"(?:renew\w*|extend\w*)\s+(?:for|on|by)\s+(?:an?\s+)?(?:\w+\s+)?(?:\(\d+\)\s+)?(?:years?|months?|periods?|terms?)\b|"
    r"deemed\s+(?:to\s+(?:be|have\s+been)\s+)?(?:renewed|extended)|self-renew\w*|evergreen|"
    r"year[\s-]+to[\s-]+year|month[\s-]+to[\s-]+month|successive\s+(?:\w+\s+){0,3}?(?:terms?|periods?)|"
    r"(?<=[\"“])(?:renewal|extension|extended|additional)\s+(?:term|period)s?[\"”]|"
    r"(?:option|right)\s+to\s+(?:\w+\s+)?(?:renew|extend)|option\s+to\s+continue\s+(?:the|this)\s+(?:\w+\s+)?(?:relationship|agreement|term)|tacit\w*\s+(?:renew|extend)\w*|(?:renew|extend)\w*\s+tacit\w*|"
    r"annually\s+renew|may\b[^.;]{0,200}?\b(?:renew|extend)\s+(?:this|the)\s+(?:agreement|initial\s+term|term)|"
    r"(?:thereafter|after\s+that)\b[^.]{0,80}\b(?:until\s+terminated|indefinitely|until\s+(?:either|one)\s+party))",
    re.IGNORECASE,
)
_MUTUAL = re.compile(
    r"\b(?:mutual\w*|both\s+parties|(?:the\s+)?parties\s+(?:may\s+|shall\s+)?(?:so\s+)?(?:agree|consent)|by\s+(?:written\s+)?agreement|"
    r"agreed\s+(?:upon\s+)?(?:to\s+)?in\s+writing|agree\s+in\s+writing|unless\s+(?:renewed|extended)\b)",
    re.IGNORECASE,
)
_UNILATERAL = re.compile(
    r"\b(?:option|right\s+to|by\s+(?:written\s+)?notice|at\s+its\s+(?:sole\s+)?(?:option|discretion)|may\s+elect)\b",
    re.IGNORECASE,
)
# Periods that "extend" or run "successively" without being a renewal of the agreement.
_NOT_THIS_RENEWAL = re.compile(
    r"(?:calendar|fiscal|contract|lease)\s+(?:quarter|year|month)\"?\s+(?:shall\s+)?means?|force\s+majeure|act\s+of\s+god|"
    r"beyond\s+(?:its|the|their)\s+(?:reasonable\s+)?control|time\s+(?:required\s+)?(?:for|of)\s+performance|standstill|"
    r"\bhas\s+the\s+meaning\b|\bnothing\b[^.;]{0,60}\b(?:extend|renew)|\bshall\s+not\s+cause\b|"
    # a right granted elsewhere, qualified here; a year inside the term that is extended
    r"\bnotwithstanding\s+(?:\S+\s+){0,2}?(?:right|option)\s+to\s+(?:renew|extend)|"
    r"\byear\s+of\s+the\s+(?:initial\s+)?term\b[^.;]{0,40}?\b(?:shall|will)\s+be\s+extended",
    re.IGNORECASE,
)
# The renewal of another agreement, named in lower case ("will renew the master hire agreement"); this one is
# "this Agreement" or its defined name.
_OTHER_AGREEMENT_RENEWED = re.compile(
    r"\b(?:renew|extend)\w*\s+(?:the|its|any|each|such)\s+(?!initial\b|then\b|current\b|renewal\b|term\b)(?:[a-z-]+\s+){1,4}"
    r"(?:agreement|contract|lease)s?\b"
)
_ABOUT_AGREEMENT = re.compile(
    r"\b(?:agreement|contract|terms?|initial\s+period|attachment|addendum|arrangement|appointment|franchise|"
    r"order\s+form|statement\s+of\s+work|sow|schedule|subscription|licen[cs]e\s+term)\b",
    re.IGNORECASE,
)


_NO_AUTOMATIC_RENEWAL = re.compile(
    r"\bno\s+automatic\s+(?:renewal|extension)|\b(?:shall|will|does)\s+not\s+(?:be\s+)?(?:automatically\s+)?(?:renew|extend)\w*|"
    r"\bnot\s+(?:be\s+)?(?:renewed|extended)\s+automatically|"
    r"\bneither\s+party\s+is\s+(?:obliged|obligated|required)\s+to\s+(?:agree\s+to\s+)?(?:a\s+|any\s+)?renew|"
    r"\bmay\s+be\s+(?:renewed|extended)\s+only\b|\bnot\s+renew\s+by\s+operation\s+of\s+law",
    re.IGNORECASE,
)


_SUBJECT_BEFORE = re.compile(
    r"\b(?:agreement|contract|term|order\s+form|appointment|statement\s+of\s+work|sow|licen[cs]e|attachment|addendum)\b"
    r"[^.;]{0,60}$",
    re.IGNORECASE,
)
# The sentence opens with the agreement as its subject: "This Agreement shall commence ... and shall
# automatically renew ...", however long the clauses in between.
_OPENS_WITH_THE = r"^\W*(?:[\d.()a-z]{1,6}\s+)?(?:\w+\.?\s+){0,3}?(?:this|the)\s+"  # after a number, a heading
_AGREEMENT_SUBJECT = re.compile(
    _OPENS_WITH_THE + r"(?:agreement|contract)\s+(?:shall|will|is|commences?)\b",
    re.IGNORECASE,
)


# "... continues for two years. Thereafter it renews automatically ...": the renewal's subject is a pronoun whose
# antecedent is the previous sentence's subject.
_PRONOUN_SUBJECT = re.compile(
    r"(?:^|[,;:]|\bthereafter|\band)\s*(?:thereafter\s*,?\s*)?\bit\s+(?:(?:shall|will|then|thereafter|also)\s+){0,2}"
    r"(?:be\s+)?$",
    re.IGNORECASE,
)
# That previous sentence opens with the agreement or its term as its subject.
_AGREEMENT_OR_TERM_SUBJECT = re.compile(
    _OPENS_WITH_THE + r"(?:(?:agreement|contract)|(?:initial\s+)?term(?:\s+of\s+this\s+(?:agreement|contract))?)\s+"
    r"(?:shall|will|is|commences?|begins?|starts?|continues?|runs?|remains?)\b",
    re.IGNORECASE,
)


def _previous_sentence(text: str, start: int) -> str:
    """The sentence just before `start`, cut at its own start (a run of headings and a preamble are not one
    subject)."""
    before = text[max(0, start - 400) : start].rstrip()
    return re.split(r"(?<=[.;:])\s+|\n", before)[-1] if before else ""


def _renews_this_agreement(text: str, renews: re.Match[str], previous: Callable[[], str] = str) -> bool:
    """Whether a renewal phrase is about the agreement ("this Agreement shall be extended"), not about a
    status, a period or a deadline ("the time for performance shall be extended"). `previous()`: the sentence
    before, the antecedent of an "it" that renews (cut only when an "it" renews)."""
    phrase = renews.group(0).lower()
    if "tacit" in phrase:
        return True  # tacit renewal is said of contracts only
    if _PRONOUN_SUBJECT.search(text, 0, renews.start()) and _AGREEMENT_OR_TERM_SUBJECT.match(previous()):
        return True
    if not _ABOUT_AGREEMENT.search(text, max(0, renews.start() - 160), renews.end() + 60):
        # A verb sharing the sentence's subject: "This Agreement shall commence ..., and shall automatically renew"
        shares_subject = _AGREEMENT_SUBJECT.match(text) is not None or (
            re.search(r"(?:,|\band)\s*$", text[: renews.start()]) is not None
            and re.search(r"\b(?:this|the)\s+agreement\b", text[: renews.start()], re.IGNORECASE) is not None
        )
        return shares_subject and "automatic" in phrase
    if phrase.startswith(("shall", "will")) and "automatic" not in phrase:
        return (
            _SUBJECT_BEFORE.search(text, max(0, renews.start() - 80), renews.start()) is not None
            or re.match(r"\s*automatically\b", text[renews.end() :], re.IGNORECASE) is not None
        )
    return True


# "will automatically renew ... unless notice that this Agreement will not be renewed": still automatic.
_POSITIVE_AUTOMATIC = re.compile(
    r"(?<!not )(?<!no )(?:automatically\s+(?:be\s+)?(?:renew|extend)|(?:renew|extend)\w*\s+automatically)",
    re.IGNORECASE,
)


def find_no_automatic_renewal(doc: Document) -> Window | None:
    """A sentence saying the contract does not renew by itself ("there shall be no automatic renewal")."""
    for window in doc.windows(_RENEWAL_TRIGGER):
        if (
            _NO_AUTOMATIC_RENEWAL.search(window.text)
            and _ABOUT_AGREEMENT.search(window.text)
            and not _POSITIVE_AUTOMATIC.search(window.text)
        ):
            return window
    return None


def find_renewal(doc: Document) -> RenewalFinding | None:
    best: RenewalFinding | None = None
    for window in doc.windows(_RENEWAL_TRIGGER):
        text = window.text
        previous = functools.partial(_previous_sentence, doc.text, window.start)
        renews = next((m for m in _RENEWS.finditer(text) if _renews_this_agreement(text, m, previous)), None)
        if renews is None:
            continue
        if _NOT_RENEWAL.search(text) and not re.search(r"\bterm\b", text, re.IGNORECASE):
            continue
        if _NO_AUTOMATIC_RENEWAL.search(text) and not _POSITIVE_AUTOMATIC.search(text):
            continue  # "may be renewed only by mutual written agreement; there shall be no automatic renewal"
        automatic = _AUTOMATIC.search(text) is not None and not _OPTIONAL.search(text)
        if re.search(r"automatic", text, re.IGNORECASE):
            automatic = True
        mutual_only = not automatic and _MUTUAL.search(text) is not None and not _UNILATERAL.search(text)
        if mutual_only:
            continue  # renewal only if both parties later agree: not a renewal term the contract grants (measured)
        if _NOT_THIS_RENEWAL.search(text) or _OTHER_AGREEMENT_RENEWED.search(text):
            continue
        indefinite_match = _INDEFINITE_RENEWAL.search(text)
        # "continues thereafter until terminated" renews only if a fixed first term precedes it (in this
        # sentence, or in the previous one when this one opens with "Thereafter").
        indefinite = (
            indefinite_match is not None
            and re.search(
                r"initial\s+(?:term|period)|\b(?:years?|months?)\b|\d|^\W*(?:thereafter|after\s+the\s+initial)",
                text[: indefinite_match.start() + 12],
                re.IGNORECASE,
            )
            is not None
        )
        opens_open_ended = renews.group(0).lower().startswith(("thereafter", "after"))
        if indefinite_match is not None and not indefinite and opens_open_ended:
            continue  # "effective as of the date above and continues thereafter until terminated": no first term
        # "continues thereafter until terminated": an open-ended renewal has no length of its own.
        open_ended = (
            indefinite
            and re.match(r"(?:thereafter|after\s+that)\b", renews.group(0), re.IGNORECASE) is not None
            and not re.search(
                r"(?:month|year)[\s-]+to[\s-]+(?:month|year)|successive|renew\w*\s+(?:for|on)", text, re.IGNORECASE
            )
        )
        length = None if open_ended else _renewal_length(doc, window, window.start + renews.start())
        same = _SAME_AS_PREVIOUS.search(text) is not None
        score = 1.0 + (1.0 if automatic else 0.0) + (1.0 if length else 0.0) + (0.5 if indefinite else 0.0)
        heading = doc.heading_at(window.hit)
        if "term" in heading or "renew" in heading:
            score += 1.0
        if re.search(r"\b(?:this\s+agreement|the\s+(?:initial\s+)?term)\b", text, re.IGNORECASE):
            score += 0.5
        finding = RenewalFinding(
            window=window,
            automatic=automatic,
            mutual=mutual_only,
            term=length,
            perpetual=indefinite and length is None,
            same_as_initial=same,
            score=score,
        )
        if best is None or finding.score > best.score:
            best = finding
    return best


# --- notice period to stop renewal -------------------------------------------------------------------

_NOTICE_TRIGGER = keywords("notice", "notif", r"prior\s+to\s+the\s+(?:end|expir)")
_BEFORE_WORDS = re.compile(
    r"^[\s'’)]*(?:s\s+)?(?:\(\s*\d+\s*\)\s*)?(?:calendar\s+)?(?:or\s+more\s+)?(?:prior|before|in\s+advance|preceding|"
    r"ahead|advance|written|notice|of\s+(?:written\s+|prior\s+)*notice|"
    # "a notice period of three (3) months to the end of the contract year"
    r"to\s+the\s+(?:end|expir\w*)\s+of)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NoticeFinding:
    window: Window
    period: Duration | None  # None: the clause exists but its period is redacted or left blank
    score: float
    confidence: float


_NON_RENEWAL = re.compile(
    r"non-?\s?renew\w*|not\s+(?:to\s+)?(?:renew|extend|continue)\b|intention\s+not\s+to|"
    r"not\s+(?:wish|want|intend|desire|elect)\s+to\s+(?:renew|extend|continue)|prevent\s+such\s+(?:renewal|extension)|prevent\s+(?:the\s+)?(?:automatic\s+)?renewal|"
    r"(?:terminat\w*|cancel\w*)\s+(?:this\s+agreement\s+)?(?:at|as\s+of|upon|effective\s+(?:at\s+|as\s+of\s+|upon\s+|on\s+)?)\s*(?:the\s+)?"
    r"(?:end|expir\w*)|"
    r"(?:terminat|cancel)\w*[^.;]{0,120}?\b(?:prior\s+to|before)\s+(?:the\s+)?(?:(?:expiration|expiry|end)\s+of\s+(?:the\s+|any\s+|each\s+)?"
    r"(?:then[\s-]+current|relevant|current|initial|renewal|applicable|extended)\b|(?:next\s+|applicable\s+)?renewal\s+date|"
    r"(?:next\s+|applicable\s+)?anniversary)|"
    # "unless either party opts out (objects) ... before the end of the term": a party's choice not to go on.
    r"\bopt(?:s|ed|ing)?\s+out\b|\bcancel\w*\s+(?:the|any|such|a)\s+(?:automatic\s+)?(?:renewal|extension)\b|\bunless\s+(?:either|a|one|any)\s+(?:party|of\s+the\s+parties)\s+(?:\w+\s+){0,2}?objects?\b",
    re.IGNORECASE,
)
# Termination or cancellation (said just before, in the same clause) that stops the next term: "terminate only
# during the Extended Term, upon notice", "notice of termination before any such successive period",
# "cancellable before the expiry date of the Agreement or any of its renewals". Anchored on the rarer second half
# (searched first) because a lazy scan from every "terminat" costs a quarter of the notice search.
_NEXT_TERM = re.compile(
    r"\b(?:during|in)\s+(?:the\s+|any\s+|each\s+|such\s+|a\s+)?(?:extended|renewal|extension)\s+(?:term|period)|"
    r"\b(?:prior\s+to|before)\s+(?:the\s+(?:start|commencement|beginning)\s+of\s+)?(?:any|each|the|a|such)\s+(?:such\s+)?"
    r"(?:successive|renewal|additional|extension|subsequent)\b|"
    r"\b(?:prior\s+to|before)\s+(?:the\s+)?(?:expiration|expiry|end)\b[^.;]{0,60}?\brenewals?\b",
    re.IGNORECASE,
)
_TERMINATION_BEFORE = re.compile(r"\b(?:terminat|cancel)\w*[^.;]*$", re.IGNORECASE)


def _stops_renewal(text: str) -> bool:
    if _NON_RENEWAL.search(text):
        return True
    return any(_TERMINATION_BEFORE.search(text, max(0, m.start() - 120), m.start()) for m in _NEXT_TERM.finditer(text))


_TERMINATES = re.compile(r"\bterminat\w*|\bcancel\w*|\bnotice\s+of\s+termination", re.IGNORECASE)
_END_OF_TERM = re.compile(
    r"(?:end|expir\w*|conclusion|close)\s+of\s+(?:the\s+|such\s+|any\s+|each\s+|its\s+)?(?:then[\s-]+(?:current|existing|applicable)\s+|"
    r"initial\s+|renewal\s+|current\s+|applicable\s+|relevant\s+|respective\s+|extended\s+|original\s+)?(?:term|initial\s+period|renewal\s+period|extension\s+period)\b|"
    r"(?:end|expir\w*)\s+of\s+(?:this|the)\s+agreement|"
    r"anniversary|renewal\s+date|expiry\s+date|expiration\s+date|then[\s-]+current\s+term",
    re.IGNORECASE,
)
_EVERGREEN = re.compile(
    r"\b(?:continue|remain)\w*\b[^.;]{0,60}?\buntil\s+(?:terminated|either|one|any)\b|"
    r"\bindefinitely\b[^.;]{0,40}\buntil\b|\bmonth[\s-]+to[\s-]+month\b",
    re.IGNORECASE,
)
# Notice to exercise an option to renew is not notice that stops a renewal.
_EXERCISE = re.compile(
    r"(?:election|elect|elects|wish\w*|desire\w*|intend\w*|option|seek\w*)\s+(?:\w+\s+){0,2}?to\s+(?:renew|extend)|"
    r"to\s+exercise|exercis\w*\s+(?:its|the|such|this|their|an?)\s+(?:\w+\s+)?(?:option|right)|"
    r"may\b[^.;]{0,200}?\bextend\s+(?:this|the)\b|so\s+extend|mutual\w*|at\s+its\s+(?:sole\s+)?option",
    re.IGNORECASE,
)
_UNSTATED_PERIOD = re.compile(
    r"\[[^\]]{0,12}\]\s*(?:days?\s+)?(?:prior|before|in\s+advance)|(?<!_)_{3,}+\s*(?:days?\s+)?(?:prior|before)",
    re.IGNORECASE,
)
_FOR_CAUSE = re.compile(r"\b(?:breach\w*|default\w*|cure\w*|insolven\w*|bankrupt\w*|force\s+majeure)\b", re.IGNORECASE)
_NOT_AGREEMENT_NOTICE = re.compile(
    r"\b(?:polic(?:y|ies)|insur\w*|charges|fees|prices?|patent|application)\b", re.IGNORECASE
)
# Notice of a change to an insurance policy ("cancellation, non-renewal or material change"), not of this agreement.
_POLICY_NOTICE = re.compile(
    r"\bcancell?ation\s*,?\s+(?:or\s+)?non-?\s?renewal\s*,?\s+(?:or\s+)?(?:(?:any\s+)?material\s+)?(?:modification|change|reduction)",
    re.IGNORECASE,
)
# Notice counted back from a termination date the party chooses: termination at will, not at the end of a term.
_CHOSEN_TERMINATION_DATE = re.compile(
    r"\b(?:prior\s+to|before)\s+(?:the\s+)?(?:desired|intended|proposed|requested|effective)\s+(?:date\s+of\s+termination|"
    r"termination\s+date)",
    re.IGNORECASE,
)
# Notice of a shortcoming to put right, not notice that ends the agreement.
_DEFICIENCY_NOTICE = re.compile(
    r"\bnotice\s+of\s+(?:any\s+|the\s+|such\s+)?(?:deficienc|defect|shortcoming)\w*", re.IGNORECASE
)
# Someone tells the other party (notice, a request in writing, "unless terminated by either party").
_NOTICE_WORD = re.compile(
    r"\bnoti(?:ce|f)|\binform|\badvise|\bin\s+writing|\brequest|\bterminat\w*\s+by\b|\bterminat\w*\s+(?:it|this)\b",
    re.IGNORECASE,
)
_CANCELS = re.compile(r"\bcancel\w*|\bopt(?:s|ed|ing)?\s+out\b|\bobjects?\b", re.IGNORECASE)
# The lower bound of a notice window, written without its unit before the upper bound.
_WINDOW_LOWER = re.compile(
    rf"\b(?:(?:not|no)\s+(?:less|fewer|earlier)\s+than|between)\s+{NUMBER}\s*,?\s*(?:nor|and|or|but)\s+"
    r"(?:not\s+|no\s+)?(?:(?:more|greater|later)\s+than\s+)?$",
    re.IGNORECASE,
)
_AT_LEAST = re.compile(
    r"\b(?:at\s+least|not\s+less\s+than|no\s+less\s+than|no\s+later\s+than|not\s+later\s+than|minimum\s+of)\s+(?:an?\s+)?$",
    re.IGNORECASE,
)


# Termination at will: "for convenience", "at any time", "without cause", "for any reason".
_AT_WILL = re.compile(
    r"\bfor\s+(?:its\s+|their\s+|the\s+)?convenience\b|\bat\s+any\s+time\b|\bwithout\s+cause\b|"
    r"\bfor\s+any\s+(?:or\s+no\s+)?reason\b",
    re.IGNORECASE,
)


# What a notice is about: "notify the other party in writing of any reduction", "notice of the change".
_NOTICE_OF = re.compile(
    r"\bnoti(?:ce|fy|fies|fied)\s+(?:(?!(?:prior|before|given|days?|months?|years?)\b)[a-z]+\s+){0,5}?"
    r"of\s+(?:any|an?|the|its|their|such)\s+(?P<what>[a-z-]+)",
    re.IGNORECASE,
)
_NOTICE_OF_ENDING = re.compile(
    r"(?:terminat|cancel|non-?renew|expir|intent|election|decision|desire|wish)", re.IGNORECASE
)


def _parent_number(number: str) -> str:
    cut = max(number.rstrip(".").rfind("."), number.rfind("("))
    return number[:cut] if cut > 0 else ""


def _same_section(doc: Document, first: int, second: int) -> bool:
    """Whether `second` lies in the section of `first`, one nested in it or a sibling under the same parent
    ("13.1" and "13.2" of a Duration section): a sentence in another numbered section ("9.", "4.4" after
    "3.2") is about something else, not the notice that stops the renewal above it."""
    here, there = doc.sections.locate(first)[0], doc.sections.locate(second)[0]
    if here is None or there is None or here == there:
        return True
    if there.startswith((here + ".", here + "(")):
        return True
    parent = _parent_number(here)
    return bool(parent) and parent == _parent_number(there)


def find_renewal_notice(doc: Document, renewal: RenewalFinding | None) -> list[NoticeFinding]:
    """The notice period that stops a renewal (best first); more than one only if the text contradicts itself."""
    windows: list[Window] = []
    if renewal is not None and not renewal.mutual:
        windows.append(renewal.window)
        # The notice requirement often follows in the next sentence.
        index = doc.sentences.index_at(renewal.window.end) + 1
        # A bare clause number ("13.2.") splits off as a sentence of its own: the requirement follows it.
        while index < len(doc.sentences.starts) and not re.search(
            r"[A-Za-z]{2}", doc.sentence_window(doc.sentences.starts[index]).text
        ):
            index += 1
        if index < len(doc.sentences.starts):
            following = doc.sentence_window(doc.sentences.starts[index])
            if _same_section(doc, renewal.window.start, following.start):
                windows.append(following)
    adjacent = len(windows)  # the renewal sentence and the one after it
    windows.extend(doc.windows(_NOTICE_TRIGGER))
    best: NoticeFinding | None = None
    found_all: list[NoticeFinding] = []
    for rank, window in enumerate(windows):
        text = window.text
        non_renewal = _stops_renewal(text)
        follows_renewal = rank < adjacent
        if follows_renewal and rank > 0 and not non_renewal and not _TERMINATES.search(text):
            other = _NOTICE_OF.search(text)
            if other and not _NOTICE_OF_ENDING.match(other.group("what")):
                # "notify ... of any reduction in the licences before the renewal date": a notice about
                # something else that happens to be timed by the renewal.
                follows_renewal = False
        if follows_renewal and rank > 0 and not non_renewal and _AT_WILL.search(text) and not _END_OF_TERM.search(text):
            # The sentence after the renewal that lets a party terminate at will is termination for
            # convenience, not the notice that stops the renewal.
            follows_renewal = False
        if not (non_renewal or follows_renewal):
            continue
        terminates = _TERMINATES.search(text) is not None
        end_of_term = _END_OF_TERM.search(text) is not None
        evergreen = _EVERGREEN.search(text) is not None
        if _EXERCISE.search(text) and not non_renewal:
            continue
        if _NOT_AGREEMENT_NOTICE.search(text) and not follows_renewal:
            continue
        # "unless a party cancels (opts out) no later than 60 days before the renewal date": cancelling the renewal
        # tells the other party too (cancelling an order does not stop the renewal).
        told = _NOTICE_WORD.search(text) or (non_renewal and _CANCELS.search(text))
        if _POLICY_NOTICE.search(text) or _DEFICIENCY_NOTICE.search(text) or not told:
            continue  # an insurance policy's notice; a date to negotiate by is no notice period
        if _CHOSEN_TERMINATION_DATE.search(text) and not non_renewal and not end_of_term:
            continue
        if _FOR_CAUSE.search(text) and not (non_renewal or follows_renewal):
            continue  # termination for breach, insolvency or force majeure
        if re.search(r"\b(?:with|for)\s+cause\b", text, re.IGNORECASE) and not non_renewal:
            continue  # "may be terminated with cause upon thirty (30) days notice", even right after the renewal
        # Notice that ends an evergreen term or cancels "at the end of the term" without any renewal wording
        # was measured to be mostly something else (termination for convenience): left out.
        if not (
            non_renewal
            or (follows_renewal and (terminates or end_of_term or re.search(r"\bnoti(?:ce|f)", text, re.IGNORECASE)))
        ):
            continue
        for found in find_durations(doc.text, window.start, window.end):
            tail = doc.text[found.end : min(window.end, found.end + 40)]
            lead = doc.text[max(window.start, found.start - 50) : found.start]
            period = found.duration
            if (lower := _WINDOW_LOWER.search(lead)) is not None and (amount := number_from_match(lower)):
                # "not less than 90 nor more than 180 days before": the notice is due 90 days before; 180 only
                # opens the window. The lower bound shares the unit written once after the upper.
                period = Duration(amount=amount, unit=period.unit, business=period.business)
            if not (_BEFORE_WORDS.match(tail) or _AT_LEAST.search(lead)):
                continue
            if re.match(r"[\s-]*(?:periods?|terms?)\b", tail, re.IGNORECASE) or found.duration.unit == "hour":
                continue
            score = 2.0 if follows_renewal else 1.0
            if non_renewal:
                score += 1.5
            if re.search(r"renew|extend|extension", text, re.IGNORECASE):
                score += 1.0
            if end_of_term:
                score += 0.5
            if terminates and (end_of_term or evergreen):
                score += 1.0
            if non_renewal:
                confidence = 0.95 if follows_renewal else 0.9
            elif follows_renewal:
                confidence = 0.85
            else:
                confidence = 0.7 if end_of_term else 0.65
            finding = NoticeFinding(window=window, period=period, score=score, confidence=confidence)
            found_all.append(finding)
            if best is None or finding.score > best.score:
                best = finding
            break
        else:
            renews = follows_renewal or renewal is not None or re.search(r"renewal\s+(?:term|period)", text, re.I)
            if non_renewal and renews and _UNSTATED_PERIOD.search(text):
                # "notice of non-renewal [***] prior to the end of the term": the clause, without its period.
                finding = NoticeFinding(window=window, period=None, score=2.0, confidence=0.5)
                if best is None:
                    best = finding
    if best is None or best.score < 2.0:
        return []
    # Another non-renewal notice clause with a different period contradicts the first: report both.
    chosen = [best]
    for finding in found_all:
        if (
            finding.period is not None
            and finding.score >= max(2.0, best.score - 1.0)
            and not any(kept.period is None or same_length(finding.period.iso, kept.period.iso) for kept in chosen)
        ):
            chosen.append(finding)
    return chosen
