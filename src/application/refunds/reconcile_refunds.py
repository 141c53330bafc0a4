"""Following pending refunds until their provider confirms them."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from application.errors import ProviderNotAvailable, ProviderUnavailable
from application.refunds.schedule import FOLLOW_UP, next_refund_check
from application.refunds.settlement import locked_refund
from application.refunds.verify_refund import VerifyRefund
from application.shared.concurrency import gather_all
from application.shared.ports import Clock
from application.unit_of_work import UnitOfWorkFactory
from domain.events import Source
from domain.refund import RefundStatus

LEASE = timedelta(minutes=2)


class ReconcileRefunds:
    """One pass over the pending refunds whose check is due, a few at a time.

    Rules: each is verified with its provider and what it confirms is applied; a provider
    that cannot answer changes nothing and the check is retried later; a refund still
    pending `FOLLOW_UP` after it was asked is handed to a person (`requires_action`), never
    marked failed without the provider saying so.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        verify: VerifyRefund,
        clock: Clock,
        batch: int = 50,
        *,
        lease: timedelta | None = None,
    ) -> None:
        self._uow, self._verify, self._clock, self._batch = uow, verify, clock, batch
        self._lease = lease or LEASE

    async def __call__(self) -> int:
        now = self._clock.now()
        async with self._uow() as uow:
            due = await uow.refunds.claim_due(now, now + self._lease, self._batch)
            await uow.commit()
        gate = asyncio.Semaphore(10)

        async def one(refund_id: str, attempts: int) -> None:
            async with gate:
                await self.check(refund_id, attempts)

        await gather_all([one(refund_id, attempts) for refund_id, attempts in due])
        return len(due)

    async def check(self, refund_id: str, attempts: int) -> str:
        """Check one refund; returns its status after the check (or `provider_unavailable`)."""
        try:
            refund = await self._verify(refund_id, Source.RECONCILIATION)
        except (ProviderUnavailable, ProviderNotAvailable):
            refund = None
        async with self._uow() as uow:
            locked = await locked_refund(uow, refund_id)
            now = self._clock.now()
            if locked.status is RefundStatus.PENDING and now >= locked.created_at + FOLLOW_UP:
                locked.require_action(now, Source.RECONCILIATION, why="unconfirmed")
                await uow.refunds.save(locked)
            pending = locked.status is RefundStatus.PENDING
            await uow.refunds.plan(
                refund_id, next_refund_check(attempts + 1, now) if pending else None, attempts + 1
            )
            await uow.commit()
        return locked.status.value if refund is not None else "provider_unavailable"
