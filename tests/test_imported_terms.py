"""Bring your own contracts: the key terms an imported file's text states fill its CLM record, each marked as
read from the text (sandbox import) and shown so by `get_contract`; what the text does not settle stays empty."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from mcp_types import CallToolResult, TextContent

from sandbox.settings import SandboxSettings
from sandbox.testfiles import pdf_bytes, write_docx
from sandbox.testing import running_sandbox
from tests.conftest import mcp_client, settings_for
from tests.sandbox.helpers import Api

AS_OF = date(2026, 11, 24)

RENEWING = """SUPPORT SERVICES AGREEMENT

This Support Services Agreement is entered into as of February 10, 2025 (the "Effective Date") between
Northwind Tooling Ltd. and Harbor Analytics Inc.

4. Term and Renewal
4.1 This Agreement commences on the Effective Date and continues for an initial term of one (1) year.
4.2 Thereafter, this Agreement shall automatically renew for successive twelve (12) month periods unless
either party gives written notice of non-renewal at least forty-five (45) days before the end of the
then-current term.

6. Fees
Client shall pay each undisputed invoice within forty-five (45) days of its receipt.

11. Governing Law
This Agreement shall be governed by and construed in accordance with the laws of the State of Ohio.
"""

ENDED = [
    "Equipment Lease Agreement",
    "This Equipment Lease Agreement is effective as of June 1, 2016 between Lessor and Lessee.",
    "2. Term",
    "The term of this Lease is three (3) years from the effective date, after which it expires.",
    "9. Law",
    "This Lease is governed by the laws of the Province of Ontario.",
]

CONTRADICTORY = """CONSULTING AGREEMENT

This Consulting Agreement is effective as of April 2, 2024.

1. Term. The term of this Agreement is two (2) years from the Effective Date.

2. Renewal. This Agreement shall automatically renew for successive one (1) year terms unless either party
gives notice of non-renewal at least thirty (30) days before the end of the then-current term.

3. Notice. Either party may prevent renewal by notice given no less than ninety (90) days before the end of
the then-current term.

8. Governing Law. This Agreement is governed by the laws of the State of Texas.
"""


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """The imported records by file name, read back from a running sandbox over HTTP."""
    folder = tmp_path_factory.mktemp("own")
    (folder / "support.txt").write_text(RENEWING, encoding="utf-8")
    write_docx(folder / "lease.docx", ENDED[0], ENDED[1:])
    (folder / "consulting.pdf").write_bytes(pdf_bytes(CONTRADICTORY))
    settings = SandboxSettings(
        contracts=20, as_of=AS_OF, cache_dir=tmp_path_factory.mktemp("cache"), import_paths=[folder]
    )
    with running_sandbox(settings) as url:
        api = Api(url)
        rows = api.walk("/v1/contracts", {"source": "imported"})
        records = {(d := api.ok(f"/v1/contracts/{r['id']}"))["source_file"]: d for r in rows}
        api.close()
    return records


def test_the_stated_terms_fill_the_record_and_are_marked(imported: dict[str, dict[str, Any]]) -> None:
    support = imported["support.txt"]
    assert (support["effective_date"], support["execution_date"]) == ("2025-02-10", "2025-02-10")
    assert support["status"] == "active" and support["governing_law"] == "Ohio"
    assert support["payment_terms_days"] == 45
    term = support["term"]
    assert (term["initial_term_months"], term["auto_renew"], term["renewal_term_months"]) == (12, True, 12)
    assert term["renewal_notice_days"] == 45
    # As of 2026-11-24 the first renewal term runs to 2027-02-10; notice is due 45 days before it.
    assert support["expiration_date"] == "2027-02-10"
    assert support["renewal_notice_date"] == "2026-12-27"
    for name in ("effective_date", "expiration_date", "auto_renew", "renewal_notice_date", "governing_law"):
        assert name in support["derived_fields"], (name, support["derived_fields"])
    assert "status" not in support["derived_fields"], "an active contract's status is not read from its text"


def test_a_term_that_ended_in_the_text_makes_the_record_expired(imported: dict[str, dict[str, Any]]) -> None:
    lease = imported["lease.docx"]
    assert lease["effective_date"] == "2016-06-01" and lease["expiration_date"] == "2019-06-01"
    assert lease["status"] == "expired" and "status" in lease["derived_fields"]
    assert lease["governing_law"] == "Ontario" and lease["renewal_notice_date"] is None


def test_what_the_text_contradicts_stays_empty(imported: dict[str, dict[str, Any]]) -> None:
    consulting = imported["consulting.pdf"]
    term = consulting["term"]
    assert term["renewal_notice_days"] is None, "30 days in one section, 90 in another: not the importer's pick"
    assert consulting["renewal_notice_date"] is None
    assert not {"renewal_notice_days", "renewal_notice_date"} & set(consulting["derived_fields"])
    # What the text does settle is still read: the term, its renewal and the law.
    assert (consulting["effective_date"], consulting["expiration_date"]) == ("2024-04-02", "2027-04-02")
    assert term["auto_renew"] is True and consulting["governing_law"] == "Texas"
    assert consulting["counterparty"]["name"] == "Unknown counterparty (imported)", "parties are not guessed"


def _text(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


@pytest.mark.anyio
async def test_get_contract_says_which_values_were_read_from_the_text(tmp_path: Path) -> None:
    (tmp_path / "support.txt").write_text(RENEWING, encoding="utf-8")
    settings = SandboxSettings(contracts=20, as_of=AS_OF, cache_dir=tmp_path / "cache", import_paths=[tmp_path])
    with running_sandbox(settings) as url:
        api = Api(url)
        (contract_id,) = [row["id"] for row in api.walk("/v1/contracts", {"source": "imported"})]
        api.close()
        async with mcp_client(settings_for(url)) as client:
            result = await client.call_tool("clm__get_contract", {"contract_id": contract_id})
            generated = await client.call_tool("clm__get_contract", {"contract_id": "ctr_000001"})
    assert not result.is_error and result.structured_content is not None, _text(result)
    out = result.structured_content
    assert {"effective_date", "governing_law", "renewal_notice_date"} <= set(out["from_text"])
    assert out["key_terms"]["auto_renew"] is True, "read from the text, so shown (not 'not recorded')"
    text = _text(result)
    assert "| Governing law | Ohio (from text) |" in text
    assert "| Notice of non-renewal due by | 2026-12-27 (from text) |" in text
    assert "not entered by a person" in text
    assert generated.structured_content is not None and generated.structured_content["from_text"] == []
    assert "(from text)" not in _text(generated), "a record a person entered is not marked"
