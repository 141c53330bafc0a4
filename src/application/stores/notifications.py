"""Telling stores what changed: delivering the outbox, listing it, sending one again."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from application.errors import NotFound
from application.shared.concurrency import gather_all
from application.shared.ports import Clock, Metrics, Page, PageRequest
from application.shared.timeouts import retry_delay
from application.stores.ports import DeliveryAttempt, Notification, NotificationSender
from application.unit_of_work import UnitOfWorkFactory

LEASE = timedelta(minutes=1)
FIRST_RETRY = timedelta(seconds=10)
LONGEST_WAIT = timedelta(hours=1)
#: Retries go on at least this long after the event (docs/api.md: at least 24 h).
GIVE_UP_AFTER = timedelta(hours=25)


class DeliverNotifications:
    """One pass over the due notifications.

    Rules: a 2xx within the sender's timeout is delivered; anything else is retried with
    exponential backoff (from `first_retry`: 10 s, 20 s, ... at most 1 h apart) until 25 h
    after the event, then `failed`; every attempt is recorded. A store without
    `notification_url` keeps its events, marked `no_endpoint`. A crash between sending and
    recording sends the event again later, with the same event id, so stores can de-duplicate.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        sender: NotificationSender,
        clock: Clock,
        metrics: Metrics,
        batch: int = 50,
        *,
        first_retry: timedelta = FIRST_RETRY,
        lease: timedelta | None = None,
    ) -> None:
        self._uow, self._sender, self._clock = uow, sender, clock
        self._metrics, self._batch = metrics, batch
        self._first_retry, self._lease = first_retry, lease or LEASE

    async def __call__(self) -> int:
        now = self._clock.now()
        async with self._uow() as uow:
            due = await uow.notifications.claim_due(now, now + self._lease, self._batch)
            await uow.commit()
        gate = asyncio.Semaphore(10)

        async def one(notification: Notification) -> None:
            async with gate:
                await self._deliver(notification)

        await gather_all([one(notification) for notification in due])
        return len(due)

    async def _deliver(self, notification: Notification) -> None:
        async with self._uow(read_only=True) as uow:
            store = await uow.stores.get(notification.store_id)
        if store is None or not store.notification_url:
            await self._record(notification, None, "no_endpoint")
            return
        attempt = await self._sender.send(
            store.notification_url, notification.body, store.webhook_secret
        )
        await self._record(notification, attempt, self._state(notification, attempt))

    def _state(self, notification: Notification, attempt: DeliveryAttempt) -> str:
        if attempt.delivered:
            return "delivered"
        if attempt.at - notification.created_at >= GIVE_UP_AFTER:
            return "failed"
        return "pending"

    async def _record(
        self, notification: Notification, attempt: DeliveryAttempt | None, state: str
    ) -> None:
        next_at = None
        if state == "pending" and attempt is not None:
            delay = retry_delay(notification.attempts, self._first_retry, LONGEST_WAIT)
            next_at = attempt.at + delay
        async with self._uow() as uow:
            await uow.notifications.record_attempt(notification.id, attempt, state, next_at)
            await uow.commit()
        self._metrics.notification_delivery(state if state != "pending" else "retry")


class StoreEvents:
    """A store's notifications with their delivery state; sending one again on request."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def page(self, store_id: str, page: PageRequest) -> Page[Notification]:
        async with self._uow(read_only=True) as uow:
            return await uow.notifications.search(store_id, page)

    async def attempts(self, notification_id: str) -> list[DeliveryAttempt]:
        async with self._uow(read_only=True) as uow:
            return await uow.notifications.history(notification_id)

    async def redeliver(self, store_id: str, notification_id: str) -> None:
        async with self._uow() as uow:
            if not await uow.notifications.redeliver(store_id, notification_id, self._clock.now()):
                raise NotFound(f"event {notification_id} not found")
            await uow.commit()
