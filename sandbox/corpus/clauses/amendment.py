"""Amendment documents: each section amends one numbered section of the parent agreement."""

from __future__ import annotations

from random import Random

from sandbox.corpus.clauses.context import Ctx
from sandbox.corpus.clauses.deadlines import next_notice_deadline
from sandbox.corpus.clauses.general import write_governing_law
from sandbox.corpus.clauses.risk import cap_value
from sandbox.corpus.clauses.term import notice, stated_end
from sandbox.corpus.clauses.wording import amount_value, iso_days, iso_hours, quantity
from sandbox.corpus.models import ContractRecord, FactKind, ObligationCategory

F = FactKind


# Amendments of terms the record does not hold (so any value is consistent with it), by the parent
# clause they replace.
FREE_ITEMS = (
    ("amend.insurance", "insurance.coverage"),
    ("amend.warranty", "warranties.performance"),
    ("amend.breach", "data.protection"),
    ("amend.audit", "audit.rights"),
    ("amend.confidentiality", "confidentiality.period"),
)


def amended_items(
    record: ContractRecord, parent: ContractRecord | None, parent_keys: frozenset[str], rng: Random
) -> list[str]:
    """Which amendment sections this amendment carries: the fields its record sets, plus one or two
    changes to parent clauses whose values no record field holds."""
    items: list[str] = []
    if stated_end(record) is not None and not record.auto_renew:
        items.append("amend.term")
    if record.auto_renew:
        items.append("amend.renewal")
    if record.payment_terms_days:
        items.append("amend.payment")
    if record.termination_for_convenience:
        items.append("amend.convenience")
    if record.liability_cap_amount is not None or record.liability_cap_description:
        items.append("amend.cap")
    if (
        record.governing_law
        and parent is not None
        and parent.governing_law
        and parent.governing_law != record.governing_law
    ):
        items.append("amend.law")
    if record.total_value is not None:
        items.append("amend.fees")
    free = [item for item, key in FREE_ITEMS if key in parent_keys]
    rng.shuffle(free)
    items += sorted(free[: rng.randint(1, 2)])
    if not items:
        items.append("amend.notices")
    return items


def _replace(ctx: Ctx, key: str, heading: str) -> str:
    """Lead-in that replaces a section of the parent, cited by its number when the parent is known."""
    placed = ctx.parent_ref(key, "")
    where = f"{placed} of the Agreement" if placed else f'The section of the Agreement headed "{heading}"'
    return ctx.pick(
        (
            f"{where} is hereby deleted in its entirety and replaced with the following:",
            f"{where} is amended and restated to read as follows:",
            f"With effect from the Amendment Effective Date, {where[0].lower() + where[1:]} shall read:",
        )
    )


def amend_term(ctx: Ctx) -> None:
    end = stated_end(ctx.record)
    assert end is not None
    ctx.say(
        ctx.pick(
            (
                f"The term of the Agreement is hereby extended and the Agreement shall continue in full force and "
                f"effect until {ctx.day(end)}, unless terminated earlier in accordance with its terms.",
                f"The {ctx.parties} agree to extend the Term so that the Agreement expires on {ctx.day(end)}.",
            )
        ),
        (F.EXPIRATION_DATE, end.isoformat()),
    )


def amend_renewal(ctx: Ctx) -> None:
    r = ctx.record
    intro = _replace(ctx, "term.renewal", "Renewal")
    facts: list[tuple[FactKind, str]] = [(F.AUTO_RENEWAL, "true")]
    length = "periods equal to the Initial Term"
    renewal_iso = None
    if r.renewal_term_months:
        phrase, renewal_iso = ctx.months(r.renewal_term_months)
        length = f"successive periods of {phrase}"
        facts.append((F.RENEWAL_TERM, renewal_iso))
    if r.renewal_notice_days:
        days = r.renewal_notice_days
        facts.append((F.RENEWAL_NOTICE_PERIOD, iso_days(days)))
        ctx.say(
            f'{intro} "The Agreement shall automatically renew for {length} unless either {ctx.party} gives the '
            f"other at least {notice(ctx, days)} written notice of non-renewal before the end of the "
            f'then-current term."',
            *facts,
            obligation=(
                ObligationCategory.RENEWAL,
                "either party",
                "give written notice of non-renewal",
                f"before:{iso_days(days)}:end of current term",
                next_notice_deadline(r, days, ctx.as_of),
                renewal_iso,
            ),
        )
    else:
        ctx.say(f'{intro} "The Agreement shall automatically renew for {length}."', *facts)


def amend_payment(ctx: Ctx) -> None:
    days = ctx.record.payment_terms_days
    assert days
    parent = ctx.parent
    where = ctx.parent_ref("payment.terms", "the payment terms")
    if parent is not None and parent.payment_terms_days and parent.payment_terms_days != days:
        old = parent.payment_terms_days
        sentence = (
            f'{where} of the Agreement is amended by deleting "{ctx.days(old)}" and replacing it with '
            f'"{ctx.days(days)}", so that {ctx.buyer.term} shall pay each undisputed invoice within {ctx.days(days)} '
            f"after receipt."
        )
    else:
        sentence = (
            f'{_replace(ctx, "payment.terms", "Payment Terms")} "{ctx.buyer.term} shall pay each undisputed invoice '
            f'within {ctx.days(days)} after receipt of a valid invoice."'
        )
    ctx.say(
        sentence,
        (F.PAYMENT_TERMS, iso_days(days)),
        obligation=(
            ObligationCategory.PAYMENT,
            ctx.buyer.term,
            "pay undisputed invoices",
            f"after:{iso_days(days)}:invoice receipt",
            None,
            None,
        ),
    )


def amend_convenience(ctx: Ctx) -> None:
    r = ctx.record
    who = {"us": ctx.us.term, "counterparty": ctx.them.term}.get(r.convenience_party or "", f"Either {ctx.party}")
    where = ctx.parent_next_section("termination.cause")
    days = r.convenience_notice_days
    right = (
        f"upon {notice(ctx, days)} prior written notice to the other {ctx.party}"
        if days
        else "at any time by written notice with immediate effect"
    )
    ctx.say(
        f'The following is inserted as a new {where} of the Agreement: "{who} may terminate the Agreement for '
        f'convenience {right}."',
        (F.TERMINATION_FOR_CONVENIENCE, iso_days(days) if days else "true"),
    )


def amend_cap(ctx: Ctx) -> None:
    r = ctx.record
    value = cap_value(r.liability_cap_amount, r.liability_cap_description, ctx.currency)
    assert value is not None
    intro = _replace(ctx, "liability.cap", "Limitation of Liability")
    if r.liability_cap_amount is not None:
        limit = ctx.money(r.liability_cap_amount)
    elif value.endswith("months fees") and value.split(" ", 1)[0].isdigit():
        period = quantity(int(value.split(" ", 1)[0]), "month", ctx.num_style())
        limit = f"the total fees paid or payable under the Agreement in the {period} preceding the claim"
    else:
        limit = value
    ctx.say(
        f"{intro} \"Each {ctx.party}'s total aggregate liability arising out of or in connection with the Agreement "
        f'shall not exceed {limit}."',
        (F.LIABILITY_CAP, value),
    )


def amend_law(ctx: Ctx) -> None:
    law = ctx.record.governing_law
    assert law
    ctx.say(f"{_replace(ctx, 'law.governing', 'Governing Law')}")
    write_governing_law(ctx, law, "the Agreement")


def amend_fees(ctx: Ctx) -> None:
    total = ctx.record.total_value
    assert total is not None
    ctx.say(
        f"The fees payable under the Agreement are revised as set out in the pricing annex to this {ctx.doc}, and "
        f"the total contract value of the Agreement, as amended, is {ctx.money(total)}."
    )


def _replace_quoted(ctx: Ctx, key: str, heading: str, sentence: str, *facts: tuple[FactKind, str]) -> None:
    ctx.say(f'{_replace(ctx, key, heading)} "{sentence}"', *facts)


def amend_insurance(ctx: Ctx) -> None:
    amount = ctx.pick((2_000_000, 5_000_000, 10_000_000))
    _replace_quoted(
        ctx,
        "insurance.coverage",
        "Insurance",
        f"{ctx.seller.term} shall maintain commercial general liability insurance with limits of not less than "
        f"{ctx.money(amount)} per occurrence and professional liability insurance with limits of not less than "
        f"{ctx.money(amount)} per claim.",
        (F.INSURANCE, amount_value(amount, ctx.currency)),
    )


def amend_warranty(ctx: Ctx) -> None:
    months = ctx.pick((6, 12, 18, 24))
    phrase, iso = ctx.months(months)
    _replace_quoted(
        ctx,
        "warranties.performance",
        "Warranty",
        f"{ctx.seller.term} warrants that the Services and Deliverables will conform in all material respects to "
        f"the applicable specifications for a period of {phrase} from acceptance.",
        (F.WARRANTY_DURATION, iso),
    )


def amend_breach(ctx: Ctx) -> None:
    hours = ctx.pick((24, 48, 72))
    seller, buyer = ctx.seller.term, ctx.buyer.term
    ctx.say(
        f'{_replace(ctx, "data.protection", "Data Protection")} "{seller} shall notify {buyer} of any Personal Data '
        f"Breach without undue delay and in any event within {quantity(hours, 'hour', ctx.num_style())} after "
        f'becoming aware of it."',
        (F.DATA_PROTECTION, iso_hours(hours)),
        obligation=(
            ObligationCategory.DATA_PROTECTION,
            seller,
            "notify a personal data breach",
            f"after:{iso_hours(hours)}:becoming aware of a personal data breach",
            None,
            None,
        ),
    )


def amend_audit(ctx: Ctx) -> None:
    days = ctx.pick((15, 30, 45))
    auditor, audited = ctx.buyer.term, ctx.seller.term
    _replace_quoted(
        ctx,
        "audit.rights",
        "Audit Rights",
        f"{auditor} may, on not less than {notice(ctx, days)} prior written notice, audit {audited}'s records "
        f"relating to the Agreement once in any twelve-month period.",
        (F.AUDIT_RIGHTS, iso_days(days)),
    )


def amend_confidentiality(ctx: Ctx) -> None:
    years = ctx.pick((3, 5, 7))
    _replace_quoted(
        ctx,
        "confidentiality.period",
        "Confidentiality",
        f"The obligations of confidentiality shall survive for {quantity(years, 'year', ctx.num_style())} after "
        f"the termination or expiration of the Agreement.",
        (F.CONFIDENTIALITY_PERIOD, f"P{years}Y"),
    )


def amend_notices(ctx: Ctx) -> None:
    ctx.say(
        f"The address for notices to {ctx.them.term} set out in "
        f"{ctx.parent_ref('general.notices', 'the notices clause')} of the Agreement is replaced with the address "
        f"stated at the beginning of this {ctx.doc}."
    )


def amendment_effect(ctx: Ctx) -> None:
    ctx.say(
        ctx.pick(
            (
                f"Except as expressly amended by this {ctx.doc}, the Agreement remains unchanged and in full force "
                f"and effect. This {ctx.doc} and the Agreement shall be read and construed as one instrument.",
                f"All other terms and conditions of the Agreement remain in full force and effect. In the event of "
                f"any conflict between this {ctx.doc} and the Agreement, this {ctx.doc} shall prevail.",
            )
        )
    )
    eff = ctx.record.effective_date
    if eff is not None:
        ctx.say(f'This {ctx.doc} takes effect on {ctx.day(eff)} (the "Amendment Effective Date").')


def amendment_law(ctx: Ctx) -> None:
    law = ctx.record.governing_law
    if law:
        write_governing_law(ctx, law)
    else:
        ctx.say(f"This {ctx.doc} shall be governed by the law that governs the Agreement.")
