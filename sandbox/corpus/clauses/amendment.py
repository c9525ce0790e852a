"""Amendment documents: each section amends one numbered section of the parent agreement."""

from __future__ import annotations

from collections.abc import Callable
from random import Random

from sandbox.corpus.clauses.context import Ctx
from sandbox.corpus.clauses.deadlines import next_notice_deadline
from sandbox.corpus.clauses.general import write_governing_law
from sandbox.corpus.clauses.risk import cap_value
from sandbox.corpus.clauses.term import notice, stated_end
from sandbox.corpus.clauses.wording import amount_value, iso_days, iso_hours, quantity
from sandbox.corpus.models import ContractRecord, FactKind, ObligationCategory, TermChange

F = FactKind


# Amendments of terms the record does not hold (so any value is consistent with it), by the parent
# clause they replace. (The warranty period is changed by planned `TermChange`s, which the
# consolidated ground truth records.)
FREE_ITEMS = (
    ("amend.insurance", "insurance.coverage"),
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


# --- planned changes to the base agreement (`ContractRecord.changes`) --------------------------------

CHANGE_HEADINGS: dict[str, tuple[str, ...]] = {
    "warranties.performance": ("Warranty", "Warranty Period", "Performance Warranty"),
    "payment.terms": ("Payment Terms", "Payment"),
    "liability.cap": ("Limitation of Liability", "Liability Cap"),
    "term.initial": ("Extension of Term", "Initial Term", "Term"),
    "term.renewal": ("Renewal", "Automatic Renewal", "Renewal Term"),
}
_MONEY_KINDS = (FactKind.LIABILITY_CAP,)


def change_renderer(change: TermChange) -> Callable[[Ctx], None]:
    def render(ctx: Ctx) -> None:
        write_change(ctx, change)

    return render


def _period(ctx: Ctx, iso: str) -> tuple[str, str]:
    """Prose for a planned ISO period and the ISO form in the unit the prose uses
    ("P24M" -> ("two (2) years", "P2Y") or ("twenty-four (24) months", "P24M"))."""
    amount, unit = int(iso[1:-1]), iso[-1]
    if unit == "M":
        return ctx.months(amount)
    return (ctx.days(amount), iso) if unit == "D" else (quantity(amount, "year", ctx.num_style()), iso)


def _duration_phrase(ctx: Ctx, iso: str) -> str:
    return _period(ctx, iso)[0]


def _where(ctx: Ctx, clause: str) -> str:
    placed = ctx.parent_ref(clause, "")
    return (
        f"{placed} of the Agreement"
        if placed
        else f'the section of the Agreement headed "{CHANGE_HEADINGS[clause][0]}"'
    )


def _replace_intro(ctx: Ctx, clause: str) -> str:
    where = _where(ctx, clause)
    return ctx.pick(
        (
            f"{cap_first(where)} is hereby deleted in its entirety and replaced with the following:",
            f"{cap_first(where)} is deleted and replaced by:",
            f"{cap_first(where)} is amended and restated to read as follows:",
            f"With effect from the Amendment Effective Date, {where} shall read:",
        )
    )


def cap_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _cap_prose(ctx: Ctx, value: str) -> str:
    if value.endswith("months fees"):
        months = quantity(int(value.split(" ", 1)[0]), "month", ctx.num_style())
        return f"the total fees paid or payable under the Agreement in the {months} preceding the claim"
    amount = float(value.split(" ", 1)[1])
    return ctx.money(amount)


def _renewal_sentence(ctx: Ctx, values: dict[FactKind, str]) -> tuple[str, list[tuple[FactKind, str]]]:
    """The restated renewal clause, and its facts in the units the prose uses."""
    length = "periods equal to the Initial Term"
    facts = list(values.items())
    if FactKind.RENEWAL_TERM in values:
        phrase, iso = _period(ctx, values[FactKind.RENEWAL_TERM])
        length = f"successive periods of {phrase}"
        facts = [(kind, iso if kind is FactKind.RENEWAL_TERM else value) for kind, value in facts]
    days = int(values[FactKind.RENEWAL_NOTICE_PERIOD][1:-1])
    return ctx.pick(
        (
            f"The Agreement shall automatically renew for {length} unless either {ctx.party} gives the other at "
            f"least {notice(ctx, days)} written notice of non-renewal before the end of the then-current term.",
            f"Upon expiry of the Initial Term, the Agreement shall renew automatically for {length} (each a "
            f'"Renewal Term") unless either {ctx.party} notifies the other in writing, not less than '
            f"{ctx.days(days)} before the end of the then-current term, that it does not wish to renew.",
        )
    ), facts


def write_change(ctx: Ctx, change: TermChange) -> None:
    """One amendment section acting on one clause of the base: restate, swap words, add or delete."""
    clause, values = change.clause, change.values
    facts = list(values.items())
    where = _where(ctx, clause)
    if change.op == "delete":
        ctx.say(
            ctx.pick(
                (
                    f"{cap_first(where)} is deleted in its entirety.",
                    f"{cap_first(where)} is hereby deleted and shall be of no further force or effect.",
                    f"The {ctx.parties} agree that {where} is deleted in its entirety and intentionally left blank.",
                )
            )
        )
        if clause == "term.renewal" and ctx.chance(0.5):
            ctx.say(
                "Accordingly, the Agreement shall not renew automatically and shall expire at the end of the "
                "Initial Term.",
                (FactKind.AUTO_RENEWAL, "false"),
            )
        return
    if change.op == "add":
        body, facts = _renewal_sentence(ctx, values)
        lead = ctx.parent_next_section("term.initial")
        if lead.startswith("Section "):
            intro = ctx.pick(
                (
                    f"A new {lead} is added to the Agreement:",
                    f"The following is inserted as a new {lead} of the Agreement:",
                )
            )
        else:
            intro = f"The following is added at the end of {_where(ctx, 'term.initial')}:"
        ctx.say(f'{intro} "{body}"', *facts)
        return
    if change.op == "modify":
        kind, new = next(iter(values.items()))
        old = change.previous.get(kind)
        if kind in _MONEY_KINDS:
            assert old is not None
            old_text, new_text = _cap_prose(ctx, old), _cap_prose(ctx, new)
        else:
            old_text = _duration_phrase(ctx, old) if old else ""
            new_text, iso = _period(ctx, new)
            facts = [(kind, iso)]
        noun = {
            FactKind.PAYMENT_TERMS: "payment period",
            FactKind.INITIAL_TERM: "Initial Term",
            FactKind.RENEWAL_NOTICE_PERIOD: "period of notice of non-renewal",
            FactKind.LIABILITY_CAP: "limit of liability",
        }[kind]
        variant = ctx.rng.randrange(3) if old_text else 2
        if variant == 0:
            sentence = f'{cap_first(where)} is amended by deleting "{old_text}" and replacing it with "{new_text}".'
        elif variant == 1:
            sentence = f"The {noun} in {where} is changed from {old_text} to {new_text}."
        else:
            verb = "increased" if kind in _MONEY_KINDS else "extended"
            sentence = f"The {noun} set out in {where} is {verb} to {new_text}."
        payment = _payment_obligation(ctx, new) if kind is FactKind.PAYMENT_TERMS else None
        ctx.say(sentence, *facts, obligation=payment)
        return
    intro = _replace_intro(ctx, clause)
    obligation = None
    if clause == "warranties.performance":
        period, iso = _period(ctx, values[FactKind.WARRANTY_DURATION])
        facts = [(FactKind.WARRANTY_DURATION, iso)]
        body = (
            f"{ctx.seller.term} warrants that the Services and Deliverables will conform in all material respects "
            f"to the applicable specifications for a period of {period} from acceptance."
        )
    elif clause == "payment.terms":
        days = _duration_phrase(ctx, values[FactKind.PAYMENT_TERMS])
        body = f"{ctx.buyer.term} shall pay each undisputed invoice within {days} after receipt of a valid invoice."
        obligation = _payment_obligation(ctx, values[FactKind.PAYMENT_TERMS])
    elif clause == "liability.cap":
        body = (
            f"Each {ctx.party}'s total aggregate liability arising out of or in connection with the Agreement "
            f"shall not exceed {_cap_prose(ctx, values[FactKind.LIABILITY_CAP])}."
        )
    elif clause == "term.initial":
        phrase, iso = _period(ctx, values[FactKind.INITIAL_TERM])
        facts = [(FactKind.INITIAL_TERM, iso)]
        body = (
            f"The term of the Agreement shall commence on the Effective Date and, unless terminated earlier in "
            f'accordance with its terms, shall continue for an initial period of {phrase} (the "Initial Term").'
        )
    else:
        body, facts = _renewal_sentence(ctx, values)
    ctx.say(f'{intro} "{body}"', *facts, obligation=obligation)


def _payment_obligation(ctx: Ctx, iso: str) -> tuple[ObligationCategory, str, str, str, None, None]:
    return (
        ObligationCategory.PAYMENT,
        ctx.buyer.term,
        "pay undisputed invoices",
        f"after:{iso}:invoice receipt",
        None,
        None,
    )
