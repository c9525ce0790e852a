"""Warranties, indemnities, intellectual property and limitation of liability."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sandbox.api_models import ContractType
from sandbox.corpus.clauses.context import Ctx
from sandbox.corpus.clauses.wording import amount_value, iso_days, iso_months, iso_years, quantity
from sandbox.corpus.models import FactKind

F = FactKind

# (amount, unit) - warranty periods.
WARRANTY_PERIODS = (
    (30, "day"),
    (60, "day"),
    (90, "day"),
    (90, "day"),
    (6, "month"),
    (12, "month"),
    (1, "year"),
    (2, "year"),
)
_ISO = {"day": iso_days, "month": iso_months, "year": iso_years}


def warranty(ctx: Ctx) -> None:
    seller = ctx.seller.term
    amount, unit = ctx.pick(WARRANTY_PERIODS)
    phrase = quantity(amount, unit, ctx.num_style())
    fact = (F.WARRANTY_DURATION, _ISO[unit](amount))
    subject = {
        "License": "the Licensed Software will perform substantially in accordance with the Documentation",
        "Supply Agreement": "the Products will be free from defects in materials and workmanship and will conform "
        "to the Specifications",
    }.get(
        ctx.record.type.value,
        "the Services and Deliverables will conform in all material respects to the applicable specifications",
    )
    start = ctx.pick(("delivery", "acceptance", "the Effective Date", "installation"))
    variant = ctx.rng.randrange(4)
    if variant == 0:
        sentence = f"{seller} warrants that {subject} for a period of {phrase} from {start}."
    elif variant == 1:
        sentence = f'{seller} warrants that, for {phrase} following {start} (the "Warranty Period"), {subject}.'
    elif variant == 2:
        sentence = f"The warranty period is {phrase} after {start}, during which {seller} warrants that {subject}."
    else:
        sentence = f"During the {phrase} period commencing on {start}, {seller} represents and warrants that {subject}."
    ctx.say(sentence, fact)
    ctx.say(
        f"{ctx.buyer.term}'s sole remedy for breach of this warranty shall be the repair or replacement of the "
        f"non-conforming item or, if {seller} cannot achieve this within a reasonable time, a refund of the Fees "
        f"paid for it."
    )


def mutual_warranties(ctx: Ctx) -> None:
    ctx.say(
        f"Each {ctx.party} represents and warrants that (a) it is duly organised and in good standing; (b) it has "
        f"full power and authority to enter into and perform {ctx.this}; and (c) the execution and performance of "
        f"{ctx.this} do not conflict with any other agreement to which it is a party."
    )


def disclaimer(ctx: Ctx) -> None:
    ctx.say(
        "EXCEPT AS EXPRESSLY PROVIDED IN THIS AGREEMENT, NEITHER PARTY MAKES ANY WARRANTY OF ANY KIND, WHETHER "
        "EXPRESS, IMPLIED, STATUTORY OR OTHERWISE, AND EACH PARTY SPECIFICALLY DISCLAIMS ALL IMPLIED WARRANTIES, "
        "INCLUDING ANY WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NON-INFRINGEMENT, TO "
        "THE MAXIMUM EXTENT PERMITTED BY APPLICABLE LAW."
    )


def indemnity_seller(ctx: Ctx) -> None:
    seller, buyer = ctx.seller.term, ctx.buyer.term
    ctx.say(
        ctx.pick(
            (
                f"{seller} shall defend, indemnify and hold harmless {buyer} and its Affiliates, officers, "
                f"directors and employees from and against any and all losses, damages, liabilities, costs and "
                f"expenses (including reasonable attorneys' fees) arising out of any third-party claim alleging that "
                f"the Services or Deliverables infringe or misappropriate any intellectual property right.",
                f"{seller} will indemnify {buyer} against all claims, demands and proceedings brought by a third "
                f"party to the extent arising from {seller}'s gross negligence, wilful misconduct or breach of "
                f"applicable law, and against any claim that the use of the Deliverables in accordance with "
                f"{ctx.this} infringes that third party's rights.",
            )
        )
    )


def indemnity_buyer(ctx: Ctx) -> None:
    seller, buyer = ctx.seller.term, ctx.buyer.term
    ctx.say(
        f"{buyer} shall defend and indemnify {seller} against any third-party claim arising from {buyer}'s use of "
        f"the Services in violation of {ctx.this} or applicable law, or from any data or materials supplied by "
        f"{buyer}."
    )


def indemnity_procedure(ctx: Ctx) -> None:
    ctx.say(
        f"The indemnified {ctx.party} shall (a) give the indemnifying {ctx.party} prompt written notice of the "
        f"claim; (b) permit the indemnifying {ctx.party} to control the defence and settlement of the claim; and "
        f"(c) provide reasonable cooperation at the indemnifying {ctx.party}'s expense. No settlement that imposes "
        f"any obligation on the indemnified {ctx.party} may be made without its prior written consent."
    )


def intellectual_property(ctx: Ctx) -> None:
    seller, buyer = ctx.seller.term, ctx.buyer.term
    ctx.say(
        ctx.pick(
            (
                f"Each {ctx.party} retains all right, title and interest in and to its pre-existing intellectual "
                f"property. Upon payment in full, {seller} assigns to {buyer} all intellectual property rights in "
                f"the Deliverables created specifically for {buyer}, excluding {seller}'s background materials.",
                f"{seller} retains ownership of its platform, software, tools and know-how, and grants {buyer} a "
                f"non-exclusive, royalty-free licence to use any such materials incorporated into the Deliverables "
                f"for its internal business purposes.",
            )
        )
    )


_MONTHS = re.compile(r"(\d+)\s*months?")


def cap_value(record_amount: float | None, description: str | None, currency: str) -> str | None:
    """Normalised liability-cap value: "USD 500000" for a fixed amount, "12 months fees" for a multiple."""
    if record_amount is not None:
        return amount_value(record_amount, currency)
    if description:
        match = _MONTHS.search(description)
        if match:
            return f"{match.group(1)} months fees"
        return description
    return None


def liability_exclusion(ctx: Ctx) -> None:
    ctx.say(
        ctx.pick(
            (
                "IN NO EVENT SHALL EITHER PARTY BE LIABLE FOR ANY INDIRECT, INCIDENTAL, SPECIAL, CONSEQUENTIAL OR "
                "PUNITIVE DAMAGES, OR FOR ANY LOSS OF PROFITS, REVENUE, DATA OR GOODWILL, HOWEVER CAUSED AND ON ANY "
                "THEORY OF LIABILITY, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGES.",
                f"Neither {ctx.party} shall be liable to the other for any loss of profit, loss of business, "
                f"depletion of goodwill or any indirect or consequential loss arising under or in connection with "
                f"{ctx.this}.",
            )
        )
    )


def liability_cap(ctx: Ctx) -> None:
    r = ctx.record
    value = cap_value(r.liability_cap_amount, r.liability_cap_description, ctx.currency)
    if value is None:
        return
    lead = ""
    marks: list[tuple[str, str]] = []
    parent = ctx.parent
    if parent is not None and r.parent_id == parent.id and r.type is ContractType.ORDER_FORM:
        theirs = cap_value(parent.liability_cap_amount, parent.liability_cap_description, ctx.currency)
        where = ctx.parent_ref("liability.cap", "")
        # An order form with its own cap sets the MSA's aside expressly half the time (else it just states it).
        if theirs is not None and theirs != value and where and ctx.chance(0.5):
            lead = f"Notwithstanding {where} of the Agreement, "
            marks.append(("override", f"{F.LIABILITY_CAP.value}|{where.removeprefix('Section ')}"))
    write_liability_cap(ctx, value, lead, marks)


def write_liability_cap(ctx: Ctx, value: str, lead: str = "", marks: Sequence[tuple[str, str]] = ()) -> None:
    """The cap sentence for a normalised value (also used by amendments)."""
    r = ctx.record
    this = ctx.this
    if r.liability_cap_amount is not None:
        amount = ctx.money(r.liability_cap_amount)
        variant = ctx.rng.randrange(4)
        if variant == 0:
            sentence = (
                f"EXCEPT FOR LIABILITY ARISING FROM A PARTY'S GROSS NEGLIGENCE, WILFUL MISCONDUCT OR BREACH OF ITS "
                f"CONFIDENTIALITY OBLIGATIONS, EACH PARTY'S TOTAL AGGREGATE LIABILITY ARISING OUT OF OR RELATING TO "
                f"{this.upper()} SHALL NOT EXCEED {amount}."
            )
        elif variant == 1:
            sentence = (
                f"Each {ctx.party}'s total liability under or in connection with {this}, whether in contract, tort "
                f"(including negligence) or otherwise, shall be limited to {amount}."
            )
        elif variant == 2:
            sentence = (
                f"The maximum aggregate liability of either {ctx.party} for all claims arising under {this} shall "
                f"not exceed {amount} in total."
            )
        else:
            sentence = f"Liability of each {ctx.party} under {this} is capped at {amount} in the aggregate."
    else:
        months = value.split(" ", 1)[0] if value.endswith("months fees") else None
        if months is not None and months.isdigit():
            period = quantity(int(months), "month", ctx.num_style())
            variant = ctx.rng.randrange(3)
            if variant == 0:
                sentence = (
                    f"Each {ctx.party}'s total aggregate liability arising out of or relating to {this} shall not "
                    f"exceed the total fees paid or payable by {ctx.buyer.term} under {this} in the {period} "
                    f"preceding the event giving rise to the claim."
                )
            elif variant == 1:
                sentence = (
                    f"IN NO EVENT SHALL EITHER PARTY'S AGGREGATE LIABILITY EXCEED THE AMOUNTS PAID BY "
                    f"{ctx.buyer.term.upper()} HEREUNDER IN THE {period.upper()} IMMEDIATELY PRECEDING THE FIRST "
                    f"INCIDENT GIVING RISE TO LIABILITY."
                )
            else:
                sentence = (
                    f"The liability of either {ctx.party} under {this} shall be limited to an amount equal to the "
                    f"fees paid in the {period} preceding the claim."
                )
        else:
            sentence = f"Each {ctx.party}'s total liability under {this} shall be limited to {value}."
    if lead:
        sentence = lead + (sentence if sentence.isupper() else sentence[0].lower() + sentence[1:])
    ctx.say(sentence, (F.LIABILITY_CAP, value), marks=marks)


def liability_exceptions(ctx: Ctx) -> None:
    ctx.say(
        f"Nothing in {ctx.this} limits or excludes liability for death or personal injury caused by negligence, "
        f"for fraud or fraudulent misrepresentation, or for any other liability that cannot be limited or excluded "
        f"by law."
    )
