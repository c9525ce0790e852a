"""Render one contract record as a full, readable contract document with exact ground truth.

`render_document` is deterministic: the text and truth depend only on its arguments. All
randomness comes from `random.Random` instances seeded with strings built from (seed, record id),
which Python hashes with SHA-512 - never the process-salted `hash()`.
"""

from __future__ import annotations

from datetime import date
from random import Random

from sandbox.api_models import ContractType
from sandbox.corpus.clauses.adversarial import contradiction_kind, hidden_payload, sprinkler
from sandbox.corpus.clauses.builder import DocBuilder
from sandbox.corpus.clauses.context import ArticlePlan, Ctx, Numbering, Plan, SchedulePlan, SectionPlan
from sandbox.corpus.clauses.parties import cast
from sandbox.corpus.clauses.plan import plan_document
from sandbox.corpus.clauses.preamble import parties_and_dates, recitals, signatures, title_block
from sandbox.corpus.models import ContractRecord, GeneratedCounterparty, GroundTruth

ADVERSARIAL_FLAGS = ("huge", "invisible_chars", "injection", "scanned", "contradictory")


def render_document(
    record: ContractRecord,
    counterparty: GeneratedCounterparty,
    parent: ContractRecord | None,
    as_of: date,
    seed: int,
) -> tuple[str, GroundTruth]:
    """The document text and everything it states, with exact character spans.

    `parent` is the agreement a SOW / order form / DPA sits under, or the agreement an amendment
    amends; its section numbers are recomputed so cross-references cite real sections.
    """
    # An amended base's text states its terms as signed; the record holds the consolidated ones.
    record = record.signed_view()
    parent = parent.signed_view() if parent is not None else None
    flags = set(record.adversarial)
    if "scanned" in flags:  # an image-only PDF: no text layer, so nothing can be read from it
        return "", GroundTruth(
            facts=[],
            obligations=[],
            sections=[],
            renewal_notice_deadline=None,
            current_term_end=None,
            adversarial=["scanned"],
        )
    plan = plan_document(record, seed, parent)
    parent_plan = plan_document(parent, seed) if parent is not None else None
    rng = Random(f"{seed}:{record.id}")
    # The invisible-character variant draws from its own stream: with the characters removed, the
    # text is exactly the clean rendering of the same record.
    invisible_rng = Random(f"{seed}:{record.id}:invisible") if "invisible_chars" in flags else None
    builder = DocBuilder(sprinkler(invisible_rng) if invisible_rng is not None else None)
    roles = cast(record, counterparty, parent, seed)
    ctx = Ctx(
        record, counterparty, parent, as_of, rng, plan, parent_plan, builder,
        roles.first, roles.second, roles.buyer, roles.seller,
    )  # fmt: skip

    title_block(ctx)
    if invisible_rng is not None:
        ctx.raw(hidden_payload(invisible_rng))
    parties_and_dates(ctx, Random(f"{seed}:{roles.first.name}|{roles.second.name}:addresses"))
    if record.type not in (ContractType.SOW, ContractType.ORDER_FORM) or rng.random() < 0.3:
        recitals(ctx)
    for article in plan.articles:
        _article(ctx, plan, article)
    signatures(ctx)
    for schedule in plan.schedules:
        _schedule(ctx, schedule)

    applied = [flag for flag in ADVERSARIAL_FLAGS if flag in flags]
    if "contradictory" in flags and contradiction_kind(record, ctx.has) is None:
        applied.remove("contradictory")  # nothing in this document to contradict
    return builder.finish(record.renewal_notice_date, record.expiration_date, applied)


def _article(ctx: Ctx, plan: Plan, article: ArticlePlan) -> None:
    style = plan.style
    number = plan.placed[article.key].number
    b = ctx.b
    b.open(number, article.heading)
    if article.collapsed:
        section = article.sections[0]
        lead = f"Section {number}." if style.numbering is Numbering.FLAT else f"{number}."
        _labelled_body(ctx, f"{lead} {article.heading}", section)
    else:
        upper = article.heading.upper()
        if style.numbering is Numbering.DECIMAL:
            ctx.raw(f"{number}. {upper}\n\n")
        elif style.numbering is Numbering.ROMAN:
            ctx.raw(f"ARTICLE {number} - {upper}\n\n" if style.roman_dash else f"ARTICLE {number}\n{upper}\n\n")
        elif style.numbering is Numbering.PADDED:
            ctx.raw(f"ARTICLE {number}\n{upper}\n\n")
        else:
            ctx.raw(f"Section {number}. {article.heading}.\n\n")
        for section in article.sections:
            sub_number = plan.placed[section.key].number
            b.open(sub_number, section.heading)
            if style.numbering is Numbering.FLAT:
                label = f"({sub_number.rsplit('(', 1)[1]} {section.heading}"
            elif style.numbering is Numbering.PADDED or (style.numbering is Numbering.ROMAN and style.roman_dash):
                label = f"Section {sub_number} {section.heading}"
            else:
                label = f"{sub_number} {section.heading}"
            _labelled_body(ctx, label, section, opened=True)
    b.close()
    ctx.paragraph()


def _labelled_body(ctx: Ctx, label: str, section: SectionPlan, opened: bool = False) -> None:
    """ "12.2 Heading. body" (or heading on its own line), then the body and any lettered children."""
    if ctx.style.heading_break:
        ctx.raw(label + "\n")
    elif section.children:
        ctx.raw(label + ".")
        ctx.mid_paragraph()  # the lead-in sentence, if any, follows after a space
    else:
        ctx.raw(label + ". ")
    section.render(ctx)
    if section.children:
        ctx.sub([(child.heading, child.render) for child in section.children])
    if opened:
        ctx.b.close()
        ctx.paragraph()


def _schedule(ctx: Ctx, schedule: SchedulePlan) -> None:
    ctx.raw("\n")
    ctx.b.open(schedule.label, schedule.heading)
    ctx.raw(f"{schedule.label.upper()}\n{schedule.heading.upper()}\n\n")
    schedule.render(ctx)
    ctx.b.close()
    ctx.paragraph()
