"""Names of the jurisdictions whose law contracts choose, and their canonical spelling."""

from __future__ import annotations

import re

_ONE_WORD_STATES = (
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia Hawaii Idaho "
    "Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota "
    "Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee Texas Utah "
    "Vermont Virginia Washington Wisconsin Wyoming"
)
_US_STATES = [
    *_ONE_WORD_STATES.split(),
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "New York",
    "North Carolina",
    "North Dakota",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "West Virginia",
    "District of Columbia",
    "Puerto Rico",
]
_CANADA = [
    "Ontario",
    "Quebec",
    "British Columbia",
    "Alberta",
    "Manitoba",
    "Saskatchewan",
    "Nova Scotia",
    "New Brunswick",
    "Newfoundland and Labrador",
    "Prince Edward Island",
]
_OTHER_REGIONS = ["New South Wales", "Victoria", "Queensland", "Bavaria", "Hong Kong", "Macau", "Beijing", "Shanghai"]
_COUNTRIES = [
    "England and Wales",
    "England",
    "Scotland",
    "Northern Ireland",
    "Wales",
    "United Kingdom",
    "Ireland",
    "Canada",
    "Australia",
    "New Zealand",
    "Singapore",
    "India",
    "Japan",
    "Korea",
    "Republic of Korea",
    "Taiwan",
    "China",
    "People's Republic of China",
    "Germany",
    "Federal Republic of Germany",
    "France",
    "Italy",
    "Spain",
    "Portugal",
    "Netherlands",
    "The Netherlands",
    "Belgium",
    "Luxembourg",
    "Switzerland",
    "Austria",
    "Sweden",
    "Norway",
    "Denmark",
    "Finland",
    "Poland",
    "Israel",
    "Cyprus",
    "Malta",
    "Greece",
    "Turkey",
    "Russia",
    "Russian Federation",
    "Kazakhstan",
    "Republic of Kazakhstan",
    "Ukraine",
    "Brazil",
    "Mexico",
    "Argentina",
    "Chile",
    "Colombia",
    "Peru",
    "South Africa",
    "Republic of South Africa",
    "Nigeria",
    "Kenya",
    "Egypt",
    "United Arab Emirates",
    "Saudi Arabia",
    "Qatar",
    "Malaysia",
    "Thailand",
    "Indonesia",
    "Philippines",
    "Vietnam",
    "Papua New Guinea",
    "Bermuda",
    "Cayman Islands",
    "British Virgin Islands",
    "Bahamas",
    "Barbados",
    "Jersey",
    "Guernsey",
    "Isle of Man",
    "Liechtenstein",
    "Monaco",
    "Iceland",
    "Hungary",
    "Czech Republic",
    "Romania",
    "Bulgaria",
    "Croatia",
    "Slovenia",
    "Slovakia",
    "Estonia",
    "Latvia",
    "Lithuania",
    "Serbia",
    "Pakistan",
    "Bangladesh",
    "Sri Lanka",
    "United States",
    "United States of America",
]
# Abbreviations and variants -> canonical name.
# Variants and formal names -> the short name used as the value ("Germany", not "Federal Republic of Germany").
_ALIASES = {
    "PRC": "China",
    "P.R.C.": "China",
    "P.R. China": "China",
    "Mainland China": "China",
    "People's Republic of China": "China",
    "Federal Republic of Germany": "Germany",
    "Republic of Kazakhstan": "Kazakhstan",
    "Republic of South Africa": "South Africa",
    "Republic of Korea": "Korea",
    "Russian Federation": "Russia",
    "United States of America": "United States",
    "U.K.": "United Kingdom",
    "UK": "United Kingdom",
    "Great Britain": "United Kingdom",
    "U.S.A.": "United States",
    "USA": "United States",
    "Hong Kong SAR": "Hong Kong",
    "Hong Kong Special Administrative Region": "Hong Kong",
    "Commonwealth of Massachusetts": "Massachusetts",
    "Commonwealth of Pennsylvania": "Pennsylvania",
    "Commonwealth of Virginia": "Virginia",
    "Commonwealth of Kentucky": "Kentucky",
    "Province of Ontario": "Ontario",
    "Province of British Columbia": "British Columbia",
    "The Netherlands": "Netherlands",
    "Massachussets": "Massachusetts",
    "R.O.C.": "Taiwan",
    "Republic of China": "Taiwan",
}
# "English law", "Swiss law": the adjective names the jurisdiction.
_ADJECTIVES = {
    "English": "England",
    "Scottish": "Scotland",
    "Irish": "Ireland",
    "German": "Germany",
    "French": "France",
    "Swiss": "Switzerland",
    "Dutch": "Netherlands",
    "Israeli": "Israel",
    "Japanese": "Japan",
    "Chinese": "China",
    "PRC": "China",
    "Indian": "India",
    "Italian": "Italy",
    "Spanish": "Spain",
    "Swedish": "Sweden",
    "Canadian": "Canada",
    "Australian": "Australia",
    "Singapore": "Singapore",
    "Hong Kong": "Hong Kong",
    "Korean": "Korea",
    "Taiwanese": "Taiwan",
    "Luxembourg": "Luxembourg",
    "Belgian": "Belgium",
    "Austrian": "Austria",
    "Danish": "Denmark",
    "Norwegian": "Norway",
    "Finnish": "Finland",
    "Brazilian": "Brazil",
    "Mexican": "Mexico",
}

_NAMES = {name: name for name in (*_US_STATES, *_CANADA, *_OTHER_REGIONS, *_COUNTRIES)} | _ALIASES


def _pattern(names: list[str]) -> str:
    ordered = sorted(names, key=len, reverse=True)  # "New York" before "York", "England and Wales" first
    return "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in ordered)


# Case-sensitive on purpose: "georgia" or "victoria" in lower case is a word, not a jurisdiction.
# "(?<=of)" lets OCR-glued text through: "the laws ofthe State ofTexas".
JURISDICTION = re.compile(rf"(?:(?<![A-Za-z])|(?<=of))(?:{_pattern(list(_NAMES))})(?![A-Za-z])")
ADJECTIVAL_LAW = re.compile(
    rf"(?<![A-Za-z])(?P<adjective>{_pattern(list(_ADJECTIVES))})\s+(?:law|laws|substantive\s+law)\b"
)
FEDERATIONS = frozenset({"United States", "Canada", "United Kingdom", "Australia"})
_UPPER = {name.upper(): canonical for name, canonical in _NAMES.items()}
JURISDICTION_UPPER = re.compile(rf"(?<![A-Za-z])(?:{_pattern(list(_UPPER))})(?![A-Za-z])")


def adjective_jurisdiction(adjective: str) -> str:
    return _ADJECTIVES[" ".join(adjective.split())]


def canonical(name: str) -> str | None:
    """The canonical spelling of a jurisdiction name as found in text ("PRC" -> "People's Republic of China")."""
    key = " ".join(name.split())
    found = _NAMES.get(key) or _UPPER.get(key.upper())
    if found is None:
        return None
    return _ALIASES.get(found, found)


# Laws of places that write numeric dates month first ("3/4/2021" is March 4) or year first (a numeric date ending in
# its year is then as likely American as local): everywhere else writes them day first.
_NOT_DAY_FIRST = frozenset(
    {
        *_US_STATES,
        *_CANADA,
        "United States",
        "United States of America",
        "Canada",
        "Philippines",
        "Japan",
        "Korea",
        "Republic of Korea",
        "Taiwan",
        "China",
        "People's Republic of China",
        "Beijing",
        "Shanghai",
        "Hungary",
        "Lithuania",
    }
)


def writes_day_first(jurisdiction: str) -> bool:
    """Whether a contract under this law would write "3/4/2021" for 3 April."""
    return jurisdiction in _NAMES.values() and jurisdiction not in _NOT_DAY_FIRST
