"""Fees, invoicing, payment terms, late payment, taxes."""

from __future__ import annotations

from collections.abc import Sequence

from sandbox.corpus.clauses.context import Ctx, cap
from sandbox.corpus.clauses.wording import iso_days
from sandbox.corpus.models import FactKind, ObligationCategory

F = FactKind

# (prose, normalised value) - the late-payment rates a drafter picks from.
LATE_FEES = (
    ("one and one-half percent (1.5%) per month", "1.5% per month"),
    ("1.5% per month", "1.5% per month"),
    ("one percent (1%) per month", "1% per month"),
    ("two percent (2%) per month", "2% per month"),
    ("1.0% per month", "1% per month"),
    ("eight percent (8%) per annum", "8% per annum"),
    ("twelve percent (12%) per annum", "12% per annum"),
)


def fees(ctx: Ctx) -> None:
    r = ctx.record
    buyer, seller = ctx.buyer.term, ctx.seller.term
    ctx.say(
        ctx.pick(
            (
                f"In consideration of the performance of its obligations, {buyer} shall pay {seller} the fees set "
                f'out in {ctx.fee_source()} (the "Fees").',
                f'{buyer} shall pay to {seller} the fees and charges specified in {ctx.fee_source()} (the "Fees").',
                f'The fees payable by {buyer} (the "Fees") are as stated in {ctx.fee_source()}.',
            )
        )
    )
    if r.total_value is not None:
        ctx.say(
            ctx.pick(
                (
                    f"The total Fees payable under {ctx.this} shall not exceed {ctx.money(r.total_value)} without "
                    f"{buyer}'s prior written approval.",
                    f"The aggregate contract value of {ctx.this} is {ctx.money(r.total_value)}.",
                    f"The total value of {ctx.this} is estimated at {ctx.money(r.total_value)}.",
                )
            )
        )
    if r.annual_value is not None and r.annual_value != r.total_value:
        ctx.say(f"The annual Fees are {ctx.money(r.annual_value)}, exclusive of applicable taxes.")
    if ctx.chance(0.5):
        ctx.say(
            f"Except as expressly set out in {ctx.this}, all Fees are non-cancellable and non-refundable, and "
            f"{seller} may not increase the Fees during the Initial Term."
        )


def invoicing(ctx: Ctx) -> None:
    buyer, seller = ctx.buyer.term, ctx.seller.term
    ctx.say(
        ctx.pick(
            (
                f"{seller} shall invoice {buyer} monthly in arrears for the Fees and any approved expenses.",
                f"{seller} will invoice {buyer} annually in advance for recurring Fees and monthly in arrears for "
                f"any usage-based Fees.",
                f"{seller} shall issue invoices upon the achievement of each milestone or, for time-and-materials "
                f"work, at the end of each calendar month.",
                f"Invoices shall be issued in {ctx.currency} and shall state the purchase order number, the period "
                f"covered and a reasonable breakdown of the charges.",
            )
        )
    )
    if ctx.chance(0.6):
        ctx.say(
            f"Each invoice shall be sent electronically to the accounts payable address designated by {buyer} and "
            f"shall include such supporting documentation as {buyer} may reasonably request."
        )


def payment_terms(ctx: Ctx) -> None:
    days = ctx.record.payment_terms_days
    if not days:
        ctx.say(
            f"{ctx.buyer.term} shall pay each invoice in accordance with the payment terms agreed in writing between "
            f"the {ctx.parties}."
        )
        return
    lead = ""
    marks: list[tuple[str, str]] = []
    parent = ctx.parent
    if (
        parent is not None
        and parent.payment_terms_days
        and parent.payment_terms_days != days
        and ctx.record.parent_id == parent.id
        and ctx.chance(0.7)
    ):
        where = ctx.parent_ref("payment.terms", "")
        lead = f"Notwithstanding {where or 'the payment terms'} of the Agreement, "
        marks.append(("override", f"{F.PAYMENT_TERMS.value}|{where.removeprefix('Section ')}"))
    write_payment_terms(ctx, days, lead, marks=marks)


def write_payment_terms(
    ctx: Ctx, days: int, lead: str = "", event: str | None = None, marks: Sequence[tuple[str, str]] = ()
) -> None:
    """The payment-terms sentence; also used by amendments and by the contradictory variant."""
    buyer = ctx.buyer.term
    fact = (F.PAYMENT_TERMS, iso_days(days))
    variant = ctx.rng.randrange(5)
    trigger = "invoice receipt"
    if variant == 0:
        sentence = (
            f"{buyer} shall pay all undisputed amounts within {ctx.days(days)} after receipt of a correct invoice."
        )
    elif variant == 1:
        sentence = f"Payment terms are net {days} days from the date of invoice."
        trigger = "invoice date"
    elif variant == 2:
        sentence = f"All invoices are due and payable {ctx.days(days)} from the invoice date."
        trigger = "invoice date"
    elif variant == 3:
        sentence = (
            f"{buyer} will pay each invoice in full within {ctx.days(days)} of the date on which it receives "
            f"the invoice."
        )
    else:
        sentence = f'Invoices shall be paid by {buyer} no later than {ctx.days(days)} following receipt ("Net {days}").'
    if lead:
        sentence = lead + sentence[0].lower() + sentence[1:] if not sentence.startswith(buyer) else lead + sentence
    ctx.say(
        sentence,
        fact,
        obligation=(
            ObligationCategory.PAYMENT,
            buyer,
            "pay undisputed invoices",
            f"after:{iso_days(days)}:{event or trigger}",
            None,
            None,
        ),
        marks=marks,
    )


def late_payment(ctx: Ctx) -> None:
    prose, value = ctx.pick(LATE_FEES)
    buyer = ctx.buyer.term
    variant = ctx.rng.randrange(4)
    if variant == 0:
        sentence = (
            f"Any amount not paid when due shall accrue interest at the rate of {prose}, or the maximum rate "
            f"permitted by applicable law, if lower, from the due date until paid in full."
        )
    elif variant == 1:
        sentence = f"Late payments shall bear a late fee of {prose} on the outstanding balance."
    elif variant == 2:
        sentence = (
            f"If {buyer} fails to pay any undisputed amount by its due date, {ctx.seller.term} may charge "
            f"interest on the overdue amount at {prose} until payment is received."
        )
    else:
        sentence = f"Overdue amounts shall be subject to a finance charge of {prose}."
    ctx.say(sentence, (F.LATE_FEE, value))
    if ctx.chance(0.4):
        ctx.say(
            f"{ctx.seller.term} may also suspend performance on prior written notice if any undisputed "
            f"invoice remains unpaid after its due date."
        )


def disputed_invoices(ctx: Ctx) -> None:
    buyer = ctx.buyer.term
    days = ctx.pick((10, 15, 20, 30))
    ctx.say(
        f"If {buyer} disputes any invoice in good faith, it shall notify {ctx.seller.term} in writing within "
        f"{ctx.days(days)} after receipt of the invoice, stating the reasons for the dispute.",
        obligation=(
            ObligationCategory.NOTICE,
            buyer,
            "notify any invoice dispute",
            f"after:{iso_days(days)}:invoice receipt",
            None,
            None,
        ),
    )
    ctx.say(
        f"The {ctx.parties} shall work together in good faith to resolve the dispute, and {buyer} shall pay the "
        f"undisputed portion of the invoice in accordance with {ctx.ref('payment.terms', 'the payment terms')}."
    )


def taxes(ctx: Ctx) -> None:
    buyer, seller = ctx.buyer.term, ctx.seller.term
    ctx.say(
        ctx.pick(
            (
                f"All Fees are exclusive of value added, sales, use, goods and services and similar taxes, which "
                f"{buyer} shall pay in addition to the Fees, excluding taxes based on {seller}'s net income.",
                f"The Fees do not include any taxes. {buyer} shall be responsible for all sales, use and excise "
                f"taxes arising from {ctx.this}, other than taxes on {seller}'s income, property or employees.",
                f"Where any withholding tax applies, {buyer} shall gross up the payment so that {seller} receives "
                f"the amount it would have received had no withholding been required.",
            )
        )
    )


def expenses(ctx: Ctx) -> None:
    ctx.say(
        f"{ctx.buyer.term} shall reimburse {ctx.seller.term} for reasonable, pre-approved travel and "
        f"out-of-pocket expenses incurred in performing the Services, in accordance with {ctx.buyer.term}'s "
        f"expense policy as provided to {ctx.seller.term} from time to time."
    )


def price_adjustment(ctx: Ctx) -> None:
    percent = ctx.pick((3, 4, 5))
    ctx.say(
        f"{ctx.seller.term} may adjust the Fees with effect from the start of any Renewal Term by giving "
        f"{cap(ctx.buyer.term)} written notice, provided that no increase shall exceed {percent} percent of the "
        f"Fees for the immediately preceding term."
    )
