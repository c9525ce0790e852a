"""Title block, parties, dates, references to a parent agreement, recitals and signature blocks."""

from __future__ import annotations

import re
from random import Random

from sandbox.api_models import ContractType
from sandbox.corpus.clauses.context import Ctx, Party
from sandbox.corpus.clauses.places import address, entity_description
from sandbox.corpus.models import ContractRecord, FactKind

F = FactKind

TITLES: dict[ContractType, tuple[str, ...]] = {
    ContractType.NDA: ("MUTUAL NON-DISCLOSURE AGREEMENT", "CONFIDENTIALITY AGREEMENT", "NON-DISCLOSURE AGREEMENT"),
    ContractType.MSA: (
        "MASTER SERVICES AGREEMENT",
        "MASTER SERVICES AGREEMENT",
        "MASTER SUBSCRIPTION AND SERVICES AGREEMENT",
    ),
    ContractType.SOW: ("STATEMENT OF WORK",),
    ContractType.ORDER_FORM: ("ORDER FORM",),
    ContractType.DPA: ("DATA PROCESSING AGREEMENT", "DATA PROCESSING ADDENDUM"),
    ContractType.AMENDMENT: ("AMENDMENT",),
    ContractType.LICENSE: ("SOFTWARE LICENSE AGREEMENT", "LICENCE AGREEMENT", "SOFTWARE LICENSE AND SUPPORT AGREEMENT"),
    ContractType.SUPPLY: ("SUPPLY AGREEMENT", "MASTER SUPPLY AGREEMENT", "PRODUCT SUPPLY AGREEMENT"),
}

_SERIAL = re.compile(r"\bNo\. ?(\d{1,3})\b")
_SIGNATORIES = (
    ("Jordan Ellis", "Chief Executive Officer"),
    ("Priya Raman", "Chief Financial Officer"),
    ("Marta Kowalska", "General Counsel"),
    ("Samuel Okafor", "VP, Procurement"),
    ("Hélène Dubois", "Directrice Générale"),
    ("Kenji Watanabe", "Representative Director"),
    ("Aisha Al-Farsi", "Head of Legal"),
    ("Liam O'Connor", "Managing Director"),
    ("Sofia Martínez", "Chief Operating Officer"),
    ("Noah Schneider", "Geschäftsführer"),
)


def type_name(kind: ContractType) -> str:
    """The agreement's name in running text: "Master Services Agreement"."""
    return {
        ContractType.NDA: "Non-Disclosure Agreement",
        ContractType.MSA: "Master Services Agreement",
        ContractType.SOW: "Statement of Work",
        ContractType.ORDER_FORM: "Order Form",
        ContractType.DPA: "Data Processing Agreement",
        ContractType.AMENDMENT: "Amendment",
        ContractType.LICENSE: "Software License Agreement",
        ContractType.SUPPLY: "Supply Agreement",
    }[kind]


def serial(record: ContractRecord) -> int:
    """The document's own number ("Statement of Work No. 3"): from its title, else from the contract number."""
    match = _SERIAL.search(record.title)
    if match:
        return int(match.group(1))
    digits = "".join(ch for ch in record.number if ch.isdigit())
    return int(digits[-2:] or "1") % 9 + 1 if digits else 1


def parent_reference(ctx: Ctx) -> str:
    """'the Master Services Agreement dated January 5, 2024 (Contract No. CTR-2024-0042) between ...'"""
    parent = ctx.parent
    if parent is None:
        return f"the master agreement between the {ctx.parties} in effect on the date of this {ctx.doc}"
    when = parent.effective_date or parent.execution_date
    dated = f" dated {ctx.day(when)}" if when is not None else ""
    name = type_name(parent.type)
    return ctx.pick(
        (
            f"the {name}{dated} (Contract No. {parent.number}) between {ctx.buyer.term} and {ctx.seller.term}",
            f'the {name} entitled "{parent.title}"{dated}, reference {parent.number}',
            f"that certain {name}{dated} by and between the {ctx.parties} (No. {parent.number})",
        )
    )


def title_block(ctx: Ctx) -> None:
    r = ctx.record
    title = ctx.pick(TITLES[r.type])
    if r.type in (ContractType.SOW, ContractType.AMENDMENT):
        title = f"{title} NO. {serial(r)}"
        if r.type == ContractType.AMENDMENT and ctx.parent is not None:
            title = f"{title} TO {type_name(ctx.parent.type).upper()}"
    ctx.raw(f"{title}\n\n")
    ctx.raw(ctx.pick((f"Contract No.: {r.number}\n", f"Reference: {r.number}\n", f"Agreement No. {r.number}\n")))
    if ctx.chance(0.5):
        ctx.raw(f"Title: {r.title}\n")
    ctx.raw("\n")


def _party_clause(ctx: Ctx, party: Party, rng: Random) -> str:
    description = entity_description(party.name, party.country, rng)
    place = address(rng, party.country)
    office = ctx.pick(
        ("with its principal place of business at", "having its registered office at", "located at", "whose address is")
    )
    # Role terms read '(the "Customer")' or '("Customer")'; a short name never takes "the".
    the = "the " if ctx.record.type != ContractType.NDA and ctx.chance(0.5) else ""
    return f'{party.name}, {description}, {office} {place} ({the}"{party.term}")'


def parties_and_dates(ctx: Ctx, rng: Random) -> None:
    """The opening paragraph: parties (PARTIES), agreement date and effective date."""
    r = ctx.record
    first, second = ctx.first, ctx.second
    parties_value = f"{first.name}; {second.name}"
    eff, signed = r.effective_date, r.execution_date
    name = (
        type_name(r.type)
        if r.type not in (ContractType.SOW, ContractType.AMENDMENT)
        else f"{type_name(r.type)} No. {serial(r)}"
    )
    date_facts: list[tuple[FactKind, str]] = []
    if eff is not None and signed == eff:
        when = f'as of {ctx.day(eff)} (the "Effective Date")'
        date_facts += [(F.EFFECTIVE_DATE, eff.isoformat()), (F.AGREEMENT_DATE, signed.isoformat())]
    elif eff is not None and signed is None:
        # Not signed yet: the date is when it is to take effect, not the date of the agreement.
        when = f'with effect from {ctx.day(eff)} (the "Effective Date")'
        date_facts.append((F.EFFECTIVE_DATE, eff.isoformat()))
    elif eff is not None and signed is not None:
        when = f'on {ctx.day(signed)} and is effective as of {ctx.day(eff)} (the "Effective Date")'
        date_facts += [(F.AGREEMENT_DATE, signed.isoformat()), (F.EFFECTIVE_DATE, eff.isoformat())]
    elif signed is not None:
        when = f'on {ctx.day(signed)}, effective on the date of the last signature below (the "Effective Date")'
        date_facts.append((F.AGREEMENT_DATE, signed.isoformat()))
    else:
        when = 'as of the date of the last signature below (the "Effective Date")'
    first_clause, second_clause = _party_clause(ctx, first, rng), _party_clause(ctx, second, rng)
    under = ""
    if r.type in (ContractType.SOW, ContractType.ORDER_FORM, ContractType.DPA) and (
        ctx.parent is not None or r.type != ContractType.DPA
    ):
        under = f', and is entered into under and governed by {parent_reference(ctx)} (the "Agreement")'
    elif r.type == ContractType.AMENDMENT:
        under = f', and amends {parent_reference(ctx)} (the "Agreement")'
    variant = ctx.rng.randrange(3) if not under else 0
    if variant == 0:
        ctx.say(
            f'This {name} (this "{ctx.doc}") is entered into {when} by and between {first_clause}, and '
            f"{second_clause}{under}.",
            (F.PARTIES, parties_value),
            *date_facts,
        )
        ctx.paragraph()
    elif variant == 1:
        ctx.say(f'THIS {name.upper()} (this "{ctx.doc}") is made {when}.', *date_facts)
        ctx.paragraph()
        ctx.raw("BETWEEN:\n\n")
        start = ctx.b.pos
        ctx.raw(f"(1) {first_clause}; and\n\n(2) {second_clause}.")
        ctx.b.fact(F.PARTIES, parties_value, start)
        ctx.paragraph()
    else:
        ctx.raw("PARTIES\n\n")
        start = ctx.b.pos
        ctx.raw(f"{first_clause}\n\nand\n\n{second_clause}")
        ctx.b.fact(F.PARTIES, parties_value, start)
        ctx.paragraph()
        ctx.say(
            f'The {ctx.parties} named above have entered into this {name} (this "{ctx.doc}"), which is made {when}.',
            *date_facts,
        )
        ctx.paragraph()
    ctx.say(
        f'{first.term} and {second.term} are each referred to as a "{ctx.party.capitalize()}" and together as the '
        f'"{ctx.parties.capitalize()}".'
        if ctx.party == "Party"
        else f"{first.term} and {second.term} are each referred to in this {ctx.doc} as a party."
    )
    ctx.paragraph()


def recitals(ctx: Ctx) -> None:
    r = ctx.record
    buyer, seller = ctx.buyer.term, ctx.seller.term
    lines: list[str]
    if r.type == ContractType.NDA:
        lines = [
            f"The {ctx.parties} wish to explore a possible business relationship relating to the supply of "
            f"technology and services.",
            f"In the course of those discussions each {ctx.party} may disclose Confidential Information to the other.",
        ]
    elif r.type == ContractType.LICENSE:
        lines = [
            f"{seller} has developed and owns certain proprietary software and related documentation.",
            f"{buyer} wishes to obtain, and {seller} is willing to grant, a licence to use that software on the "
            f"terms of this {ctx.doc}.",
        ]
    elif r.type == ContractType.SUPPLY:
        lines = [
            f"{seller} manufactures and sells the Products described in this {ctx.doc}.",
            f"{buyer} wishes to purchase the Products from {seller} from time to time on the terms set out below.",
        ]
    elif r.type == ContractType.DPA:
        lines = [
            f"{seller} provides services to {buyer} which involve the processing of Personal Data.",
            f"The {ctx.parties} wish to set out their respective obligations with regard to that processing as "
            f"required by Article 28 of the GDPR.",
        ]
    elif r.type == ContractType.AMENDMENT:
        lines = [
            f"The {ctx.parties} are parties to the Agreement.",
            f"The {ctx.parties} wish to amend the Agreement as set out in this {ctx.doc}.",
        ]
    else:
        lines = [
            f"{seller} is in the business of providing technology, consulting and managed services.",
            f"{buyer} wishes to engage {seller} to provide certain services, and {seller} is willing to provide them "
            f"on the terms of this {ctx.doc}.",
        ]
    if ctx.chance(0.5):
        ctx.raw("RECITALS\n\n")
        for index, line in enumerate(lines):
            ctx.raw(f"({chr(65 + index)}) {line}\n\n")
        ctx.raw(f"NOW, THEREFORE, the {ctx.parties} agree as follows:\n\n")
    else:
        for line in lines:
            body = line[:-1]  # the recital ends with ";" instead of its full stop
            if body.startswith(("The ", "In ")):
                body = body[0].lower() + body[1:]
            ctx.raw(f"WHEREAS, {body};\n\n")
        ctx.raw(
            f"NOW, THEREFORE, in consideration of the mutual covenants contained herein and for other good and "
            f"valuable consideration, the receipt and sufficiency of which are hereby acknowledged, the {ctx.parties} "
            f"agree as follows:\n\n"
        )


def signatures(ctx: Ctx) -> None:
    r = ctx.record
    ctx.raw(
        ctx.pick(
            (
                f"IN WITNESS WHEREOF, the {ctx.parties} have caused this {ctx.doc} to be executed by their duly "
                f"authorized representatives.\n\n",
                f"This {ctx.doc} has been entered into on the date stated at the beginning of it.\n\n",
                f"Signed by the authorised representatives of the {ctx.parties}:\n\n",
            )
        )
    )
    for party in (ctx.first, ctx.second):
        name, title = ctx.pick(_SIGNATORIES)
        signed = ctx.day(r.execution_date) if r.execution_date is not None else ""
        ctx.raw(
            f"{party.name.upper() if ctx.chance(0.5) else party.name}\n\n"
            f"By: ______________________________\n"
            f"Name: {name}\n"
            f"Title: {title}\n"
            f"Date: {signed}\n\n"
        )


def defined_terms(ctx: Ctx) -> None:
    """A short definitions section common to commercial agreements."""
    seller, buyer = ctx.seller.term, ctx.buyer.term
    pool = [
        '"Affiliate" means any entity that directly or indirectly controls, is controlled by, or is under common '
        'control with a party, where "control" means ownership of more than fifty percent of the voting interests.',
        f'"Applicable Law" means all laws, regulations and binding codes of practice applicable to a {ctx.party} '
        f"or to the subject matter of {ctx.this}.",
        f'"Business Day" means a day other than a Saturday, Sunday or public holiday in the place where '
        f"{buyer} has its principal office.",
        f'"Deliverables" means all documents, software, reports and other materials that {seller} provides to '
        f"{buyer} in the course of performing {ctx.this}.",
        f'"Documentation" means the user guides, specifications and technical manuals made available by {seller}.',
        '"Intellectual Property Rights" means patents, copyrights, trade marks, design rights, database rights, '
        "trade secrets and all other intellectual property rights, whether registered or not, anywhere in the world.",
        f'"Personal Data" has the meaning given in the applicable Data Protection Laws and includes any personal '
        f"data processed by {seller} on behalf of {buyer}.",
        '"Data Protection Laws" means all laws relating to privacy and the processing of personal data, including '
        "the GDPR, the UK GDPR and the California Consumer Privacy Act.",
        f'"Specifications" means the functional and technical specifications agreed in writing by the {ctx.parties}.',
        f'"Term" means the Initial Term together with any Renewal Term, as set out in '
        f"{ctx.ref('term.initial', 'this ' + ctx.doc)}.",
        f'"Services" means the services described in {ctx.fee_source()}.',
        f'"Fees" has the meaning given in {ctx.ref("payment.fees", "this " + ctx.doc)}.',
    ]
    if ctx.record.type == ContractType.LICENSE:
        pool.append(
            f'"Licensed Software" means the software products listed in {ctx.fee_source()}, in object code form.'
        )
        pool.append(
            '"Authorised User" means an employee or contractor of the Licensee permitted to use the Licensed Software.'
        )
    if ctx.record.type == ContractType.SUPPLY:
        pool.append(f'"Products" means the goods listed in {ctx.fee_source()}, as updated from time to time.')
    if ctx.record.type == ContractType.DPA:
        pool = [
            '"GDPR" means Regulation (EU) 2016/679 of the European Parliament and of the Council.',
            '"Personal Data", "processing", "controller", "processor" and "data subject" have the meanings given '
            "in the GDPR.",
            '"Personal Data Breach" means a breach of security leading to the accidental or unlawful destruction, '
            "loss, alteration, unauthorised disclosure of, or access to, Personal Data.",
            '"Sub-processor" means any processor engaged by the Processor to process Personal Data.',
            '"Standard Contractual Clauses" means the clauses annexed to Commission Implementing Decision (EU) '
            "2021/914.",
        ]
    ctx.rng.shuffle(pool)
    keep = pool[: max(5, len(pool) - ctx.rng.randrange(4))]
    keep.sort()
    ctx.say(
        f"In {ctx.this}, the following terms have the following meanings:"
        if ctx.chance(0.5)
        else f"Capitalised terms used in {ctx.this} have the meanings set out below."
    )
    for line in keep:
        ctx.raw("\n\n")
        ctx.say(line)


def parent_defined_terms(ctx: Ctx) -> None:
    ctx.say(
        f"Capitalised terms used but not defined in this {ctx.doc} have the meanings given to them in the Agreement. "
        f"References to Sections are to sections of the Agreement unless stated otherwise."
    )
