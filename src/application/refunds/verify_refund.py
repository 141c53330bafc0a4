"""Asking the provider now what became of a refund."""

from __future__ import annotations

from application.errors import NotFound
from application.refunds.settlement import RefundSettlement
from domain.events import Source
from domain.refund import Refund


class VerifyRefund:
    """Rules: only a pending refund is asked about (any other is returned as it is, with no
    provider call); the provider is never called inside a transaction; what it confirms is
    applied through the settlement template; `ProviderUnavailable` propagates and nothing
    changes (unknown, never failed)."""

    def __init__(self, *, settle: RefundSettlement) -> None:
        self._settle = settle

    async def __call__(self, refund_id: str, source: Source, store_id: str | None = None) -> Refund:
        settled = await self._settle(refund_id, source, store_id=store_id)
        if settled.subject is None:
            raise NotFound(f"refund {refund_id} not found")
        return settled.subject
