"""Applying what a provider (or a person) said about a payout, and the order a gateway is
given for it."""

from __future__ import annotations

from application.errors import NotFound
from application.payouts.gateway import PayoutOrder, PayoutReport
from application.shared.ports import Clock
from application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.events import Source
from domain.payout import Outcome, Payout


def order_of(payout: Payout) -> PayoutOrder:
    """The same order (same reference) on every call for one payout."""
    return PayoutOrder(
        payout_id=payout.id, reference=payout.reference, amount=payout.amount,
        phone=payout.phone, name=payout.name, country=payout.country,
        provider_reference=payout.provider_reference,
    )  # fmt: skip


def outcome_of(report: PayoutReport) -> Outcome:
    return Outcome(
        status=report.status, provider_reference=report.provider_reference,
        provider_fee=report.provider_fee, failure_code=report.failure_code,
        failure_message=report.failure_message, data=report.data,
    )  # fmt: skip


async def locked_payout(uow: UnitOfWork, payout_id: str) -> Payout:
    payout = await uow.payouts.get(payout_id, for_update=True)
    if payout is None:
        raise NotFound(f"payout {payout_id} not found")
    return payout


class SettlePayout:
    """Apply an outcome under the payout's row lock, so concurrent answers serialise: one
    transition, one event, one ledger movement. A settled payout is never reopened; a failed
    one gives the store its money back, once."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, payout_id: str, outcome: Outcome, source: Source) -> Payout:
        async with self._uow() as uow:
            payout = await locked_payout(uow, payout_id)
            before = (payout.provider_reference, payout.provider_fee)
            payout.apply(outcome, self._clock.now(), source)
            if payout.events or before != (payout.provider_reference, payout.provider_fee):
                await uow.payouts.save(payout)
                await uow.commit()
        return payout
