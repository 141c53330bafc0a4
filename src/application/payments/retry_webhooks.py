"""The inbox as a safety net: stored callbacks processed again."""

from __future__ import annotations

from datetime import timedelta

from application.payments.handle_webhook import HandleWebhook
from application.shared.ports import Clock
from application.unit_of_work import UnitOfWorkFactory

LEASE = timedelta(minutes=2)


class RetryWebhooks:
    """One pass over the inbox: deliveries whose processing was deferred (provider down) or
    lost (their process died after storing them) are processed again from the stored row.
    Each is leased while it is processed, so that no other worker takes it meanwhile."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        handle: HandleWebhook,
        clock: Clock,
        batch: int = 50,
        *,
        lease: timedelta | None = None,
    ) -> None:
        self._uow, self._handle, self._clock, self._batch = uow, handle, clock, batch
        self._lease = lease or LEASE

    async def __call__(self) -> int:
        now = self._clock.now()
        async with self._uow() as uow:
            due = await uow.webhooks.claim_unprocessed(now, now + self._lease, self._batch)
            await uow.commit()
        for stored in due:
            await self._handle.process(stored.id, stored.delivery, stored.attempts)
        return len(due)
