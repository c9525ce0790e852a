"""GET /v1/counterparties?q= resolves names as people write them: suffixes, accents, spellings, typos."""

from __future__ import annotations

import pytest

from tests.sandbox.helpers import Api

# Variant as typed -> the corpus counterparty it means (suffix, punctuation, accent, spacing,
# transliteration, British/US spelling and one-letter typos).
VARIANTS: dict[str, str] = {
    "ACME Corp.": "Acme Cloud Services, Inc.",
    "Acme Corporation, Inc.": "Acme Cloud Services, Inc.",
    "Acme Cloud Services Inc": "Acme Cloud Services, Inc.",
    "Acme Clud Services": "Acme Cloud Services, Inc.",
    "OBrien Facilities": "O'Brien Facilities Management Ltd",
    "O Brien Facilities Management Limited": "O'Brien Facilities Management Ltd",
    "Mueller & Soehne": "Müller & Söhne Maschinenbau GmbH",
    "Mueller and Soehne Maschinenbau": "Müller & Söhne Maschinenbau GmbH",
    "Blue Harbour Trading": 'The "Blue Harbour" Trading Company',
    "Blue Harbor Trading Co": 'The "Blue Harbour" Trading Company',
    "Societe Generale d'Equipements": "Société Générale d'Équipements SAS",
    "Zuercher Praezisionstechnik": "Zürcher Präzisionstechnik AG",
    "Zurcher Prazisionstechnik AG": "Zürcher Präzisionstechnik AG",
    "Nandu Analytics SL": "Ñandú Analytics S.L.",
    "Oresund Data": "Øresund Data ApS",
    "Lodz Print and Pack": "Łódź Print & Pack Sp. z o.o.",
    "Sao Paulo Telecomunicacoes SA": "São Paulo Telecomunicações S.A.",
    "Stark and Wayne Engineering": "Stark & Wayne Engineering LLP",
    "Initech Software Corp": "Initech Software Corporation",
    "Globex Logistcs LLC": "Globex Logistics LLC",
    "Umbrella Biotech Limited": "Umbrella Biotech Ltd",
    "Dunder-Mifflin": "Dunder Mifflin Paper Company, Inc.",
    "Cyberdyne Systems Corporation": "Cyberdyne Systems Corp.",
    "Vandelay Industries LLC": "Vandelay Industries, LLC",
    "Pied Piper": "Pied Piper Compression, Inc.",
    "Ollivanders Fine Instruments": "Ollivander's Fine Instruments Ltd",
    "Nakatomi Trading Company Limited": "Nakatomi Trading Co., Ltd.",
    "van der Berg Logistiek BV": "Van der Berg Logistiek B.V.",
    "Fjallraven Outdoor Data": "Fjällräven Outdoor Data AB",
    "Cedok Travel Services": "Čedok Travel Services a.s.",
    "Thor Geothermal": "Þór Geothermal ehf.",
    "Citta di Vetro Srl": "Città di Vetro S.r.l.",
    "Table Mountain Mining Pty Ltd": "Table Mountain Mining (Pty) Ltd",
    "Bangalore Codeworks": "Bangalore Code Works Pvt. Ltd.",
    "Baker & ONeill": "Baker & O'Neill Legal Process Services",
    "Smith Jones and Associates PC": "Smith, Jones & Associates, P.C.",
    "Cafe Noir Catering": "Café Noir Catering SARL",
    "Hoffman-La Ventures": "Hoffmann-La Ventures AG",
    "Wonka Confectionary Supplies": "Wonka Confectionery Supplies Ltd",
    "Kowalsky & Partners": "Kowalski & Partners Consulting",
    "Monsters Inc": "Monsters, Inc. Energy Division",
    "Gringots Custody Services": "Gringotts Custody Services plc",
}


def top(api: Api, q: str) -> dict[str, object] | None:
    data = api.ok("/v1/counterparties", {"q": q, "limit": 5})["data"]
    return data[0] if data else None


def test_variants_resolve_to_the_right_counterparty_first(api: Api) -> None:
    resolved: list[tuple[str, str, str | None, object, object]] = []
    for variant, name in VARIANTS.items():
        best = top(api, variant)
        resolved.append(
            (variant, name, None if best is None else str(best["name"]), best and best["score"], best and best["match"])
        )
    right = sum(1 for _, name, got, _, _ in resolved if got == name)
    print(f"\ncounterparty variants resolved top-1: {right}/{len(resolved)}")
    for variant, name, got, score, kind in resolved:
        print(f"  {'ok ' if got == name else 'MISS'} {variant!r:42} -> {got!r} ({kind}, {score})")
    assert len(resolved) >= 30
    assert right == len(resolved), [r for r in resolved if r[2] != r[1]]


@pytest.mark.parametrize(
    ("q", "kind"),
    [
        ("Acme Cloud Services, Inc.", "exact"),
        ("acme cloud services inc", "normalised"),
        ("Acme Cloud Services Corporation", "suffix"),
        ("Mueller & Soehne Maschinenbau GmbH", "transliteration"),
        ("Blue Harbor Trading", "transliteration"),
        ("Acme", "contains"),
        ("Acme Clud Services", "fuzzy"),
    ],
)
def test_match_reasons(api: Api, q: str, kind: str) -> None:
    best = top(api, q)
    assert best is not None and best["match"] == kind, best


def test_candidates_are_ranked_with_scores_and_counts(api: Api) -> None:
    page = api.ok("/v1/counterparties", {"q": "Services", "limit": 100})
    scores = [row["score"] for row in page["data"]]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)
    assert page["total"] == len(page["data"]) >= 2
    for row in page["data"]:
        assert sum(row["contracts_by_status"].values()) == row["contract_count"]
        contracts = api.walk("/v1/contracts", {"counterparty_id": row["id"]}, limit=100)
        assert len(contracts) == row["contract_count"]
        for status, count in row["contracts_by_status"].items():
            assert sum(1 for c in contracts if c["status"] == status) == count


def test_exact_beats_fuzzy(api: Api) -> None:
    data = api.ok("/v1/counterparties", {"q": "Atlas Freight Forwarding Ltd"})["data"]
    assert data[0]["name"] == "Atlas Freight Forwarding Ltd" and data[0]["score"] == 1.0


def test_resolution_pages_with_a_cursor(api: Api) -> None:
    everything = api.ok("/v1/counterparties", {"q": "ltd", "limit": 100})
    walked = api.walk("/v1/counterparties", {"q": "ltd"}, limit=3)
    assert [r["id"] for r in walked] == [r["id"] for r in everything["data"]]
    assert len(walked) == everything["total"] >= 4


def test_nonsense_finds_nothing(api: Api) -> None:
    assert api.ok("/v1/counterparties", {"q": "Zzyzx Qwerty Holdings"}) == {"data": [], "next_cursor": None, "total": 0}


def test_without_q_every_counterparty_has_its_counts(api: Api) -> None:
    everyone = api.walk("/v1/counterparties", limit=100)
    assert all(row["score"] is None and row["match"] is None for row in everyone)
    assert all(sum(row["contracts_by_status"].values()) == row["contract_count"] for row in everyone)
