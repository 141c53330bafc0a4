"""Asking the provider now what became of a refund."""

from __future__ import annotations

from application.errors import NotFound
from application.refunds.apply_refund_report import ApplyRefundReport
from application.refunds.ports import RefundProviders
from application.unit_of_work import UnitOfWorkFactory
from domain.events import Source
from domain.refund import Refund, RefundStatus


class VerifyRefund:
    """Rules: only a pending refund is asked about (any other is returned as it is, with no
    provider call); the provider is never called inside a transaction; what it confirms is
    applied; `ProviderUnavailable` propagates and nothing changes (unknown, never failed)."""

    def __init__(
        self, uow: UnitOfWorkFactory, providers: RefundProviders, apply: ApplyRefundReport
    ) -> None:
        self._uow, self._providers, self._apply = uow, providers, apply

    async def __call__(self, refund_id: str, source: Source, store_id: str | None = None) -> Refund:
        async with self._uow(read_only=True) as uow:
            refund = await uow.refunds.get(refund_id)
            payment = await uow.payments.get(refund.payment_id) if refund else None
        if refund is None or payment is None or store_id not in (None, refund.store_id):
            raise NotFound(f"refund {refund_id} not found")
        if refund.status is not RefundStatus.PENDING:
            return refund
        report = await self._providers.refunder(refund.provider).fetch_refund(refund, payment)
        return await self._apply(refund.id, report, source)
