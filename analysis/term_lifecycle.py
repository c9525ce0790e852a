"""The life of a contract: agreement and effective dates, initial term and expiry, renewal and the
notice period that stops it.

Rules, not guesses: a value is stated only when the text fixes it; otherwise the term carries
`UNDETERMINED` (or is left out) and the document gets a warning saying what could not be determined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from analysis.context import Document, Window, keywords
from analysis.dates import DateMatch, DateResult, add_duration, find_dates
from analysis.durations import Duration, DurationMatch, find_durations, same_length
from analysis.models import PERPETUAL, UNDETERMINED, KeyTerm, TermKind
from analysis.numbers import ORDINAL_WORD, WORD_NUMBER, ordinal_to_int, words_to_int

PREAMBLE_CHARS = 6000
_TRIGGER_LOOKBACK = 140

# --- agreement date ---------------------------------------------------------------------------------

# Words that introduce the date of the agreement in a preamble ("is made as of", "dated", "this ... day").
_AGREEMENT_TRIGGER = re.compile(
    r"(?:\bdated\b|\bas\s+of\b|\bentered\s+into\b|\bmade\b|\bexecuted\b|\beffective\b|\bsigned\b|\bthis\b|"
    r"\bdate\s*:|\bon\b|\bagreement\b)",
    re.IGNORECASE,
)
_DATE_LABEL = re.compile(r"\b(?:dated|date)\s*:?\s*$", re.IGNORECASE)
_NOT_AGREEMENT_DATE = re.compile(
    r"(?:\b(?:on\s+or\s+before|until|through|prior\s+to|extended\s+to|no\s+later\s+than|before|after|ending|"
    r"expir\w*|by|(?:beginning|commencing|starting|ending|terminating|expiring|from)(?:\s+on)?)\s+(?:the\s+)?$|\bsource\s*:|\bfiled\b|\bfiling\b|\b10-?[kq]\b|\b8-k\b|\bs-1\b|\bexpir|\bterminat|\bamended\b|"
    r"\bbirth\b|\bperiod\s+(?:from|ending|ended)\b|\bprospectus\b|\bregistration\s+statement\b|"
    r"\bincorporated\b|\bformed\b|\borganized\b|\bpursuant\s+to\b|\bunder\s+(?:that\s+certain|the)\b)",
    re.IGNORECASE,
)
# "made as of , 2013" and "AGREEMENT , 2009": a date whose day and month were never filled in.
_BLANK_BEFORE_YEAR = re.compile(
    r"(?:\bas\s+of|\bdated|\bAGREEMENT|\bmade|\bthis)\s{0,10}(?P<date>,\s{0,4}(?:19|20)\d\d)\b", re.IGNORECASE
)
_WITNESS_TRIGGER = keywords(r"in\s+witness", "executed", "signed", "done")
_EFFECTIVE_DATE_TRIGGER = keywords(r"(?:effective|commencement|start)\s+date")
_TAKES_EFFECT_TRIGGER = keywords(
    "effective", "commenc", "take", "took", "enter", "come", "in force", "with effect", "begin", "start", "effect"
)
_WITNESS = re.compile(
    r"IN\s+WITNESS\s+WHEREOF|\b(?:EXECUTED|SIGNED|DONE)\b[^.\n]{0,60}?\b(?:as\s+of|this|on)\b", re.IGNORECASE
)
# "amends that certain Agreement dated March 7, 2016": a date that belongs to another agreement.
_REFERENCE = re.compile(
    r"\b(?:that\s+certain|amends|amending|supplements|as\s+amended|the\s+original|existing|previous|prior|"
    r"governed\s+by|under\s+(?:and\s+governed\s+by\s+)?the)\b",
    re.IGNORECASE,
)
_OWN_DATE_VERB = re.compile(r"\b(?:made|entered|effective|executed|signed)\b", re.IGNORECASE)


@dataclass(frozen=True)
class FoundDate:
    match: DateMatch
    cite_start: int  # the citation runs from the trigger phrase to the end of the date ...
    confidence: float
    cite_end: int | None = None  # ... or to here, when the date is stated elsewhere (by reference)

    @property
    def value(self) -> str:
        return self.match.value.isoformat() if self.match.value else UNDETERMINED


def _trigger_before(doc: Document, found: DateMatch) -> int | None:
    """Start of the nearest trigger word before a date in its sentence, or None if there is none."""
    sentence_start, _ = doc.sentences.span_at(found.start)
    low = max(sentence_start, found.start - _TRIGGER_LOOKBACK)
    before = doc.text[low : found.start]
    hits = list(_AGREEMENT_TRIGGER.finditer(before))
    return low + hits[-1].start() if hits else None


def _acceptable_agreement_date(doc: Document, found: DateMatch) -> bool:
    before = doc.text[max(0, found.start - 60) : found.start]
    if re.search(
        r"\b(?:with\s+effect\s+from|tak(?:es?|ing)\s+effect\s+(?:on|from|as\s+of)|come[s]?\s+into\s+(?:force|effect)\s+(?:on|from))\s+(?:the\s+)?$",
        before,
        re.IGNORECASE,
    ):
        return False  # when it takes effect, not when it was made
    return not _NOT_AGREEMENT_DATE.search(before)


def _preamble_dates(doc: Document) -> list[FoundDate]:
    """Dates the preamble gives the agreement, in document order."""
    text = doc.text
    preamble_end = min(len(text), PREAMBLE_CHARS)
    candidates = find_dates(text, 0, preamble_end)
    for blank in _BLANK_BEFORE_YEAR.finditer(text, 0, min(preamble_end, 3000)):
        start = blank.start("date")
        if not any(c.start <= start < c.end for c in candidates):
            candidates.append(
                DateMatch(start=start, end=blank.end("date"), value=None, reason="the day and month are left blank")
            )
    candidates.sort(key=lambda m: m.start)
    found: list[FoundDate] = []
    for candidate in candidates:
        sentence_start, _ = doc.sentences.span_at(candidate.start)
        if re.match(r"\s*(?:WHEREAS|Whereas|RECITAL)", text[sentence_start : sentence_start + 20]):
            continue  # recitals date earlier agreements, not this one
        if not _acceptable_agreement_date(doc, candidate):
            continue
        lookback = text[max(sentence_start, candidate.start - 150) : candidate.start]
        references = [m.end() for m in _REFERENCE.finditer(lookback)]
        own = [m.end() for m in _OWN_DATE_VERB.finditer(lookback)]
        if references and (not own or references[-1] > own[-1]):
            continue
        trigger = _trigger_before(doc, candidate)
        standalone = (
            re.search(r"(?:^|\n|[ ]{3})[ ]*$", text[max(0, candidate.start - 40) : candidate.start]) is not None
        )
        if trigger is None and candidate.start < 3000 and standalone:
            # A date on its own line under the title: "COLLABORATION AGREEMENT ... \n\nJune 1, 2005".
            if re.search(r"AGREEMENT|Agreement|CONTRACT", text[max(0, candidate.start - 300) : candidate.start]):
                trigger = candidate.start
        if trigger is not None:
            found.append(FoundDate(match=candidate, cite_start=trigger, confidence=0.9 if candidate.value else 0.6))
    return found


def _signature_date(doc: Document) -> FoundDate | None:
    """The date at the signatures: "IN WITNESS WHEREOF ... as of <date>", "Date: <date>"."""
    text = doc.text
    for witness in doc.matches(_WITNESS_TRIGGER, _WITNESS):
        window = doc.sentence_window(witness.start())
        dates = find_dates(text, witness.start(), min(len(text), window.end + 200))
        if dates:
            return FoundDate(match=dates[0], cite_start=witness.start(), confidence=0.7)
    # "Date:" lines under the signatures: the agreement is made when the last party signs.
    labelled: list[FoundDate] = []
    for label in doc.matches(_DATE_LABEL_TRIGGER, _DATE_LABEL_COLON):
        dates = find_dates(text, label.end(), min(len(text), label.end() + 40))
        if dates and dates[0].start - label.end() < 6 and dates[0].value is not None:
            labelled.append(FoundDate(match=dates[0], cite_start=label.start(), confidence=0.6))
            if len(labelled) > 1 and dates[0].start - labelled[0].match.start > 3000:
                break  # another block of signatures, further on (an exhibit)
    if labelled:
        return max(labelled, key=lambda found: found.match.value or date.min)
    return None


_DATE_LABEL_TRIGGER = keywords("date")
_DATE_LABEL_COLON = re.compile(r"\b(?:Dated|Date)\s*:", re.IGNORECASE)
_EFFECTIVE_LEAD = re.compile(r"\b(?:effective|commenc\w*|effect\s+from)\b[^.]{0,25}$", re.IGNORECASE)


def find_agreement_date(doc: Document) -> FoundDate | None:
    preamble = _preamble_dates(doc)
    if not preamble:
        return _signature_date(doc)
    chosen = preamble[0]
    # 'effective as of May 1, 2020 and is made and entered into this 10th day of January, 2020': the
    # agreement is dated when it is made; the effective date is a separate fact.
    same_sentence = [
        f for f in preamble if doc.sentences.index_at(f.match.start) == doc.sentences.index_at(chosen.match.start)
    ]
    for candidate in same_sentence:
        lead = doc.text[max(0, candidate.match.start - 45) : candidate.match.start]
        if not _EFFECTIVE_LEAD.search(lead):
            chosen = candidate
            break
    if chosen.match.value is None:
        # A blank preamble date may be completed elsewhere (at the signatures); never across years.
        completions = [f for f in preamble if f.match.value is not None]
        signature = _signature_date(doc)
        if signature is not None and signature.match.value is not None:
            completions.append(signature)
        for completion in completions:
            year = completion.match.value.year if completion.match.value else None
            if chosen.match.year is None or chosen.match.year == year:
                return FoundDate(match=completion.match, cite_start=completion.cite_start, confidence=0.6)
    return chosen


# --- effective date ----------------------------------------------------------------------------------

_EFFECTIVE_NAME = r"(?:Effective|Commencement|Start)\s+Date"
_EFFECTIVE_DEFINED = re.compile(rf"[\"'(]\s*(?:the\s+)?\"?{_EFFECTIVE_NAME}\"?\s*[\"')]", re.IGNORECASE)
_EFFECTIVE_MEANS = re.compile(
    rf"\"?{_EFFECTIVE_NAME}\"?\s*(?:\"\s*)?(?:shall\s+mean|means|is|:|shall\s+be|will\s+be|has\s+the\s+meaning|"
    r"of\s+this\s+Agreement\s+(?:is|shall\s+be))",
    re.IGNORECASE,
)
# "EFFECTIVE DATE\n\n JUNE 1, 1998": a label with the date right after it.
_EFFECTIVE_LABEL = re.compile(rf"{_EFFECTIVE_NAME}(?![\"')])", re.IGNORECASE)
# 'This Agreement shall become effective on 1 March 2003' / 'The term shall commence on ...'.
_EFFECTIVE_VERB = re.compile(
    r"\b(?:effective|commenc\w*|take[sn]?\s+effect|took\s+effect|enter\w*\s+into\s+(?:force|effect)|come[s]?\s+into\s+(?:force|effect)|"
    r"in\s+force|with\s+effect|begin\w*|start\w*)"
    r"(?:\s+(?:as\s+(?:of|from)|on|from|upon|beginning|immediately))?(?:\s+the)?\s*",
    re.IGNORECASE,
)
_AGREEMENT_SUBJECT = re.compile(
    r"\b(?:this\s+(?:agreement|amendment|contract|addendum)|the\s+agreement|(?:initial\s+)?term\b|this\s+\w+\s+agreement|"
    r"agreement\s+(?:shall|will|is)|effective\s+date)",
    re.IGNORECASE,
)
_REFERS_TO_AGREEMENT_DATE = re.compile(
    r"\b(?:date\s+(?:and\s+year\s+)?(?:first\s+)?(?:written|set\s+forth|stated|mentioned|shown|indicated|listed)\s+(?:above|below)|"
    r"above[- ]written\s+date|date\s+hereof|date\s+of\s+(?:this|the)\s+agreement|date\s+first\s+above|"
    r"date\s+set\s+forth\s+above|agreement\s+date|date\s+(?:and\s+year\s+)?first\s+(?:above\s+)?written)",
    re.IGNORECASE,
)
# Effective when signed: the date is the (last) date of signature.
_UPON_SIGNATURE = re.compile(
    r"\b(?:effective|commenc\w*|take[sn]?\s+effect|enter\w*\s+into\s+(?:force|effect)|come[s]?\s+into\s+(?:force|effect)|"
    r"Effective\s+Date)\b[^.]{0,80}?\b(?:upon|on|from|as\s+of|after|when|at|is|mean|means)\s+(?:the\s+)?(?:later\s+of\s+the\s+)?"
    r"(?:full\s+|mutual\s+|due\s+)?(?:execution|signature|signing|date\s+(?:of\s+)?(?:the\s+)?(?:last\s+|final\s+|actual\s+|its\s+|most\s+recent\s+)?"
    r"(?:final\s+)?(?:execution|signature|signing|signed)|dates?\s+(?:that\s+|when\s+|on\s+which\s+)?(?:it\s+is\s+|this\s+agreement\s+is\s+|the\s+last\s+party\s+\w+\s+has\s+)?(?:signed|executed)|"
    r"date\s+when\s+the\s+(?:authorized\s+)?(?:representatives|parties)|last\s+date\s+(?:of\s+signature|signed)|"
    r"dates?\s+(?:beneath|below|set\s+forth\s+below|noted\s+below)|completion\s+of\s+the\s+execution|signed\s+by)",
    re.IGNORECASE,
)
_AGREEMENT_TAKES_EFFECT = re.compile(
    r"\b(?:this\s+(?:\w+\s+){0,3}?(?:agreement|amendment|contract)|the\s+(?:initial\s+)?term(?:\s+of\s+this\s+\w+)?)\b"
    r"[^.;]{0,60}?\b(?:effective|commenc\w*|come\s+into\s+force|take\s+effect|begin)\w*",
    re.IGNORECASE,
)
_BY_SIGNATURE = re.compile(
    r"\b(?:date[sd]?\s+(?:\w+\s+){0,3}?(?:below|beneath)|(?:last|later|latest)\s+(?:\w+\s+){0,3}?(?:signature|signed|executed)|"
    r"date\s+of\s+(?:the\s+)?(?:last\s+)?(?:signature|execution))",
    re.IGNORECASE,
)
_WHEN_SIGNED = re.compile(
    r"\beffective\s+(?:when|once|upon\s+being)\s+(?:\w+\s+){0,6}?(?:signed|executed)\b", re.IGNORECASE
)
_SIGNATURE_DATES = re.compile(r"\b(?:Dated|Date|Signed)\s*(?:on)?\s*:?\s*", re.IGNORECASE)


def _first_date_after(doc: Document, position: int, limit: int) -> DateMatch | None:
    dates = find_dates(doc.text, position, min(len(doc.text), position + limit))
    return dates[0] if dates else None


_FILING_METADATA = re.compile(
    r"(?:\bSource\s*:|\b(?:10-?[KQ]|8-K|S-1|F-1|20-F|DRS|SC\s+13D)\b)[^\n]{0,60}$", re.IGNORECASE
)


def _last_signature_date(doc: Document) -> DateMatch | None:
    """The latest date written at the signatures (after the last "IN WITNESS WHEREOF", or in the last
    part of the text), ignoring the filing metadata that EDGAR copies print in page footers."""
    text = doc.text
    witness = None
    for witness in doc.matches(_WITNESS_TRIGGER, _WITNESS):
        pass
    start = witness.start() if witness else max(0, len(text) - 4000)
    dates = [
        found
        for found in find_dates(text, start, min(len(text), start + 4000))
        if found.value is not None and not _FILING_METADATA.search(text[max(0, found.start - 80) : found.start])
    ]
    return max(dates, key=lambda d: d.value or date.min) if dates else None


def _signed_or_dated(doc: Document, agreement: FoundDate | None, start: int, end: int) -> FoundDate:
    """The effective date of a contract effective on signature: the last signature date, else its date."""
    signed = _last_signature_date(doc)
    if signed is not None:
        return FoundDate(match=signed, cite_start=start, confidence=0.65, cite_end=end)
    if agreement is not None and agreement.match.value is not None:
        return FoundDate(match=agreement.match, cite_start=start, confidence=0.6, cite_end=end)
    return _undetermined(doc, start, "the date of signature is not stated")


def _undetermined(doc: Document, position: int, reason: str) -> FoundDate:
    window = doc.sentence_window(position)
    return FoundDate(
        match=DateMatch(start=window.start, end=window.end, value=None, reason=reason),
        cite_start=window.start,
        confidence=0.5,
    )


def find_effective_date(doc: Document, agreement: FoundDate | None) -> FoundDate | None:
    text = doc.text
    # 1. A defined term: 'entered into as of June 1, 2020 (the "Effective Date")'.
    for defined in doc.matches(_EFFECTIVE_DATE_TRIGGER, _EFFECTIVE_DEFINED):
        window = doc.sentence_window(defined.start())
        dates = [d for d in find_dates(text, window.start, defined.start()) if defined.start() - d.end < 160]
        if dates:
            return FoundDate(match=dates[-1], cite_start=dates[-1].start, confidence=0.95)
        if _BY_SIGNATURE.search(window.text):
            return _signed_or_dated(doc, agreement, window.start, window.end)
        if _REFERS_TO_AGREEMENT_DATE.search(window.text) and agreement is not None:
            return FoundDate(match=agreement.match, cite_start=window.start, confidence=0.8, cite_end=window.end)
        break
    # 2. '"Effective Date" means June 1, 2020' / 'EFFECTIVE DATE: 11/4/10'.
    for means in doc.matches(_EFFECTIVE_DATE_TRIGGER, _EFFECTIVE_MEANS):
        found = _first_date_after(doc, means.end(), 60)
        if found is not None:
            return FoundDate(match=found, cite_start=means.start(), confidence=0.9)
        window = doc.sentence_window(means.start())
        if _REFERS_TO_AGREEMENT_DATE.search(window.text) and agreement is not None:
            return FoundDate(match=agreement.match, cite_start=means.start(), confidence=0.8, cite_end=window.end)
    for label in doc.matches(_EFFECTIVE_DATE_TRIGGER, _EFFECTIVE_LABEL):
        found = _first_date_after(doc, label.end(), 60)
        if found is not None and not text[label.end() : found.start].strip(" \t\n:-\"'"):
            return FoundDate(match=found, cite_start=label.start(), confidence=0.9)
    # 3. 'This Agreement shall become effective on 1 March 2003' / 'The term shall commence on ...'.
    for effective in doc.matches(_TAKES_EFFECT_TRIGGER, _EFFECTIVE_VERB):
        found = _first_date_after(doc, effective.end(), 30)
        if found is None or found.start - effective.end() > 12:
            continue
        window = doc.sentence_window(effective.start())
        if _AGREEMENT_SUBJECT.search(text, max(window.start, effective.start() - 100), effective.end()):
            return FoundDate(match=found, cite_start=effective.start(), confidence=0.85)
    # 4. Effective on signature: the last date of signature, else the date the agreement bears.
    signature = next(doc.matches(_TAKES_EFFECT_TRIGGER, _UPON_SIGNATURE), None) or next(
        doc.matches(_TAKES_EFFECT_TRIGGER, _WHEN_SIGNED), None
    )
    if signature is not None:
        return _signed_or_dated(doc, agreement, signature.start(), signature.end())
    # 5. 'effective as of the date first written above': the agreement date.
    if agreement is not None:
        for effective in doc.matches(_TAKES_EFFECT_TRIGGER, _AGREEMENT_TAKES_EFFECT):
            window = doc.sentence_window(effective.start())
            if _REFERS_TO_AGREEMENT_DATE.search(text, effective.end(), min(window.end, effective.end() + 120)):
                return FoundDate(match=agreement.match, cite_start=window.start, confidence=0.75, cite_end=window.end)
    # 6. An "Effective Date" defined by an event ('the date the Site becomes operational'): present, undetermined.
    for defined in (
        *doc.matches(_EFFECTIVE_DATE_TRIGGER, _EFFECTIVE_DEFINED),
        *doc.matches(_EFFECTIVE_DATE_TRIGGER, _EFFECTIVE_MEANS),
    ):
        return _undetermined(doc, defined.start(), "the effective date depends on an event the text does not date")
    # 7. The contract speaks of its effective date without defining it: the date it bears.
    if agreement is not None and re.search(r"\beffective\s+date\b", text, re.IGNORECASE):
        return FoundDate(match=agreement.match, cite_start=agreement.cite_start, confidence=0.55)
    return None


# --- initial term and expiry -------------------------------------------------------------------------

_TERM_TRIGGER = keywords(
    "term",
    "commenc",
    "duration",
    "expir",
    "valid",
    r"in\s+(?:full\s+)?(?:force|effect)",
    "perpetu",
    "indefinite",
    r"(?:shall|will)\s+(?:continue|remain|end)",
    "until",
    "ending",
    "through",
)
_END_DATE_LEAD = re.compile(
    r"\b(?:until|through|thru|to|till|end\w*|terminat\w*|expir\w*|conclud\w*|clos\w*|means?|is|date\s*:)\s*"
    r"(?:on\s+|at\s+|upon\s+|as\s+of\s+)?(?:and\s+including\s+)?(?:the\s+)?"
    r"(?:close\s+of\s+business\s+on\s+|midnight\s+(?:\([^)]{0,30}\)\s+)?on\s+|11:59\s*p\.?m\.?[^,]{0,30}\s+on\s+)?$",
    re.IGNORECASE,
)
_START_DATE_LEAD = re.compile(
    r"\b(?:commenc\w*|begin\w*|start\w*|from|effective|as\s+of|on|force|effect)\s+(?:on\s+|as\s+of\s+|from\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
_PERPETUAL = re.compile(
    r"\b(?:perpetu\w*|indefinite\w*|in\s+perpetuity|no\s+fixed\s+term|evergreen|"
    r"not\s+be\s+terminable|until\s+(?:such\s+time\s+as\s+it\s+is\s+|it\s+is\s+)?terminated|(?:end|expire)s?\s+(?:only\s+)?when\s+terminated|"
    r"until\s+(?:either|one|any)\s+(?:party|of\s+the\s+parties)\b)",
    re.IGNORECASE,
)
# The sentence is about how long this agreement runs (not a licence, a warranty or an obligation).
_ABOUT_TERM = re.compile(
    r"\b(?:(?:the|this|initial|its)\s+\"?term\b(?!\s+hereof)|term\s+of\s+(?:this|the)\b|term\s*:|term\s+(?:is|shall|will)\b|"
    r"for\s+a\s+(?:\w+\s+)?term\b|(?:a|an)\s+(?:initial\s+)?term\s+of\b|this\s+(?:\w+\s+){0,3}?(?:agreement|contract|amendment|addendum)\b"
    r"[^.;]{0,80}?\b(?:continue|remain|expire|terminate|end|be\s+(?:valid|effective|in\s+(?:full\s+)?(?:force|effect))|"
    r"commence|begin|run|have\s+a\s+term|is\s+for|be\s+for|valid)|agreement\s+(?:period|duration)|duration\s+of\s+(?:this|the)|"
    r"(?:expiration|termination|expiry|end)\s+date|contract\s+period|period\s+of\s+validity|valid\s+for|shall\s+be\s+valid|remain\s+valid|"
    r"is\s+valid|fixed\s+term|(?:joint\s+venture|promotion|engagement)\s+(?:shall|will|is))",
    re.IGNORECASE,
)
# 'shall terminate upon termination of the Offering': an end fixed by an event, not a date.
_EVENT_END = re.compile(
    r"\b(?:shall|will)\s+(?:automatically\s+)?(?:not\s+)?(?:continue|remain|expire|terminate|end|extend)\b[^.;]{0,80}?"
    r"\b(?:until|upon|on|when|at|if|for\s+so\s+long\s+as|as\s+long\s+as)\b|"
    r"\bis\s+for\s+the\s+(?:total\s+)?duration\s+of\b|\b(?:period|term)\s+of\s+\[|\buntil\s+the\s+\[",
    re.IGNORECASE,
)
_START_ANCHOR = re.compile(
    r"\b(?:from|after|following|commencing|beginning|starting|as\s+of|of)\s+(?:on\s+)?(?:and\s+including\s+)?"
    r"(?:the\s+)?(?P<what>effective\s+date|date\s+(?:first\s+)?(?:written|set\s+forth|stated)\s+above|"
    r"date\s+(?:hereof|of\s+this\s+(?:agreement|document|contract))|execution\s+(?:date|of\s+this\s+agreement)|"
    r"date\s+of\s+(?:execution|signature|signing)|commencement\s+date|signing\s+date|start\s+date|"
    r"effective\s+date\s+first\s+set\s+forth\s+above)",
    re.IGNORECASE,
)
_POST_TERM = re.compile(
    r"[\s,]*(?:\(\d+\)\s*)?(?:after|following|from|beyond|post|subsequent\s+to)\s+(?:the\s+)?(?:date\s+of\s+)?(?:any\s+)?"
    r"(?:termination|expiration|expiry|end\s+of\s+the\s+term|cessation)",
    re.IGNORECASE,
)
_RENEWAL_LEAD = re.compile(
    r"\b(?:additional|successive|renewal|further|extended|extension|another)\s+(?:\w+\s+){0,3}$", re.IGNORECASE
)
_ANNIVERSARY = re.compile(
    rf"\b(?P<nth>{ORDINAL_WORD}|\d{{1,2}}\s?(?:st|nd|rd|th)|{WORD_NUMBER}\s*(?:\(\s*\d{{1,2}}\s*\))?[\s-]*years?)\s*"
    r"(?:\(\s*\d{1,2}\s?(?:st|nd|rd|th)?\s*\)\s*)?anniversary\s+(?:date\s+)?of\s+"
    r"(?:the\s+)?(?P<what>effective\s+date|date\s+(?:hereof|of\s+this\s+agreement)|execution|commencement\s+date|this\s+agreement)",
    re.IGNORECASE,
)
_TERM_DURATION_LEAD = re.compile(
    r"(?:\b(?:term|period|duration)\s+(?:of\s+(?:this|the)\s+(?:\w+\s+){1,3}?)?(?:(?:shall|will)\s+be\s+|is\s+|of\s+|:\s*)|"
    r"\bfor\s+(?:an?\s+|the\s+)?(?:initial\s+|fixed\s+|minimum\s+|further\s+)?(?:(?:term|period)\s+of\s+)?|"
    r"\b(?:continue|remain\s+in\s+(?:full\s+)?(?:force|effect)|remain\s+valid|be\s+valid|valid)\s+for\s+(?:a\s+period\s+of\s+)?|"
    r"\bthereafter\s+for\s+|\b(?:end|expire|expires|terminate|terminates)\s+(?:after\s+|in\s+)?|\b(?:earlier|sooner|later)\s+of\s+|\bending\s+|\bterm\s+is\s+|\bshall\s+be\s+|\buntil\s+|"
    r"\b(?:on|until|through)\s+the\s+(?:date|day)\s+(?:that\s+is\s+|which\s+is\s+)?)"
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


def _analyse_term_window(doc: Document, window: Window) -> TermFinding | None:
    text = window.text
    about = _ABOUT_TERM.search(text)
    if about is None:
        return None
    end_date: date | None = None
    start_date: date | None = None
    for found in find_dates(doc.text, window.start, window.end):
        lead = doc.text[max(window.start, found.start - 70) : found.start]
        if found.value is not None and _END_DATE_LEAD.search(lead):
            end_date = found.value
            break
        if found.value is not None and _START_DATE_LEAD.search(lead):
            start_date = start_date or found.value
    duration: Duration | None = None
    for found_duration in find_durations(doc.text, window.start, window.end):
        tail = doc.text[found_duration.end : min(window.end, found_duration.end + 60)]
        lead = doc.text[max(window.start, found_duration.start - 40) : found_duration.start]
        if _POST_TERM.match(tail) or found_duration.duration.business or found_duration.duration.unit == "hour":
            continue  # "for two years after termination" is a survival period, not the term
        if _RENEWAL_LEAD.search(lead) or re.match(r"[\s,]*(?:prior\s+to|before|in\s+advance)", tail, re.IGNORECASE):
            continue  # a renewal length or a notice period
        if _is_term_length(window, found_duration):
            duration = found_duration.duration
            break
    start_what: str | None = None
    anchor = _START_ANCHOR.search(text)
    if anchor:
        start_what = anchor.group("what").lower()
    day_before = False
    anniversary = _ANNIVERSARY.search(text)
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
    event = end_date is None and duration is None and not perpetual and _EVENT_END.search(text) is not None
    if end_date is None and duration is None and not perpetual and not event:
        return None
    lowered = text.lower()
    heading = doc.heading_at(window.hit)
    score = 1.0 if (end_date or duration or perpetual) else 0.3
    if re.search(r"\b(?:during|throughout)\s+the\s+term\b|post-term", lowered):
        score -= 1.0
    if re.search(r"\b(?:the|this|initial)\s+\"?term\b|term\s+of\s+this", lowered):
        score += 1.0
    if "term" in heading or "duration" in heading or "expir" in heading:
        score += 1.5
    if re.search(r"\brenew\w*", lowered):
        score -= 0.3
    if re.search(
        r"\b(?:licen[cs]e\s+(?:granted|shall)|warrant\w*|confidential\w*|non-?compet\w*|royalt\w*|survive)", lowered
    ) and not re.search(r"\bthis\s+agreement\b", lowered):
        score -= 1.0
    if re.search(r"\bmay\s+terminate\b|\bbreach\w*|\bcure\w*|prior\s+to\s+(?:the\s+)?(?:expiration|end)\b", lowered):
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


_DEFINED_END = re.compile(
    r"\b(?:Expiration|Termination|Expiry|End)\s+Date\"?\s*(?::|shall\s+mean|means|shall\s+be|is)\s*(?:the\s+)?",
    re.IGNORECASE,
)


def _defined_end_date(doc: Document) -> TermFinding | None:
    """'"Expiration Date" means March 31, 2020' / 'Termination Date: December 31, 2023'."""
    for defined in doc.matches(keywords(r"(?:expiration|termination|expiry|end)\s+date"), _DEFINED_END):
        dates = find_dates(doc.text, defined.end(), min(len(doc.text), defined.end() + 40))
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


def find_term(doc: Document) -> TermFinding | None:
    best: TermFinding | None = _defined_end_date(doc)
    for window in doc.windows(_TERM_TRIGGER):
        finding = _analyse_term_window(doc, window)
        if finding is not None and (best is None or finding.score > best.score):
            best = finding
    return best


# --- renewal ---------------------------------------------------------------------------------------------

_RENEWAL_TRIGGER = keywords(
    "renew",
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
    r"\b(?:automatic\w*|shall\s+(?:thereafter\s+)?(?:be\s+)?(?:renew|extend|continue)|will\s+(?:thereafter\s+)?(?:be\s+)?(?:renew|extend|continue)|"
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
    r"consecutive\s+|renewal\s+)?(?:periods?\s+of\s+|terms?\s+of\s+)?(?:an?\s+)?|\bon\s+an?\s+|\bperiods?,\s*)$",
    re.IGNORECASE,
)
_NOTICE_WORDS = re.compile(r"\b(?:notice|notif\w*|prior|before|advance|preceding|written)\b", re.IGNORECASE)
_SAME_AS_PREVIOUS = re.compile(
    r"\b(?:(?:of\s+)?the\s+same\s+(?:duration|length)|equal\s+(?:in\s+(?:duration|length)\s+)?to\s+the\s+(?:initial|previous|then|original)|"
    r"same\s+(?:duration|length|period)\s+as\s+the\s+(?:initial|original|previous))",
    re.IGNORECASE,
)
_INDEFINITE_RENEWAL = re.compile(
    r"\b(?:thereafter|after\s+that|afterwards?)\b[^.]{0,80}\b(?:until\s+terminated|indefinitely|until\s+(?:either|one)\s+party)|"
    r"\bindefinitely\s+after",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RenewalFinding:
    window: Window
    automatic: bool
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
        if _RENEWAL_LENGTH_LEAD.search(lead) or re.match(
            r"[\s-]*(?:periods?|terms?|renewal|extension|increments?)", tail, re.IGNORECASE
        ):
            return found.duration
    rest = doc.text[start : window.end]
    if re.search(
        r"\byear[\s-]+to[\s-]+year\b|\bannual(?:ly)?\s+(?:basis|periods?|renewals?|terms?)\b|\bannually\b|\beach\s+year\b|"
        r"\bfor\s+(?:an?\s+)?(?:additional|further|successive)\s+years?\b|\bautomatic\s+annual\b",
        rest,
        re.IGNORECASE,
    ):
        return Duration(amount=1, unit="year")
    if re.search(r"\bmonth[\s-]+to[\s-]+month\b|\bmonthly\s+basis\b|\beach\s+month\b", rest, re.IGNORECASE):
        return Duration(amount=1, unit="month")
    return None


# Renewal of this agreement (not of a licence, a lease, a purchase order, an offering or a deadline).
_RENEWS = re.compile(
    r"\b(?:automatic\w*\s+(?:be\s+)?(?:\w+\s+)?(?:renew|extend|continu)\w*|(?:renew|extend|continu)\w*\s+automatically|"
    r"(?:shall|will)\s+(?:thereafter\s+)?(?:be\s+)?(?:automatically\s+)?(?:renew|extend)(?:s|ed|al)?\b(?!\s+(?:until|from|to|through|beyond|upon|the\s+time))|"
    r"(?:renew\w*|extend\w*|continue\w*)\s+(?:\w+\s+){0,5}?(?:thereafter\s+)?(?:for|on|by)\s+(?:an?\s+|one\s+or\s+more\s+)?(?:additional|successive|further|subsequent|consecutive|"
    r"another|renewal|like|similar|identical|annual)|"
    r"(?:renew\w*|extend\w*)\s+(?:for|on|by)\s+(?:an?\s+)?(?:\w+\s+)?(?:\(\d+\)\s+)?(?:years?|months?|periods?|terms?)\b|"
    r"deemed\s+(?:to\s+(?:be|have\s+been)\s+)?(?:renewed|extended)|self-renew\w*|evergreen|"
    r"year[\s-]+to[\s-]+year|month[\s-]+to[\s-]+month|successive\s+(?:\w+\s+){0,3}?(?:terms?|periods?)|"
    r"\"(?:renewal|extension|extended|additional)\s+(?:term|period)\"|"
    r"(?:option|right)\s+to\s+(?:renew|extend)|may\b[^.;]{0,120}?\b(?:renew|extend)\s+(?:this|the)\s+(?:agreement|initial\s+term|term)|"
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
    r"beyond\s+(?:its|the|their)\s+(?:reasonable\s+)?control|time\s+(?:for|of)\s+performance|standstill|"
    r"\bhas\s+the\s+meaning\b",
    re.IGNORECASE,
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


def find_no_automatic_renewal(doc: Document) -> Window | None:
    """A sentence saying the contract does not renew by itself ("there shall be no automatic renewal")."""
    for window in doc.windows(_RENEWAL_TRIGGER):
        if _NO_AUTOMATIC_RENEWAL.search(window.text) and _ABOUT_AGREEMENT.search(window.text):
            return window
    return None


def find_renewal(doc: Document) -> RenewalFinding | None:
    best: RenewalFinding | None = None
    for window in doc.windows(_RENEWAL_TRIGGER):
        text = window.text
        renews = next(
            (m for m in _RENEWS.finditer(text) if _ABOUT_AGREEMENT.search(text, max(0, m.start() - 160), m.end() + 60)),
            None,
        )
        if renews is None:
            continue
        if _NOT_RENEWAL.search(text) and not re.search(r"\bterm\b", text, re.IGNORECASE):
            continue
        if _NO_AUTOMATIC_RENEWAL.search(text):
            continue  # "may be renewed only by mutual written agreement; there shall be no automatic renewal"
        automatic = _AUTOMATIC.search(text) is not None and not _OPTIONAL.search(text)
        if re.search(r"automatic", text, re.IGNORECASE):
            automatic = True
        if not automatic and _MUTUAL.search(text) and not _UNILATERAL.search(text):
            continue  # renewal only if both parties later agree: not a renewal term the contract grants
        if _NOT_THIS_RENEWAL.search(text):
            continue
        indefinite_match = _INDEFINITE_RENEWAL.search(text)
        # "continues thereafter until terminated" renews only if a fixed first term precedes it.
        indefinite = (
            indefinite_match is not None
            and re.search(
                r"initial\s+(?:term|period)|\b(?:years?|months?)\b|\d", text[: indefinite_match.start()], re.IGNORECASE
            )
            is not None
        )
        length = _renewal_length(doc, window, window.start + renews.start())
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
_NON_RENEWAL_CONTEXT = re.compile(
    r"\b(?:non-?\s?renew\w*|not\s+(?:to\s+)?(?:renew|extend)|renew\w*|extend\w*|extension|"
    r"(?:end|expir\w*|conclusion)\s+of\s+(?:the\s+)?(?:then[\s-]+(?:current|existing)\s+|initial\s+|renewal\s+|current\s+|"
    r"applicable\s+|such\s+)?(?:term|period)|anniversary)\b",
    re.IGNORECASE,
)
_BEFORE_WORDS = re.compile(
    r"^[\s'’)]*(?:s\s+)?(?:\(\s*\d+\s*\)\s*)?(?:calendar\s+)?(?:or\s+more\s+)?(?:prior|before|in\s+advance|preceding|"
    r"ahead|advance|written|notice|of\s+(?:written\s+|prior\s+)*notice)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NoticeFinding:
    window: Window
    period: Duration
    score: float
    confidence: float


_NON_RENEWAL = re.compile(
    r"non-?\s?renew\w*|not\s+(?:to\s+)?(?:renew|extend|continue)|intention\s+not\s+to|"
    r"not\s+(?:wish|want|intend|desire|elect)\s+to\s+(?:renew|extend|continue)|prevent\s+such\s+(?:renewal|extension)|prevent\s+(?:the\s+)?(?:automatic\s+)?renewal|"
    r"(?:terminat\w*|cancel\w*)\s+(?:this\s+agreement\s+)?(?:at|as\s+of|upon|effective\s+(?:at|as\s+of|upon))\s+(?:the\s+)?(?:end|expir\w*)",
    re.IGNORECASE,
)
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
    r"to\s+exercise|may\s+(?:\w+\s+){0,3}?extend\s+(?:this|the)\b|so\s+extend|mutual\w*",
    re.IGNORECASE,
)
_FOR_CAUSE = re.compile(r"\b(?:breach\w*|default\w*|cure\w*|insolven\w*|bankrupt\w*|force\s+majeure)\b", re.IGNORECASE)
_NOT_AGREEMENT_NOTICE = re.compile(
    r"\b(?:polic(?:y|ies)|insur\w*|charges|fees|prices?|patent|application)\b", re.IGNORECASE
)
_AT_LEAST = re.compile(
    r"\b(?:at\s+least|not\s+less\s+than|no\s+less\s+than|no\s+later\s+than|not\s+later\s+than|minimum\s+of)\s+(?:an?\s+)?$",
    re.IGNORECASE,
)


def find_renewal_notice(doc: Document, renewal: RenewalFinding | None) -> list[NoticeFinding]:
    """The notice period that stops a renewal (best first); more than one only if the text contradicts itself."""
    windows: list[Window] = []
    if renewal is not None:
        windows.append(renewal.window)
        # The notice requirement often follows in the next sentence.
        index = doc.sentences.index_at(renewal.window.end)
        if index + 1 < len(doc.sentences.starts):
            windows.append(doc.sentence_window(doc.sentences.starts[index + 1]))
    windows.extend(doc.windows(_NOTICE_TRIGGER))
    best: NoticeFinding | None = None
    found_all: list[NoticeFinding] = []
    for rank, window in enumerate(windows):
        text = window.text
        non_renewal = _NON_RENEWAL.search(text) is not None
        follows_renewal = rank < 2 and renewal is not None
        if not (non_renewal or follows_renewal):
            continue
        terminates = _TERMINATES.search(text) is not None
        end_of_term = _END_OF_TERM.search(text) is not None
        evergreen = _EVERGREEN.search(text) is not None
        if _EXERCISE.search(text) and not non_renewal:
            continue
        if _NOT_AGREEMENT_NOTICE.search(text) and not follows_renewal:
            continue
        if _FOR_CAUSE.search(text) and not (non_renewal or follows_renewal):
            continue  # termination for breach, insolvency or force majeure
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
            finding = NoticeFinding(window=window, period=found.duration, score=score, confidence=confidence)
            found_all.append(finding)
            if best is None or finding.score > best.score:
                best = finding
            break
    if best is None or best.score < 2.0:
        return []
    # Another non-renewal notice clause with a different period contradicts the first: report both.
    chosen = [best]
    for finding in found_all:
        if finding.score >= max(2.0, best.score - 1.0) and not any(
            same_length(finding.period.iso, kept.period.iso) for kept in chosen
        ):
            chosen.append(finding)
    return chosen


# --- assembling the terms ---------------------------------------------------------------------------------


def _date_term(doc: Document, kind: TermKind, found: FoundDate) -> KeyTerm:
    display = found.match.value.strftime("%B %-d, %Y") if found.match.value else "not filled in"
    if found.match.value is None:
        doc.warnings.append(f"{kind.value}: {found.match.reason or 'the date is incomplete'} in the text")
    end = found.cite_end if found.cite_end is not None else found.match.end
    return doc.term(kind, found.value, display, found.cite_start, end, found.confidence)


def _start_of_term(
    term: TermFinding, agreement: FoundDate | None, effective: FoundDate | None
) -> tuple[date | None, float]:
    """The date the initial term runs from, and how sure we are of it."""
    if term.start_date is not None:
        return term.start_date, 0.9
    what = term.start_what or ""
    agreement_value = agreement.match.value if agreement else None
    effective_value = effective.match.value if effective else None
    if "effective" in what or "commencement" in what:
        return (effective_value or agreement_value), 0.8
    if what:
        return agreement_value, 0.75
    return (effective_value or agreement_value), 0.6


def lifecycle_terms(doc: Document) -> list[KeyTerm]:
    terms: list[KeyTerm] = []
    agreement = find_agreement_date(doc)
    if agreement is not None:
        terms.append(_date_term(doc, TermKind.AGREEMENT_DATE, agreement))
    effective = find_effective_date(doc, agreement)
    if effective is not None:
        terms.append(_date_term(doc, TermKind.EFFECTIVE_DATE, effective))

    term = find_term(doc)
    if term is not None:
        cite = (term.window.start, term.window.end)
        if term.duration is not None:
            terms.append(doc.term(TermKind.INITIAL_TERM, term.duration.iso, term.duration.display, *cite, 0.85))
        if term.expiry is not None:
            terms.append(
                doc.term(
                    TermKind.EXPIRATION_DATE, term.expiry.isoformat(), term.expiry.strftime("%B %-d, %Y"), *cite, 0.9
                )
            )
        elif term.perpetual:
            terms.append(doc.term(TermKind.EXPIRATION_DATE, PERPETUAL, "no fixed expiry (perpetual)", *cite, 0.7))
            terms.append(doc.term(TermKind.INITIAL_TERM, PERPETUAL, "no fixed term (perpetual)", *cite, 0.7))
        elif term.duration is not None:
            start, confidence = _start_of_term(term, agreement, effective)
            computed = add_duration(start, term.duration) if start else None
            if computed is not None and computed.value is not None and term.day_before:
                computed = DateResult(value=computed.value - timedelta(days=1))
            if computed is not None and computed.value is not None:
                display = f"{computed.value.strftime('%B %-d, %Y')} ({term.duration.display} from {start:%B %-d, %Y})"
                terms.append(doc.term(TermKind.EXPIRATION_DATE, computed.value.isoformat(), display, *cite, confidence))
            else:
                reason = computed.reason if computed else "the date the term starts from is not stated"
                doc.warnings.append(f"expiration_date: {reason}")
                terms.append(
                    doc.term(
                        TermKind.EXPIRATION_DATE,
                        UNDETERMINED,
                        f"{term.duration.display} from an undetermined start",
                        *cite,
                        0.5,
                    )
                )
        else:
            doc.warnings.append("expiration_date: the term ends on an event the text does not date")
            terms.append(doc.term(TermKind.EXPIRATION_DATE, UNDETERMINED, "ends on an event (see quote)", *cite, 0.4))

    renewal = find_renewal(doc)
    if renewal is None or not renewal.automatic:
        no_renewal = find_no_automatic_renewal(doc)
        if no_renewal is not None:
            terms.append(
                doc.term(TermKind.AUTO_RENEWAL, "false", "does not renew automatically", no_renewal.start, no_renewal.end, 0.85)
            )
    if renewal is not None:
        cite = (renewal.window.start, renewal.window.end)
        if renewal.automatic:
            terms.append(doc.term(TermKind.AUTO_RENEWAL, "true", "renews automatically", *cite, 0.85))
        length = renewal.term
        if length is None and renewal.same_as_initial and term is not None and term.duration is not None:
            length = term.duration
        if length is not None:
            terms.append(
                doc.term(TermKind.RENEWAL_TERM, length.iso, length.display, *cite, 0.85 if renewal.automatic else 0.6)
            )
        elif renewal.perpetual:
            terms.append(doc.term(TermKind.RENEWAL_TERM, PERPETUAL, "continues until terminated", *cite, 0.6))
        else:
            terms.append(doc.term(TermKind.RENEWAL_TERM, UNDETERMINED, "renewal length not stated", *cite, 0.4))
    notices = find_renewal_notice(doc, renewal)
    for notice in notices:
        cite = (notice.window.start, notice.window.end)
        terms.append(
            doc.term(TermKind.RENEWAL_NOTICE_PERIOD, notice.period.iso, notice.period.display, *cite, notice.confidence)
        )
    if len(notices) > 1:
        stated = "; ".join(notice.period.display for notice in notices)
        doc.warnings.append(f"renewal_notice_period: the contract states different notice periods: {stated}")
    return terms
