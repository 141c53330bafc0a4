"""A refund in the settlement template (`application/shared/settlement.py`): how it is read,
asked about, decided on and written."""

from __future__ import annotations

from datetime import datetime

from application.errors import NotFound
from application.refunds.ports import RefundProviders
from application.shared.settlement import Applied, Settlement
from application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.events import Source
from domain.provider_report import ProviderReport
from domain.refund import Refund, RefundStatus

#: The template bound to refunds (what the use cases are given).
RefundSettlement = Settlement[Refund, Refund]


async def locked_refund(uow: UnitOfWork, refund_id: str) -> Refund:
    """The refund, locked until the transaction ends."""
    refund = await uow.refunds.get(refund_id, for_update=True)
    if refund is None:
        raise NotFound(f"refund {refund_id} not found")
    return refund


class RefundSettles:
    """Rules: only a pending refund is asked about; a confirmed report is applied under the
    refund's row lock, so concurrent reports serialise: one transition and one event per
    change. A pending, unknown or late report changes nothing and writes nothing. A refund
    no longer pending is left alone: once a person or the provider settled it, nothing
    reopens it, and a final refund is never checked again."""

    def __init__(self, uow: UnitOfWorkFactory, providers: RefundProviders) -> None:
        self._uow, self._providers = uow, providers

    def subject(self, read: Refund) -> Refund:
        return read

    def open(self, subject: Refund) -> bool:
        return subject.status is RefundStatus.PENDING

    async def read(self, uow: UnitOfWork, subject_id: str, store_id: str | None) -> Refund | None:
        refund = await uow.refunds.get(subject_id)
        return refund if refund and store_id in (None, refund.store_id) else None

    async def ask(self, subject: Refund) -> ProviderReport:
        async with self._uow(read_only=True) as uow:
            payment = await uow.payments.get(subject.payment_id)
        if payment is None:
            raise NotFound(f"refund {subject.id} not found")
        provider = self._providers.refunder(subject.provider, payment.country)
        return await provider.fetch_refund(subject, payment)

    async def decide(
        self,
        uow: UnitOfWork,
        subject_id: str,
        report: ProviderReport,
        source: Source,
        at: datetime,
        read: Refund | None,
    ) -> Applied[Refund]:
        """Always on the refund locked and read again, `read` or not."""
        refund = await locked_refund(uow, subject_id)
        refund.apply(report, at, source)
        return Applied(refund, report)

    async def save(self, uow: UnitOfWork, subject: Refund, touched: bool) -> None:
        if subject.events or touched:
            await uow.refunds.save(subject)
        if subject.is_final:
            await uow.refunds.plan(subject.id, None, 0)
