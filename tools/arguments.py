"""Argument types the contract tools share."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from plugin.toolkit.inputs import Identifier

ContractId = Annotated[Identifier, Field(description="Contract id, e.g. 'ctr_000123'")]
CounterpartyId = Annotated[Identifier, Field(description="A counterparty id, e.g. 'cp_0042'")]
ContractType = Literal["NDA", "MSA", "SOW", "Order Form", "DPA", "Amendment", "License", "Supply Agreement"]
ContractStatus = Literal["draft", "in_negotiation", "pending_signature", "active", "expired", "terminated"]
