"""Plan a document: drafting style, outline and final section numbers.

The plan depends only on (record, seed, parent) through its own random stream, so an amendment
or a SOW can recompute its parent's plan and cite the parent's real section numbers.
"""

from __future__ import annotations

from random import Random

from sandbox.api_models import ContractType
from sandbox.corpus.clauses.context import ArticlePlan, Numbering, Placed, Plan, SchedulePlan, Style, sub_label
from sandbox.corpus.clauses.outlines import OUTLINES, SCHEDULES, Outliner, add_adversarial_sections, amendment
from sandbox.corpus.clauses.places import is_us_law
from sandbox.corpus.clauses.schedules import huge_price_list, huge_reporting
from sandbox.corpus.clauses.wording import DateStyle, MoneyStyle, NumberStyle, roman
from sandbox.corpus.models import ContractRecord

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _weighted(rng: Random, options: tuple[tuple[object, float], ...]) -> object:
    point = rng.random() * sum(weight for _, weight in options)
    for value, weight in options:
        point -= weight
        if point < 0:
            return value
    return options[-1][0]


def choose_style(rng: Random, record: ContractRecord) -> Style:
    us = is_us_law(record.governing_law)
    dates: tuple[tuple[object, float], ...] = (
        (
            (DateStyle.US_LONG, 0.45),
            (DateStyle.ORDINAL, 0.12),
            (DateStyle.US_NUMERIC, 0.12),
            (DateStyle.US_ABBR, 0.08),
            (DateStyle.ISO, 0.08),
            (DateStyle.UK_LONG, 0.15),
        )
        if us
        else (
            (DateStyle.UK_LONG, 0.4),
            (DateStyle.UK_ORDINAL, 0.15),
            (DateStyle.ISO, 0.15),
            (DateStyle.US_LONG, 0.2),
            (DateStyle.ORDINAL, 0.1),
        )
    )
    numbering = _weighted(
        rng, ((Numbering.DECIMAL, 0.45), (Numbering.ROMAN, 0.2), (Numbering.PADDED, 0.15), (Numbering.FLAT, 0.2))
    )
    numbers = _weighted(rng, ((NumberStyle.WORDS_AND_DIGITS, 0.6), (NumberStyle.DIGITS, 0.3), (NumberStyle.WORDS, 0.1)))
    date_style = _weighted(rng, dates)
    money_style = _weighted(
        rng,
        ((MoneyStyle.CODE, 0.35), (MoneyStyle.SYMBOL, 0.35), (MoneyStyle.CODE_CENTS, 0.15), (MoneyStyle.WORDS, 0.15)),
    )
    assert isinstance(numbering, Numbering)
    assert isinstance(numbers, NumberStyle)
    assert isinstance(date_style, DateStyle)
    assert isinstance(money_style, MoneyStyle)
    return Style(
        numbering=numbering,
        numbers=numbers,
        dates=date_style,
        money=money_style,
        heading_break=rng.random() < 0.3,
        roman_dash=rng.random() < 0.5,
        prefer_years=rng.random() < 0.6,
        party_word="Party" if rng.random() < 0.5 else "party",
    )


def _number(style: Style, articles: list[ArticlePlan], schedules: list[SchedulePlan]) -> dict[str, Placed]:
    placed: dict[str, Placed] = {}
    scheme = style.numbering
    for i, article in enumerate(articles, 1):
        if scheme is Numbering.ROMAN:
            placed[article.key] = Placed(roman(i), f"Article {roman(i)}", article.heading)
        elif scheme is Numbering.PADDED:
            placed[article.key] = Placed(str(i), f"Article {i}", article.heading)
        else:
            placed[article.key] = Placed(str(i), f"Section {i}", article.heading)
        for j, section in enumerate(article.sections, 1):
            if article.collapsed:
                number = str(i)
            elif scheme is Numbering.PADDED:
                number = f"{i}.{j:02d}"
            elif scheme is Numbering.FLAT:
                number = f"{i}({_LETTERS[j - 1]})"
            else:
                number = f"{i}.{j}"
            placed[section.key] = Placed(number, f"Section {number}", section.heading)
            for k, child in enumerate(section.children):
                child_number, _ = sub_label(number, k)
                placed[child.key] = Placed(child_number, f"Section {child_number}", child.heading)
    for schedule in schedules:
        placed[schedule.key] = Placed(schedule.label, schedule.label, schedule.heading)
    return placed


def plan_document(record: ContractRecord, seed: int, parent: ContractRecord | None = None) -> Plan:
    rng = Random(f"{seed}:{record.id}:layout")
    style = choose_style(rng, record)
    outliner = Outliner(rng, record)
    if record.type == ContractType.AMENDMENT:
        # Amendments replace clauses the parent really has: recompute the parent's outline.
        parent_keys = frozenset(plan_document(parent, seed).placed) if parent is not None else frozenset()
        articles = amendment(outliner, parent, parent_keys)
    else:
        articles = OUTLINES[record.type](outliner)
    # Adversarial clauses draw from their own stream, so the rest of the plan is the clean one.
    adversarial = Outliner(Random(f"{seed}:{record.id}:adversarial-layout"), record)
    articles = add_adversarial_sections(adversarial, [a for a in articles if a.sections])
    if style.numbering in (Numbering.DECIMAL, Numbering.FLAT):
        collapse = [rng.random() < 0.7 for _ in articles]  # one draw per article whatever its size
        articles = [
            a._replace(collapsed=True) if wanted and len(a.sections) == 1 and not a.sections[0].children else a
            for a, wanted in zip(articles, collapse, strict=True)
        ]
    kinds = list(SCHEDULES.get(record.type, ()))
    if "huge" in record.adversarial:
        kinds += [
            ("schedule.price_list", "Price List", huge_price_list),
            ("schedule.reporting", "Reporting Requirements", huge_reporting),
        ]
    word = "Annex" if record.type == ContractType.DPA else ("Schedule" if rng.random() < 0.6 else "Exhibit")
    schedules = [
        SchedulePlan(key, f"{word} {chr(64 + n) if word == 'Exhibit' else n}", heading, render)
        for n, (key, heading, render) in enumerate(kinds, 1)
    ]
    return Plan(style, tuple(articles), tuple(schedules), _number(style, articles, schedules), seed)
