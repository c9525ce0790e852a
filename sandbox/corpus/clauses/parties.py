"""Who is who in a document: defined terms, buyer and seller sides, order of appearance.

Roles are drawn from a stream seeded by the family root (an MSA and its SOWs, order forms and
amendments share it), so a SOW calls the parties by the same names as its MSA.
"""

from __future__ import annotations

from random import Random
from typing import NamedTuple

from sandbox.api_models import ContractType
from sandbox.corpus.clauses.context import Party
from sandbox.corpus.models import ContractRecord, GeneratedCounterparty

# (buyer term, seller term) per family of agreement.
_SERVICES = (
    ("Customer", "Provider"),
    ("Client", "Supplier"),
    ("Customer", "Vendor"),
    ("Company", "Consultant"),
    ("Client", "Service Provider"),
)
_ROLE_TERMS: dict[ContractType, tuple[tuple[str, str], ...]] = {
    ContractType.MSA: _SERVICES,
    ContractType.SOW: _SERVICES,
    ContractType.ORDER_FORM: _SERVICES,
    ContractType.AMENDMENT: _SERVICES,
    ContractType.DPA: (("Controller", "Processor"), ("Company", "Processor"), ("Customer", "Processor")),
    ContractType.LICENSE: (("Licensee", "Licensor"),),
    ContractType.SUPPLY: (("Buyer", "Supplier"), ("Purchaser", "Seller"), ("Customer", "Manufacturer")),
    ContractType.NDA: (("Company", "Counterparty"), ("Company", "Recipient")),
}
_GENERIC_WORDS = {"the", "a", "an", "first", "new", "global", "international", "united", "general", "national"}


class Cast(NamedTuple):
    first: Party
    second: Party
    buyer: Party
    seller: Party


def family_root(record: ContractRecord, parent: ContractRecord | None) -> str:
    """The id whose seed fixes the parties' roles for a family of related documents."""
    if record.type == ContractType.AMENDMENT and parent is not None:
        return parent.parent_id or parent.id
    return record.parent_id or record.id


def _country_of(entity: str) -> str:
    """Our entity's country, from its legal form ("... GmbH" -> DE)."""
    lowered = entity.lower().rstrip(".")
    if "canada" in lowered:
        return "CA"
    if lowered.endswith(("gmbh", " ag")):
        return "DE"
    if lowered.endswith(("ltd", "limited", "plc")):
        return "GB"
    return "US"


def _short_name(name: str) -> str | None:
    """ "Northwind Traders Inc." -> "Northwind" when the first word makes a usable defined term."""
    first = name.split(" ", 1)[0].rstrip(",.")
    latin = all(ch < "\u0250" for ch in first)  # a defined term in the document's (Latin) script
    if len(first) >= 3 and latin and first.isalpha() and first.lower() not in _GENERIC_WORDS:
        return first
    return None


def cast(record: ContractRecord, counterparty: GeneratedCounterparty, parent: ContractRecord | None, seed: int) -> Cast:
    roles_type = parent.type if record.type == ContractType.AMENDMENT and parent is not None else record.type
    rng = Random(f"{seed}:{family_root(record, parent)}:roles")
    us_buyer = rng.random() < 0.6
    us_first = rng.random() < 0.6
    buyer_term, seller_term = rng.choice(_ROLE_TERMS[roles_type])
    us_country = _country_of(record.our_entity)
    if roles_type == ContractType.NDA:
        ours, theirs = _short_name(record.our_entity), _short_name(counterparty.name)
        if ours and theirs and ours != theirs and rng.random() < 0.7:
            buyer_term, seller_term = ours, theirs
        us_buyer = True  # mutual: "buyer" is just our side
    us = Party(record.our_entity, buyer_term if us_buyer else seller_term, us_country, True)
    them = Party(counterparty.name, seller_term if us_buyer else buyer_term, counterparty.country, False)
    first, second = (us, them) if us_first else (them, us)
    buyer, seller = (us, them) if us_buyer else (them, us)
    return Cast(first, second, buyer, seller)
