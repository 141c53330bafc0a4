"""Payout orders for the gateway tests."""

from __future__ import annotations

import uuid

from application.payouts.gateway import PayoutOrder
from domain.money import Money


def order(
    amount: int = 5000,
    currency: str = "XOF",
    phone: str = "+2250700000001",
    payout_id: str = "po_0001",
    name: str | None = "Awa Traore",
    provider_reference: str | None = None,
) -> PayoutOrder:
    """A payout order with a fresh UUID4 reference (as the use case stores it)."""
    return PayoutOrder(
        payout_id=payout_id,
        reference=str(uuid.uuid4()),
        amount=Money.of(amount, currency),
        phone=phone,
        name=name,
        country=None,
        provider_reference=provider_reference,
    )
