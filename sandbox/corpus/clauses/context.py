"""The rendering context: one document's record, style, parties, layout and text builder.

Clause renderers are plain functions `(Ctx) -> None` that write prose through `Ctx.say` (which
records the facts and obligations a sentence states) and open sub-clauses through `Ctx.sub`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from enum import Enum
from random import Random
from typing import NamedTuple, TypeVar

from sandbox.api_models import ContractType
from sandbox.corpus.clauses.builder import DocBuilder
from sandbox.corpus.clauses.wording import (
    DateStyle,
    MoneyStyle,
    NumberStyle,
    count,
    format_date,
    money,
    months_phrase,
    quantity,
    roman,
)
from sandbox.corpus.models import ContractRecord, FactKind, GeneratedCounterparty, ObligationCategory

T = TypeVar("T")


class Numbering(Enum):
    DECIMAL = "decimal"  # "12. TERMINATION" / "12.2 Termination for Convenience." / "12.2(a)"
    ROMAN = "roman"  # "ARTICLE VII - INDEMNIFICATION" / "Section 7.1 ..." / "7.1(a)"
    PADDED = "padded"  # "ARTICLE 12" / "Section 12.02 ..." / "12.02(a)"
    FLAT = "flat"  # "Section 5. Term." / "(a) Renewal." -> "5(a)", "5(a)(i)"


@dataclass(frozen=True, slots=True)
class Style:
    """Per-document drafting habits, fixed by the layout seed so a parent's style can be recomputed."""

    numbering: Numbering
    numbers: NumberStyle
    dates: DateStyle
    money: MoneyStyle
    heading_break: bool  # section heading on its own line rather than run into the text
    roman_dash: bool  # "ARTICLE VII - HEADING" on one line (else on two)
    prefer_years: bool  # "three (3) years" rather than "thirty-six (36) months"
    party_word: str  # "party" or "Party"


class Party(NamedTuple):
    name: str  # the legal name exactly as in the record
    term: str  # the defined term the text uses, e.g. "Customer"
    country: str  # ISO 3166-1 alpha-2
    is_us: bool


Renderer = Callable[["Ctx"], None]


class SectionPlan(NamedTuple):
    key: str  # stable clause key, e.g. "termination.convenience"
    heading: str  # Title Case, as recorded in the truth
    render: Renderer  # the section's text (for a section with children: its lead-in, may write nothing)
    children: tuple[SectionPlan, ...] = ()  # lettered sub-clauses: "7.1(a)", "5(a)(i)"


class ArticlePlan(NamedTuple):
    key: str
    heading: str
    sections: tuple[SectionPlan, ...]
    collapsed: bool = False  # a one-section article written as "7. Governing Law. text" (number "7")


class Placed(NamedTuple):
    number: str  # "12.2"
    ref: str  # how another clause cites it: "Section 12.2"
    heading: str


class SchedulePlan(NamedTuple):
    key: str
    label: str  # "Schedule 1", "Exhibit A", "Annex 2": also the section number in the truth
    heading: str
    render: Renderer


@dataclass(frozen=True, slots=True)
class Plan:
    """The document outline with final numbers; recomputable from (record, seed) alone."""

    style: Style
    articles: tuple[ArticlePlan, ...]
    schedules: tuple[SchedulePlan, ...]
    placed: dict[str, Placed]  # clause key -> where it is
    seed: int


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def sub_label(parent_number: str, index: int) -> tuple[str, str]:
    """(number, label) of the index-th sub-clause: "12.2" -> ("12.2(a)", "(a)"), "5(a)" -> ("5(a)(i)", "(i)")."""
    mark = roman(index + 1).lower() if parent_number.endswith(")") else _LETTERS[index]
    return f"{parent_number}({mark})", f"({mark})"


class Ctx:
    """Everything a clause renderer needs; owns the document's random stream."""

    def __init__(
        self,
        record: ContractRecord,
        counterparty: GeneratedCounterparty,
        parent: ContractRecord | None,
        as_of: date,
        rng: Random,
        plan: Plan,
        parent_plan: Plan | None,
        builder: DocBuilder,
        first: Party,
        second: Party,
        buyer: Party,
        seller: Party,
    ) -> None:
        self.record = record
        self.counterparty = counterparty
        self.parent = parent
        self.as_of = as_of
        self.rng = rng
        self.plan = plan
        self.parent_plan = parent_plan
        self.b = builder
        self.style = plan.style
        self.first = first
        self.second = second
        self.buyer = buyer
        self.seller = seller
        self.us = first if first.is_us else second
        self.them = second if first.is_us else first
        self.doc = doc_term(record.type)
        self.this = f"this {self.doc}"
        self.currency = record.currency or (parent.currency if parent is not None else None) or "USD"
        self.party = plan.style.party_word
        self.parties = "Parties" if plan.style.party_word == "Party" else "parties"
        self._spaced = False  # does the next sentence need a separating space?
        self._stream = f"{plan.seed}:{record.id}"

    # -- random choices ---------------------------------------------------------------------------------
    def pick(self, options: Sequence[T]) -> T:
        return options[int(self.rng.random() * len(options))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    @contextmanager
    def side_stream(self, name: str) -> Iterator[None]:
        """Draw from a separate random stream, leaving the main one (and so all later text) untouched."""
        saved = self.rng
        self.rng = Random(f"{self._stream}:{name}")
        try:
            yield
        finally:
            self.rng = saved

    # -- wording ----------------------------------------------------------------------------------------
    def num_style(self) -> NumberStyle:
        """Mostly the document's habit, now and then another (drafters are not consistent)."""
        if self.rng.random() < 0.8:
            return self.style.numbers
        return self.pick((NumberStyle.WORDS_AND_DIGITS, NumberStyle.DIGITS, NumberStyle.WORDS))

    def n(self, value: int) -> str:
        return count(value, self.num_style())

    def days(self, value: int) -> str:
        return quantity(value, "day", self.num_style())

    def months(self, value: int) -> tuple[str, str]:
        """A period in months as prose plus its ISO duration, e.g. ("two (2) years", "P2Y")."""
        prefer_years = self.style.prefer_years if self.rng.random() < 0.85 else not self.style.prefer_years
        return months_phrase(value, self.num_style(), prefer_years)

    def day(self, day: date) -> str:
        if self.rng.random() < 0.9:
            return format_date(day, self.style.dates)
        return format_date(day, self.pick((DateStyle.US_LONG, DateStyle.UK_LONG, DateStyle.ISO)))

    def money(self, amount: float) -> str:
        return money(amount, self.currency, self.style.money)

    def ref(self, key: str, fallback: str | None = None) -> str:
        placed = self.plan.placed.get(key)
        if placed is not None:
            return placed.ref
        return fallback if fallback is not None else self.this

    def has(self, key: str) -> bool:
        return key in self.plan.placed

    def parent_ref(self, key: str, fallback: str) -> str:
        """Where a clause sits in the parent agreement ("Section 6.2"), from the parent's recomputed plan."""
        if self.parent_plan is not None:
            placed = self.parent_plan.placed.get(key)
            if placed is not None:
                return placed.ref
        return fallback

    def parent_next_section(self, key: str) -> str:
        """The number a section inserted after the parent's `key` section's siblings would take."""
        plan = self.parent_plan
        if plan is not None:
            for article in plan.articles:
                if not article.collapsed and any(section.key == key for section in article.sections):
                    last = plan.placed[article.sections[-1].key]
                    return "Section " + next_number(last.number)
        return "section"

    def other(self, term: str) -> str:
        """The counterpart of a party named by its defined term."""
        return self.seller.term if term == self.buyer.term else self.buyer.term

    def fee_source(self) -> str:
        """Where the document puts its prices."""
        placed = self.plan.placed.get("schedule.fees")
        if placed is not None:
            return placed.ref
        if self.record.type in (ContractType.SOW, ContractType.ORDER_FORM):
            return self.this
        return "the applicable Statement of Work or Order Form"

    def principal(self) -> str:
        """How a DPA names the agreement it supports."""
        return "the Agreement" if self.parent is not None else f"the services agreement between the {self.parties}"

    # -- writing ----------------------------------------------------------------------------------------
    def say(
        self,
        sentence: str,
        *facts: tuple[FactKind, str],
        obligation: tuple[ObligationCategory, str, str, str, date | None, str | None] | None = None,
        marks: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Write one sentence; the facts, the obligation and the marks (precedence, override) it states get its
        exact span."""
        b = self.b
        if self._spaced:
            b.add(" ")
        start = b.pos
        b.add(sentence)
        for kind, value in facts:
            b.fact(kind, value, start)
        for name, value in marks:
            b.mark(name, value, start)
        if obligation is not None:
            category, party, action, due, next_due, recurrence = obligation
            b.obligation(category, party, action, due, start, next_due, recurrence)
        self._spaced = True

    def raw(self, text: str) -> None:
        """Text outside the sentence flow (headings, tables, line breaks)."""
        self.b.add(text)
        self._spaced = False

    def mid_paragraph(self) -> None:
        """The next sentence continues the current line (after a run-in heading)."""
        self._spaced = True

    def paragraph(self) -> None:
        """End the paragraph: exactly one blank line, however many ends were requested."""
        missing = 2 - self.b.trailing_newlines()
        if missing > 0:
            self.b.add("\n" * missing)
        self._spaced = False

    def sub(self, items: Sequence[tuple[str, Renderer]]) -> None:
        """Lettered sub-clauses of the current section: "(a) Heading. text" each on its own line."""
        parent = self.b.section or ""
        for index, (heading, render) in enumerate(items):
            number, label = sub_label(parent, index)
            self.paragraph()
            self.b.open(number, heading)
            self.b.add(f"{label} {heading}. ")
            self._spaced = False
            render(self)
            self.b.close()
        self._spaced = True


def next_number(number: str) -> str:
    """ "12.4" -> "12.5", "12.04" -> "12.05", "5(c)" -> "5(d)"."""
    if number.endswith(")"):
        head, mark = number[:-1].rsplit("(", 1)
        return f"{head}({_LETTERS[_LETTERS.index(mark) + 1]})" if mark in _LETTERS else number
    head, _, tail = number.rpartition(".")
    if not head:
        return str(int(tail) + 1) if tail.isdigit() else tail
    return f"{head}.{int(tail) + 1:0{len(tail)}d}"


def doc_term(kind: ContractType) -> str:
    """The word the document uses for itself ("this Agreement", "this SOW")."""
    return {
        ContractType.SOW: "SOW",
        ContractType.ORDER_FORM: "Order Form",
        ContractType.DPA: "DPA",
        ContractType.AMENDMENT: "Amendment",
    }.get(kind, "Agreement")
