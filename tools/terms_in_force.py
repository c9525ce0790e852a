"""A contract's terms in force and its renewal state: the CLM record, the text and its amendments, in one place.

Facts the CLM records as fields win; the document's own statement of the same fact is kept as the citation, and a
disagreement between the two is reported, never silently resolved. Amendments are applied in effective-date
order. {tool:extract_obligations}, {tool:upcoming_deadlines}, {tool:get_contract} and {tool:search_contracts} all
read a contract's renewal state from here, so they always agree on the same contract; none of them imports
another tool's module (removing a tool leaves the others whole).

The document text is read from the CLM chunk by chunk, checked against the CLM's SHA-256, analysed (pure
functions in `analysis/`, off the event loop) and cached by that hash.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from datetime import date
from typing import TYPE_CHECKING, Literal, NamedTuple, cast

import anyio.to_thread
from cachetools import LRUCache
from pydantic import Field

from clm_client import ClmContext
from clm_client.models import ContractDetail, ContractSummary
from plugin.toolkit.errors import BackendError
from plugin.toolkit.spec import ToolOutput
from plugin.toolkit.untrusted import OffsetMap, clean_inline, clean_text_mapped, strip_invisible

if TYPE_CHECKING:
    from analysis import ConsolidatedTerms, RenewalState
    from analysis.amendments import Operation
    from analysis.models import Citation, ContractAnalysis, KeyTerm

# analysis/ is imported inside the functions: it is not needed to answer initialize or tools/list (cold start).
CHUNK = 100_000
MAX_QUOTE = 240  # characters of a quote shown (elided around the fact beyond that)
MAX_DOCUMENT_CHARS = 5_000_000


class Source(ToolOutput):
    document_id: str = Field(
        description="The document the quote and offsets are from: this contract's id, or the id of the amendment "
        "that set the term (read it with that id)"
    )
    section: str | None
    heading: str | None
    quote: str = Field(
        description="The document's words as {tool:read_contract} shows them at these offsets (invisible "
        "characters removed): exactly text[start:end], or, when `elided`, the `pieces` verbatim joined by '…' "
        "where words were left out (never cut mid-word; the words carrying the fact are kept)"
    )
    start: int = Field(
        description="The CLM's offset of the first character shown (as {tool:read_contract} and "
        "{tool:annotate_contract} take it)"
    )
    end: int = Field(description="The CLM's offset after the last character shown")
    pieces: list[tuple[int, int]] = Field(description="Offsets of each verbatim piece shown, in order")
    elided: bool = Field(description="True when words of the clause were left out (marked '…')")
    confidence: float


class Fact(ToolOutput):
    kind: str
    value: str = Field(description="Normalised: ISO dates, ISO 8601 durations (P60D, P1Y), names")
    display: str
    source: Literal["clm", "document", "amendment"] = Field(
        description="clm = the CLM's recorded field (wins); document = the base text; amendment = an amendment's text"
    )
    citation: Source | None
    disagreement: str | None = Field(default=None, description="Set when the document states a different value")
    set_by: str | None = Field(default=None, description="The amendment (id and section) that set the term in force")
    superseded: list[str] = Field(default_factory=list, description="Earlier values an amendment replaced")


class Renewal(ToolOutput):
    """Where the contract stands on renewal at the business date (from the terms in force and the CLM status)."""

    state: str = Field(
        description="notice_open | notice_missed_locked_in | renewed | not_renewing | ended | not_in_force | "
        "undetermined"
    )
    current_term_end: date | None
    notice_deadline: date | None = Field(description="notice_open: the last day to give notice")
    missed_on: date | None = Field(description="notice_missed_locked_in: the notice deadline that passed")
    locked_in_until: date | None = Field(description="notice_missed_locked_in: end of the renewal term now fixed")
    next_notice_deadline: date | None = Field(description="notice_missed_locked_in: the next chance to give notice")
    renewal_date: date | None = Field(default=None, description="notice_missed_locked_in: the day it renews")
    explanation: str
    disagreements: list[str] = Field(default_factory=list, description="CLM record vs document text, unresolved")


class ComputedDate(ToolOutput):
    name: str
    date: date | None
    days_remaining: int | None
    basis: str = Field(description="How it was computed, or why it cannot be")


class Read(NamedTuple):
    """A document's analysis and the map from the offsets of the text it analysed to the CLM's offsets."""

    analysis: ContractAnalysis
    offsets: OffsetMap


def source_of(
    citation: Citation,
    text_len: int,
    must_include: list[tuple[int, int]] | None = None,
    *,
    document_id: str,
    offsets: OffsetMap | None,
) -> Source:
    """The citation as a quote a lawyer can check: exact, or elided with '…' around the fact's words.

    `must_include` are offsets into `citation.quote` (see `_fact_words`, `_due_words`). The analysis read the
    text as cleaned at the boundary; `offsets` maps its offsets back to the CLM's, the ones {tool:read_contract}
    and {tool:annotate_contract} take, so each piece reads (once cleaned) exactly as quoted."""
    from analysis import quote

    shown = quote(citation.quote, (0, len(citation.quote)), must_include=must_include or [], max_chars=MAX_QUOTE)
    pieces = [
        (citation.start + s, citation.start + e)
        if offsets is None
        else offsets.span(citation.start + s, citation.start + e)
        for s, e in shown.pieces
    ]
    pieces = [(min(s, text_len), min(e, text_len)) for s, e in pieces]
    first, last = (pieces[0][0], pieces[-1][1]) if pieces else (citation.start, citation.start)
    return Source(
        document_id=document_id,
        section=citation.section,
        heading=None if citation.heading is None else clean_inline(citation.heading, 80),
        quote=strip_invisible(shown.text),
        start=first,
        end=last,
        pieces=pieces,
        elided=shown.elided,
        confidence=round(citation.confidence, 2),
    )


def _local(citation: Citation) -> Citation:
    return citation.model_copy(update={"start": 0, "end": len(citation.quote)})


def _fact_words(citation: Citation, kind: str, value: str | None) -> list[tuple[int, int]]:
    """Offsets (in the quote) of the words carrying a key term's value: the days, the date, the amount, the law."""
    from analysis import TermKind, fact_spans

    try:
        term_kind = TermKind(kind)
    except ValueError:
        return []
    return fact_spans(citation.quote, _local(citation), term_kind, value)


async def _document(ctx: ClmContext, detail: ContractDetail) -> tuple[str, OffsetMap]:
    assert detail.document is not None
    if detail.document.total_chars > MAX_DOCUMENT_CHARS:
        raise BackendError(f"The document has {detail.document.total_chars:,} characters, over the 5 M limit.")
    parts: list[str] = []  # the raw text: cleaned whole below, with the map of its offsets
    checksum = hashlib.sha256()  # the CLM's checksum covers the raw text, before the boundary cleaned it
    offset: int | None = 0
    while offset is not None:
        chunk = await ctx.api.read_document(detail.id, offset=offset, max_chars=CHUNK)
        parts.append(chunk.raw_text)
        checksum.update(chunk.raw_text.encode("utf-8"))
        await ctx.progress(offset + chunk.raw_chars, chunk.total_chars, "reading the document")
        offset = chunk.next_offset
    raw = "".join(parts)
    if checksum.hexdigest() != detail.document.sha256:
        raise BackendError("The document text does not match the CLM's checksum (it changed while being read); retry.")
    return clean_text_mapped(raw)


def _clm_term_facts(d: ContractSummary) -> dict[str, tuple[str, str]]:
    """The CLM's term fields (a list row carries them when the CLM lists `term`)."""
    facts: dict[str, tuple[str, str]] = {}
    if d.effective_date:
        facts["effective_date"] = (d.effective_date.isoformat(), d.effective_date.isoformat())
    term = d.term
    if term is None:
        return facts
    if term.initial_term_months:
        facts["initial_term"] = (f"P{term.initial_term_months}M", f"{term.initial_term_months} months")
    if d.entered:  # an imported record's "no" is the import's default, not a recorded fact
        facts["auto_renewal"] = ("true" if term.auto_renew else "false", "yes" if term.auto_renew else "no")
    if term.renewal_term_months:
        facts["renewal_term"] = (f"P{term.renewal_term_months}M", f"{term.renewal_term_months} months")
    if term.renewal_notice_days:
        facts["renewal_notice_period"] = (f"P{term.renewal_notice_days}D", f"{term.renewal_notice_days} days")
    return facts


def _clm_facts(d: ContractDetail) -> dict[str, tuple[str, str]]:
    """CLM fields as (normalised value, display) by fact kind."""
    facts = _clm_term_facts(d)
    if d.payment_terms_days:
        facts["payment_terms"] = (f"P{d.payment_terms_days}D", f"net {d.payment_terms_days} days")
    if d.governing_law:
        law = clean_inline(d.governing_law, 80)
        facts["governing_law"] = (law, law)
    if d.termination.for_convenience and d.termination.convenience_notice_days:
        days = d.termination.convenience_notice_days
        facts["termination_for_convenience"] = (f"P{days}D", f"{days} days' notice")
    return facts


def _same(kind: str, a: str, b: str) -> bool:
    from analysis.durations import same_length

    if a.startswith("P") and b.startswith("P"):
        return same_length(a, b)
    return a.strip().lower() == b.strip().lower()


MAX_AMENDMENTS = 20


def _operations(text: str) -> list[Operation]:
    from analysis.amendments import amendment_operations
    from analysis.context import build_document

    return amendment_operations(build_document(text)) if text.strip() else []


async def _consolidate(
    ctx: ClmContext,
    detail: ContractDetail,
    base: ContractAnalysis,
    warnings: list[str],
    maps: dict[str, OffsetMap],
    operations: dict[str, list[Operation]],
) -> ConsolidatedTerms:
    """The base analysis with its amendments applied in effective-date order (their text read from the CLM).

    `operations` gets what each applied amendment does to which section of the base, in the order applied."""
    from analysis import DocumentRef, consolidate

    ids = [r.id for r in detail.related if r.relation == "amended_by"]
    if len(ids) > MAX_AMENDMENTS:
        warnings.append(f"{len(ids)} amendments: only the first {MAX_AMENDMENTS} were read and applied.")
        ids = ids[:MAX_AMENDMENTS]
    amendments: list[tuple[DocumentRef, str]] = []
    for amendment in await asyncio.gather(*(ctx.api.get_contract(i) for i in ids)):
        text = ""
        if amendment.document is not None and amendment.document.has_text and amendment.document.total_chars:
            text, maps[amendment.id] = await _document(ctx, amendment)
        ref = DocumentRef(
            id=amendment.id,
            title=clean_inline(amendment.title, 120),
            effective_date=amendment.effective_date,
            status=amendment.status,
        )
        amendments.append((ref, text))
    base_ref = DocumentRef(id=detail.id, title=clean_inline(detail.title, 120), effective_date=detail.effective_date)
    consolidated = await anyio.to_thread.run_sync(consolidate, base_ref, base, amendments)
    texts = {ref.id: text for ref, text in amendments}
    for amendment_id in consolidated.applied:
        operations[amendment_id] = await anyio.to_thread.run_sync(_operations, texts.get(amendment_id, ""))
    warnings += [clean_inline(w, 300) for w in consolidated.warnings]
    if consolidated.pending:
        warnings.append(
            f"Amendment(s) {', '.join(consolidated.pending)} are not signed yet: their changes are not applied."
        )
    return consolidated


def _apply_amendments(
    facts: dict[str, Fact], consolidated: ConsolidatedTerms, base_id: str, maps: dict[str, OffsetMap]
) -> None:
    """Terms an amendment set replace what the base text says; the CLM's own field still wins on the value."""
    for term in consolidated.terms:
        source = term.source
        if source.document_id == base_id:
            continue
        kind = term.kind.value
        where = f"amendment {source.document_id}" + (f" §{source.section}" if source.section else "")
        superseded = [
            f"{s.value or 'deleted'} ({'base' if s.document_id == base_id else s.document_id}"
            + (f" §{s.section}" if s.section else "")
            + ")"
            for s in term.superseded
        ]
        current = facts.get(kind)
        gone = "deleted"
        if term.value is None and kind == "expiration_date" and source.operation != "delete":
            # Not deleted: the amendment set a new term (or restated the section without a date), so the end
            # now follows from the term as amended.
            gone = "no fixed date any more: the term as amended sets the end (see end of current term)"
        display = clean_inline(term.display or (gone if term.value is None else term.value), 120)
        citation = (
            None
            if source.citation is None
            else _amendment_source(source.citation, kind, term.value, source.document_id, maps.get(source.document_id))
        )
        if current is not None and current.source == "clm":
            facts[kind] = current.model_copy(
                update={"set_by": where, "superseded": superseded, "citation": citation, "disagreement": None}
            )
            continue
        facts[kind] = Fact(
            kind=kind,
            value=clean_inline(term.value or "deleted", 120),
            display=display,
            source="amendment",
            citation=citation,
            set_by=where,
            superseded=superseded,
        )


def _amendment_source(
    citation: Citation, kind: str, value: str | None, document_id: str, offsets: OffsetMap | None
) -> Source:
    # Offsets are in the amendment's own text (its id in document_id and set_by), not the base document's.
    end = citation.end if offsets is None else offsets.end(citation.end)
    return source_of(citation, end, _fact_words(citation, kind, value), document_id=document_id, offsets=offsets)


def _renewal(
    facts: dict[str, Fact], detail: ContractSummary, as_of: date, warnings: list[str]
) -> tuple[Renewal, list[ComputedDate], RenewalState]:
    """The renewal state at `as_of` from the terms in force and the CLM status, and the computed dates."""
    from analysis import ClmRecord, TermFacts, renewal_state

    def value(kind: str) -> str | None:
        fact = facts.get(kind)
        return None if fact is None or fact.value == "deleted" else fact.value

    def day(kind: str) -> date | None:
        text = value(kind)
        return date.fromisoformat(text) if text and text[:4].isdigit() else None

    clm_term = "initial_term" in facts and facts["initial_term"].source == "clm"
    in_force = TermFacts(
        effective_date=day("effective_date"),
        initial_term=value("initial_term"),
        # The CLM's recorded term (as amended) decides the end; a stated date in the base text may be superseded.
        expiration_date=None if clm_term and day("effective_date") else day("expiration_date"),
        auto_renewal=None if value("auto_renewal") is None else value("auto_renewal") == "true",
        renewal_term=value("renewal_term"),
        notice_period=value("renewal_notice_period"),
    )
    record = ClmRecord(
        status=detail.status,
        expiration_date=detail.expiration_date,
        renewal_notice_date=detail.renewal_notice_date,
        auto_renew=detail.auto_renew,
    )
    state = renewal_state(in_force, record, as_of)
    disagreements = [
        clean_inline(
            f"The CLM record and the text disagree on {disagreement.field}: record {disagreement.record}, "
            f"text {disagreement.text}. {disagreement.note}",
            300,
        )
        for disagreement in state.disagreements
    ]
    warnings += disagreements
    explanation = _explain(state)
    renewal = Renewal(
        state=state.state,
        current_term_end=state.current_term_end,
        notice_deadline=state.notice_deadline,
        missed_on=state.missed_on,
        locked_in_until=state.locked_in_until,
        next_notice_deadline=state.next_notice_deadline,
        renewal_date=state.renewal_date,
        explanation=explanation,
        disagreements=disagreements,
    )

    def row(name: str, when: date | None, basis: str) -> ComputedDate:
        return ComputedDate(
            name=name, date=when, days_remaining=None if when is None else (when - as_of).days, basis=basis
        )

    computed = [row("end of current term", state.current_term_end, explanation)]
    if state.state == "notice_open":
        computed.append(row("last day to give notice of non-renewal", state.notice_deadline, explanation))
    elif state.state == "notice_missed_locked_in":
        computed.append(row("missed notice deadline", state.missed_on, explanation))
        computed.append(row("last day to give notice of non-renewal", state.next_notice_deadline, explanation))
    else:
        computed.append(row("last day to give notice of non-renewal", None, f"cannot be determined: {explanation}"))
    return renewal, computed, state


def _explain(state: RenewalState) -> str:
    if state.state == "notice_open":
        return (
            f"renews automatically at the end of the current term ({state.current_term_end}) unless notice is given "
            f"by {state.notice_deadline} ({state.days_left} days left)"
        )
    if state.state == "notice_missed_locked_in":
        return (
            f"notice deadline {state.missed_on} was missed: the contract renews on {state.renewal_date} and is "
            f"locked in until {state.locked_in_until}; next chance to give notice: {state.next_notice_deadline}"
        )
    if state.state == "ended":
        return f"{clean_inline(state.reason or 'the contract ended', 160)}: no future renewal deadline"
    return clean_inline(state.reason or state.state.replace("_", " "), 200)


class InForce(NamedTuple):
    """What one contract's text (with its amendments) and CLM record say is in force at the business date."""

    analysis: ContractAnalysis | None
    facts: dict[str, Fact]
    consolidated: ConsolidatedTerms | None
    renewal: Renewal
    computed: list[ComputedDate]
    state: RenewalState
    text_len: int
    warnings: list[str]
    offsets: OffsetMap | None  # the analysed text's offsets to the CLM's
    operations: dict[str, list[Operation]]  # applied amendment -> what it does to the base's sections, in order


async def terms_in_force(ctx: ClmContext, detail: ContractDetail, *, as_applied: bool = True) -> InForce:
    """Key terms (CLM fields win, the text is cited), amendments applied, and the renewal state at `ctx.as_of`.

    The one place {tool:extract_obligations} and {tool:upcoming_deadlines} get a contract's renewal state from, so
    the two always agree on the same contract."""
    from analysis import analyse

    warnings: list[str] = []
    analysis: ContractAnalysis | None = None
    offsets: OffsetMap | None = None
    text_len = 0
    if detail.document is None or not detail.document.has_text or detail.document.total_chars == 0:
        warnings.append(
            "The document has no text layer (scanned or missing): nothing could be read from it, so only the "
            "CLM's recorded fields are shown and no clause can be cited."
        )
    else:
        text_len = detail.document.total_chars
        cached = ctx.services.analyses.get(detail.document.sha256)
        if isinstance(cached, Read):
            analysis, offsets = cached
        else:
            text, offsets = await _document(ctx, detail)
            analysis = await anyio.to_thread.run_sync(analyse, text)
            ctx.services.analyses[detail.document.sha256] = Read(analysis, offsets)
        warnings += [clean_inline(w, 300) for w in analysis.warnings]

    facts: dict[str, Fact] = {}
    doc_terms: dict[str, KeyTerm] = {}
    if analysis is not None:
        for found in analysis.terms:
            doc_terms.setdefault(found.kind.value, found)
    for kind, (value, display) in _clm_facts(detail).items():
        stated = doc_terms.get(kind)
        disagreement = None
        if stated is not None and not _same(kind, value, stated.value):
            disagreement = f"the document says {clean_inline(stated.display, 80)}"
        facts[kind] = Fact(
            kind=kind,
            value=value,
            display=display,
            source="clm",
            citation=None
            if stated is None
            else source_of(
                stated.citation,
                text_len,
                _fact_words(stated.citation, kind, stated.value),
                document_id=detail.id,
                offsets=offsets,
            ),
            disagreement=disagreement,
        )
    for kind, term in doc_terms.items():
        if kind not in facts:
            facts[kind] = Fact(
                kind=kind,
                value=clean_inline(term.value, 120),
                display=clean_inline(term.display, 120),
                source="document",
                citation=source_of(
                    term.citation,
                    text_len,
                    _fact_words(term.citation, kind, term.value),
                    document_id=detail.id,
                    offsets=offsets,
                ),
            )
    consolidated = None
    operations: dict[str, list[Operation]] = {}
    if analysis is not None:
        maps: dict[str, OffsetMap] = {} if offsets is None else {detail.id: offsets}
        consolidated = await _consolidate(ctx, detail, analysis, warnings, maps, operations)
        _apply_amendments(facts, consolidated, detail.id, maps)
    base_id = next((r.id for r in detail.related if r.relation == "amends"), None)
    if base_id is not None and base_id != detail.id and as_applied:
        renewal, computed, state = await _as_applied(ctx, detail, base_id, facts, warnings)
    else:
        renewal, computed, state = _renewal(facts, detail, ctx.as_of, warnings)
    return InForce(analysis, facts, consolidated, renewal, computed, state, text_len, warnings, offsets, operations)


# The kinds that make up an agreement's term and renewal: an amendment states them only as changes to its
# agreement ("3 years from the Effective Date" is the agreement's date), so they are read off the agreement.
TERM_KINDS = ("initial_term", "expiration_date", "auto_renewal", "renewal_term", "renewal_notice_period")


async def _as_applied(
    ctx: ClmContext, amendment: ContractDetail, base_id: str, facts: dict[str, Fact], warnings: list[str]
) -> tuple[Renewal, list[ComputedDate], RenewalState]:
    """An amendment's term and renewal: its agreement's, with every signed amendment applied (this one too).

    An amendment is in force only as applied to its agreement; read alone, its restated term would be counted
    from its own date and contradict the agreement. `facts` gets the agreement's term kinds in place of the
    amendment's own reading."""
    base = await ctx.api.get_contract(base_id)
    # One level only: a CLM listing the agreement as amending something in turn (or its own amendment) must not
    # send this round in circles.
    found = await terms_in_force(ctx, base, as_applied=False)
    for kind in TERM_KINDS:
        facts.pop(kind, None)
        if kind in found.facts:
            facts[kind] = found.facts[kind]
    name = f"{clean_inline(base.number, 40)} (`{base.id}`)"
    applied = found.consolidated is not None and amendment.id in found.consolidated.applied
    how = (
        "with this amendment and the others signed applied"
        if applied
        else "this amendment is not applied to it (not signed, or not read)"
    )
    warnings.append(
        f"This is an amendment to {name}: its terms are in force only as applied to that agreement. The term, "
        f"renewal and deadlines shown are the agreement's ({how}); {{tool:extract_obligations}} on {base.id} "
        "gives the same."
    )
    prefix = f"governed by the agreement {name}: "
    renewal = found.renewal.model_copy(update={"explanation": prefix + found.renewal.explanation})
    computed = [c.model_copy(update={"basis": prefix + c.basis}) for c in found.computed]
    return renewal, computed, found.state


def prepare_renewal_state() -> None:
    """Import what `record_renewal` runs (the dates and the renewal state, ~35 ms cold): the warm-up of a tool that
    states a record's renewal, made in the background after `initialize` instead of in the first call, and not at
    start-up (the cold start)."""
    import analysis.renewal_states  # noqa: F401


# The record fields that fix the renewal state on their own: with all of them recorded (the CLM's fields win),
# the text cannot change the state, so a renewal row needs no document read.
RENEWAL_FIELDS = ("effective_date", "initial_term", "renewal_term", "renewal_notice_period")


def record_renewal(contract: ContractSummary, as_of: date) -> Renewal | None:
    """The renewal state at `as_of` from the CLM record alone, when the record holds every field that decides it.

    Then it is the state {tool:extract_obligations} and {tool:upcoming_deadlines} report (the record's fields win
    over the text, see `renewal_in_force`), so a tool showing only the record can say it too. None when the text
    (or the agreement an amendment amends) decides it."""
    amends = isinstance(contract, ContractDetail) and any(r.relation == "amends" for r in contract.related)
    term = contract.term
    if term is None or contract.type == "Amendment" or amends:
        return None
    # A pure function of these fields (those `_clm_term_facts` and `_renewal` read): remembered. A list tool asks
    # for it on every row of every page (~0.1 ms to compute, where the whole call is a few ms), and the same
    # contracts come back page after page; the key is read straight off the record (~1 us).
    key = (
        contract.effective_date,
        term.initial_term_months,
        term.auto_renew,
        term.renewal_term_months,
        term.renewal_notice_days,
        contract.entered,
        contract.status,
        contract.expiration_date,
        contract.renewal_notice_date,
        contract.auto_renew,
        as_of,
    )
    with _RECORD_STATES_LOCK:
        known = _RECORD_STATES.get(key, _UNKNOWN)
    if known is not _UNKNOWN:
        return cast("Renewal | None", known)
    found = _record_state(contract, as_of)
    with _RECORD_STATES_LOCK:
        _RECORD_STATES[key] = found
    return found


_UNKNOWN = object()
_RECORD_STATES: LRUCache[tuple[object, ...], Renewal | None] = LRUCache(maxsize=4096)
_RECORD_STATES_LOCK = threading.Lock()  # an LRUCache reorders itself on a read: one thread at a time


def _record_state(contract: ContractSummary, as_of: date) -> Renewal | None:
    terms = _clm_term_facts(contract)
    # Auto-renewal too: an imported record does not hold it as a fact (its "no" is the import's default), and
    # without it the record alone would read a renewing contract as ended.
    if any(kind not in terms for kind in (*RENEWAL_FIELDS, "auto_renewal")):
        return None
    facts = {
        kind: Fact(kind=kind, value=value, display=display, source="clm", citation=None)
        for kind, (value, display) in terms.items()
    }
    renewal, _, _ = _renewal(facts, contract, as_of, [])
    return renewal


def _days_left(days: int) -> str:
    return f"{days} day{'' if days == 1 else 's'} left"


def notice_summary(renewal: Renewal | None, recorded: date | None, as_of: date, *, short: bool = False) -> str | None:
    """The renewal-notice date as a record-only tool shows it: never a passed date as if it were still due."""
    if renewal is not None and renewal.state == "notice_missed_locked_in" and short:  # a table cell
        return (
            f"{renewal.missed_on} missed: locked in to {renewal.locked_in_until}; next {renewal.next_notice_deadline}"
        )
    if renewal is not None and renewal.state == "notice_missed_locked_in":
        return (
            f"{renewal.missed_on}: missed, renews on {renewal.renewal_date} and is locked in until "
            f"{renewal.locked_in_until}; next chance {renewal.next_notice_deadline}"
        )
    if renewal is not None and renewal.state == "notice_open" and renewal.notice_deadline is not None:
        left = (renewal.notice_deadline - as_of).days
        return f"{renewal.notice_deadline} ({'today is the last day' if left == 0 else _days_left(left)})"
    if recorded is None:
        return None
    if renewal is not None:
        return f"{recorded} (not due: {renewal.state.replace('_', ' ')})"
    if recorded < as_of:
        return f"{recorded} (passed; whether it renewed: {{tool:extract_obligations}})"
    return str(recorded)


async def renewal_in_force(
    ctx: ClmContext, contract: ContractSummary
) -> tuple[Renewal, RenewalState, dict[str, Fact], ContractDetail | None]:
    """The renewal state {tool:extract_obligations} reports for `contract`, read as cheaply as it can be without
    changing it.

    When the CLM records every field in RENEWAL_FIELDS, those win over the text here as in the full read, so the
    state is computed from the record alone (a list row suffices when it carries the term; disagreements with a
    text already analysed and cached are still flagged). Otherwise the document (and its amendments) is read
    exactly as `terms_in_force` does. Also returns the contract's detail when it had to be fetched."""
    detail = contract if isinstance(contract, ContractDetail) else None
    if contract.term is None:
        detail = contract = await ctx.api.get_contract(contract.id)
    facts = {
        kind: Fact(kind=kind, value=value, display=display, source="clm", citation=None)
        for kind, (value, display) in _clm_term_facts(contract).items()
    }
    if any(kind not in facts for kind in RENEWAL_FIELDS):
        detail = detail or await ctx.api.get_contract(contract.id)
        found = await terms_in_force(ctx, detail)
        return found.renewal, found.state, found.facts, detail
    warnings: list[str] = []
    renewal, _, state = _renewal(facts, contract, ctx.as_of, warnings)
    document = detail.document if detail is not None else None
    cached = ctx.services.analyses.get(document.sha256) if document is not None else None
    read = cached if isinstance(cached, Read) else None
    terms = [] if read is None else list(read.analysis.terms)
    text_len = document.total_chars if document is not None else 0
    flags = list(renewal.disagreements)
    for kind in ("auto_renewal", *RENEWAL_FIELDS):
        stated = next((t for t in terms if t.kind.value == kind), None)
        fact = facts.get(kind)
        if stated is not None and fact is not None and not _same(kind, fact.value, stated.value):
            flags.append(
                clean_inline(f"The CLM record says {kind} {fact.display}; the document says {stated.display}.", 300)
            )
            facts[kind] = fact.model_copy(
                update={
                    "citation": source_of(
                        stated.citation,
                        text_len,
                        document_id=contract.id,
                        offsets=None if read is None else read.offsets,
                    )
                }
            )
    return renewal.model_copy(update={"disagreements": flags}), state, facts, detail
