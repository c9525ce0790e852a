"""When the contract was made and when it takes effect: the agreement date and the effective date.

A date is stated only when the text fixes it; a blank ("this ___ day of ______, 2004") or an event
("effective when the Site becomes operational") gives `UNDETERMINED`, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from analysis.context import Document, keywords
from analysis.dates import DateMatch, add_duration
from analysis.durations import find_durations
from analysis.models import UNDETERMINED

PREAMBLE_CHARS = 6000
_TRIGGER_LOOKBACK = 140

# --- agreement date ---------------------------------------------------------------------------------

# Words that introduce the date of the agreement in a preamble ("is made as of", "dated", "this ... day").
_AGREEMENT_TRIGGER = re.compile(
    r"(?:\bdated\b|\bas\s+of\b|\bentered\s+into\b|\bmade\b|\bexecuted\b|\beffective\b|\bsigned\b|\bthis\b|"
    r"\bdate\s*:|\bon\b|\bagreement\b)",
    re.IGNORECASE,
)
_NOT_AGREEMENT_DATE = re.compile(
    r"(?:\b(?:on\s+or\s+before|until|through|prior\s+to|extended\s+to|no\s+later\s+than|before|after|ending|"
    r"expir\w*|by|(?:beginning|commencing|starting|ending|terminating|expiring|(?<!\bas\s)(?<!\bmade\sand\seffective\s)from|"
    # "the Term shall commence on <date> and end on <date>": when the term runs, not when the agreement was made
    # ("is made and effective from <date>" says both)
    r"(?:commence|begin|start|end|expire|terminate)[sd]?)(?:\s+on)?)\s+(?:the\s+)?$|\bsource\s*:|\bfiled\b|\bfiling\b|\b10-?[kq]\b|\b8-k\b|\bs-1\b|\bexpir|"
    # "terminating on": not the date it was made; a "Termination Agreement" is made on its date like any other.
    r"\bterminat(?!ion\s+agreement\b)|\bamended\b|"
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
    "effective",
    "commenc",
    "take",
    "took",
    "enter",
    "come",
    "in force",
    "with effect",
    "begin",
    "start",
    "effect",
    r"valid\s+(?:as\s+)?from",
    r"term(?:\s+of\s+this\s+agreement)?\s+(?:shall\s+be|will\s+be|is)\s+(?:as\s+)?from",
)
_WITNESS = re.compile(
    # "Signed for and on behalf of <party>" opens one party's block, not a line that dates them all.
    r"IN\s+WITNESS\s+WHEREOF|\b(?:EXECUTED|SIGNED|DONE)\b[^.\n]{0,60}?\b(?:as\s+of|this|on(?!\s+behalf))\b",
    re.IGNORECASE,
)
# "amends that certain Agreement dated March 7, 2016": a date that belongs to another agreement.
_REFERENCE = re.compile(
    r"\b(?:that\s+certain|amends|amending|supplements|as\s+amended|the\s+original|existing|previous|prior|"
    r"governed\s+by|under\s+(?:and\s+governed\s+by\s+)?the)\b",
    re.IGNORECASE,
)
_OTHER_AGREEMENT_DATED = re.compile(
    # "as defined in the Stock Purchase Agreement dated": "in"/"by" name another agreement too.
    r"\b(?:to|of|under|in|by)\s+(?:the|that|an?)\s+(?:[^.;]{0,80}?\s)?(?:agreement|contract)\b(?:\s*\([^)]{0,60}\))?,?\s*"
    r"(?:dated|made|entered\s+into)\s*(?:as\s+of\s+|on\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
# "the parties have previously entered into a Selling Agreement, effective as of December 1, 2002": an agreement
# introduced as "a"/"an" is another one than this Agreement.
_ENTERED_INTO_ANOTHER = re.compile(
    r"\bentered\s+into\s+(?:an?|that\s+certain)\s+[^.;]{0,80}?\b(?:agreement|contract)\b(?:\s*\([^)]{0,60}\))?,?\s*"
    r"(?:dated|effective|made)(?:\s+as\s+of|\s+on)?\s*(?:the\s+)?$",
    re.IGNORECASE,
)
# A joint filing agreement about "the statement on Schedule 13D ... dated as of <date>": that date is the filing's,
# not the agreement's.
_FILING_DATED = re.compile(
    r"\b(?:statement\s+on\s+)?schedule\s+13[dg](?:/a)?\b[^;]{0,140}?\bdated\s*(?:as\s+of\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
_OWN_DATE_VERB = re.compile(r"\b(?:made|entered|effective|executed|signed)\b", re.IGNORECASE)
# "the Confidentiality Agreement between the parties dated September 26, 2012", "Agreement for Exchange of
# Confidential Information executed by IBM on August 3, 2001": when another agreement was signed, not this one.
_ANOTHER_AGREEMENT_SIGNED = re.compile(
    r"\b(?:agreement|contract)\b(?:\s+(?:for|of|on|between|with|among)\s[^.;\n]{0,80}?)?,?\s+"
    r"(?:dated|executed|signed|made|entered\s+into)\b(?:\s+by\s[^.;\n]{0,40}?)?(?:\s+(?:as\s+of|on))?(?:\s+the)?\s*$",
    re.IGNORECASE,
)
_THIS_BEFORE = re.compile(r"\bthis\s+(?:[\w-]+\s+){0,3}$", re.IGNORECASE)


# Another document's date: "its proposal dated 8 August 2021", "the Price List dated ...", "supersedes the
# Letter of Intent signed by the parties on ...", "a tender issued on ...".
_OTHER_DOCUMENT_DATED = re.compile(
    r"\b(?:proposal|quotation|quote|price\s+list|letter(?:\s+of\s+(?:intent|understanding))?|loi|memorandum|mou|"
    r"nda|tender|offer|invoice|(?:purchase\s+)?order|statement\s+of\s+work|sow|term\s+sheet|heads\s+of\s+terms|"
    r"specification|bid|rfp|request\s+for\s+proposals?|notice|resolution|minutes)\b[^.;]{0,60}?"
    r"\b(?:dated|signed|issued|executed|submitted|made|sent|delivered)\b(?:\s+by\s+[^.;]{0,40}?)?"
    r"(?:\s+(?:as\s+of|on))?\s*(?:the\s+)?$",
    re.IGNORECASE,
)


def _another_documents_date(text: str, sentence_start: int, position: int) -> bool:
    """True when the date at `position` is another document's or event's: a document named before it as dated,
    signed or issued; a definition ('"NDA" means ... dated'); something superseded."""
    lookback = text[max(sentence_start, position - 160) : position]
    named = _OTHER_DOCUMENT_DATED.search(lookback)
    if named and not re.search(r"\bthis\s+(?:[\w-]+\s+){0,2}$", lookback[: named.start()], re.IGNORECASE):
        return True  # "this Order dated ..." would be the document's own date
    return re.search(r"\b(?:means|supersedes|replaces|terminates)\b", lookback, re.IGNORECASE) is not None


def _another_agreements_signing(text: str, position: int) -> bool:
    """True when the text just before `position` says another agreement was dated or signed there."""
    low = max(0, position - 160)
    found = _ANOTHER_AGREEMENT_SIGNED.search(text, low, position)
    return found is not None and not _THIS_BEFORE.search(text, max(0, found.start() - 40), found.start())


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


_RECITAL_OPENING = re.compile(r"\s*(?:WHEREAS|Whereas|RECITAL)")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def _in_recital_paragraph(text: str, position: int) -> bool:
    """True when `position` lies in a paragraph that opens with "WHEREAS": a recital, even where an abbreviation
    inside it ("Sons Inc.) and ...") made the sentence splitter start a new sentence."""
    low = max(0, position - 2000)
    breaks = list(_PARAGRAPH_BREAK.finditer(text, low, position))
    if not breaks:
        return False  # no paragraph start in reach (a text without blank lines): the sentence check decides
    return _RECITAL_OPENING.match(text, breaks[-1].end()) is not None


_BLANK_YEAR = re.compile(
    # "made as of the 1st day of December, (the "Effective Date")": a day and month with the year never filled in.
    r"\b(?:\d{1,2}(?:st|nd|rd|th)?\s+day\s+of\s+)?(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December)(?:\s+\d{1,2}(?:st|nd|rd|th)?)?\s*,?\s*(?:\[\s*\]|_+)?\s*$",
    re.IGNORECASE,
)


_YEAR_LEFT_BLANK = "the year of this date is left blank"
# "made as of the 1st day of December, (the ...) by and between": the preamble's date without its year.
_BLANK_YEAR_IN_PREAMBLE = re.compile(
    r"(?:\bas\s+of|\bdated|\bmade|\bthis)\s+(?:the\s+)?(?P<date>\d{1,2}(?:st|nd|rd|th)?\s+day\s+of\s+(?:January|"
    r"February|March|April|May|June|July|August|September|October|November|December))\s*,?\s*"
    r"(?:\[\s*\]|_+)?\s*(?=\(|\bby\b|\bbetween\b|\bamong\b)",
    re.IGNORECASE,
)


# "Signed by: ... / Name: ... / Title: ... / Date: March 3, 2015": a date on the lines of a signature block.
_IN_SIGNATURE_BLOCK = re.compile(
    r"(?:/s/|\bBy\s*:|\bSigned\b|\bSignature\b|\bName\s*:)[^\n]*\n(?:[^\n]*\n){0,4}?[^\n]*\b(?:Dated?|Date\s+signed|"
    r"Date\s+of\s+(?:signature|execution)|(?:Signature|Execution)\s+date)\s*:\s*$",
    re.IGNORECASE,
)
# "By: /s/ Ada Prentiss / Ada Prentiss, CEO / March 3, 2015": a date on a line of its own under a signature.
_UNDER_SIGNATURE = re.compile(
    r"(?:/s/|\bBy\s*:|\bSigned\b|\bSignature\b|\bName\s*:)[^\n]*\n(?:[^\n]*\n){0,3}?[ \t]*$", re.IGNORECASE
)


def _alone_under_signature(text: str, found: DateMatch) -> bool:
    return bool(
        _UNDER_SIGNATURE.search(text, max(0, found.start - 200), found.start)
        and re.match(r"[ \t]*(?:\n|$)", text[found.end : found.end + 10])
    )


def _preamble_dates(doc: Document) -> list[FoundDate]:
    """Dates the preamble gives the agreement, in document order."""
    text = doc.text
    preamble_end = min(len(text), PREAMBLE_CHARS)
    candidates = doc.dates(0, preamble_end)
    for blank in _BLANK_BEFORE_YEAR.finditer(text, 0, min(preamble_end, 3000)):
        start = blank.start("date")
        if not any(c.start <= start < c.end for c in candidates):
            candidates.append(
                DateMatch(start=start, end=blank.end("date"), value=None, reason="the day and month are left blank")
            )
    for blank in _BLANK_YEAR_IN_PREAMBLE.finditer(text, 0, min(preamble_end, 3000)):
        candidates.append(
            DateMatch(start=blank.start("date"), end=blank.end("date"), value=None, reason=_YEAR_LEFT_BLANK)
        )
    candidates.sort(key=lambda m: m.start)
    found: list[FoundDate] = []
    for candidate in candidates:
        sentence_start, _ = doc.sentences.span_at(candidate.start)
        if _RECITAL_OPENING.match(text, sentence_start) or _in_recital_paragraph(text, candidate.start):
            continue  # recitals date earlier agreements, not this one
        if _IN_SIGNATURE_BLOCK.search(text, max(0, candidate.start - 200), candidate.start) or _alone_under_signature(
            text, candidate
        ):
            continue  # a short contract's signature blocks fall in its first pages: one party's date, not the last
        if not _acceptable_agreement_date(doc, candidate):
            continue
        lookback = text[max(sentence_start, candidate.start - 150) : candidate.start]
        if (
            _OTHER_AGREEMENT_DATED.search(lookback)
            or _ENTERED_INTO_ANOTHER.search(lookback)
            or _FILING_DATED.search(lookback)
        ):
            continue  # "First Amendment to the Supply Agreement dated April 1, 2017": the amended agreement's date
        if _another_documents_date(text, sentence_start, candidate.start):
            continue
        references = [m.end() for m in _REFERENCE.finditer(lookback)]
        own = [m.end() for m in _OWN_DATE_VERB.finditer(lookback)]
        if references and (not own or references[-1] > own[-1]):
            continue
        trigger = _trigger_before(doc, candidate)
        standalone = (
            re.search(r"(?:^|\n|[ ]{3})[ ]*$", text[max(0, candidate.start - 40) : candidate.start]) is not None
        )
        under_title = re.search(r"AGREEMENT|Agreement|CONTRACT", text[max(0, candidate.start - 300) : candidate.start])
        if trigger is None and candidate.start < 3000 and standalone and under_title:
            trigger = candidate.start  # a date on its own line under the title: "... AGREEMENT\n\nJune 1, 2005"
        if trigger is not None:
            found.append(FoundDate(match=candidate, cite_start=trigger, confidence=0.9 if candidate.value else 0.6))
    return found


def _signature_date(doc: Document) -> FoundDate | None:
    """The date at the signatures: "IN WITNESS WHEREOF ... as of <date>", "Date: <date>"."""
    text = doc.text
    for witness in doc.matches(_WITNESS_TRIGGER, _WITNESS):
        if _another_agreements_signing(text, witness.end()) or _another_documents_date(
            text, max(0, witness.start() - 160), witness.end()
        ):
            continue
        window = doc.sentence_window(witness.start())
        dates = doc.dates(witness.start(), min(len(text), window.end + 200))
        if dates:
            return FoundDate(match=dates[0], cite_start=witness.start(), confidence=0.7)
    # "Date:" lines under the signatures: the agreement is made when the last party signs.
    labelled: list[FoundDate] = []
    for label in doc.matches(_DATE_LABEL_TRIGGER, _DATE_LABEL_COLON):
        if _DATE_OF_AN_EVENT.search(text, max(0, label.start() - 20), label.start()):
            continue  # a "Termination Date:" line says when the term ends, not when a party signed
        dates = doc.dates(label.end(), min(len(text), label.end() + 40))
        if dates and dates[0].start - label.end() < 6 and dates[0].value is not None:
            labelled.append(FoundDate(match=dates[0], cite_start=label.start(), confidence=0.6))
            if len(labelled) > 1 and dates[0].start - labelled[0].match.start > 3000:
                break  # another block of signatures, further on (an exhibit)
    if labelled:
        return max(labelled, key=lambda found: found.match.value or date.min)
    return _dated_sentence(doc) or _date_at_signatures(doc)


def _dated_sentence(doc: Document) -> FoundDate | None:
    """A sentence of its own opening with "Dated the/this <date>" in the closing part, where parties sign."""
    text = doc.text
    for window in doc.windows(_DATED_TRIGGER, int(len(text) * _SIGNATURES_PART)):
        for dated in _DATED_SENTENCE.finditer(text, window.start, window.end):
            if re.search(r"(?:^|[.\n])[ \t]*$", text[max(0, dated.start() - 40) : dated.start()]) is None:
                continue  # "... the <name> Agreement dated the <date>": inside a sentence, another agreement's
            found = _first_date_after(doc, dated.end(), 60)
            if found is not None and found.start - dated.end() < 6:
                return FoundDate(match=found, cite_start=dated.start(), confidence=0.6)
    return None


# Where parties sign without an "IN WITNESS WHEREOF" line: "/s/ John Dick ... 19 Jan. 1998", "(signature) June 25,
# 2014", "Signature ... Date 24 OCT 2011". Only in the closing part of the text, next to such a mark.
# "\s\" is how some filings type the conformed-signature mark "/s/".
_SIGNATURE_MARK = re.compile(r"/s/|\\s\\|\(signature\)|\(seal\)|\bSignature\b|\bSigned\b|\bBy\s*:\s*\S")
_SIGNATURE_TRIGGER = keywords("/s/", r"\\s\\", r"\(signature\)", r"\(seal\)", "signature", "signed", r"by\s*:")
_SIGNATURES_PART = 0.7  # the signatures are in the last 30% of the text (exhibits may follow them)


def _date_at_signatures(doc: Document) -> FoundDate | None:
    text = doc.text
    start = int(len(text) * _SIGNATURES_PART)
    found: list[FoundDate] = []
    for window in doc.windows(_SIGNATURE_TRIGGER, start, limit=40):
        if found and window.start - found[0].match.start > 1500:
            break  # the first group of signature blocks (one per party); an exhibit's come later
        for mark in _SIGNATURE_MARK.finditer(text, window.start, window.end):
            for candidate in doc.dates(max(start, mark.start() - 150), min(len(text), mark.end() + 200)):
                lead = text[max(0, candidate.start - 80) : candidate.start]
                if candidate.value is not None and not _FILING_METADATA.search(lead):
                    found.append(FoundDate(match=candidate, cite_start=candidate.start, confidence=0.5))
    return max(found, key=lambda f: f.match.value or date.min) if found else None


# "Dated the <day> day of <month>, <year>." as a sentence of its own, where parties sign.
_DATED_TRIGGER = keywords("dated")
_DATED_SENTENCE = re.compile(r"\bDated\s+(?:as\s+of\s+)?(?:this|the)\b", re.IGNORECASE)
_DATE_LABEL_TRIGGER = keywords("date")
_DATE_LABEL_COLON = re.compile(
    r"\b(?:Dated|Date(?:\s+(?:of\s+)?(?:signature|execution|signed))?|(?:Signature|Execution)\s+date)\s*:",
    re.IGNORECASE,
)
# A "Date:" label named for an event of the term or of performance is not the date a party signed.
_DATE_OF_AN_EVENT = re.compile(
    r"\b(?:effective|commencement|start|termination|expiration|expiry|end|renewal|delivery|due|payment|invoice|shipment|closing|completion|"
    r"launch|review|birth)[ \t]*$",
    re.IGNORECASE,
)
_EFFECTIVE_LEAD = re.compile(r"\b(?:effective|commenc\w*|effect\s+from)\b[^.]{0,25}$", re.IGNORECASE)


# "This Agreement is dated April 29, 2010" anywhere (some contracts say it at the end).
_THIS_AGREEMENT_DATED = re.compile(
    r"\bthis\s+(?:\w+\s+){0,3}?(?:agreement|contract|amendment)\s+(?:is|was|has\s+been)\s+(?:dated|made|entered\s+into|signed|executed)"
    r"(?:\s+(?:on|as\s+of|this|in\s+\w+(?:\s+\w+)?\s+on))?\s+(?:the\s+)?",
    re.IGNORECASE,
)


def _stated_anywhere(doc: Document) -> FoundDate | None:
    for stated in doc.matches(keywords("this"), _THIS_AGREEMENT_DATED):
        found = _first_date_after(doc, stated.end(), 40)
        if found is not None and found.start - stated.end() < 6:
            return FoundDate(match=found, cite_start=stated.start(), confidence=0.8)
    return None


_OWN_DATE_STATEMENT = re.compile(
    r"\bthis\s+(?:[\w-]+\s+){0,4}?(?:agreement|contract)\b(?:\s*\([^)]{0,40}\))?,?\s*(?:is\s+|was\s+)?"
    r"(?:dated|made|entered\s+into)(?:\s+and\s+(?:entered\s+into|effective))?\s*(?:as\s+of|on|this)?\s*(?:the\s+)?$",
    re.IGNORECASE,
)


_DATING_WORD = re.compile(r"\b(?:dated|made|entered|executed|signed|effective|as\s+of)\b", re.IGNORECASE)


def find_agreement_date(doc: Document) -> FoundDate | None:
    preamble = _preamble_dates(doc)
    if not preamble:
        return _stated_anywhere(doc) or _signature_date(doc)
    chosen = preamble[0]
    if chosen.match.value is None and chosen.match.reason == "the day of this date is not stated":
        # A bare "May 2000" (often a citation: "ECE/TRADE/257, Geneva, May 2000") yields to a full date.
        chosen = next((f for f in preamble if f.match.value is not None), chosen)
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
    # A heading or sentence that dates something else first (the event a sponsorship is for), then "this <name>
    # Agreement (...) dated as of <date>": the agreement's own statement of its date beats the dates before it.
    own = next(
        (f for f in preamble if _OWN_DATE_STATEMENT.search(doc.text, max(0, f.match.start - 120), f.match.start)),
        None,
    )
    if (
        own is not None
        and own.match.value is not None
        and own.match.start > chosen.match.start
        and own.match.value != chosen.match.value
        # a first date that is itself introduced as the agreement's ("dated as of", "made") stays
        and not _DATING_WORD.search(doc.text, max(0, chosen.match.start - 60), chosen.match.start)
    ):
        chosen = own
    if chosen.match.value is None and chosen.match.reason != _YEAR_LEFT_BLANK:
        # A blank preamble date may be completed elsewhere (at the signatures); never across years (so never one
        # whose year is the blank).
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
    rf"\"?{_EFFECTIVE_NAME}\"?\s*(?:\"\s*)?(?:(?:for|of)\s+this\s+(?:agreement|contract)\s+)?"
    r"(?:shall\s+mean|means|is|:|shall\s+be|will\s+be|(?:has|shall\s+have)\s+the\s+meaning|"
    r"of\s+this\s+Agreement\s+(?:is|shall\s+be))",
    re.IGNORECASE,
)
# "no later than <date>" before a defined effective date: the deadline for the event that sets it, not its day.
_DEADLINE_BEFORE = re.compile(
    r"\b(?:no|not)\s+later\s+than\s+(?:the\s+)?$|\bon\s+or\s+before\s+(?:the\s+)?$", re.IGNORECASE
)
# 'Effective as of ____ (the "Effective Date")', 'EFFECTIVE AS OF (EFFECTIVE DATE)': a form whose date was never
# filled in. That is a blank, not an event the text fails to date.
_NOTHING_AFTER_AS_OF = re.compile(
    r"\b(?:effective|dated|made)\s+(?:as\s+of|on)[\s_.:*-]*(?:\[[\s_.*-]*\])?[\s_]*$", re.IGNORECASE
)
# "EFFECTIVE DATE\n\n JUNE 1, 1998": a label with the date right after it.
_EFFECTIVE_LABEL = re.compile(
    # "... DATES:" and "... Date under this Addendum:" label the same fact for this document.
    rf"{_EFFECTIVE_NAME}(?:s\b|\s+(?:\w+\s+){{0,3}}?(?:of|under|for)\s+this\s+(?:\w+\s+){{0,2}}?"
    r"(?:agreement|amendment|addendum|contract)\s*:)?(?![)])",
    re.IGNORECASE,
)
# 'This Agreement shall become effective on 1 March 2003' / 'The term shall commence on ...'.
_EFFECTIVE_VERB = re.compile(
    r"\b(?:effective|commenc\w*|take[sn]?\s+effect|took\s+effect|enter\w*\s+into\s+(?:force|effect)|come[s]?\s+into\s+(?:force|effect)|"
    r"in\s+force|with\s+effect|begin\w*|start\w*|"
    # "shall have effect from 1 April 2021", "shall remain in effect from April 1, 2021 through ...".
    r"(?:have|has)\s+effect(?:\s+for\s+the\s+period)?(?=\s+(?:as\s+)?from)|valid(?=\s+(?:as\s+)?from)|"
    # "The term of this Agreement shall be from 1 April 2021 until ...".
    r"term(?:\s+of\s+this\s+agreement)?\s+(?:shall\s+be|will\s+be|is)(?=\s+(?:as\s+)?from)|"
    r"(?:be|is|remain\w*|continue\w*)\s+in\s+(?:full\s+force\s+and\s+)?effect(?=\s+(?:as\s+)?from))"
    # "effective for all purposes and in all respects as of": a qualifier between the verb and its date.
    r"(?:,?\s+for\s+all\s+purposes(?:\s+and\s+in\s+all\s+respects)?,?)?"
    r"(?:\s+(?:as\s+(?:of|from)|on|from|upon|beginning|immediately))?(?:\s+the)?\s*",
    re.IGNORECASE,
)
_AGREEMENT_SUBJECT = re.compile(
    # 'This Capital Maintenance Agreement (this "Agreement"), is made and effective as of': the defined name in quotes.
    # '<a title of more than three words> (the "Agreement") is effective': the defined name closing its parenthesis.
    r"[\"“](?:agreement|contract)[\"”]\s*\)|"
    r"\b(?:this\s+(?:\w+\s+){0,3}?[\"“]?(?:agreement|amendment|contract|addendum)|the\s+agreement|(?:initial\s+)?term\b|"
    # "It shall be effective on ...", "The Joint Venture shall commence on ...": the agreement's own undertaking.
    r"\bit\s+(?:shall|will)\b|\b(?:joint\s+venture|promotion|engagement|appointment)\s+(?:shall|will)\b|"
    r"agreement\s+(?:shall|will|is)|effective\s+date)",
    re.IGNORECASE,
)
# A period counted from the date that follows: "thirty (30) days after the date hereof".
_COUNTED_FROM = re.compile(r"\s*(?:immediately\s+)?(?:after|following|from)\s+(?:the\s+)?", re.IGNORECASE)
_REFERS_TO_AGREEMENT_DATE = re.compile(
    r"\b(?:date\s+(?:and\s+year\s+)?(?:first\s+)?(?:written|set\s+forth|stated|mentioned|shown|indicated|listed)\s+(?:above|below)|"
    r"above[- ]written\s+date|date\s+hereof|date\s+of\s+(?:this|the)\s+agreement|date\s+first\s+above|"
    r"date\s+set\s+forth\s+above|agreement\s+date\b|date\s+(?:and\s+year\s+)?first\s+(?:above\s+)?written|"
    # "the date specified in the preamble hereof", "the date stated in the opening paragraph of this Agreement"
    r"date\s+(?:specified|set\s+(?:forth|out)|stated|given|shown|written|appearing)\s+(?:in|at)\s+(?:the\s+)?"
    r"(?:preamble|(?:opening|first|introductory)\s+paragraph|heading|beginning)\b)",
    re.IGNORECASE,
)
# Effective when signed: the date is the (last) date of signature.
_UPON_SIGNATURE = re.compile(
    r"\b(?:effective|commenc\w*|begin\w*|take[sn]?\s+effect|enter\w*\s+into\s+(?:force|effect)|come[s]?\s+into\s+(?:force|effect)|"
    r"Effective\s+Date)\b[^.]{0,80}?\b(?:upon|on|from|as\s+of|after|when|at|is|mean|means)\s+(?:the\s+)?(?:later\s+of\s+the\s+)?"
    r"(?:full\s+|mutual\s+|due\s+)?(?:execution|signature|signing|date\s+(?:of\s+)?(?:the\s+)?(?:last\s+|final\s+|actual\s+|its\s+|most\s+recent\s+)?"
    r"(?:final\s+)?(?:execution|signature|signing|signed)|dates?\s+(?:that\s+|when\s+|on\s+which\s+)?(?:it\s+is\s+|this\s+agreement\s+is\s+|the\s+last\s+party\s+\w+\s+has\s+)?(?:signed|executed)|"
    r"date\s+when\s+the\s+(?:authorized\s+)?(?:representatives|parties)|last\s+date\s+(?:of\s+signature|signed)|"
    r"dates?\s+(?:beneath|below|set\s+forth\s+below|noted\s+below)|completion\s+of\s+the\s+execution|signed\s+by|"
    # "the date on which it has been signed by both parties", "the date on which the last party signs it",
    # "the later of the two signature dates below": the last signature, said another way.
    r"dates?\s+(?:on\s+which|when|that)\s+(?:it|this\s+agreement)\s+(?:has\s+been|is|was)\s+(?:signed|executed)|"
    r"dates?\s+(?:on\s+which|when|that)\s+the\s+(?:last|later|final|second)\s+(?:of\s+the\s+)?(?:party|parties|signatory|signatories)"
    r"\s+(?:to\s+(?:sign|execute)\s+)?(?:signs|executes|has\s+(?:signed|executed)|shall\s+have\s+(?:signed|executed))|"
    r"(?:two|respective)\s+(?:signature|execution)\s+dates)",
    re.IGNORECASE,
)
_AGREEMENT_TAKES_EFFECT = re.compile(
    r"\b(?:this\s+(?:[\w-]+\s+){0,3}?(?:agreement|amendment|contract)|the\s+(?:initial\s+)?term(?:\s+of\s+this\s+\w+)?)\b"
    # a run of white space counts as one character: text laid out in padded columns spreads a clause wide
    r"(?:[^.;\s]|\s++){0,60}?\b(?:effective|commenc\w*|come\s+into\s+force|take\s+effect|begin)\w*",
    re.IGNORECASE,
)
_BY_SIGNATURE = re.compile(
    r"\b(?:date[sd]?\s+(?:\w+\s+){0,3}?(?:below|beneath)|(?:last|later|latest)\s+(?:\w+\s+){0,4}?(?:signature|signed|executed)|"
    r"date\s+of\s+(?:the\s+)?(?:last\s+)?(?:signature|execution)|"
    # "the date this Agreement is signed by the last signatory": the same fact, said the other way round.
    r"(?:signed|executed)\s+by\s+(?:the\s+)?(?:last|later|final)\s+(?:of\s+the\s+)?(?:signatory|party|parties|signer))",
    re.IGNORECASE,
)
_WHEN_SIGNED = re.compile(
    r"\beffective\s+(?:when|once|upon\s+being)\s+(?:\w+\s+){0,6}?(?:signed|executed)\b", re.IGNORECASE
)
# The same said the other way round, with the agreement itself as the subject of its sentence: "This Agreement
# shall not be binding or otherwise effective until signed by both parties". ("A waiver of any provision of this
# Agreement shall not be effective unless signed" is about the waiver: the sentence does not begin with the agreement.)
_NOT_EFFECTIVE_UNTIL_SIGNED = re.compile(
    r"\b(?:this\s+(?:[\w-]+\s+){0,3}?(?:agreement|contract)|it)\s+(?:shall|will|is|does)\s+not\b[^.;]{0,80}?"
    r"\beffective\b[^.;]{0,30}?\b(?:until|unless)\b[^.;]{0,50}?\b(?:signed|executed|execution|signature)\b",
    re.IGNORECASE,
)
# A condition besides the signatures ("until executed by both parties and approved by the Board") leaves the date open.
_ANOTHER_CONDITION = re.compile(r"\b(?:approv\w*|consent\w*|condition\w*|clos(?:e|ing)|regulatory)\b", re.IGNORECASE)
_SENTENCE_OPENING = re.compile(r"[\s\d.()\[\]]*(?:\(?[A-Za-z]{1,4}[.)][\s\d.()]*)?")  # "2.1", "(a)", "iv.", spaces


def _first_date_after(doc: Document, position: int, limit: int) -> DateMatch | None:
    dates = doc.dates(position, min(len(doc.text), position + limit))
    return dates[0] if dates else None


_FILING_METADATA = re.compile(
    r"(?:\bSource\s*:|\b(?:10-?[KQ]|8-K|S-1|F-1|20-F|DRS|SC\s+13D)\b)[^\n]{0,60}$", re.IGNORECASE
)


_SIGNED_LABEL = re.compile(r"\b(?:dated?|signed|executed|signature)\b[^\n.]{0,25}$", re.IGNORECASE)


def _last_signature_date(doc: Document) -> DateMatch | None:
    """The latest date written at the signatures (after the last "IN WITNESS WHEREOF", or in the last
    part of the text), ignoring the filing metadata that EDGAR copies print in page footers."""
    text = doc.text
    last_witness = None
    for witness in doc.matches(_WITNESS_TRIGGER, _WITNESS):
        if not _another_agreements_signing(text, witness.end()):
            last_witness = witness
    start = last_witness.start() if last_witness else max(0, len(text) - 4000)
    dates = [
        found
        for found in doc.dates(start, min(len(text), start + 4000))
        if found.value is not None
        and not _FILING_METADATA.search(text[max(0, found.start - 80) : found.start])
        and not _another_agreements_signing(text, found.start)
        # Without a signature block, only a date labelled as one: the end of a short contract is its body.
        and (
            last_witness is not None
            or _SIGNED_LABEL.search(text[max(0, found.start - 40) : found.start])
            or _alone_under_signature(text, found)
        )
    ]
    return max(dates, key=lambda d: d.value or date.min) if dates else None


# "effective on the day after the date of last signature": one calendar day after it.
_DAY_AFTER_SIGNATURE = re.compile(
    r"\b(?:the\s+)?(?:calendar\s+)?day\s+(?:after|following)\s+(?:the\s+)?(?:date\s+(?:of\s+)?)?(?:the\s+)?"
    r"(?:last\s+|final\s+|later\s+|latest\s+)?(?:signature|execution|signing|date\s+signed)",
    re.IGNORECASE,
)


def _counted_from_signing(text: str, match: re.Match[str]) -> bool:
    """True for "commencing ninety (90) days after execution": a point a period after signing, not the signing."""
    return any(
        _COUNTED_FROM.match(text, found.end, match.end()) for found in find_durations(text, match.start(), match.end())
    )


def _opens_with_this_agreement(doc: Document, position: int) -> bool:
    """True when the sentence (or line) holding `position` has this agreement as its subject before `position`."""
    window = doc.sentence_window(position)
    opening = max(window.start, doc.text.rfind("\n", window.start, position) + 1)
    subject = _OPENS_WITH_THIS_AGREEMENT.match(doc.text, opening)
    return subject is not None and subject.end() <= position


def _shifted_from_signing(doc: Document, agreement: FoundDate | None, counted: re.Match[str]) -> FoundDate:
    """The effective date a stated period after signing: the signature date moved by that period."""
    signed = _signed_or_dated(doc, agreement, counted.start(), counted.end())
    offset = next(
        found.duration
        for found in find_durations(doc.text, counted.start(), counted.end())
        if _COUNTED_FROM.match(doc.text, found.end, counted.end())
    )
    if signed.match.value is None:
        return signed
    shifted = add_duration(signed.match.value, offset).value
    if shifted is None:
        return _undetermined(doc, counted.start(), f"{offset.display} from signature cannot be counted")
    return FoundDate(
        match=signed.match.model_copy(update={"value": shifted}),
        cite_start=signed.cite_start,
        confidence=signed.confidence,
        cite_end=signed.cite_end,
    )


def _signed_or_dated(doc: Document, agreement: FoundDate | None, start: int, end: int) -> FoundDate:
    """The effective date of a contract effective on signature: the last signature date, else its date."""
    signed = _last_signature_date(doc)
    confidence = 0.65
    if signed is None and agreement is not None and agreement.match.value is not None:
        signed, confidence = agreement.match, 0.6
    if signed is None:
        return _undetermined(doc, start, "the date of signature is not stated")
    if signed.value is not None and _DAY_AFTER_SIGNATURE.search(doc.text, start, end):
        signed = signed.model_copy(update={"value": signed.value + timedelta(days=1)})
    return FoundDate(match=signed, cite_start=start, confidence=confidence, cite_end=end)


# "commence on the next business day after the later of (i) the date hereof, or (ii) the date Agent has confirmed
# ... (the "Effective Date")": the date hereof is only a floor, and the day after it is counted by business days.
# Read as the agreement's date, it moves every period counted from the effective date.
_COMBINED_DATES = re.compile(
    r"\b(?P<which>later|latest|earlier|earliest)\s+(?:to\s+occur\s+)?of\b"
    r"|\bwhichever\s+(?:is\s+|shall\s+be\s+|occurs\s+)?(?P<whichever>later|earlier|first|last|sooner)\b",
    re.IGNORECASE,
)
_COUNTED_IN_BUSINESS_DAYS = re.compile(r"\bbusiness\s+days?\s+(?:after|following|from)\b", re.IGNORECASE)


def _combined_or_counted(doc: Document, start: int, end: int) -> FoundDate | None:
    """Undetermined when the effective date between `start` and `end` is the later or earlier of several dates
    (one of them the agreement's) or a number of business days after one; None when it is neither."""
    if (combined := _COMBINED_DATES.search(doc.text, start, end)) is not None:
        which = (combined.group("which") or combined.group("whichever")).lower()
        return _undetermined(
            doc, combined.start(), f"the effective date is the {which} of dates, not all of which are given"
        )
    if (counted := _COUNTED_IN_BUSINESS_DAYS.search(doc.text, start, end)) is not None:
        return _undetermined(
            doc, counted.start(), "the effective date is counted in business days, whose holidays are not given"
        )
    return None


def _undetermined(doc: Document, position: int, reason: str) -> FoundDate:
    window = doc.sentence_window(position)
    return FoundDate(
        match=DateMatch(start=window.start, end=window.end, value=None, reason=reason),
        cite_start=window.start,
        confidence=0.5,
    )


def _qualified_name(text: str, match: re.Match[str]) -> bool:
    """ "Maintenance Commencement Date": a date defined for something else than the agreement itself."""
    # '... declared effective by the SEC (the "Effective Date")': a word before the parenthesis is not part of the name.
    if re.match(r"\W*(?:the\s+)?\W*effective", match.group(0), re.IGNORECASE):
        return False
    before = re.search(r"([A-Za-z]+)\W{0,2}$", text[max(0, match.start() - 30) : match.start()])
    return before is not None and before.group(1)[0].isupper() and before.group(1).lower() not in {"the", "this"}


# "the Standstill Period commencing on the date hereof", "that period of time commencing upon execution": the
# start of some other period the agreement defines, not of the agreement.
_ANOTHER_PERIOD_BEFORE = re.compile(r"\bperiod\s+(?:of\s+time\s+)?$", re.IGNORECASE)
_TAKES_EFFECT_VERB_END = re.compile(
    r"(?:effective|commenc\w*|come\s+into\s+force|take\s+effect|begin)\w*$", re.IGNORECASE
)


def _begins_another_period(text: str, verb_start: int) -> bool:
    return _ANOTHER_PERIOD_BEFORE.search(text, max(0, verb_start - 30), verb_start) is not None


# "subject to that certain agreement effective as of <date> between ...": the date another agreement (one this
# agreement names as "that certain", "the original", "a separate" ...) took effect, not this one.
_ANOTHER_AGREEMENT_BEFORE = re.compile(
    r"\b(?:that\s+certain|the\s+(?:original|existing|prior|previous|underlying)|a\s+separate|another)\s+"
    r"(?:[\w-]+\s+){0,4}?(?:agreement|contract)\b(?:\s*\([^)]{0,60}\))?,?\s*"
    r"(?:(?:is|was|became|has\s+been|shall\s+be|will\s+be)\s+)?(?:made\s+and\s+)?$",
    re.IGNORECASE,
)


def _another_agreement_takes_effect(text: str, verb_start: int) -> bool:
    return _ANOTHER_AGREEMENT_BEFORE.search(text, max(0, verb_start - 120), verb_start) is not None


# The contract's own effective date, unlike "the effective date of such termination", "of the Registration
# Statement" or "of the merger": the defined term ("the Effective Date", "EFFECTIVE DATE"), "its effective
# date" or "the effective date of this Agreement".
_DATE_IT_BECOMES_EFFECTIVE = (
    r"\b(?:date|day)\s+(?:on\s+which\s+|that\s+|when\s+)?this\s+(?:[\w-]+\s+){{0,3}}?(?:{document})\s+"
    r"(?:becomes|became|is|was|shall\s+become|first\s+becomes)\s+effective\b"
)
_OWN_EFFECTIVE_DATE = re.compile(
    r"\b(?:Effective\s+Date|EFFECTIVE\s+DATE)\b(?!\s*(?:\([^)]{0,60}\)\s*)?(?i:of)\s+(?!(?i:this|the\s+agreement)\b))|"
    r"(?i:\b(?:its|this\s+agreement's)\s+effective\s+date\b|"
    r"\beffective\s+date\s+of\s+this\s+(?:[\w-]+\s+){0,3}?(?:agreement|contract|amendment)\b|"
    # "on the date this Agreement becomes effective": the same fact in other words.
    rf"{_DATE_IT_BECOMES_EFFECTIVE.format(document='agreement|contract')})"
)
# An amendment uses the capitalised terms of the agreement it amends: an "Effective Date" it never defines is that
# agreement's, not the amendment's date. Its own is named for it: "Amendment Effective Date", "the effective date
# of this Amendment".
_IS_AMENDMENT = re.compile(
    r"\(\s*(?:this|the)?\s*[\"“]\s*(?:[\w-]+\s+){0,3}?Amendment\s*[\"”]\s*\)|"
    r"\bthis\s+(?:(?!agreement\b)[\w-]+\s+){0,3}?amendment\s+(?:no\.?\s*\d+\s+)?(?:is|shall|will)\b",
    re.IGNORECASE,
)
_AMENDMENTS_OWN_EFFECTIVE_DATE = re.compile(
    r"\bAmendment\s+Effective\s+Date\b|\beffective\s+date\s+of\s+this\s+(?:[\w-]+\s+){0,3}?amendment\b|"
    + _DATE_IT_BECOMES_EFFECTIVE.format(document="amendment"),
    re.IGNORECASE,
)


def _speaks_of_own_effective_date(text: str) -> bool:
    if _IS_AMENDMENT.search(text, 0, min(len(text), PREAMBLE_CHARS)):
        return _AMENDMENTS_OWN_EFFECTIVE_DATE.search(text) is not None
    return _OWN_EFFECTIVE_DATE.search(text) is not None


# "This Agreement shall commence on the date the Registration Form is approved": an effective date set by an
# event the text does not date (a stated date, a signature or the date above are handled before).
_EFFECTIVE_ON_EVENT = re.compile(
    r"\b(?:effective|commenc\w*|come\s+into\s+force|take\s+effect|begin)\w*\s+(?:on|upon|as\s+of|from)\s+the\s+"
    r"(?:first\s+)?(?:date|day)\b(?!\s+(?:hereof|of\s+(?:this|the)\s+agreement|first|and\s+year|set\s+forth\s+above|above))",
    re.IGNORECASE,
)


_EVENT_REASON = "the effective date depends on an event the text does not date"

# "This Agreement is conditional upon, and shall take effect only upon, the approval of the board", "shall not come
# into force unless and until the Client has received the Financing", "becomes effective upon the satisfaction of the
# conditions precedent": the contract takes effect on an event, so its effective date is undetermined. Left absent,
# the date at the top would stand in for it and every period counted from it would be wrong.
_EFFECTIVE_ON_CONDITION = re.compile(
    r"\b(?:(?:effective|commenc\w*|come\s+into\s+force|take\s+effect|begin)\w*,?\s+only\s+(?:upon|on|when|if|once|after)\b"
    r"|\bnot\s+(?:\w+\s+){0,2}?(?:effective|come\s+into\s+force|take\s+effect|commence|begin)\w*\s+(?:unless\s+and\s+)?"
    r"(?:until|before|unless)\b"
    r"|\b(?:is|shall\s+be|are)\s+(?:expressly\s+)?conditional\s+(?:up)?on\b"
    r"|\b(?:effective|commenc\w*|come\s+into\s+force|take\s+effect)\w*\s+(?:up)?on\s+(?:the\s+)?(?:satisfaction|fulfil+ment)\s+"
    r"(?:or\s+waiver\s+)?of\s+(?:all\s+|each\s+of\s+)?(?:the\s+)?conditions?\b)",
    re.IGNORECASE,
)
# The agreement itself is what is conditional, as the sentence's subject ("2. Effect. This Agreement is ..."), not a
# waiver or a modification "of this Agreement" that "is effective only if in writing".
_CONDITION_TRIGGER = keywords("effect", "force", "conditional", "commenc", "begin")
_OPENS_WITH_THIS_AGREEMENT = re.compile(
    r"[\s\d.()\[\]]*(?:\(?[A-Za-z]{1,4}[.)]\s*)?(?:[A-Z][\w ,&-]{0,40}[.:]\s+)?(?i:this|the)\s+(?:[\w-]+\s+){0,3}?"
    r"(?i:agreement|contract)\b(?:\s*\([^)]{0,40}\))?,?\s+"
)

_STARTS_ON_NAMED_DATE = re.compile(
    r"\b(?:(?i:effective\s+date\s+of\s+(?:the\s+)?(?:start\s+of\s+)?(?:the\s+)?(?:initial\s+)?term)|"
    r"(?i:(?:this\s+agreement|the\s+(?:initial\s+)?term(?:\s+of\s+this\s+agreement)?)\s+(?:shall|will)\s+"
    r"(?:commence|begin|start|become\s+effective)))"
    r"[^.;]{0,30}?\b(?i:from|on|as\s+of|upon)\s+the\s+(?P<name>(?:[A-Z][\w-]*\s+){1,3}Date)\b"
)
_NAMES_HANDLED = re.compile(r"^(?:Effective|Commencement|Start)\s+Date$", re.IGNORECASE)


def _named_start_date(doc: Document) -> FoundDate | None:
    """The date a named start ("Launch Date") is given elsewhere: '<name> ... shall be / is / means <date>'."""
    text = doc.text
    for start in doc.matches(_TAKES_EFFECT_TRIGGER, _STARTS_ON_NAMED_DATE):
        name = " ".join(start.group("name").split())
        if _NAMES_HANDLED.match(name):
            continue
        words = r"\s+".join(re.escape(word) for word in name.split())
        stated = re.compile(
            rf"\b{words}\b[^.;]{{0,60}}?\b(?:shall\s+be|will\s+be|is|means|shall\s+mean)\s+(?:on\s+)?(?:the\s+)?",
            re.IGNORECASE,
        )
        for definition in stated.finditer(text):
            found = _first_date_after(doc, definition.end(), 40)
            if found is not None and found.value is not None and found.start - definition.end() < 6:
                return FoundDate(match=found, cite_start=start.start(), confidence=0.7, cite_end=start.end())
    return None


# '"Effective Date" means the closing under the <name> Agreement dated <date>' / '... the first business day after
# <date>': the date that follows is another agreement's or a point counted from, not the effective date (a time of
# day before the date is not in the way).
_DATE_OF_SOMETHING_ELSE = re.compile(
    # "means, for the purposes of this Agreement, <date>" is this agreement's.
    r"(?<!\bthis\s)\b(?:agreement|contract)\b|\b(?:after|following|before|prior\s+to|later\s+of|earlier\s+of)\b",
    re.IGNORECASE,
)
_COUNTERPARTS = re.compile(r"\bcounterparts?\b", re.IGNORECASE)
_SIGNING_WORD = re.compile(r"\b(?:sign|execut)\w*", re.IGNORECASE)


def _counterparts_yield_to_definition(doc: Document, position: int) -> bool:
    """True for a counterparts clause ("may be signed in counterparts and takes effect once they are all signed") in a
    contract that defines its "Effective Date" itself, by something else than signing (a closing, an approval): the
    counterparts clause is boilerplate on how the parties sign; the definition says when the contract takes effect."""
    if not _COUNTERPARTS.search(doc.sentence_window(position).text):
        return False
    return any(
        not _qualified_name(doc.text, defined)
        # a definition by signing or execution agrees with the counterparts clause
        and not _SIGNING_WORD.search(doc.sentence_window(defined.start()).text)
        for defined in (
            *doc.matches(_EFFECTIVE_DATE_TRIGGER, _EFFECTIVE_DEFINED),
            *doc.matches(_EFFECTIVE_DATE_TRIGGER, _EFFECTIVE_MEANS),
        )
    )


def find_effective_date(doc: Document, agreement: FoundDate | None) -> FoundDate | None:
    text = doc.text
    # 1. A defined term: 'entered into as of June 1, 2020 (the "Effective Date")'.
    for defined in doc.matches(_EFFECTIVE_DATE_TRIGGER, _EFFECTIVE_DEFINED):
        if _qualified_name(text, defined):
            continue
        if _EFFECTIVE_MEANS.match(text, defined.start() + 1):
            continue  # '"Effective Date" means <something>': defined by what follows (step 2), not by a date before
        window = doc.sentence_window(defined.start())
        # A date that ends in this sentence, even if it starts before it: "on April. 1st 2019" is split after "April."
        dates = [
            d
            for d in doc.dates(max(0, min(window.start, defined.start() - 160)), defined.start())
            if defined.start() - d.end < 160 and d.end > window.start
        ]
        if dates and _DEADLINE_BEFORE.search(text, max(0, dates[-1].start - 30), dates[-1].start):
            # '... accepted for filing no later than March 1, 2020 (such date, the "Effective Date")': the date of an
            # event, of which the text gives only the deadline
            return _undetermined(
                doc, defined.start(), "the effective date is the day of an event; the text gives only its deadline"
            )
        if dates:
            return FoundDate(match=dates[-1], cite_start=dates[-1].start, confidence=0.95)
        if _BLANK_YEAR.search(text, max(window.start, defined.start() - 60), defined.start()):
            return _undetermined(doc, defined.start(), "the year of the effective date is left blank")
        if _NOTHING_AFTER_AS_OF.search(text, max(window.start, defined.start() - 40), defined.start()):
            return _undetermined(doc, defined.start(), "the effective date is left blank")
        following = _first_date_after(doc, defined.end(), 40)
        if following is not None and not text[defined.end() : following.start].strip(" \t\n:-–—=\"'"):
            return FoundDate(
                match=following, cite_start=defined.start(), confidence=0.9
            )  # '"EFFECTIVE DATE" - 1/21/02'
        if _BY_SIGNATURE.search(window.text):
            return _signed_or_dated(doc, agreement, window.start, window.end)
        if _REFERS_TO_AGREEMENT_DATE.search(window.text) and agreement is not None:
            if (combined := _combined_or_counted(doc, window.start, defined.start())) is not None:
                return combined
            return FoundDate(match=agreement.match, cite_start=window.start, confidence=0.8, cite_end=window.end)
        break
    # 2. '"Effective Date" means June 1, 2020' / 'EFFECTIVE DATE: 11/4/10'.
    for means in doc.matches(_EFFECTIVE_DATE_TRIGGER, _EFFECTIVE_MEANS):
        if _qualified_name(text, means):
            continue
        found = _first_date_after(doc, means.end(), 60)
        if found is not None and not _DATE_OF_SOMETHING_ELSE.search(text, means.end(), found.start):
            return FoundDate(match=found, cite_start=means.start(), confidence=0.9)
        window = doc.sentence_window(means.start())
        # What follows the name defines it: "The effective date of this Agreement is the date of the last
        # signature" is not the date of this agreement.
        if _BY_SIGNATURE.search(text, means.end(), window.end):
            return _signed_or_dated(doc, agreement, window.start, window.end)
        if _REFERS_TO_AGREEMENT_DATE.search(text, means.end(), window.end) and agreement is not None:
            return FoundDate(match=agreement.match, cite_start=means.start(), confidence=0.8, cite_end=window.end)
    for label in doc.matches(_EFFECTIVE_DATE_TRIGGER, _EFFECTIVE_LABEL):
        found = _first_date_after(doc, label.end(), 60)
        if found is not None and not text[label.end() : found.start].strip(" \t\n:-\"'"):
            return FoundDate(match=found, cite_start=label.start(), confidence=0.9)
    # 3. 'This Agreement shall become effective on 1 March 2003' / 'The term shall commence on ...'.
    for effective in doc.matches(_TAKES_EFFECT_TRIGGER, _EFFECTIVE_VERB):
        found = _first_date_after(doc, effective.end(), 60)  # "this 21st day of February, 2011" is 32 characters
        if found is None or found.start - effective.end() > 12:
            continue
        window = doc.sentence_window(effective.start())
        if _begins_another_period(text, effective.start()) or _another_agreement_takes_effect(text, effective.start()):
            continue
        if _AGREEMENT_SUBJECT.search(text, max(window.start, effective.start() - 100), effective.end()):
            return FoundDate(match=found, cite_start=effective.start(), confidence=0.85)
    # 4. Effective on signature: the last date of signature, else the date the agreement bears.
    signature = next(
        (
            m
            for m in doc.matches(_TAKES_EFFECT_TRIGGER, _UPON_SIGNATURE)
            if not _begins_another_period(text, m.start()) and not _counted_from_signing(text, m)
        ),
        None,
    ) or next(doc.matches(_TAKES_EFFECT_TRIGGER, _WHEN_SIGNED), None)
    if signature is not None and not _counterparts_yield_to_definition(doc, signature.start()):
        return _signed_or_dated(doc, agreement, signature.start(), signature.end())
    for counted in doc.matches(_TAKES_EFFECT_TRIGGER, _UPON_SIGNATURE):
        if _counted_from_signing(text, counted) and _opens_with_this_agreement(doc, counted.start()):
            # "This Agreement shall become effective thirty (30) days after its execution": counted from signing.
            return _shifted_from_signing(doc, agreement, counted)
    for negated in doc.matches(_TAKES_EFFECT_TRIGGER, _NOT_EFFECTIVE_UNTIL_SIGNED):
        window = doc.sentence_window(negated.start())
        opens_sentence = _SENTENCE_OPENING.fullmatch(text, window.start, negated.start()) is not None
        if opens_sentence and not _ANOTHER_CONDITION.search(text, negated.end(), window.end):
            return _signed_or_dated(doc, agreement, negated.start(), negated.end())
    # 5. 'effective as of the date first written above': the agreement date.
    for effective in doc.matches(_TAKES_EFFECT_TRIGGER, _AGREEMENT_TAKES_EFFECT):
        verb = _TAKES_EFFECT_VERB_END.search(effective.group(0))
        if verb is not None and _begins_another_period(text, effective.start() + verb.start()):
            continue
        window = doc.sentence_window(effective.start())
        if ref := _REFERS_TO_AGREEMENT_DATE.search(text, effective.end(), min(window.end, effective.end() + 120)):
            if agreement is None:  # "effective as of the date set forth above", and no date is set forth
                return _undetermined(doc, effective.start(), "the date the agreement refers to is not filled in")
            if (combined := _combined_or_counted(doc, effective.end(), ref.start())) is not None:
                return combined
            offset = next(
                (
                    found.duration
                    for found in find_durations(text, effective.end(), ref.start())
                    if _COUNTED_FROM.match(text, found.end, ref.start())
                ),
                None,
            )
            if offset is not None:
                # "effective thirty (30) days after the date hereof": counted from the agreement's date.
                shifted = (
                    add_duration(agreement.match.value, offset).value if agreement.match.value is not None else None
                )
                if shifted is None:
                    return _undetermined(doc, effective.start(), f"{offset.display} from a date that cannot be counted")
                moved = agreement.match.model_copy(update={"value": shifted})
                return FoundDate(match=moved, cite_start=window.start, confidence=0.7, cite_end=window.end)
            return FoundDate(match=agreement.match, cite_start=window.start, confidence=0.75, cite_end=window.end)
    # 6. An "Effective Date" defined by an event ('the date the Site becomes operational'): present, undetermined.
    for defined in (
        *doc.matches(_EFFECTIVE_DATE_TRIGGER, _EFFECTIVE_DEFINED),
        *doc.matches(_EFFECTIVE_DATE_TRIGGER, _EFFECTIVE_MEANS),
    ):
        if _qualified_name(text, defined):
            continue
        return _undetermined(doc, defined.start(), _EVENT_REASON)
    # 'This Agreement shall commence on the date the Form is approved': present, undetermined.
    for effective in doc.matches(_TAKES_EFFECT_TRIGGER, _AGREEMENT_TAKES_EFFECT):
        verb = _TAKES_EFFECT_VERB_END.search(effective.group(0))
        if verb is None or not _EFFECTIVE_ON_EVENT.match(text, effective.start() + verb.start()):
            continue
        window = doc.sentence_window(effective.start())
        if not doc.dates(window.start, window.end):
            return _undetermined(doc, effective.start(), _EVENT_REASON)
    # 'This Agreement shall take effect only upon the approval of the board': present, undetermined.
    for conditional in doc.matches(_CONDITION_TRIGGER, _EFFECTIVE_ON_CONDITION):
        window = doc.sentence_window(conditional.start())
        # From the start of its sentence or paragraph (a clause number after a party's "B.V." is not always a break)
        opening = max(window.start, text.rfind("\n", window.start, conditional.start()) + 1)
        subject = _OPENS_WITH_THIS_AGREEMENT.match(text, opening)
        if subject is not None and subject.end() <= conditional.start() and not doc.dates(opening, window.end):
            return _undetermined(doc, conditional.start(), _EVENT_REASON)
    # 7. 'The effective date of the start of the Term will be from the Launch Date' and, elsewhere, 'the launch
    # date ... shall be September 1, 1999': the term starts on a named date the contract fixes.
    named = _named_start_date(doc)
    if named is not None:
        return named
    # 8. The contract speaks of its own effective date without defining it: the date it bears.
    if agreement is not None and _speaks_of_own_effective_date(text):
        return FoundDate(match=agreement.match, cite_start=agreement.cite_start, confidence=0.55)
    return None
