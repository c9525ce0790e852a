"""Confidentiality, data protection, audit rights and insurance."""

from __future__ import annotations

from sandbox.api_models import ContractType
from sandbox.corpus.clauses.context import Ctx, Party, cap
from sandbox.corpus.clauses.wording import amount_value, iso_days, iso_hours, quantity, title_case
from sandbox.corpus.models import FactKind, ObligationCategory

F = FactKind

# (years or None for perpetual, prefer months) - the confidentiality survival periods drafters use.
CONFIDENTIALITY_PERIODS: tuple[tuple[int | None, bool], ...] = (
    (2, False),
    (3, False),
    (3, True),
    (5, False),
    (5, False),
    (7, False),
    (None, False),
)


def confidential_information(ctx: Ctx) -> None:
    ctx.say(
        ctx.pick(
            (
                f'"Confidential Information" means all non-public information disclosed by or on behalf of a '
                f'{ctx.party} (the "Disclosing Party") to the other {ctx.party} (the "Receiving Party"), whether '
                f"orally, in writing or in any other form, that is designated as confidential or that ought "
                f"reasonably to be understood to be confidential given its nature and the circumstances of disclosure.",
                f'"Confidential Information" means any business, technical, financial or personal information of a '
                f'{ctx.party} (the "Disclosing Party") that is disclosed to the other {ctx.party} (the "Receiving '
                f'Party") in connection with {ctx.this}, including the terms of {ctx.this}.',
                f'For the purposes of {ctx.this}, "Confidential Information" includes trade secrets, know-how, '
                f"product plans, customer lists, pricing, source code and any other information of the Disclosing "
                f"Party that is marked or identified as confidential at the time of disclosure.",
            )
        )
    )


def confidentiality_obligations(ctx: Ctx) -> None:
    ctx.say(
        ctx.pick(
            (
                f"The Receiving Party shall (i) use the Confidential Information of the Disclosing Party solely to "
                f"perform its obligations or exercise its rights under {ctx.this}; (ii) not disclose it to any third "
                f"party except to its employees, officers and professional advisers who need to know it and are "
                f"bound by obligations of confidentiality no less protective than these; and (iii) protect it using "
                f"at least the degree of care it uses for its own confidential information, and no less than "
                f"reasonable care.",
                f"Each {ctx.party} shall hold the other {ctx.party}'s Confidential Information in strict confidence, "
                f"shall not disclose it to any person other than its Representatives with a need to know, and shall "
                f"not use it for any purpose other than the performance of {ctx.this}.",
                "The Receiving Party agrees to keep the Disclosing Party's Confidential Information confidential, "
                "to restrict access to those of its personnel who require it for the Purpose, and to be "
                "responsible for any breach of this Section by such personnel.",
            )
        )
    )


def confidentiality_exceptions(ctx: Ctx) -> None:
    ctx.say(
        "The obligations of confidentiality do not apply to information that (a) is or becomes publicly available "
        "through no fault of the Receiving Party; (b) was lawfully known to the Receiving Party before disclosure; "
        "(c) is lawfully received from a third party without restriction; or (d) is independently developed by the "
        "Receiving Party without use of the Confidential Information."
    )


def compelled_disclosure(ctx: Ctx) -> None:
    ctx.say(
        "The Receiving Party may disclose Confidential Information to the extent required by law, regulation or "
        "order of a competent court or authority, provided that, where legally permitted, it gives the Disclosing "
        "Party prompt written notice and reasonable assistance so that the Disclosing Party may seek a protective "
        "order or other remedy."
    )


def confidentiality_period(ctx: Ctx, years: int | None = None, months: bool | None = None) -> None:
    """States how long confidentiality lasts; `years`/`months` force a value (the contradictory variant)."""
    if years is None and months is None:
        years, months = ctx.pick(CONFIDENTIALITY_PERIODS)
    this = ctx.this
    if years is None:
        ctx.say(
            ctx.pick(
                (
                    f"The obligations of the Receiving Party under this Section shall survive the expiration or "
                    f"termination of {this} and shall continue in perpetuity.",
                    f"The confidentiality obligations in {this} shall remain in effect perpetually, notwithstanding "
                    f"any termination or expiry of {this}.",
                    f"Each {ctx.party}'s obligations with respect to Confidential Information shall survive "
                    f"indefinitely following the termination of {this}.",
                )
            ),
            (F.CONFIDENTIALITY_PERIOD, "perpetual"),
        )
        return
    if months:
        phrase, value = quantity(years * 12, "month", ctx.num_style()), f"P{years * 12}M"
    else:
        phrase, value = quantity(years, "year", ctx.num_style()), f"P{years}Y"
    variant = ctx.rng.randrange(4)
    if variant == 0:
        sentence = (
            f"The obligations in this Section shall continue for a period of {phrase} following the expiration or "
            f"termination of {this}; provided that obligations in respect of trade secrets shall continue for so "
            f"long as such information remains a trade secret under applicable law."
        )
    elif variant == 1:
        sentence = (
            f"The Receiving Party's obligations hereunder shall survive for {phrase} after the date of disclosure "
            f"of the relevant Confidential Information."
        )
    elif variant == 2:
        sentence = (
            f"This Section shall survive any termination or expiration of {this} for a period of {phrase} thereafter."
        )
    else:
        sentence = (
            f"The duty of confidentiality imposed by {this} shall expire {phrase} after the termination of {this}."
        )
    ctx.say(sentence, (F.CONFIDENTIALITY_PERIOD, value))


def return_of_information(ctx: Ctx) -> None:
    days = ctx.pick((10, 15, 30))
    party = "the Receiving Party"
    ctx.say(
        ctx.pick(
            (
                f"Within {ctx.days(days)} after the termination or expiration of {ctx.this}, or earlier upon the "
                f"Disclosing Party's written request, the Receiving Party shall return or destroy all Confidential "
                f"Information of the Disclosing Party in its possession and certify such destruction in writing.",
                f"The Receiving Party shall, within {ctx.days(days)} of the end of {ctx.this}, return to the "
                f"Disclosing Party or securely destroy all documents and materials containing Confidential "
                f"Information, and confirm in writing that it has done so.",
            )
        ),
        obligation=(
            ObligationCategory.CONFIDENTIALITY,
            party,
            "return or destroy Confidential Information",
            f"after:{iso_days(days)}:termination or expiration",
            None,
            None,
        ),
    )
    ctx.say(
        "The Receiving Party may retain copies kept in automatic electronic archives or required to be retained "
        "by law, which shall remain subject to the confidentiality obligations of this Section."
    )


def no_licence(ctx: Ctx) -> None:
    ctx.say(
        "All Confidential Information remains the property of the Disclosing Party. Nothing in this Agreement "
        "grants the Receiving Party any licence or other right in or to the Confidential Information, except the "
        "limited right to use it for the Purpose."
        if ctx.doc == "Agreement"
        else "All Confidential Information remains the property of the Disclosing Party."
    )


def remedies(ctx: Ctx) -> None:
    ctx.say(
        f"Each {ctx.party} acknowledges that unauthorised use or disclosure of Confidential Information may cause "
        f"irreparable harm for which damages would not be an adequate remedy, and that the Disclosing Party shall "
        f"be entitled to seek injunctive relief in addition to any other remedies available at law or in equity."
    )


def purpose(ctx: Ctx) -> None:
    ctx.say(
        ctx.pick(
            (
                f"The {ctx.parties} wish to exchange Confidential Information for the purpose of evaluating a "
                f'potential business relationship between them (the "Purpose").',
                f"The {ctx.parties} intend to disclose Confidential Information to each other solely in order to "
                f'discuss and evaluate a possible commercial transaction (the "Purpose").',
            )
        )
    )


BREACH_HOURS = (24, 48, 72, 72, 72)


def breach_notice(ctx: Ctx, processor: Party, controller: Party) -> None:
    hours = ctx.pick(BREACH_HOURS)
    fact = (F.DATA_PROTECTION, iso_hours(hours))
    obligation = (
        ObligationCategory.DATA_PROTECTION,
        processor.term,
        "notify a personal data breach",
        f"after:{iso_hours(hours)}:becoming aware of a personal data breach",
        None,
        None,
    )
    amount = quantity(hours, "hour", ctx.num_style())
    variant = ctx.rng.randrange(4)
    if variant == 0:
        sentence = (
            f"{processor.term} shall notify {controller.term} without undue delay, and in any event within "
            f"{amount}, after becoming aware of a Personal Data Breach affecting {controller.term}'s Personal Data."
        )
    elif variant == 1:
        sentence = (
            f"In the event of a Personal Data Breach, {processor.term} shall inform {controller.term} in writing no "
            f"later than {amount} after discovery of the breach."
        )
    elif variant == 2:
        sentence = (
            f"{processor.term} will report any actual or reasonably suspected Security Incident to "
            f"{controller.term} within {amount} of becoming aware of it."
        )
    else:
        sentence = (
            f"Notification of any Personal Data Breach shall be made by {processor.term} to {controller.term} "
            f"promptly and in no case later than {amount} after {processor.term} first becomes aware of it."
        )
    ctx.say(sentence, fact, obligation=obligation)
    ctx.say(
        f"The notice shall describe the nature of the breach, the categories and approximate number of data "
        f"subjects and records concerned, the likely consequences and the measures taken or proposed to address "
        f"it, and {processor.term} shall provide further information as it becomes available."
    )


def data_protection(ctx: Ctx) -> None:
    """The data-protection clause of a commercial agreement (the detail lives in a DPA)."""
    seller, buyer = ctx.seller, ctx.buyer
    ctx.say(
        f"Each {ctx.party} shall comply with all applicable data protection laws, including, where applicable, "
        f"Regulation (EU) 2016/679 (the GDPR) and the UK GDPR."
    )
    ctx.say(
        ctx.pick(
            (
                f"To the extent {seller.term} processes Personal Data on behalf of {buyer.term}, the {ctx.parties} "
                f"shall comply with their separate data processing agreement, which forms part of {ctx.this}.",
                f"Where {seller.term} acts as a processor of Personal Data for {buyer.term}, the {ctx.parties} shall "
                f'enter into a data processing agreement (the "DPA") that satisfies Article 28 of the GDPR.',
            )
        )
    )
    breach_notice(ctx, seller, buyer)


def dpa_scope(ctx: Ctx) -> None:
    controller, processor = ctx.buyer.term, ctx.seller.term
    principal = ctx.principal()
    ctx.say(
        f"This {ctx.doc} applies to the processing of Personal Data by {processor} on behalf of {controller} in "
        f"connection with {principal}. {controller} is the controller and {processor} is the processor of such "
        f"Personal Data."
    )
    ctx.say(
        "The subject matter, duration, nature and purpose of the processing and the types of Personal Data and "
        f"categories of data subjects are set out in {ctx.ref('schedule.processing', 'the annex to this DPA')}."
    )


def dpa_instructions(ctx: Ctx) -> None:
    processor = ctx.seller.term
    ctx.say(
        f"{processor} shall process Personal Data only on the documented instructions of {ctx.buyer.term}, "
        f"including with regard to transfers to a third country, unless required to do so by law, in which case "
        f"{processor} shall inform {ctx.buyer.term} of that legal requirement before processing."
    )


def dpa_personnel(ctx: Ctx) -> None:
    ctx.say(
        f"{ctx.seller.term} shall ensure that persons authorised to process the Personal Data have committed "
        f"themselves to confidentiality or are under an appropriate statutory obligation of confidentiality."
    )


def dpa_security(ctx: Ctx) -> None:
    ctx.say(
        f"{ctx.seller.term} shall implement and maintain appropriate technical and organisational measures to "
        f"protect the Personal Data against accidental or unlawful destruction, loss, alteration, unauthorised "
        f"disclosure or access, including the measures described in "
        f"{ctx.ref('schedule.security', 'its information security policy')}."
    )


def dpa_subprocessors(ctx: Ctx) -> None:
    processor, controller = ctx.seller.term, ctx.buyer.term
    days = ctx.pick((14, 30, 30, 60))
    ctx.say(
        f"{controller} grants a general authorisation for {processor} to engage sub-processors. {processor} shall "
        f"inform {controller} of any intended addition or replacement of a sub-processor at least {ctx.days(days)} "
        f"before the new sub-processor begins processing Personal Data, giving {controller} the opportunity to "
        f"object on reasonable grounds.",
        obligation=(
            ObligationCategory.NOTICE,
            processor,
            "give notice of a new sub-processor",
            f"before:{iso_days(days)}:engaging a new sub-processor",
            None,
            None,
        ),
    )


def dpa_breach(ctx: Ctx) -> None:
    breach_notice(ctx, ctx.seller, ctx.buyer)


def dpa_assistance(ctx: Ctx) -> None:
    processor = ctx.seller.term
    days = ctx.pick((3, 5, 7))
    ctx.say(
        f"{processor} shall promptly, and in any event within {ctx.days(days)}, forward to {ctx.buyer.term} any "
        f"request from a data subject to exercise rights under Data Protection Laws, and shall assist "
        f"{ctx.buyer.term} in responding to such requests.",
        obligation=(
            ObligationCategory.DATA_PROTECTION,
            processor,
            "forward data subject requests",
            f"after:{iso_days(days)}:receipt of a data subject request",
            None,
            None,
        ),
    )


def dpa_transfers(ctx: Ctx) -> None:
    ctx.say(
        f"{ctx.seller.term} shall not transfer Personal Data outside the European Economic Area or the United "
        f"Kingdom unless an adequate transfer mechanism is in place, such as the Standard Contractual Clauses "
        f"adopted by the European Commission in Decision (EU) 2021/914, which are incorporated by reference."
    )


def dpa_deletion(ctx: Ctx) -> None:
    processor = ctx.seller.term
    days = ctx.pick((30, 30, 60, 90))
    ctx.say(
        f"Within {ctx.days(days)} after the end of the provision of the services relating to processing, "
        f"{processor} shall, at {ctx.buyer.term}'s choice, delete or return all Personal Data and delete existing "
        f"copies, unless applicable law requires storage of the Personal Data.",
        obligation=(
            ObligationCategory.DATA_PROTECTION,
            processor,
            "delete or return personal data",
            f"after:{iso_days(days)}:end of services",
            None,
            None,
        ),
    )


def auditor_and_audited(ctx: Ctx) -> tuple[Party, Party]:
    """Who audits whom: a licensor audits its licensee; otherwise the customer audits the supplier."""
    if ctx.record.type == ContractType.LICENSE:
        return ctx.seller, ctx.buyer
    return ctx.buyer, ctx.seller


def records(ctx: Ctx) -> None:
    _, audited = auditor_and_audited(ctx)
    years = ctx.pick((3, 5, 6, 7))
    ctx.say(
        f"{audited.term} shall keep complete and accurate books and records relating to {ctx.this} for "
        f"{quantity(years, 'year', ctx.num_style())} after the year to which they relate."
    )


def audit_rights(ctx: Ctx) -> None:
    auditor, audited = auditor_and_audited(ctx)
    if ctx.chance(0.2):
        ctx.say(
            f"{auditor.term} or its independent auditors may, upon reasonable prior notice and during normal "
            f"business hours, audit {audited.term}'s records and facilities to verify compliance with {ctx.this}.",
            (F.AUDIT_RIGHTS, "true"),
            obligation=(
                ObligationCategory.AUDIT,
                audited.term,
                "make records available for audit",
                "after:reasonable notice:audit request",
                None,
                None,
            ),
        )
    else:
        days = ctx.pick((10, 15, 30, 30, 45))
        variant = ctx.rng.randrange(3)
        if variant == 0:
            sentence = (
                f"{auditor.term} may, upon not less than {ctx.days(days)}' prior written notice, audit "
                f"{audited.term}'s relevant books, records and systems to verify compliance with {ctx.this}, no more "
                f"than once in any twelve (12) month period."
            )
        elif variant == 1:
            sentence = (
                f"Upon at least {ctx.days(days)} written notice, {auditor.term} (or an independent auditor bound by "
                f"confidentiality) shall have the right to inspect and audit {audited.term}'s records relating to "
                f"{ctx.this}, not more than once per calendar year."
            )
        else:
            sentence = (
                f"{audited.term} shall permit {auditor.term}, on {ctx.days(days)} notice in writing, to audit its "
                f"compliance with {ctx.this} once annually during normal business hours."
            )
        ctx.say(
            sentence,
            (F.AUDIT_RIGHTS, iso_days(days)),
            obligation=(
                ObligationCategory.AUDIT,
                audited.term,
                "make records available for audit",
                f"after:{iso_days(days)}:audit notice",
                None,
                None,
            ),
        )
    ctx.say(
        f"{auditor.term} shall bear the cost of any audit unless it reveals a material non-compliance or an "
        f"underpayment of more than five percent, in which case {audited.term} shall reimburse the reasonable "
        f"costs of the audit."
    )


INSURANCE_LINES = (
    ("commercial general liability insurance", (1_000_000, 2_000_000, 5_000_000)),
    ("professional liability (errors and omissions) insurance", (2_000_000, 5_000_000, 10_000_000)),
    ("cyber liability insurance", (5_000_000, 10_000_000)),
    ("employer's liability insurance", (1_000_000, 5_000_000)),
    ("product liability insurance", (2_000_000, 5_000_000, 10_000_000)),
)


def insurance(ctx: Ctx) -> None:
    insured = ctx.seller.term
    lines = list(INSURANCE_LINES)
    ctx.rng.shuffle(lines)
    chosen = [(name, ctx.pick(amounts)) for name, amounts in lines[: ctx.rng.randint(1, 3)]]
    ctx.say(
        f"{insured} shall maintain in force, at its own cost and with reputable insurers, during the Term and for "
        f"at least one (1) year thereafter, the following insurance:",
        obligation=(
            ObligationCategory.INSURANCE,
            insured,
            "maintain the required insurance",
            "ongoing:term",
            None,
            None,
        ),
    )
    items = []
    for name, amount in chosen:

        def render(c: Ctx, name: str = name, amount: int = amount) -> None:
            c.say(
                f"{cap(name)} with limits of not less than {c.money(amount)} "
                f"{c.pick(('per occurrence', 'per claim', 'each claim and in the aggregate'))}.",
                (F.INSURANCE, amount_value(amount, c.currency)),
            )

        items.append((title_case(name.split(" insurance")[0].split(" (")[0]) + " Insurance", render))
    ctx.sub(items)


def insurance_certificates(ctx: Ctx) -> None:
    days = ctx.pick((5, 10, 15, 30))
    insured = ctx.seller.term
    ctx.say(
        f"{insured} shall provide {ctx.buyer.term} with certificates of insurance evidencing the required coverage "
        f"within {ctx.days(days)} after {ctx.buyer.term}'s written request.",
        obligation=(
            ObligationCategory.INSURANCE,
            insured,
            "provide certificates of insurance",
            f"after:{iso_days(days)}:written request",
            None,
            None,
        ),
    )
    ctx.say(f"{insured} shall notify {ctx.buyer.term} promptly of any cancellation or material reduction of coverage.")
