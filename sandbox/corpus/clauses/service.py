"""Services, statements of work, service levels, milestones, licences and supply operations."""

from __future__ import annotations

from datetime import timedelta

from sandbox.corpus.clauses.context import Ctx, cap
from sandbox.corpus.clauses.deadlines import next_recurring_due
from sandbox.corpus.clauses.wording import add_months, iso_days, iso_months, ordinal_suffix
from sandbox.corpus.models import FactKind, ObligationCategory

F = FactKind

_PERIODS = {1: ("calendar month", "month"), 3: ("calendar quarter", "quarter"), 12: ("calendar year", "year")}


def recurring_report(ctx: Ctx, party: str, what: str, action: str, period_months: int, offset_days: int) -> None:
    """ "Within thirty (30) days after the end of each calendar quarter, X shall deliver ..." with next_due."""
    r = ctx.record
    period_name, short = _PERIODS[period_months]
    period_iso = "P1Y" if period_months == 12 else iso_months(period_months)
    next_due = next_recurring_due(period_months, offset_days, r.effective_date, r.expiration_date, ctx.as_of)
    obligation = (
        ObligationCategory.REPORTING,
        party,
        action,
        f"recurring:{period_iso}:{iso_days(offset_days)}",
        next_due,
        period_iso,
    )
    variant = ctx.rng.randrange(4)
    if variant == 0:
        sentence = (
            f"Within {ctx.days(offset_days)} after the end of each {period_name}, {party} shall deliver to "
            f"{ctx.other(party)} {what}."
        )
    elif variant == 1:
        sentence = (
            f"{party} shall provide {what} no later than {ctx.days(offset_days)} following the close of each "
            f"{period_name}."
        )
    elif variant == 2 and period_months == 1 and offset_days <= 28:
        sentence = (
            f"On or before the {ordinal_suffix(offset_days)} day of each {short}, {party} shall submit {what} for "
            f"the preceding {short}."
        )
    else:
        sentence = (
            f"{party} will furnish {ctx.other(party)} with {what} within {ctx.days(offset_days)} of the end of "
            f"each {period_name} during the Term."
        )
    ctx.say(sentence, obligation=obligation)


def services_scope(ctx: Ctx) -> None:
    seller, buyer = ctx.seller.term, ctx.buyer.term
    ctx.say(
        ctx.pick(
            (
                f"{seller} shall provide to {buyer} the services described in each Statement of Work or Order Form "
                f'executed under {ctx.this} (the "Services"), in accordance with {ctx.this} and the applicable '
                f"Statement of Work.",
                f'{seller} agrees to perform the professional, consulting and technology services (the "Services") '
                f"set forth in one or more statements of work entered into by the {ctx.parties} from time to time.",
                f"Subject to the terms of {ctx.this}, {seller} will make the Services available to {buyer} and its "
                f"Affiliates as specified in the applicable Order Form or Statement of Work.",
            )
        )
    )
    ctx.say(
        f"{seller} shall perform the Services with due care, skill and diligence, in accordance with good "
        f"industry practice and all applicable laws."
    )


def order_scope(ctx: Ctx) -> None:
    seller, buyer = ctx.seller.term, ctx.buyer.term
    ctx.say(
        ctx.pick(
            (
                f"{seller} shall provide {buyer} with the subscription services and quantities listed in "
                f'{ctx.fee_source()} (the "Subscription Services") for the Subscription Term.',
                f"{buyer} orders, and {seller} agrees to provide, the cloud services and support plan set out in "
                f"{ctx.fee_source()}, subject to the Agreement and this {ctx.doc}.",
            )
        )
    )
    ctx.say(
        "Additional users or services may be added during the term by a further order form at the then-current rates."
    )


def statements_of_work(ctx: Ctx) -> None:
    ctx.say(
        f"Each Statement of Work shall be in writing, shall reference {ctx.this}, and shall describe the Services, "
        f"deliverables, milestones, fees and any other terms specific to the engagement."
    )
    ctx.say(
        ctx.pick(
            (
                f"Each Statement of Work is incorporated into and forms part of {ctx.this}.",
                f"No Statement of Work shall be binding until executed by authorised representatives of both "
                f"{ctx.parties}.",
                f"In the event of a conflict between {ctx.this} and a Statement of Work, {ctx.this} shall prevail "
                f"unless the Statement of Work expressly states that it overrides a specific provision of "
                f"{ctx.this}.",
            )
        )
    )


def personnel(ctx: Ctx) -> None:
    seller = ctx.seller.term
    ctx.say(
        f"{seller} shall assign appropriately qualified and experienced personnel to perform the Services and "
        f"shall remain responsible for the acts and omissions of its personnel."
    )
    if ctx.chance(0.5):
        ctx.say(
            f"{seller} shall promptly replace any individual whom {ctx.buyer.term} reasonably requests to be "
            f"removed from the provision of the Services."
        )


def subcontracting(ctx: Ctx) -> None:
    seller = ctx.seller.term
    ctx.say(
        ctx.pick(
            (
                f"{seller} shall not subcontract any of its obligations under {ctx.this} without the prior written "
                f"consent of {ctx.buyer.term}, which shall not be unreasonably withheld.",
                f"{seller} may use subcontractors to perform the Services, provided that {seller} remains fully "
                f"liable for their performance and for their compliance with {ctx.this}.",
            )
        )
    )


UPTIMES = ("99.5%", "99.9%", "99.95%", "99.99%", "99.0%", "99.8%")


def service_levels(ctx: Ctx) -> None:
    uptime = ctx.pick(UPTIMES)
    seller = ctx.seller.term
    variant = ctx.rng.randrange(4)
    if variant == 0:
        sentence = (
            f"{seller} shall make the Services available at least {uptime} of the time in each calendar month, "
            f"excluding scheduled maintenance notified at least forty-eight hours in advance."
        )
    elif variant == 1:
        sentence = (
            f"The Services will achieve a monthly availability of no less than {uptime} "
            f'(the "Availability Commitment").'
        )
    elif variant == 2:
        sentence = (
            f"{seller} guarantees an uptime of {uptime}, measured monthly, for the production environment of "
            f"the Services."
        )
    else:
        sentence = (
            f"Availability of the Services shall be not less than {uptime} per calendar month, calculated as "
            f"the total minutes in the month less minutes of unscheduled downtime, divided by the total minutes "
            f"in the month."
        )
    ctx.say(sentence, (F.SLA, uptime))


def service_credits(ctx: Ctx) -> None:
    credit = ctx.pick((5, 10, 15, 25))
    ctx.say(
        f"If {ctx.seller.term} fails to meet the Availability Commitment in any calendar month, "
        f"{ctx.buyer.term} shall be entitled to a service credit equal to {credit} percent of the monthly Fees "
        f"for the affected Services for each full percentage point of shortfall."
    )
    ctx.say(
        ctx.pick(
            (
                "Service credits are the sole and exclusive remedy for any failure to meet the service levels, "
                "except where the failure also constitutes a material breach.",
                "Service credits shall be applied against the next invoice and are not payable in cash.",
                "Service credits shall not exceed, in aggregate, the Fees payable for the affected month.",
            )
        )
    )


def service_reporting(ctx: Ctx) -> None:
    recurring_report(
        ctx,
        ctx.seller.term,
        "a report on its performance against the service levels, including availability, incidents and "
        "service credits accrued",
        "deliver a service-level report",
        1,
        ctx.pick((10, 15)),
    )


def business_review(ctx: Ctx) -> None:
    recurring_report(
        ctx,
        ctx.seller.term,
        "a written business review report summarising the Services performed, open issues and planned work",
        "deliver a business review report",
        3,
        ctx.pick((15, 30, 45)),
    )


def scope_of_work(ctx: Ctx) -> None:
    seller = ctx.seller.term
    title = ctx.record.title
    project = title.split(" – ", 1)[1] if " – " in title else None  # "Statement of Work No. 2 – ERP Integration"
    topic = (
        f"the {project} project"
        if project
        else ctx.pick(
            (
                "the migration of the customer's billing platform to a cloud-hosted environment",
                "the design, build and rollout of a customer data platform",
                "an assessment of the existing security controls and a remediation roadmap",
                "the implementation and configuration of the contract lifecycle software",
                "the development of a mobile application for field service engineers",
            )
        )
    )
    ctx.say(f"{seller} shall perform the Services described in this {ctx.doc}, comprising {topic}.")
    ctx.say(
        f"The Services include project management, requirements analysis, design, build, testing, deployment "
        f"support and knowledge transfer to {ctx.buyer.term}'s personnel."
    )
    ctx.say(
        f"Any services not expressly described in this {ctx.doc} are out of scope and may be added only through "
        f"the change control procedure in {ctx.ref('sow.change', 'this ' + ctx.doc)}."
    )


_MILESTONES = (
    "Discovery and Requirements",
    "Solution Design",
    "Build and Configuration",
    "System Integration Testing",
    "User Acceptance Testing",
    "Go-Live and Hypercare",
)


def milestones(ctx: Ctx) -> None:
    seller = ctx.seller.term
    count = ctx.rng.randint(2, 5)
    ctx.say(f"{seller} shall deliver the following milestones and deliverables:")
    offsets: list[int] = []
    total = 0
    for _ in range(count):
        total += ctx.rng.randint(3, 9) * 7
        offsets.append(total)
    r = ctx.record
    if r.effective_date is not None and r.initial_term_months:
        # Every milestone falls within the SOW's term (a little before its end).
        room = (add_months(r.effective_date, r.initial_term_months) - r.effective_date).days - 7
        if total > room:
            offsets = [max(index + 1, offset * room // total) for index, offset in enumerate(offsets)]
    items = []
    for index in range(count):
        name = _MILESTONES[index]
        offset = offsets[index]

        def render(c: Ctx, name: str = name, offset: int = offset) -> None:
            eff = c.record.effective_date
            action = f"deliver the {name.lower()} milestone"
            if eff is not None:
                due = eff + timedelta(days=offset)
                c.say(
                    f"{seller} shall complete the {name.lower()} activities and deliver the associated deliverables "
                    f"no later than {c.day(due)}.",
                    obligation=(
                        ObligationCategory.DELIVERY,
                        seller,
                        action,
                        f"date:{due.isoformat()}",
                        due if due >= c.as_of else None,
                        None,
                    ),
                )
            else:
                c.say(
                    f"{seller} shall complete the {name.lower()} activities within {c.days(offset)} after the "
                    f"Effective Date.",
                    obligation=(
                        ObligationCategory.DELIVERY,
                        seller,
                        action,
                        f"after:{iso_days(offset)}:effective date",
                        None,
                        None,
                    ),
                )

        items.append((name, render))
    ctx.sub(items)


def acceptance(ctx: Ctx) -> None:
    buyer = ctx.buyer.term
    days = ctx.pick((5, 10, 15))
    ctx.say(
        f"{buyer} shall review each deliverable and shall notify {ctx.seller.term} in writing of its acceptance "
        f"or rejection within {ctx.days(days)} after delivery.",
        obligation=(
            ObligationCategory.NOTICE,
            buyer,
            "notify acceptance or rejection of a deliverable",
            f"after:{iso_days(days)}:delivery",
            None,
            None,
        ),
    )
    ctx.say(
        f"A rejection notice shall describe the non-conformities in reasonable detail, and {ctx.seller.term} shall "
        f"correct them and redeliver the deliverable at no additional charge. A deliverable not rejected within "
        f"that period shall be deemed accepted."
    )


def change_control(ctx: Ctx) -> None:
    ctx.say(
        f"Either {ctx.party} may request a change to the scope, schedule or fees of this {ctx.doc} by submitting "
        f"a written change request. No change shall be effective until documented in a change order signed by "
        f"both {ctx.parties}."
    )


def key_personnel(ctx: Ctx) -> None:
    roles = ctx.pick(
        (
            "the engagement manager and the lead solution architect",
            "the project director and the technical lead",
            "the delivery lead and the data migration lead",
        )
    )
    ctx.say(
        f"{ctx.seller.term} designates {roles} as key personnel and shall not remove or replace them without "
        f"{ctx.buyer.term}'s prior written consent, except for reasons of illness, resignation or termination of "
        f"employment."
    )


def precedence(ctx: Ctx) -> None:
    """The order of precedence: most let the document's express modifications of the Agreement prevail; some
    do not (then an express override in this document is a conflict the Agreement wins)."""
    sentence, value = ctx.pick(
        (
            (
                f"In the event of any conflict between this {ctx.doc} and the Agreement, the Agreement shall prevail "
                f"except to the extent that this {ctx.doc} expressly states otherwise.",
                "override_allowed",
            ),
            (
                f"This {ctx.doc} is subject to the Agreement. Where this {ctx.doc} expressly modifies a provision "
                f"of the Agreement, the modification applies to this {ctx.doc} only.",
                "override_allowed",
            ),
            (
                f"This {ctx.doc} is governed by the Agreement. In the event of any conflict or inconsistency between "
                f"this {ctx.doc} and the Agreement, the terms of the Agreement shall prevail.",
                "agreement_prevails",
            ),
        )
    )
    ctx.say(sentence, marks=[("precedence", value)])


def license_grant(ctx: Ctx) -> None:
    licensor, licensee = ctx.seller.term, ctx.buyer.term
    ctx.say(
        ctx.pick(
            (
                f"Subject to the terms of {ctx.this} and payment of the applicable Fees, {licensor} grants to "
                f"{licensee} a non-exclusive, non-transferable, non-sublicensable licence during the Term to install "
                f"and use the Licensed Software for its internal business purposes.",
                f"{licensor} hereby grants {licensee} a worldwide, non-exclusive licence to use the Licensed Software "
                f"and Documentation, solely for {licensee}'s internal operations and up to the number of Authorised "
                f"Users set out in the Order.",
                f"{licensor} grants to {licensee}, for the Term, a limited, revocable, non-exclusive licence to access "
                f"and use the Licensed Software in accordance with the Documentation.",
            )
        )
    )


def license_restrictions(ctx: Ctx) -> None:
    licensee = ctx.buyer.term
    ctx.say(
        f"{licensee} shall not (i) copy, modify or create derivative works of the Licensed Software; (ii) reverse "
        f"engineer, decompile or disassemble it, except to the extent permitted by law; (iii) rent, lease, lend or "
        f"sublicense it; or (iv) remove any proprietary notices."
    )


def usage_reporting(ctx: Ctx) -> None:
    recurring_report(
        ctx,
        ctx.buyer.term,
        "a usage report stating the number of Authorised Users and installations of the Licensed Software",
        "deliver a usage report",
        ctx.pick((3, 12)),
        ctx.pick((15, 30)),
    )


def support(ctx: Ctx) -> None:
    ctx.say(
        f"{ctx.seller.term} shall provide maintenance and support for the Licensed Software in accordance with its "
        f"standard support policy, including error corrections, updates and access to a help desk during business "
        f"hours."
    )
    severity = ctx.pick(("four", "two", "eight"))
    ctx.say(
        f"{ctx.seller.term} shall respond to Severity 1 incidents within {severity} hours of notification and shall "
        f"work continuously to provide a workaround."
    )


def purchase_orders(ctx: Ctx) -> None:
    buyer, seller = ctx.buyer.term, ctx.seller.term
    ctx.say(
        f"{buyer} may order Products by issuing purchase orders to {seller} from time to time. Each purchase order "
        f"shall specify the Products, quantities, requested delivery dates and delivery location."
    )
    days = ctx.pick((2, 3, 5))
    ctx.say(
        f"{seller} shall accept or reject each purchase order within {ctx.days(days)} after receipt; a purchase "
        f"order not rejected within that period is deemed accepted.",
        obligation=(
            ObligationCategory.NOTICE,
            seller,
            "accept or reject a purchase order",
            f"after:{iso_days(days)}:purchase order receipt",
            None,
            None,
        ),
    )


def forecasts(ctx: Ctx) -> None:
    recurring_report(
        ctx,
        ctx.buyer.term,
        "a rolling twelve-month non-binding forecast of its requirements for the Products",
        "deliver a rolling demand forecast",
        1,
        ctx.pick((5, 10, 15)),
    )


def delivery(ctx: Ctx) -> None:
    seller = ctx.seller.term
    days = ctx.pick((14, 21, 30, 45, 60))
    incoterm = ctx.pick(("DAP", "FCA", "DDP", "CPT"))
    ctx.say(
        f"{seller} shall deliver the Products {incoterm} (Incoterms 2020) to the delivery location stated in the "
        f"purchase order within {ctx.days(days)} after acceptance of the purchase order.",
        obligation=(
            ObligationCategory.DELIVERY,
            seller,
            "deliver ordered Products",
            f"after:{iso_days(days)}:purchase order acceptance",
            None,
            None,
        ),
    )
    ctx.say(
        f"Time of delivery is of the essence. {seller} shall notify {ctx.buyer.term} promptly of any anticipated "
        f"delay and of the measures taken to mitigate it."
    )


def title_risk(ctx: Ctx) -> None:
    ctx.say(
        f"Title to and risk of loss of the Products shall pass to {ctx.buyer.term} upon delivery in accordance with "
        f"the applicable Incoterm, save that title shall not pass until the Products have been paid for in full "
        f"where {ctx.seller.term} has so specified in writing."
    )


def quality(ctx: Ctx) -> None:
    seller = ctx.seller.term
    ctx.say(
        f"{seller} shall maintain a quality management system certified to ISO 9001 and shall manufacture the "
        f"Products in accordance with the Specifications and all applicable laws."
    )
    ctx.say(
        f"{cap(ctx.buyer.term)} may inspect the Products upon delivery and reject any Products that do not "
        f"conform to the Specifications."
    )
