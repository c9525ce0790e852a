"""Term, renewal and termination clauses."""

from __future__ import annotations

from datetime import date

from sandbox.api_models import ContractStatus
from sandbox.corpus.clauses.context import Ctx
from sandbox.corpus.clauses.deadlines import next_notice_deadline
from sandbox.corpus.clauses.wording import add_months, iso_days, ordinal_word
from sandbox.corpus.models import ContractRecord, FactKind, ObligationCategory

F = FactKind


def notice(ctx: Ctx, days: int) -> str:
    """ "thirty (30) days'" - the possessive form used before "notice"."""
    text = ctx.days(days)
    return text[:-1] + "'s" if days == 1 else text + "'"


def stated_end(record: ContractRecord) -> date | None:
    """An end date the text may state outright: the record's expiry, unless it is a termination date."""
    return None if record.status == ContractStatus.TERMINATED else record.expiration_date


def term_initial(ctx: Ctx) -> None:
    r = ctx.record
    eff = r.effective_date
    this = ctx.this
    cause = ctx.ref("termination.cause", "its terms")
    months = r.initial_term_months
    if months:
        phrase, iso = ctx.months(months)
        end = add_months(eff, months) if eff is not None else None
        facts: list[tuple[FactKind, str]] = [(F.INITIAL_TERM, iso)]
        if end is not None:
            facts.append((F.EXPIRATION_DATE, end.isoformat()))
        variant = ctx.rng.randrange(6)
        if variant == 0 or (variant >= 4 and end is None):
            ctx.say(
                f"The term of {this} shall commence on the Effective Date and, unless terminated earlier in "
                f"accordance with {cause}, shall continue for an initial period of {phrase} "
                f'(the "Initial Term").',
                *facts,
            )
        elif variant == 1:
            ctx.say(
                f"{this[0].upper()}{this[1:]} is effective as of the Effective Date and will remain in force for "
                f'{phrase} thereafter (the "Initial Term"), unless earlier terminated as provided herein.',
                *facts,
            )
        elif variant == 2 and months % 12 == 0 and end is not None:
            years = months // 12
            facts[0] = (F.INITIAL_TERM, f"P{years}Y")
            ctx.say(
                f"{this[0].upper()}{this[1:]} shall commence on the Effective Date and, unless terminated "
                f"earlier pursuant to {cause}, shall expire on the {ordinal_word(years)} anniversary of the "
                f'Effective Date (the "Initial Term").',
                *facts,
            )
        elif variant in (2, 3):
            ctx.say(
                f'The initial term of {this} (the "Initial Term") begins on the Effective Date and continues '
                f"for a period of {phrase}.",
                *facts,
            )
        elif variant == 4 and eff is not None and end is not None:
            ctx.say(
                f"The initial term of {this} is {phrase}, beginning on {ctx.day(eff)} and ending on "
                f'{ctx.day(end)} (the "Initial Term").',
                *facts,
            )
        else:
            assert end is not None
            ctx.say(
                f"Unless terminated earlier in accordance with {cause}, {this} shall remain in full force and "
                f"effect for {phrase} from the Effective Date, that is, until {ctx.day(end)} "
                f'(the "Initial Term").',
                *facts,
            )
        return
    end_date = stated_end(r)
    if end_date is not None and r.auto_renew:
        # No stated initial term, so the date is the end of the current term, not an initial expiry.
        ctx.say(
            f"The current term of {this} ends on {ctx.day(end_date)}, subject to renewal as set out "
            f"below and to earlier termination in accordance with {cause}."
        )
        return
    if end_date is not None:
        ctx.say(
            f"{this[0].upper()}{this[1:]} shall commence on the Effective Date and shall continue in effect until "
            f'{ctx.day(end_date)} (the "Term"), unless terminated earlier in accordance with {cause}.',
            (F.EXPIRATION_DATE, end_date.isoformat()),
        )
        return
    ctx.say(
        f"{this[0].upper()}{this[1:]} shall commence on the Effective Date and shall continue in effect until "
        f"terminated by either {ctx.party} in accordance with {cause}."
    )


def term_renewal(ctx: Ctx) -> None:
    r = ctx.record
    this = ctx.this
    if not r.auto_renew:
        variant = ctx.rng.randrange(3)
        if variant == 0:
            ctx.say(
                f"{this[0].upper()}{this[1:]} shall not renew automatically. Any extension of the term shall "
                f"require a written amendment signed by both {ctx.parties}.",
                (F.AUTO_RENEWAL, "false"),
            )
        elif variant == 1:
            ctx.say(
                f"Upon expiration of the Initial Term, {this} may be renewed only by the mutual written agreement "
                f"of the {ctx.parties}; there shall be no automatic renewal.",
                (F.AUTO_RENEWAL, "false"),
            )
        else:
            ctx.say(
                f"The {ctx.parties} may discuss in good faith the terms of any renewal before the end of the "
                f"Initial Term, but neither {ctx.party} is obliged to agree to a renewal, "
                f"and {this} will not renew by operation of law or otherwise without a signed writing.",
                (F.AUTO_RENEWAL, "false"),
            )
        return
    facts: list[tuple[FactKind, str]] = [(F.AUTO_RENEWAL, "true")]
    renewal_phrase = "additional periods of equal length"
    renewal_iso: str | None = None
    if r.renewal_term_months:
        phrase, renewal_iso = ctx.months(r.renewal_term_months)
        renewal_phrase = f"successive periods of {phrase} each"
        facts.append((F.RENEWAL_TERM, renewal_iso))
    days = r.renewal_notice_days
    if not days:
        ctx.say(
            f"Upon expiration of the Initial Term, {this} shall automatically renew for {renewal_phrase} "
            f'(each, a "Renewal Term"), unless terminated in accordance with {ctx.ref("termination.cause")}.',
            *facts,
        )
        return
    notice_fact = (F.RENEWAL_NOTICE_PERIOD, iso_days(days))
    who, party = "either " + ctx.party, "either party"
    variant = ctx.rng.randrange(5)
    if variant == 4:
        chosen = ctx.pick((ctx.buyer, ctx.seller))
        who, party = chosen.term, chosen.term
    next_due = next_notice_deadline(r, days, ctx.as_of)
    obligation = (
        ObligationCategory.RENEWAL,
        party,
        "give written notice of non-renewal",
        f"before:{iso_days(days)}:end of current term",
        next_due,
        renewal_iso,
    )
    limit = ctx.days(days)
    if variant == 0:
        ctx.say(
            f"Upon expiration of the Initial Term, {this} shall automatically renew for {renewal_phrase} "
            f'(each, a "Renewal Term" and, together with the Initial Term, the "Term"), unless {who} gives '
            f"the other written notice of non-renewal at least {limit} prior to the expiration of the "
            f"then-current Term.",
            *facts,
            notice_fact,
            obligation=obligation,
        )
    elif variant == 1:
        ctx.say(
            f"Thereafter, {this} will renew automatically for {renewal_phrase} unless {who} provides notice "
            f"of its intent not to renew no later than {limit} before the end of the then-current term.",
            *facts,
            notice_fact,
            obligation=obligation,
        )
    elif variant == 2:
        ctx.say(
            f"{this[0].upper()}{this[1:]} shall be automatically extended for {renewal_phrase} "
            f'(each a "Renewal Term").',
            *facts,
        )
        ctx.say(
            f"{who[0].upper()}{who[1:]} may prevent such extension by written notice delivered not less than "
            f"{limit} before the last day of the Initial Term or the then-current Renewal Term.",
            notice_fact,
            obligation=obligation,
        )
    elif variant == 3:
        ctx.say(
            f"At the end of the Initial Term and of each Renewal Term, the term of {this} shall renew "
            f"automatically for {renewal_phrase} unless, at least {limit} before such renewal date, "
            f"{who} notifies the other in writing that it does not wish to renew.",
            *facts,
            notice_fact,
            obligation=obligation,
        )
    else:
        ctx.say(
            f'{this[0].upper()}{this[1:]} shall automatically renew for {renewal_phrase} (each a "Renewal Term") '
            f"unless {who} notifies the other {ctx.party} in writing, not less than {limit} before "
            f"the end of the then-current term, that it elects not to renew.",
            *facts,
            notice_fact,
            obligation=obligation,
        )
    if ctx.chance(0.3):
        ctx.say(
            f"Notice of non-renewal shall be given in accordance with "
            f"{ctx.ref('general.notices', 'the notice provisions of ' + this)}."
        )


def _convenience_who(ctx: Ctx) -> str:
    party = ctx.record.convenience_party
    if party == "us":
        return ctx.us.term
    if party == "counterparty":
        return ctx.them.term
    return f"Either {ctx.party}"


def termination_convenience(ctx: Ctx) -> None:
    r = ctx.record
    who = _convenience_who(ctx)
    who_inner = who[0].lower() + who[1:] if who.startswith("Either") else who
    this = ctx.this
    days = r.convenience_notice_days
    if not days:
        ctx.say(
            f"{who} may terminate {this} at any time for convenience, effective immediately upon written notice "
            f"to the other {ctx.party}.",
            (F.TERMINATION_FOR_CONVENIENCE, "true"),
        )
    else:
        fact = (F.TERMINATION_FOR_CONVENIENCE, iso_days(days))
        variant = ctx.rng.randrange(5)
        if variant == 0:
            ctx.say(
                f"{who} may terminate {this} for convenience at any time upon {notice(ctx, days)} prior written "
                f"notice to the other {ctx.party}.",
                fact,
            )
        elif variant == 1:
            ctx.say(
                f"{who} may terminate {this}, in whole or in part, without cause by giving not less than "
                f"{notice(ctx, days)} written notice to the other {ctx.party}.",
                fact,
            )
        elif variant == 2:
            ctx.say(
                f"{who} shall have the right to terminate {this} for any reason or no reason upon "
                f"{ctx.days(days)} written notice to the other {ctx.party}.",
                fact,
            )
        elif variant == 3:
            ctx.say(
                f"Without prejudice to any other right or remedy, {who_inner} "
                f"may at any time terminate {this} by giving {notice(ctx, days)} notice in writing.",
                fact,
            )
        else:
            ctx.say(
                f"{this[0].upper()}{this[1:]} may be terminated by {who_inner} "
                f"without cause on not less than {ctx.days(days)} prior written notice.",
                fact,
            )
    buyer, seller = ctx.buyer.term, ctx.seller.term
    if buyer != seller and ctx.chance(0.6):
        ctx.say(
            f"In the event of any such termination, {buyer} shall pay {seller} for all services performed and "
            f"expenses incurred through the effective date of termination."
        )


def termination_cause(ctx: Ctx) -> None:
    r = ctx.record
    this = ctx.this
    cure = r.cure_days
    if cure:
        variant = ctx.rng.randrange(4)
        if variant == 0:
            ctx.say(
                f"Either {ctx.party} may terminate {this} upon written notice if the other {ctx.party} materially "
                f"breaches {this} and fails to cure such breach within {ctx.days(cure)} after receiving written "
                f"notice describing the breach in reasonable detail."
            )
        elif variant == 1:
            ctx.say(
                f"If a {ctx.party} commits a material breach of {this} which is capable of remedy and fails to "
                f"remedy it within {ctx.days(cure)} of being notified in writing to do so, the other {ctx.party} "
                f"may terminate {this} with immediate effect by written notice."
            )
        elif variant == 2:
            ctx.say(
                f"{this[0].upper()}{this[1:]} may be terminated by a non-breaching {ctx.party} if the other "
                f"{ctx.party} is in material breach and has not cured the breach within a cure period of "
                f"{ctx.days(cure)} following written notice."
            )
        else:
            ctx.say(
                f"Either {ctx.party} may terminate {this} for cause (i) upon {ctx.days(cure)} written notice to "
                f"the other {ctx.party} of a material breach if such breach remains uncured at the expiration of "
                f"such period, or (ii) if the other {ctx.party} becomes the subject of a petition in bankruptcy or "
                f"any other proceeding relating to insolvency, receivership, liquidation or assignment for the "
                f"benefit of creditors."
            )
    else:
        ctx.say(
            f"Either {ctx.party} may terminate {this} immediately by written notice if the other {ctx.party} "
            f"commits a material breach of {this} that is incapable of remedy."
        )
    if not r.termination_for_convenience and ctx.chance(0.25):
        ctx.say(f"Except as provided in this {ctx.doc}, neither {ctx.party} may terminate {this} for convenience.")


def termination_insolvency(ctx: Ctx) -> None:
    ctx.say(
        ctx.pick(
            (
                f"Either {ctx.party} may terminate {ctx.this} immediately by written notice if the other "
                f"{ctx.party} becomes insolvent, makes a general assignment for the benefit of creditors, has a "
                f"receiver, administrator or similar officer appointed over any of its assets, or ceases to carry "
                f"on business in the ordinary course.",
                f"Either {ctx.party} may terminate {ctx.this} with immediate effect if the other {ctx.party} is "
                f"unable to pay its debts as they fall due, enters into any composition or arrangement with its "
                f"creditors, or is the subject of any winding-up, liquidation or bankruptcy proceeding that is not "
                f"dismissed within sixty days.",
            )
        )
    )


def termination_effect(ctx: Ctx) -> None:
    this = ctx.this
    ctx.say(
        ctx.pick(
            (
                f"Upon any expiration or termination of {this}, all rights and licences granted hereunder shall "
                f"terminate, and each {ctx.party} shall cease all use of the other {ctx.party}'s Confidential "
                f"Information.",
                f"Expiry or termination of {this} shall not affect any rights, remedies, obligations or "
                f"liabilities of the {ctx.parties} that have accrued up to the date of expiry or termination.",
                f"Termination of {this} for any reason shall not relieve either {ctx.party} of any obligation "
                f"accrued prior to the effective date of termination.",
            )
        )
    )
    if ctx.buyer.term != ctx.seller.term:
        ctx.say(
            f"{ctx.buyer.term} shall pay all undisputed fees accrued through the effective date of termination, "
            f"and {ctx.seller.term} shall refund any fees prepaid for the period after that date."
        )
    survive = [ctx.ref(k) for k in ("confidentiality.period", "liability.cap", "law.governing") if ctx.has(k)]
    if survive:
        listed = survive[0] if len(survive) == 1 else ", ".join(survive[:-1]) + " and " + survive[-1]
        ctx.say(
            f"{listed} and any other provision which by its nature is intended to survive shall survive any "
            f"expiration or termination of {this}."
        )
