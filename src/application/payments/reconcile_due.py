"""The reconciliation pass: every payment whose check is due, a few at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

from application.shared.concurrency import gather_all
from application.shared.ports import Clock
from application.unit_of_work import UnitOfWorkFactory

LEASE = timedelta(minutes=2)

#: Checks one payment: (payment id, checks made so far) -> what became of it.
Reconcile = Callable[[str, int], Awaitable[str]]


class ReconcileDue:
    """One pass: every payment whose check is due, a few at a time."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        reconcile: Reconcile,
        clock: Clock,
        batch: int = 50,
        *,
        lease: timedelta | None = None,
    ) -> None:
        self._uow, self._reconcile, self._clock, self._batch = uow, reconcile, clock, batch
        self._lease = lease or LEASE

    async def __call__(self) -> int:
        now = self._clock.now()
        async with self._uow() as uow:
            due = await uow.schedule.claim_due(now, now + self._lease, self._batch)
            await uow.commit()
        gate = asyncio.Semaphore(10)

        async def one(payment_id: str, attempts: int) -> None:
            async with gate:
                await self._reconcile(payment_id, attempts)

        await gather_all([one(payment_id, attempts) for payment_id, attempts in due])
        return len(due)
