"""Applying what a provider confirmed about a refund."""

from __future__ import annotations

from application.errors import NotFound
from application.shared.ports import Clock
from application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.events import Source
from domain.provider_report import ProviderReport
from domain.refund import Refund


async def locked_refund(uow: UnitOfWork, refund_id: str) -> Refund:
    """The refund, locked until the transaction ends."""
    refund = await uow.refunds.get(refund_id, for_update=True)
    if refund is None:
        raise NotFound(f"refund {refund_id} not found")
    return refund


class ApplyRefundReport:
    """Apply a confirmed provider report to a refund under a row lock, so that concurrent
    reports serialise: one transition and one event per change. A pending, unknown or
    late report changes nothing and writes nothing. A refund no longer pending is left
    alone: once a person or the provider settled it, nothing reopens it."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(
        self,
        refund_id: str,
        report: ProviderReport,
        source: Source,
        *,
        reference: str | None = None,
    ) -> Refund:
        """`reference`: the provider's id for the refund, learnt from its answer."""
        async with self._uow() as uow:
            refund = await locked_refund(uow, refund_id)
            learnt = bool(reference) and not refund.provider_reference
            if learnt:
                refund.provider_reference = reference
            refund.apply(report, self._clock.now(), source)
            if refund.events or learnt:
                await uow.refunds.save(refund)
            if refund.is_final:
                await uow.refunds.plan(refund.id, None, 0)
            await uow.commit()
        return refund
