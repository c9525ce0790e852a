"""Fictional addresses, entity descriptions and court venues for the parties and the governing law."""

from __future__ import annotations

from random import Random
from typing import NamedTuple


class _Country(NamedTuple):
    name: str  # as written in prose ("the United Kingdom")
    cities: tuple[tuple[str, str], ...]  # (city, region/postcode pattern)
    streets: tuple[str, ...]
    postcode: str  # pattern: 9 = digit, A = letter


_COUNTRIES: dict[str, _Country] = {
    "US": _Country(
        "the United States",
        (("New York, NY", ""), ("Austin, TX", ""), ("San Francisco, CA", ""), ("Chicago, IL", ""), ("Boston, MA", "")),
        ("Market Street", "Commerce Avenue", "Lakeview Drive", "Harbor Boulevard", "Maple Street", "5th Avenue"),
        "99999",
    ),
    "GB": _Country(
        "the United Kingdom",
        (("London", ""), ("Manchester", ""), ("Leeds", ""), ("Bristol", ""), ("Edinburgh", "")),
        ("King's Road", "Victoria Street", "Canal Wharf", "Old Bailey Lane", "Station Road"),
        "AA9 9AA",
    ),
    "DE": _Country(
        "Germany",
        (("Berlin", ""), ("München", ""), ("Hamburg", ""), ("Köln", ""), ("Frankfurt am Main", "")),
        ("Hauptstraße", "Friedrichstraße", "Am Hafen", "Lindenallee", "Industriestraße"),
        "99999",
    ),
    "FR": _Country(
        "France",
        (("Paris", ""), ("Lyon", ""), ("Toulouse", ""), ("Nantes", "")),
        ("rue de la République", "avenue des Champs", "boulevard Haussmann", "quai de Seine"),
        "99999",
    ),
    "NL": _Country(
        "the Netherlands",
        (("Amsterdam", ""), ("Rotterdam", ""), ("Utrecht", ""), ("Eindhoven", "")),
        ("Keizersgracht", "Stationsplein", "Zuidas", "Havenstraat"),
        "9999 AA",
    ),
    "CA": _Country(
        "Canada",
        (("Toronto, ON", ""), ("Vancouver, BC", ""), ("Montréal, QC", ""), ("Calgary, AB", "")),
        ("Bay Street", "Rue Sainte-Catherine", "Granville Street", "King Street West"),
        "A9A 9A9",
    ),
    "AU": _Country(
        "Australia",
        (("Sydney NSW", ""), ("Melbourne VIC", ""), ("Brisbane QLD", ""), ("Perth WA", "")),
        ("George Street", "Collins Street", "Queen Street", "Hay Street"),
        "9999",
    ),
    "JP": _Country(
        "Japan",
        (("Chiyoda-ku, Tokyo", ""), ("Minato-ku, Tokyo", ""), ("Kita-ku, Osaka", "")),
        ("Marunouchi 2-chome", "Roppongi 6-chome", "Umeda 3-chome"),
        "999-9999",
    ),
    "IL": _Country(
        "Israel",
        (("Tel Aviv", ""), ("Haifa", ""), ("Jerusalem", "")),
        ("Rothschild Boulevard", "HaNevi'im Street", "Derech Menachem Begin"),
        "9999999",
    ),
    "AE": _Country(
        "the United Arab Emirates",
        (("Dubai", ""), ("Abu Dhabi", "")),
        ("Sheikh Zayed Road", "Al Maryah Island", "Dubai Internet City"),
        "",
    ),
    "ES": _Country(
        "Spain",
        (("Madrid", ""), ("Barcelona", ""), ("Valencia", "")),
        ("Calle de Alcalá", "Passeig de Gràcia", "Gran Vía"),
        "99999",
    ),
    "IT": _Country(
        "Italy",
        (("Milano", ""), ("Roma", ""), ("Torino", "")),
        ("Via Montenapoleone", "Via del Corso", "Corso Vittorio Emanuele II"),
        "99999",
    ),
    "SE": _Country(
        "Sweden", (("Stockholm", ""), ("Göteborg", "")), ("Drottninggatan", "Kungsgatan", "Sveavägen"), "999 99"
    ),
    "CH": _Country(
        "Switzerland", (("Zürich", ""), ("Genève", ""), ("Basel", "")), ("Bahnhofstrasse", "Rue du Rhône"), "9999"
    ),
    "IE": _Country(
        "Ireland", (("Dublin 2", ""), ("Cork", "")), ("Grand Canal Quay", "St Stephen's Green", "Patrick Street"), ""
    ),
    "IN": _Country(
        "India",
        (("Bengaluru", ""), ("Mumbai", ""), ("Gurugram", "")),
        ("MG Road", "Bandra Kurla Complex", "Cyber City"),
        "999999",
    ),
    "SG": _Country("Singapore", (("Singapore", ""),), ("Raffles Place", "Marina Boulevard", "Orchard Road"), "999999"),
    "BR": _Country(
        "Brazil",
        (("São Paulo, SP", ""), ("Rio de Janeiro, RJ", "")),
        ("Avenida Paulista", "Rua Oscar Freire"),
        "99999-999",
    ),
    "MX": _Country(
        "Mexico",
        (("Ciudad de México", ""), ("Monterrey, N.L.", "")),
        ("Paseo de la Reforma", "Avenida Insurgentes"),
        "99999",
    ),
    "DK": _Country("Denmark", (("København K", ""), ("Aarhus C", "")), ("Strandgade", "Vesterbrogade"), "9999"),
    "CZ": _Country("the Czech Republic", (("Praha 1", ""), ("Brno", "")), ("Národní", "Václavské náměstí"), "999 99"),
    "IS": _Country("Iceland", (("Reykjavík", ""),), ("Laugavegur", "Borgartún"), "999"),
    "PL": _Country(
        "Poland", (("Warszawa", ""), ("Łódź", ""), ("Kraków", "")), ("ul. Piotrkowska", "ul. Marszałkowska"), "99-999"
    ),
    "LU": _Country("Luxembourg", (("Luxembourg", ""),), ("Boulevard Royal", "Avenue John F. Kennedy"), "L-9999"),
    "AT": _Country("Austria", (("Wien", ""), ("Graz", "")), ("Mariahilfer Straße", "Ringstraße"), "9999"),
    "FI": _Country("Finland", (("Helsinki", ""), ("Espoo", "")), ("Mannerheimintie", "Keilaranta"), "99999"),
    "TW": _Country("Taiwan", (("Hsinchu", ""), ("Taipei", "")), ("Science Park Road", "Xinyi Road"), "999"),
    "NZ": _Country("New Zealand", (("Auckland", ""), ("Wellington", "")), ("Queen Street", "Lambton Quay"), "9999"),
    "ZA": _Country("South Africa", (("Cape Town", ""), ("Johannesburg", "")), ("Long Street", "Rivonia Road"), "9999"),
}
_FALLBACK = _Country(
    "its jurisdiction of organisation",
    (("Central Business District", ""),),
    ("Commerce Plaza", "Trade Centre Road", "Harbour Front"),
    "",
)


def country_name(code: str) -> str:
    return _COUNTRIES.get(code.upper(), _FALLBACK).name


def address(rng: Random, country_code: str) -> str:
    """One-line postal address, e.g. "1200 Market Street, Suite 400, San Francisco, CA 94103"."""
    country = _COUNTRIES.get(country_code.upper(), _FALLBACK)
    city, _ = rng.choice(country.cities)
    street = rng.choice(country.streets)
    number = rng.randint(1, 2400)
    postcode = "".join(
        str(rng.randint(0, 9)) if ch == "9" else chr(rng.randint(65, 90)) if ch == "A" else ch
        for ch in country.postcode
    )
    suite = f", Suite {rng.randint(100, 1900)}" if country_code.upper() in {"US", "CA"} and rng.random() < 0.5 else ""
    where = f"{city} {postcode}" if postcode else city
    if country_code.upper() in {"US", "CA", "GB", "AU", "IE", "IN", "SG", "IL", "AE"}:
        line = f"{number} {street}{suite}, {where}"
    else:
        line = f"{street} {number}, {where}"
    return line if country is _FALLBACK or country_code.upper() == "US" else f"{line}, {_display(country.name)}"


def _display(name: str) -> str:
    return name[4:] if name.startswith("the ") else name


def entity_description(name: str, country_code: str, rng: Random) -> str:
    """ "a Delaware corporation" style description derived from the legal-form suffix of `name`."""
    lowered = name.lower().rstrip(".")
    code = country_code.upper()
    if lowered.endswith((" inc", " incorporated", " corp", " corporation")):
        if code == "CA":
            return "a corporation incorporated under the laws of the Province of Ontario"
        if code not in {"US", ""}:
            return f"a corporation organised under the laws of {country_name(code)}"
        return rng.choice(("a Delaware corporation", "a corporation organized under the laws of the State of Delaware"))
    if lowered.endswith((" llc", " l.l.c")):
        return rng.choice(("a Delaware limited liability company", "a New York limited liability company"))
    if lowered.endswith((" ltd", " limited", " plc")):
        if code in {"GB", ""}:
            return (
                f"a company incorporated in England and Wales (company number {rng.randint(1_000_000, 14_999_999):08d})"
            )
        return f"a limited company organised under the laws of {country_name(code)}"
    if lowered.endswith(" gmbh") or lowered.endswith(" ag"):
        register = f"HRB {rng.randint(10_000, 299_999)}"
        return f"a company organised under the laws of Germany, registered with the commercial register ({register})"
    if lowered.endswith((" sa", " s.a", " sas", " sarl", " s.à r.l", " bv", " b.v", " nv", " n.v", " ab", " oy")):
        return f"a company organised under the laws of {country_name(code)}"
    return f"an entity organised under the laws of {country_name(code)}"


class _Venue(NamedTuple):
    law_phrase: str  # how the law is named: "the State of New York"
    courts: str  # "the state and federal courts located in New York County, New York"


_US_STATES = {
    "Alabama",
    "Arizona",
    "California",
    "Colorado",
    "Connecticut",
    "Delaware",
    "Florida",
    "Georgia",
    "Illinois",
    "Indiana",
    "Maryland",
    "Michigan",
    "Minnesota",
    "Missouri",
    "Nevada",
    "New Jersey",
    "New York",
    "North Carolina",
    "Ohio",
    "Oregon",
    "Tennessee",
    "Texas",
    "Utah",
    "Washington",
    "Wisconsin",
}
_COMMONWEALTHS = {"Massachusetts", "Pennsylvania", "Virginia", "Kentucky"}
_US_VENUE = {
    "New York": "New York County, New York",
    "Delaware": "Wilmington, Delaware",
    "California": "San Francisco County, California",
    "Texas": "Travis County, Texas",
    "Illinois": "Cook County, Illinois",
    "Massachusetts": "Suffolk County, Massachusetts",
    "Washington": "King County, Washington",
    "Georgia": "Fulton County, Georgia",
    "Florida": "Miami-Dade County, Florida",
    "Colorado": "Denver, Colorado",
    "Virginia": "Fairfax County, Virginia",
    "Pennsylvania": "Philadelphia County, Pennsylvania",
}
_COUNTRY_SEATS = {
    "England and Wales": ("England and Wales", "the courts of England and Wales, sitting in London"),
    "England": ("England", "the courts of England, sitting in London"),
    "Scotland": ("Scotland", "the Court of Session in Edinburgh"),
    "Ireland": ("Ireland", "the courts of Ireland in Dublin"),
    "Germany": ("the Federal Republic of Germany", "the courts of Frankfurt am Main, Germany"),
    "France": ("France", "the Tribunal de commerce de Paris"),
    "Netherlands": ("the Netherlands", "the competent court in Amsterdam, the Netherlands"),
    "the Netherlands": ("the Netherlands", "the competent court in Amsterdam, the Netherlands"),
    "Switzerland": ("Switzerland", "the courts of Zürich, Switzerland"),
    "Singapore": ("Singapore", "the courts of the Republic of Singapore"),
    "Ontario": ("the Province of Ontario", "the courts of the Province of Ontario sitting in Toronto"),
    "Sweden": ("Sweden", "the Stockholm District Court"),
    "Spain": ("the Kingdom of Spain", "the courts of Madrid, Spain"),
    "Japan": ("Japan", "the Tokyo District Court"),
    "New South Wales": ("the State of New South Wales", "the courts of New South Wales, Australia"),
}


def venue(governing_law: str, rng: Random) -> _Venue:
    """How to name the governing law in prose, and the courts that go with it."""
    if governing_law in _US_STATES or governing_law in _COMMONWEALTHS:
        kind = "Commonwealth" if governing_law in _COMMONWEALTHS else "State"
        phrase = rng.choice((f"the {kind} of {governing_law}", governing_law, f"the {kind} of {governing_law}"))
        where = _US_VENUE.get(governing_law, f"the capital city of the {kind} of {governing_law}")
        courts = rng.choice(
            (
                f"the state and federal courts located in {where}",
                f"the state or federal courts sitting in {where}",
                f"the courts of competent jurisdiction located in {where}",
            )
        )
        return _Venue(phrase, courts)
    if governing_law in _COUNTRY_SEATS:
        phrase, courts = _COUNTRY_SEATS[governing_law]
        return _Venue(phrase, courts)
    return _Venue(governing_law, f"the competent courts of {governing_law}")


def is_us_law(governing_law: str | None) -> bool:
    return governing_law in _US_STATES or governing_law in _COMMONWEALTHS
