"""Schedules, exhibits and annexes, including the filler that makes the "huge" variant 600k+ characters."""

from __future__ import annotations

from sandbox.corpus.clauses.context import Ctx
from sandbox.corpus.clauses.service import recurring_report

HUGE_TARGET = 620_000  # characters before the final schedule of a "huge" document

_ROLES = (
    "Engagement Director",
    "Programme Manager",
    "Project Manager",
    "Solution Architect",
    "Senior Developer",
    "Developer",
    "Data Engineer",
    "Business Analyst",
    "Test Lead",
    "Support Engineer",
)


def rate_card(ctx: Ctx) -> None:
    ctx.raw("The following daily rates apply to time-and-materials Services.\n\nRole | Daily rate\n")
    base = ctx.rng.randint(6, 14) * 100
    for index, role in enumerate(_ROLES[: ctx.rng.randint(5, len(_ROLES))]):
        rate = base + (len(_ROLES) - index) * ctx.rng.randint(4, 9) * 25
        ctx.raw(f"{role} | {ctx.money(rate)}\n")
    ctx.raw("\nRates are exclusive of expenses and applicable taxes.")


def payment_schedule(ctx: Ctx) -> None:
    ctx.raw(
        "The Fees are payable in instalments on completion of the milestones in this SOW:\n\n"
        "Milestone | Share of Fees\n"
    )
    shares = (10, 20, 30, 20, 20) if ctx.chance(0.5) else (25, 25, 25, 25)
    for index, share in enumerate(shares, 1):
        ctx.raw(f"Milestone {index} | {share}%\n")


_PRODUCTS = (
    "Enterprise Platform Subscription",
    "Analytics Add-on",
    "Additional Storage (1 TB)",
    "Premium Support",
    "Sandbox Environment",
    "Single Sign-On Connector",
    "API Access Tier 2",
)


def subscription_details(ctx: Ctx) -> None:
    ctx.raw("Product | Quantity | Annual Fee\n")
    lines = ctx.rng.randint(2, 5)
    for name in _PRODUCTS[:lines]:
        quantity = ctx.pick((1, 5, 10, 25, 50, 100, 250))
        ctx.raw(f"{name} | {quantity} | {ctx.money(quantity * ctx.rng.randint(2, 40) * 10)}\n")
    annual = ctx.record.annual_value
    if annual is not None:
        ctx.raw(f"\nTotal annual Fees: {ctx.money(annual)}")
    else:
        ctx.raw("\nAll Fees are stated per year of the Subscription Term.")


def processing_details(ctx: Ctx) -> None:
    ctx.raw(
        "Subject matter: the provision of the services under the Agreement.\n"
        "Duration: the term of the Agreement and the period until deletion of the Personal Data.\n"
        "Nature and purpose: hosting, storage, support and analytics.\n"
        "Categories of data subjects: employees, contractors, customers and end users of the Controller.\n"
        "Types of Personal Data: names, business contact details, account identifiers, usage and log data.\n"
        "Special categories of data: none."
    )


def security_measures(ctx: Ctx) -> None:
    measures = [
        "Encryption of Personal Data in transit (TLS 1.2 or higher) and at rest (AES-256).",
        "Role-based access control, least privilege and multi-factor authentication for administrative access.",
        "Logging and monitoring of access to systems that process Personal Data, with logs retained for one year.",
        "Annual penetration testing by an independent third party and remediation of critical findings.",
        "Business continuity and disaster recovery plans tested at least annually.",
        "Security awareness training for all personnel on joining and annually thereafter.",
        "Secure software development practices, including code review and dependency scanning.",
    ]
    ctx.rng.shuffle(measures)
    for index, measure in enumerate(measures, 1):
        ctx.raw(f"{index}. {measure}\n")


def licensed_software(ctx: Ctx) -> None:
    ctx.raw("Licensed Software | Licence metric | Fee\n")
    for name in ("Core Server", "Client Access Licence", "Reporting Module", "Integration Toolkit")[
        : ctx.rng.randint(2, 4)
    ]:
        ctx.raw(
            f"{name} | {ctx.pick(('per user', 'per server', 'per core', 'enterprise'))} | "
            f"{ctx.money(ctx.rng.randint(5, 90) * 1000)}\n"
        )


def products_prices(ctx: Ctx) -> None:
    ctx.raw("Product code | Description | Unit price\n")
    for index in range(ctx.rng.randint(4, 9)):
        code = f"P-{ctx.rng.randint(1000, 9999)}-{index}"
        ctx.raw(f"{code} | {ctx.pick(_ITEMS)} | {ctx.money(ctx.rng.randint(2, 900))}\n")


_ITEMS = (
    "stainless steel fastener set",
    "industrial sensor module",
    "replacement filter cartridge",
    "control board assembly",
    "hydraulic hose, 2 m",
    "packaging carton, double wall",
    "lithium battery pack",
    "precision bearing",
)
_SPEC_SENTENCES = (
    "The component shall operate within the temperature range stated in the data sheet without degradation.",
    "Each unit shall be labelled with its part number, batch number and date of manufacture.",
    "Tolerances not otherwise specified shall be in accordance with ISO 2768-m.",
    "Surface finish shall be free of burrs, scratches and visible defects when inspected at arm's length.",
    "The supplier shall retain manufacturing records for each batch for the period required by law.",
    "Packaging shall protect the goods against moisture, shock and electrostatic discharge during transport.",
    "Firmware shall be delivered with release notes identifying all changes since the previous version.",
)


def huge_price_list(ctx: Ctx) -> None:
    """Thousands of price rows and specification notes: makes the document exceed 600,000 characters."""
    ctx.raw("Item | Description | Unit | Unit price | Notes\n")
    rng = ctx.rng
    index = 0
    # Rows are built with local lookups and appended in batches: the huge variant must stay fast too.
    items, sentences, money = _ITEMS, _SPEC_SENTENCES, ctx.money
    while ctx.b.pos < HUGE_TARGET:
        batch = []
        for _ in range(200):
            index += 1
            batch.append(
                f"{index:06d} | {items[int(rng.random() * len(items))]} | "
                f"{('each', 'box of 10', 'pallet', 'metre', 'kg')[int(rng.random() * 5)]} | "
                f"{money(int(rng.random() * 90_000) / 100 + 1)} | {sentences[int(rng.random() * len(sentences))]}\n"
            )
        ctx.raw("".join(batch))


def huge_reporting(ctx: Ctx) -> None:
    """The last schedule of a huge document carries a real obligation, far from the start of the text."""
    recurring_report(
        ctx,
        ctx.seller.term,
        "a consolidated report of prices, volumes and delivery performance for the items in the price list",
        "deliver a price and volume report",
        3,
        ctx.pick((20, 30)),
    )
