"""The identifying fields every contract-level tool output starts with (shared by several tools)."""

from __future__ import annotations

from clm_client.models import ContractSummary
from plugin.toolkit.spec import ToolOutput
from plugin.toolkit.untrusted import clean_inline


class ContractHeader(ToolOutput):
    id: str
    number: str
    title: str
    type: str
    status: str
    counterparty: str
    counterparty_id: str

    @classmethod
    def header_fields(cls, contract: ContractSummary) -> dict[str, str]:
        """Sanitised, bounded header values of a CLM record (names and titles are untrusted text)."""
        return {
            "id": contract.id,
            "number": clean_inline(contract.number, 40),
            "title": clean_inline(contract.title, 160),
            "type": contract.type,
            "status": contract.status,
            "counterparty": clean_inline(contract.counterparty.name, 120),
            "counterparty_id": contract.counterparty.id,
        }
