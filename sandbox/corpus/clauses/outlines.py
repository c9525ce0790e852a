"""Which articles and sections each contract type has, in which order, under which headings."""

from __future__ import annotations

from collections.abc import Callable
from random import Random

from sandbox.api_models import ContractType
from sandbox.corpus.clauses import adversarial as adv
from sandbox.corpus.clauses import amendment as am
from sandbox.corpus.clauses import commercial as com
from sandbox.corpus.clauses import general as gen
from sandbox.corpus.clauses import preamble as pre
from sandbox.corpus.clauses import protection as pro
from sandbox.corpus.clauses import risk
from sandbox.corpus.clauses import schedules as sch
from sandbox.corpus.clauses import service as svc
from sandbox.corpus.clauses import term as trm
from sandbox.corpus.clauses.context import ArticlePlan, Ctx, Renderer, SectionPlan
from sandbox.corpus.models import ContractRecord


class Outliner:
    """Small helper so outlines read like a table of contents."""

    def __init__(self, rng: Random, record: ContractRecord) -> None:
        self.rng = rng
        self.record = record

    def s(
        self, key: str, headings: tuple[str, ...], render: Renderer, children: tuple[SectionPlan, ...] = ()
    ) -> SectionPlan:
        return SectionPlan(key, headings[int(self.rng.random() * len(headings))], render, children)

    def a(self, key: str, headings: tuple[str, ...], *sections: SectionPlan | None) -> ArticlePlan:
        return ArticlePlan(key, headings[int(self.rng.random() * len(headings))], tuple(s for s in sections if s))

    def maybe(self, p: float, section: SectionPlan) -> SectionPlan | None:
        return section if self.rng.random() < p else None


def _nothing(_: object) -> None:
    return None


def _payment_sections(o: Outliner) -> list[SectionPlan | None]:
    """Invoicing, payment and late payment: separate sections, or one section with (a)/(b)/(c)."""
    if o.rng.random() < 0.35:
        return [
            o.s(
                "payment.invoicing_and_payment",
                ("Invoicing and Payment", "Payment Terms"),
                _nothing,
                (
                    o.s("payment.invoicing", ("Invoices", "Invoicing"), com.invoicing),
                    o.s("payment.terms", ("Payment", "Due Date"), com.payment_terms),
                    o.s("payment.late", ("Late Payment", "Overdue Amounts"), com.late_payment),
                ),
            )
        ]
    return [
        o.s("payment.invoicing", ("Invoicing", "Invoices"), com.invoicing),
        o.s("payment.terms", ("Payment Terms", "Payment"), com.payment_terms),
        o.maybe(
            0.85, o.s("payment.late", ("Late Payment", "Late Payments", "Interest on Late Payments"), com.late_payment)
        ),
    ]


def _term_article(o: Outliner, split: bool) -> list[ArticlePlan]:
    r = o.record
    term = [
        o.s("term.initial", ("Term", "Initial Term", "Term of Agreement"), trm.term_initial),
        o.s("term.renewal", ("Renewal", "Automatic Renewal", "Renewal Term"), trm.term_renewal)
        if r.auto_renew or o.rng.random() < 0.6
        else None,
    ]
    termination = [
        o.s(
            "termination.convenience",
            ("Termination for Convenience", "Termination Without Cause"),
            trm.termination_convenience,
        )
        if r.termination_for_convenience
        else None,
        o.s("termination.cause", ("Termination for Cause", "Termination for Breach"), trm.termination_cause),
        o.maybe(0.6, o.s("termination.insolvency", ("Insolvency",), trm.termination_insolvency)),
        o.s("termination.effect", ("Effect of Termination", "Consequences of Termination"), trm.termination_effect),
    ]
    if split:
        return [o.a("term", ("Term", "Term and Renewal"), *term), o.a("termination", ("Termination",), *termination)]
    return [o.a("term", ("Term and Termination", "Term; Termination"), *term, *termination)]


def _confidentiality(o: Outliner, full: bool) -> ArticlePlan:
    return o.a(
        "confidentiality",
        ("Confidentiality", "Confidential Information"),
        o.s("confidentiality.definition", ("Definition", "Confidential Information"), pro.confidential_information),
        o.s(
            "confidentiality.obligations",
            ("Obligations", "Non-Use and Non-Disclosure"),
            pro.confidentiality_obligations,
        ),
        o.s("confidentiality.exceptions", ("Exceptions", "Exclusions"), pro.confidentiality_exceptions)
        if full
        else None,
        o.maybe(0.6, o.s("confidentiality.compelled", ("Compelled Disclosure",), pro.compelled_disclosure)),
        o.s("confidentiality.period", ("Duration", "Survival", "Term of Confidentiality"), pro.confidentiality_period),
        o.s("confidentiality.return", ("Return of Information", "Return or Destruction"), pro.return_of_information),
    )


def _liability(o: Outliner) -> ArticlePlan:
    r = o.record
    has_cap = r.liability_cap_amount is not None or bool(r.liability_cap_description)
    return o.a(
        "liability",
        ("Limitation of Liability", "Limitations of Liability", "Liability"),
        o.s("liability.exclusion", ("Exclusion of Damages", "Consequential Damages"), risk.liability_exclusion),
        o.s("liability.cap", ("Liability Cap", "Cap on Liability", "Limitation of Liability"), risk.liability_cap)
        if has_cap
        else None,
        o.s("liability.exceptions", ("Exceptions", "Unlimited Liability"), risk.liability_exceptions),
    )


def _law(o: Outliner) -> ArticlePlan:
    return o.a(
        "law",
        ("Governing Law", "Governing Law and Jurisdiction", "Governing Law and Dispute Resolution"),
        o.s("law.governing", ("Governing Law", "Choice of Law"), gen.governing_law),
        o.maybe(0.5, o.s("law.escalation", ("Dispute Resolution", "Escalation"), gen.dispute_escalation)),
    )


def _general(o: Outliner, extra: tuple[SectionPlan | None, ...] = ()) -> ArticlePlan:
    return o.a(
        "general",
        ("General", "Miscellaneous", "General Provisions"),
        o.s("general.notices", ("Notices",), gen.notices),
        o.s("general.assignment", ("Assignment",), gen.assignment),
        o.maybe(0.8, o.s("general.force_majeure", ("Force Majeure",), gen.force_majeure)),
        o.maybe(
            0.5,
            o.s("general.relationship", ("Relationship of the Parties", "Independent Contractors"), gen.relationship),
        ),
        o.maybe(0.3, o.s("general.non_solicitation", ("Non-Solicitation",), gen.non_solicitation)),
        o.maybe(0.3, o.s("general.publicity", ("Publicity",), gen.publicity)),
        o.maybe(
            0.4, o.s("general.third_parties", ("Third Party Rights", "No Third-Party Beneficiaries"), gen.third_parties)
        ),
        o.s("general.entire", ("Entire Agreement",), gen.entire_agreement),
        o.maybe(0.7, o.s("general.amendment", ("Amendment and Waiver", "Amendments; Waiver"), gen.amendment_waiver)),
        o.maybe(0.7, o.s("general.severability", ("Severability",), gen.severability)),
        o.s("general.counterparts", ("Counterparts",), gen.counterparts),
        *extra,
    )


def _definitions(o: Outliner) -> ArticlePlan:
    return o.a(
        "definitions",
        ("Definitions", "Definitions and Interpretation"),
        o.s("definitions.terms", ("Definitions", "Defined Terms"), pre.defined_terms),
        o.maybe(0.6, o.s("definitions.interpretation", ("Interpretation",), gen.interpretation)),
    )


def _insurance(o: Outliner) -> ArticlePlan:
    return o.a(
        "insurance",
        ("Insurance",),
        o.s("insurance.coverage", ("Required Coverage", "Insurance Coverage"), pro.insurance),
        o.maybe(
            0.7,
            o.s(
                "insurance.certificates",
                ("Certificates of Insurance", "Evidence of Insurance"),
                pro.insurance_certificates,
            ),
        ),
    )


def _audit(o: Outliner, reporting: SectionPlan | None) -> ArticlePlan:
    return o.a(
        "audit",
        ("Records and Audit", "Audit Rights", "Audit and Reporting"),
        o.maybe(0.7, o.s("audit.records", ("Records", "Record Keeping"), pro.records)),
        o.s("audit.rights", ("Audit", "Audit Rights", "Right to Audit"), pro.audit_rights),
        reporting,
    )


def msa(o: Outliner) -> list[ArticlePlan]:
    fees = o.a(
        "payment",
        ("Fees and Payment", "Fees; Invoicing; Payment", "Charges and Payment"),
        o.s("payment.fees", ("Fees",), com.fees),
        *_payment_sections(o),
        o.maybe(0.5, o.s("payment.disputes", ("Disputed Invoices", "Invoice Disputes"), com.disputed_invoices)),
        o.s("payment.taxes", ("Taxes",), com.taxes),
        o.maybe(0.4, o.s("payment.expenses", ("Expenses",), com.expenses)),
    )
    services = o.a(
        "services",
        ("Services", "Provision of Services"),
        o.s("services.scope", ("Scope of Services", "Services"), svc.services_scope),
        o.s("services.sow", ("Statements of Work", "Orders"), svc.statements_of_work),
        o.maybe(0.6, o.s("services.personnel", ("Personnel",), svc.personnel)),
        o.maybe(0.5, o.s("services.subcontracting", ("Subcontracting",), svc.subcontracting)),
    )
    sla = None
    if o.rng.random() < 0.65:
        sla = o.a(
            "sla",
            ("Service Levels", "Service Level Agreement"),
            o.s("sla.availability", ("Availability", "Service Availability", "Uptime Commitment"), svc.service_levels),
            o.s("sla.credits", ("Service Credits",), svc.service_credits),
            o.maybe(0.7, o.s("sla.reporting", ("Service Level Reporting", "Monthly Reports"), svc.service_reporting)),
        )
    reporting = o.maybe(
        0.6, o.s("audit.reporting", ("Reporting", "Quarterly Reports", "Business Reviews"), svc.business_review)
    )
    articles: list[ArticlePlan | None] = [_definitions(o), services, fees]
    term_articles = _term_article(o, split=o.rng.random() < 0.5)
    position = o.rng.choice((1, 2, 3))
    articles[position:position] = term_articles
    articles += [
        sla,
        _confidentiality(o, full=True),
        o.a(
            "data",
            ("Data Protection", "Data Protection and Security"),
            o.s("data.protection", ("Data Protection", "Personal Data"), pro.data_protection),
        )
        if o.rng.random() < 0.8
        else None,
        o.a(
            "ip",
            ("Intellectual Property", "Ownership"),
            o.s("ip.ownership", ("Ownership",), risk.intellectual_property),
        ),
        o.a(
            "warranties",
            ("Warranties", "Representations and Warranties"),
            o.s("warranties.mutual", ("Mutual Warranties", "Authority"), risk.mutual_warranties),
            o.s("warranties.performance", ("Performance Warranty", "Service Warranty", "Warranty"), risk.warranty),
            o.s("warranties.disclaimer", ("Disclaimer",), risk.disclaimer),
        ),
        o.a(
            "indemnities",
            ("Indemnification", "Indemnities"),
            o.s("indemnities.seller", ("Indemnification by Provider", "Supplier Indemnity"), risk.indemnity_seller),
            o.maybe(
                0.7,
                o.s("indemnities.buyer", ("Indemnification by Customer", "Customer Indemnity"), risk.indemnity_buyer),
            ),
            o.s("indemnities.procedure", ("Procedure", "Indemnification Procedure"), risk.indemnity_procedure),
        ),
        _liability(o),
        _insurance(o) if o.rng.random() < 0.75 else None,
        _audit(o, reporting) if o.rng.random() < 0.75 else None,
        _law(o),
        _general(o),
    ]
    return [a for a in articles if a is not None]


def nda(o: Outliner) -> list[ArticlePlan]:
    r = o.record
    has_cap = r.liability_cap_amount is not None or bool(r.liability_cap_description)
    return [
        o.a(
            "definitions",
            ("Definitions", "Confidential Information"),
            o.s("nda.purpose", ("Purpose",), pro.purpose),
            o.s("confidentiality.definition", ("Confidential Information", "Definition"), pro.confidential_information),
        ),
        o.a(
            "obligations",
            ("Obligations of the Receiving Party", "Confidentiality Obligations", "Non-Disclosure"),
            o.s("confidentiality.obligations", ("Use and Disclosure", "Obligations"), pro.confidentiality_obligations),
            o.s("confidentiality.exceptions", ("Exceptions",), pro.confidentiality_exceptions),
            o.s("confidentiality.compelled", ("Required Disclosure", "Compelled Disclosure"), pro.compelled_disclosure),
        ),
        o.a(
            "term",
            ("Term", "Term and Termination", "Duration"),
            o.s("term.initial", ("Term", "Term of Agreement"), trm.term_initial),
            o.s("term.renewal", ("Renewal",), trm.term_renewal) if r.auto_renew or o.rng.random() < 0.4 else None,
            o.s("termination.convenience", ("Termination", "Termination for Convenience"), trm.termination_convenience)
            if r.termination_for_convenience
            else None,
            o.s("confidentiality.period", ("Survival", "Duration of Obligations"), pro.confidentiality_period),
        ),
        o.a(
            "return",
            ("Return of Information", "Return or Destruction"),
            o.s("confidentiality.return", ("Return of Materials",), pro.return_of_information),
        ),
        o.a(
            "rights",
            ("No Licence; No Warranty", "Ownership", "Rights and Remedies"),
            o.s("nda.ownership", ("No Licence", "Ownership"), pro.no_licence),
            o.maybe(0.5, o.s("warranties.disclaimer", ("No Warranty",), risk.disclaimer)),
            o.s("nda.remedies", ("Remedies", "Equitable Relief"), pro.remedies),
            o.s("liability.cap", ("Limitation of Liability",), risk.liability_cap) if has_cap else None,
        ),
        _law(o),
        o.a(
            "general",
            ("General", "Miscellaneous"),
            o.s("general.notices", ("Notices",), gen.notices),
            o.s("general.assignment", ("Assignment",), gen.assignment),
            o.s("general.entire", ("Entire Agreement",), gen.entire_agreement),
            o.maybe(0.6, o.s("general.severability", ("Severability",), gen.severability)),
            o.s("general.counterparts", ("Counterparts",), gen.counterparts),
        ),
    ]


def sow(o: Outliner) -> list[ArticlePlan]:
    r = o.record
    has_cap = r.liability_cap_amount is not None or bool(r.liability_cap_description)
    return [
        o.a(
            "scope",
            ("Scope of Work", "Services", "Scope"),
            o.s("sow.scope", ("Description of Services", "Scope"), svc.scope_of_work),
            o.maybe(0.6, o.s("sow.personnel", ("Key Personnel",), svc.key_personnel)),
        ),
        o.a(
            "deliverables",
            ("Deliverables and Milestones", "Milestones"),
            o.s("sow.milestones", ("Milestones", "Delivery Schedule"), svc.milestones),
            o.s("sow.acceptance", ("Acceptance",), svc.acceptance),
        ),
        o.a(
            "term",
            ("Term", "SOW Term", "Term and Termination"),
            o.s("term.initial", ("Term", "Duration"), trm.term_initial),
            o.s("term.renewal", ("Renewal",), trm.term_renewal) if r.auto_renew else None,
            o.s("termination.convenience", ("Termination for Convenience",), trm.termination_convenience)
            if r.termination_for_convenience
            else None,
            o.s("termination.cause", ("Termination for Cause",), trm.termination_cause) if r.cure_days else None,
        ),
        o.a(
            "payment",
            ("Fees and Payment", "Charges", "Compensation"),
            o.s("payment.fees", ("Fees",), com.fees),
            o.s("payment.invoicing", ("Invoicing",), com.invoicing),
            o.s("payment.terms", ("Payment Terms",), com.payment_terms),
            o.maybe(0.5, o.s("payment.expenses", ("Expenses",), com.expenses)),
        ),
        o.a(
            "reporting",
            ("Reporting", "Governance and Reporting"),
            o.s("sow.reporting", ("Status Reports", "Progress Reporting"), _sow_status_report),
        ),
        o.a(
            "change", ("Change Control",), o.s("sow.change", ("Change Requests", "Change Control"), svc.change_control)
        ),
        o.a(
            "general",
            ("General", "Miscellaneous"),
            o.s("sow.precedence", ("Order of Precedence", "Relationship to the Agreement"), svc.precedence),
            o.s("liability.cap", ("Limitation of Liability",), risk.liability_cap) if has_cap else None,
            o.s("law.governing", ("Governing Law",), gen.governing_law) if r.governing_law else None,
            o.s("general.counterparts", ("Counterparts",), gen.counterparts),
        ),
    ]


def _sow_status_report(ctx: Ctx) -> None:
    svc.recurring_report(
        ctx,
        ctx.seller.term,
        "a written status report describing progress against the milestones, risks, issues and hours consumed",
        "deliver a status report",
        1,
        ctx.pick((5, 7, 10)),
    )


def order_form(o: Outliner) -> list[ArticlePlan]:
    r = o.record
    articles: list[ArticlePlan | None] = [
        o.a(
            "subscription",
            ("Subscription", "Order Details"),
            o.s("order.scope", ("Subscribed Services", "Services Ordered"), svc.order_scope),
        ),
        o.a(
            "term",
            ("Subscription Term", "Term"),
            o.s("term.initial", ("Subscription Term", "Initial Term"), trm.term_initial),
            o.s("term.renewal", ("Renewal", "Auto-Renewal"), trm.term_renewal)
            if r.auto_renew or o.rng.random() < 0.5
            else None,
            o.s("termination.convenience", ("Termination for Convenience",), trm.termination_convenience)
            if r.termination_for_convenience
            else None,
        ),
        o.a(
            "payment",
            ("Fees and Payment", "Fees"),
            o.s("payment.fees", ("Fees",), com.fees),
            o.s("payment.invoicing", ("Invoicing", "Billing Frequency"), com.invoicing),
            o.s("payment.terms", ("Payment Terms",), com.payment_terms),
            o.maybe(0.5, o.s("payment.late", ("Late Payment",), com.late_payment)),
            o.maybe(
                0.4, o.s("payment.price_adjustment", ("Price Adjustments", "Renewal Pricing"), com.price_adjustment)
            ),
        ),
        o.a("sla", ("Service Levels",), o.s("sla.availability", ("Availability",), svc.service_levels))
        if o.rng.random() < 0.6
        else None,
        o.a(
            "general",
            ("Terms and Conditions", "General"),
            o.s("order.precedence", ("Agreement Terms", "Order of Precedence"), svc.precedence),
            o.s("liability.cap", ("Limitation of Liability",), risk.liability_cap)
            if r.liability_cap_amount is not None or r.liability_cap_description
            else None,
            o.s("law.governing", ("Governing Law",), gen.governing_law) if r.governing_law else None,
            o.s("general.counterparts", ("Counterparts",), gen.counterparts),
        ),
    ]
    return [a for a in articles if a is not None]


def dpa(o: Outliner) -> list[ArticlePlan]:
    r = o.record
    has_cap = r.liability_cap_amount is not None or bool(r.liability_cap_description)
    term_sections = (
        o.s("term.initial", ("Duration", "Term"), trm.term_initial)
        if r.initial_term_months or trm.stated_end(r)
        else None
    )
    return [
        _definitions(o),
        o.a(
            "scope",
            ("Scope and Roles", "Processing of Personal Data"),
            o.s("dpa.scope", ("Scope", "Roles of the Parties"), pro.dpa_scope),
            o.s("dpa.instructions", ("Instructions", "Documented Instructions"), pro.dpa_instructions),
        ),
        o.a(
            "processor",
            ("Obligations of the Processor", "Processor Obligations"),
            o.s("dpa.personnel", ("Confidentiality of Personnel", "Personnel"), pro.dpa_personnel),
            o.s("dpa.security", ("Security", "Security Measures"), pro.dpa_security),
            o.s("dpa.assistance", ("Data Subject Requests", "Assistance"), pro.dpa_assistance),
        ),
        o.a(
            "subprocessors",
            ("Sub-processors", "Sub-processing"),
            o.s("dpa.subprocessors", ("Authorisation", "Sub-processors"), pro.dpa_subprocessors),
        ),
        o.a(
            "breach",
            ("Personal Data Breach", "Security Incidents"),
            o.s("dpa.breach", ("Notification", "Breach Notification"), pro.dpa_breach),
        ),
        o.a(
            "audit",
            ("Audits", "Audit and Inspection"),
            o.s("audit.rights", ("Audit Rights", "Inspections"), pro.audit_rights),
        ),
        o.a(
            "transfers",
            ("International Transfers", "Transfers"),
            o.s("dpa.transfers", ("Transfer Mechanism",), pro.dpa_transfers),
        ),
        o.a(
            "term",
            ("Term and Termination", "Duration and Deletion"),
            term_sections,
            o.s("term.renewal", ("Renewal",), trm.term_renewal) if r.auto_renew else None,
            o.s("dpa.deletion", ("Deletion or Return", "Return and Deletion of Data"), pro.dpa_deletion),
        ),
        o.a(
            "liability",
            ("Liability",),
            o.s("liability.cap", ("Limitation of Liability",), risk.liability_cap) if has_cap else None,
            o.s("liability.exceptions", ("Exceptions",), risk.liability_exceptions),
        ),
        o.a(
            "law",
            ("Governing Law",),
            o.s("law.governing", ("Governing Law",), gen.governing_law) if r.governing_law else None,
            o.s("general.counterparts", ("Counterparts",), gen.counterparts),
        ),
    ]


def license_(o: Outliner) -> list[ArticlePlan]:
    fees = o.a(
        "payment",
        ("Fees and Payment", "Licence Fees"),
        o.s("payment.fees", ("Licence Fees", "Fees"), com.fees),
        *_payment_sections(o),
        o.s("payment.taxes", ("Taxes",), com.taxes),
    )
    articles: list[ArticlePlan | None] = [
        _definitions(o),
        o.a(
            "grant",
            ("Licence Grant", "Grant of License", "License"),
            o.s("license.grant", ("Grant", "License Grant"), svc.license_grant),
            o.s("license.restrictions", ("Restrictions", "Use Restrictions"), svc.license_restrictions),
        ),
        o.a(
            "support",
            ("Support and Maintenance", "Maintenance"),
            o.s("license.support", ("Support Services", "Maintenance and Support"), svc.support),
            o.maybe(0.5, o.s("sla.availability", ("Availability",), svc.service_levels)),
        ),
        fees,
        *_term_article(o, split=o.rng.random() < 0.5),
        _confidentiality(o, full=o.rng.random() < 0.5),
        o.a(
            "warranties",
            ("Warranties", "Limited Warranty"),
            o.s("warranties.performance", ("Software Warranty", "Limited Warranty"), risk.warranty),
            o.s("warranties.disclaimer", ("Disclaimer",), risk.disclaimer),
        ),
        o.a(
            "indemnities",
            ("Indemnification", "Intellectual Property Indemnity"),
            o.s("indemnities.seller", ("Infringement Claims", "IP Indemnity"), risk.indemnity_seller),
            o.s("indemnities.procedure", ("Procedure",), risk.indemnity_procedure),
        ),
        _liability(o),
        _audit(o, o.s("audit.reporting", ("Usage Reports", "License Reporting"), svc.usage_reporting)),
        _law(o),
        _general(o),
    ]
    return [a for a in articles if a is not None]


def supply(o: Outliner) -> list[ArticlePlan]:
    fees = o.a(
        "payment",
        ("Price and Payment", "Prices and Payment Terms"),
        o.s("payment.fees", ("Prices",), com.fees),
        *_payment_sections(o),
        o.s("payment.taxes", ("Taxes",), com.taxes),
    )
    articles: list[ArticlePlan | None] = [
        _definitions(o),
        o.a(
            "supply",
            ("Supply of Products", "Ordering"),
            o.s("supply.orders", ("Purchase Orders", "Orders"), svc.purchase_orders),
            o.s("supply.forecasts", ("Forecasts",), svc.forecasts),
        ),
        o.a(
            "delivery",
            ("Delivery", "Delivery; Title and Risk"),
            o.s("supply.delivery", ("Delivery", "Delivery Terms"), svc.delivery),
            o.s("supply.title", ("Title and Risk",), svc.title_risk),
        ),
        o.a(
            "quality",
            ("Quality and Warranty", "Product Warranty"),
            o.s("supply.quality", ("Quality", "Quality Assurance"), svc.quality),
            o.s("warranties.performance", ("Warranty", "Product Warranty"), risk.warranty),
        ),
        fees,
        *_term_article(o, split=o.rng.random() < 0.5),
        _insurance(o),
        o.a(
            "indemnities",
            ("Indemnity", "Indemnification"),
            o.s("indemnities.seller", ("Supplier Indemnity",), risk.indemnity_seller),
            o.s("indemnities.procedure", ("Procedure",), risk.indemnity_procedure),
        ),
        _liability(o),
        _confidentiality(o, full=False),
        _audit(o, None) if o.rng.random() < 0.7 else None,
        _law(o),
        _general(o),
    ]
    return [a for a in articles if a is not None]


def amendment(o: Outliner, parent: ContractRecord | None, parent_keys: frozenset[str]) -> list[ArticlePlan]:
    items = am.amended_items(o.record, parent, parent_keys, o.rng)
    headings: dict[str, tuple[tuple[str, ...], Renderer]] = {
        "amend.term": (("Extension of Term", "Term"), am.amend_term),
        "amend.renewal": (("Renewal", "Automatic Renewal"), am.amend_renewal),
        "amend.payment": (("Payment Terms", "Payment"), am.amend_payment),
        "amend.convenience": (("Termination for Convenience",), am.amend_convenience),
        "amend.cap": (("Limitation of Liability", "Liability Cap"), am.amend_cap),
        "amend.law": (("Governing Law",), am.amend_law),
        "amend.fees": (("Fees", "Pricing"), am.amend_fees),
        "amend.notices": (("Notices",), am.amend_notices),
        "amend.insurance": (("Insurance",), am.amend_insurance),
        "amend.breach": (("Data Protection", "Breach Notification"), am.amend_breach),
        "amend.audit": (("Audit Rights",), am.amend_audit),
        "amend.confidentiality": (("Confidentiality",), am.amend_confidentiality),
    }
    return [
        o.a(
            "definitions",
            ("Definitions", "Interpretation"),
            o.s("amendment.definitions", ("Defined Terms",), pre.parent_defined_terms),
        ),
        o.a(
            "amendments",
            ("Amendments", "Amendments to the Agreement"),
            *(
                o.s(f"amend.change.{k}", am.CHANGE_HEADINGS[change.clause], am.change_renderer(change))
                for k, change in enumerate(o.record.changes, 1)
            ),
            *(o.s(key, *headings[key]) for key in items),
        ),
        o.a(
            "general",
            ("General", "Miscellaneous"),
            o.s("amendment.effect", ("Effect of Amendment", "Effect", "No Other Changes"), am.amendment_effect),
            o.s("general.counterparts", ("Counterparts",), gen.counterparts),
            o.s("law.governing", ("Governing Law",), am.amendment_law),
        ),
    ]


# Schedules per type: (key, heading, renderer).
SCHEDULES: dict[ContractType, tuple[tuple[str, str, Renderer], ...]] = {
    ContractType.MSA: (("schedule.fees", "Rate Card", sch.rate_card),),
    ContractType.SOW: (("schedule.payment", "Payment Schedule", sch.payment_schedule),),
    ContractType.ORDER_FORM: (("schedule.fees", "Subscription Details", sch.subscription_details),),
    ContractType.DPA: (
        ("schedule.processing", "Details of Processing", sch.processing_details),
        ("schedule.security", "Technical and Organisational Measures", sch.security_measures),
    ),
    ContractType.LICENSE: (("schedule.fees", "Licensed Software and Fees", sch.licensed_software),),
    ContractType.SUPPLY: (("schedule.fees", "Products and Prices", sch.products_prices),),
}

OUTLINES: dict[ContractType, Callable[[Outliner], list[ArticlePlan]]] = {
    ContractType.MSA: msa,
    ContractType.NDA: nda,
    ContractType.SOW: sow,
    ContractType.ORDER_FORM: order_form,
    ContractType.DPA: dpa,
    ContractType.LICENSE: license_,
    ContractType.SUPPLY: supply,
}


def add_adversarial_sections(o: Outliner, articles: list[ArticlePlan]) -> list[ArticlePlan]:
    """Insert the injection clause and the contradicting clause requested by the record's flags."""
    flags = set(o.record.adversarial)
    keys = {s.key for a in articles for s in a.sections} | {
        c.key for a in articles for s in a.sections for c in s.children
    }

    def append(article_key: str, section: SectionPlan) -> None:
        for index, article in enumerate(articles):
            if article.key == article_key and not article.collapsed:
                articles[index] = article._replace(sections=(*article.sections, section))
                return
        last = articles[-1]
        articles[-1] = last._replace(sections=(*last.sections, section))

    kind = adv.contradiction_kind(o.record, keys.__contains__) if "contradictory" in flags else None
    if kind is not None:
        heading = {
            "payment": ("Payment Schedule", "Payment Conditions"),
            "renewal_notice": ("Notice of Non-Renewal", "Non-Renewal"),
            "convenience_notice": ("Notice Periods",),
            "breach_notice": ("Incident Reporting",),
            "audit_notice": ("Audit Procedure",),
            "confidentiality": ("Survival of Confidentiality",),
            "warranty": ("Warranty Period",),
        }[kind]
        target = "payment" if kind == "payment" and any(a.key == "payment" for a in articles) else "general"
        append(target, o.s("adversarial.contradiction", heading, adv.contradiction))
    if "injection" in flags:
        append(
            "general",
            o.s(
                "adversarial.injection",
                ("Electronic Processing", "Document Review", "Special Instructions"),
                adv.injection,
            ),
        )
    return articles
