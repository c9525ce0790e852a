"""Invented parties of the demo corpus: counterparties, our own entities and contract owners.

The names deliberately include quotes, ampersands, apostrophes, accents and right-to-left
scripts: every layer (SQL, URLs, JSON, FTS, Markdown rendering) has to carry them intact.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import NamedTuple


class PartySeed(NamedTuple):
    name: str
    country: str  # ISO 3166-1 alpha-2


COUNTERPARTIES: tuple[PartySeed, ...] = (
    PartySeed("Acme Cloud Services, Inc.", "US"),
    PartySeed("Globex Logistics LLC", "US"),
    PartySeed("Initech Software Corporation", "US"),
    PartySeed("Umbrella Biotech Ltd", "GB"),
    PartySeed("Stark & Wayne Engineering LLP", "GB"),
    PartySeed("O'Brien Facilities Management Ltd", "IE"),
    PartySeed('The "Blue Harbour" Trading Company', "GB"),
    PartySeed("Société Générale d'Équipements SAS", "FR"),
    PartySeed("Müller & Söhne Maschinenbau GmbH", "DE"),
    PartySeed("Ñandú Analytics S.L.", "ES"),
    PartySeed("Øresund Data ApS", "DK"),
    PartySeed("Zürcher Präzisionstechnik AG", "CH"),
    PartySeed("São Paulo Telecomunicações S.A.", "BR"),
    PartySeed("Łódź Print & Pack Sp. z o.o.", "PL"),
    PartySeed('אורן טכנולוגיות בע"מ', "IL"),
    PartySeed("شركة النخيل للحلول الرقمية", "AE"),
    PartySeed("Hoffmann-La Ventures AG", "CH"),
    PartySeed("Dunder Mifflin Paper Company, Inc.", "US"),
    PartySeed("Wonka Confectionery Supplies Ltd", "GB"),
    PartySeed("Cyberdyne Systems Corp.", "US"),
    PartySeed("Tyrell Bioengineering Inc.", "US"),
    PartySeed("Soylent Foods & Beverages Co.", "US"),
    PartySeed("Vandelay Industries, LLC", "US"),
    PartySeed("Pied Piper Compression, Inc.", "US"),
    PartySeed("Hooli XYZ Holdings", "US"),
    PartySeed("Oceanic Airlines Cargo Ltd", "AU"),
    PartySeed("Massive Dynamic Research LLC", "US"),
    PartySeed("Wayne Enterprises Procurement Ltd", "US"),
    PartySeed("Prestige Worldwide Events", "US"),
    PartySeed("Gringotts Custody Services plc", "GB"),
    PartySeed("Ollivander's Fine Instruments Ltd", "GB"),
    PartySeed("Monsters, Inc. Energy Division", "US"),
    PartySeed("Nakatomi Trading Co., Ltd.", "JP"),
    PartySeed("Kowalski & Partners Consulting", "PL"),
    PartySeed("Van der Berg Logistiek B.V.", "NL"),
    PartySeed("Fjällräven Outdoor Data AB", "SE"),
    PartySeed("Čedok Travel Services a.s.", "CZ"),
    PartySeed("Þór Geothermal ehf.", "IS"),
    PartySeed("Città di Vetro S.r.l.", "IT"),
    PartySeed("Maple Leaf Payments Corp.", "CA"),
    PartySeed("Northern Lights Hosting Inc.", "CA"),
    PartySeed("Kiwi Fresh Produce Limited", "NZ"),
    PartySeed("Table Mountain Mining (Pty) Ltd", "ZA"),
    PartySeed("Bangalore Code Works Pvt. Ltd.", "IN"),
    PartySeed("Lion City Fintech Pte. Ltd.", "SG"),
    PartySeed("Rhine Valley Chemicals GmbH", "DE"),
    PartySeed("Baker & O'Neill Legal Process Services", "IE"),
    PartySeed("Smith, Jones & Associates, P.C.", "US"),
    PartySeed("Quantum Leap Robotics Oy", "FI"),
    PartySeed("Atlas Freight Forwarding Ltd", "GB"),
    PartySeed("Evergreen Office Supplies Co.", "US"),
    PartySeed("Blue Sky Satellite Imaging SA", "LU"),
    PartySeed("Helios Solar Components GmbH", "AT"),
    PartySeed("Pacific Rim Semiconductors Ltd", "TW"),
    PartySeed("Aurora Health Data Inc.", "US"),
    PartySeed("Granite State Insurance Brokers", "US"),
    PartySeed("Riverbend Staffing Solutions LLC", "US"),
    PartySeed("Iberia Renewable Partners S.A.", "ES"),
    PartySeed("Café Noir Catering SARL", "FR"),
    PartySeed("Summit Peak Security Services", "US"),
)

# Parts for the extra counterparties of very large corpora (names stay unique and plausible).
NAME_STEMS: tuple[str, ...] = (
    "Alder", "Beacon", "Cobalt", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Ivory", "Juniper",
    "Keystone", "Lumen", "Meridian", "Nimbus", "Onyx", "Pinnacle", "Quarry", "Redwood", "Sterling",
    "Tundra", "Upland", "Vertex", "Willow", "Xenon", "Yarrow", "Zephyr",
)  # fmt: skip
NAME_TRADES: tuple[str, ...] = (
    "Analytics", "Bioscience", "Capital", "Data", "Energy", "Foods", "Group", "Health", "Imaging",
    "Logistics", "Media", "Networks", "Partners", "Robotics", "Systems", "Textiles",
)  # fmt: skip
NAME_SUFFIXES: tuple[PartySeed, ...] = (
    PartySeed("Inc.", "US"),
    PartySeed("LLC", "US"),
    PartySeed("Ltd", "GB"),
    PartySeed("GmbH", "DE"),
    PartySeed("S.A.", "ES"),
    PartySeed("B.V.", "NL"),
    PartySeed("Pty Ltd", "AU"),
)


class OurEntity(NamedTuple):
    name: str
    governing_law: str  # default law of contracts this entity signs


OUR_ENTITIES: tuple[OurEntity, ...] = (
    OurEntity("Northwind Analytics Inc.", "Delaware"),
    OurEntity("Northwind Analytics Ltd", "England and Wales"),
    OurEntity("Northwind Analytics GmbH", "Germany"),
    OurEntity("Northwind Analytics Canada Corp.", "Ontario"),
)

GOVERNING_LAWS: tuple[str, ...] = (
    "New York", "Delaware", "California", "Texas", "Illinois", "England and Wales", "Ontario", "Germany",
    "Ireland", "Netherlands",
)  # fmt: skip

OWNERS: tuple[str, ...] = (
    "Priya Raman", "Daniel Okafor", "Sofia Lindqvist", "Marcus Chen", "Amelia Hart", "Jonas Weber",
    "Fatima Al-Sayed", "Lucas Moreau", "Hannah Kowalczyk", "Noah Bennett", "Chloé Dubois", "Ravi Iyer",
    "Emma O'Connor", "Kenji Watanabe", "Isabela Costa",
)  # fmt: skip


@functools.cache  # a handful of owners, asked for once per contract
def owner_email(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    local = "".join(ch for ch in ascii_name.replace(" ", ".") if ch.isalnum() or ch == ".")
    return f"{local}@northwind.example"
