"""Governing law, disputes and the general ("boilerplate") provisions."""

from __future__ import annotations

from sandbox.corpus.clauses.context import Ctx, cap
from sandbox.corpus.clauses.places import venue
from sandbox.corpus.models import FactKind

F = FactKind


def governing_law(ctx: Ctx) -> None:
    law = ctx.record.governing_law
    if not law:
        ctx.say(
            f"{cap(ctx.this)} shall be governed by the laws of the jurisdiction in which the Provider is established."
        )
        return
    write_governing_law(ctx, law)


def write_governing_law(ctx: Ctx, law: str, subject: str | None = None) -> None:
    place = venue(law, ctx.rng)
    this = subject or ctx.this
    variant = ctx.rng.randrange(5)
    if variant == 0:
        sentence = (
            f"{cap(this)} shall be governed by and construed in accordance with the laws of {place.law_phrase}, "
            f"without regard to its conflict of laws principles."
        )
    elif variant == 1:
        sentence = (
            f"{cap(this)} and any dispute or claim (including non-contractual disputes or claims) arising out of "
            f"or in connection with it shall be governed by the law of {place.law_phrase}."
        )
    elif variant == 2:
        sentence = (
            f"The laws of {place.law_phrase} govern {this}, excluding any choice of law rules that would refer "
            f"the matter to another jurisdiction."
        )
    elif variant == 3:
        sentence = (
            f"This {this.split(' ', 1)[-1]} is governed by the laws of {place.law_phrase}. The United Nations "
            f"Convention on Contracts for the International Sale of Goods shall not apply."
        )
    else:
        sentence = (
            f"All matters arising out of or relating to {this} shall be governed by the substantive laws of "
            f"{place.law_phrase}."
        )
    ctx.say(sentence, (F.GOVERNING_LAW, law))
    ctx.say(
        ctx.pick(
            (
                f"Each {ctx.party} irrevocably submits to the exclusive jurisdiction of {place.courts}.",
                f"The {ctx.parties} agree that {place.courts} shall have exclusive jurisdiction to settle any "
                f"dispute arising out of or in connection with {this}.",
                f"Any legal action or proceeding relating to {this} shall be brought exclusively in {place.courts}, "
                f"and the {ctx.parties} consent to the personal jurisdiction of such courts.",
            )
        )
    )


def dispute_escalation(ctx: Ctx) -> None:
    ctx.say(
        f"Before commencing any proceedings (other than for urgent injunctive relief), the {ctx.parties} shall "
        f"attempt in good faith to resolve any dispute by referring it to their respective senior executives, who "
        f"shall meet within fifteen (15) business days after a written request from either {ctx.party}."
    )


def notices(ctx: Ctx) -> None:
    ctx.say(
        ctx.pick(
            (
                f"All notices under {ctx.this} shall be in writing and shall be deemed given when delivered "
                f"personally, one business day after deposit with an internationally recognised courier, or when "
                f"sent by email with confirmation of transmission, to the addresses set out at the beginning of "
                f"{ctx.this} (or such other address as a {ctx.party} may designate by notice).",
                f"Any notice given under {ctx.this} shall be in writing, signed by or on behalf of the {ctx.party} "
                f"giving it, and delivered by hand, by pre-paid recorded delivery or by email to the address of "
                f"the relevant {ctx.party} stated above.",
                "Notices shall be sent to the addresses stated in the preamble, marked for the attention of the "
                "legal department, and shall be effective upon receipt.",
            )
        )
    )
    if ctx.chance(0.5):
        ctx.say(f"A copy of any notice to {ctx.us.term} shall be sent to the attention of {ctx.record.owner_name}.")


def assignment(ctx: Ctx) -> None:
    ctx.say(
        ctx.pick(
            (
                f"Neither {ctx.party} may assign or transfer {ctx.this} or any of its rights or obligations "
                f"hereunder without the prior written consent of the other {ctx.party}, except that either "
                f"{ctx.party} may assign {ctx.this} without consent to a successor in connection with a merger, "
                f"acquisition or sale of all or substantially all of its assets.",
                f"{cap(ctx.this)} may not be assigned by either {ctx.party} without the other's written consent, "
                f"which shall not be unreasonably withheld or delayed. Any purported assignment in violation of "
                f"this Section is void.",
                f"Neither {ctx.party} shall assign, novate, subcontract or otherwise deal with its rights or "
                f"obligations under {ctx.this} without the prior written consent of the other {ctx.party}.",
            )
        )
    )


def force_majeure(ctx: Ctx) -> None:
    ctx.say(
        ctx.pick(
            (
                f"Neither {ctx.party} shall be liable for any failure or delay in performance caused by events "
                f"beyond its reasonable control, including acts of God, flood, fire, earthquake, epidemic, war, "
                f"terrorism, labour disputes (other than those of its own workforce), or governmental action, "
                f"provided that it promptly notifies the other {ctx.party} and uses reasonable efforts to resume "
                f"performance.",
                f"A {ctx.party} shall not be in breach of {ctx.this} to the extent its performance is prevented by "
                f'a Force Majeure Event. "Force Majeure Event" means any circumstance not within a {ctx.party}\'s '
                f"reasonable control, including natural disasters, pandemics, riots, and failures of public "
                f"utilities or networks.",
            )
        )
    )
    if ctx.chance(0.6):
        ctx.say(
            f"If a Force Majeure Event continues for more than {ctx.pick(('sixty (60)', 'ninety (90)', 'thirty'))} "
            f"consecutive days, either {ctx.party} may terminate the affected Services by written notice."
        )


def entire_agreement(ctx: Ctx) -> None:
    ctx.say(
        ctx.pick(
            (
                f"{cap(ctx.this)}, together with its schedules and any documents referred to in it, constitutes "
                f"the entire agreement between the {ctx.parties} relating to its subject matter and supersedes all "
                f"prior agreements, proposals and understandings, whether written or oral.",
                f"{cap(ctx.this)} sets forth the entire understanding of the {ctx.parties} with respect to its "
                f"subject matter. Each {ctx.party} acknowledges that it has not relied on any statement, "
                f"representation or warranty not expressly set out in {ctx.this}.",
            )
        )
    )


def amendment_waiver(ctx: Ctx) -> None:
    ctx.say(
        f"No amendment of {ctx.this} shall be effective unless in writing and signed by authorised representatives "
        f"of both {ctx.parties}. No failure or delay in exercising any right shall operate as a waiver of it."
    )


def severability(ctx: Ctx) -> None:
    ctx.say(
        f"If any provision of {ctx.this} is held invalid or unenforceable, it shall be modified to the minimum "
        f"extent necessary to make it enforceable, and the remaining provisions shall continue in full force and "
        f"effect."
    )


def counterparts(ctx: Ctx) -> None:
    ctx.say(
        f"{cap(ctx.this)} may be executed in counterparts, each of which is an original and which together "
        f"constitute one instrument. Signatures delivered electronically or by PDF shall be deemed original "
        f"signatures."
    )


def relationship(ctx: Ctx) -> None:
    ctx.say(
        f"The {ctx.parties} are independent contractors. Nothing in {ctx.this} creates a partnership, joint venture, "
        f"agency or employment relationship between the {ctx.parties}."
    )


def non_solicitation(ctx: Ctx) -> None:
    ctx.say(
        f"During the Term and for twelve months thereafter, neither {ctx.party} shall solicit for employment any "
        f"employee of the other {ctx.party} who was directly involved in the performance of {ctx.this}, provided "
        f"that general advertisements not targeted at such employees shall not breach this Section."
    )


def publicity(ctx: Ctx) -> None:
    ctx.say(
        f"Neither {ctx.party} shall issue any press release or public announcement regarding {ctx.this} or use the "
        f"other {ctx.party}'s name or logo without the other {ctx.party}'s prior written consent."
    )


def third_parties(ctx: Ctx) -> None:
    ctx.say(
        f"Except as expressly provided in {ctx.this}, a person who is not a {ctx.party} to {ctx.this} shall have no "
        f"right to enforce any of its terms."
    )


def interpretation(ctx: Ctx) -> None:
    ctx.say(
        f"In {ctx.this}, headings are for convenience only and do not affect interpretation; the words "
        f'"including" and "include" mean including without limitation; references to a statute include it as '
        f"amended or re-enacted; and the singular includes the plural and vice versa."
    )
