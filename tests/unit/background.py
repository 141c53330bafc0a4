"""Doubles for the background-work tests: counters the use cases feed, a store's server that
answers what it is told, and notifications seeded in the outbox."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass
from datetime import datetime

from tests.fakes import FakeClock, InMemoryNotificationOutbox, InMemoryUnitOfWorkFactory

from application.stores.ports import DeliveryAttempt, Notification
from domain.store import Store


class RecordingMetrics:
    """The `Metrics` port, counting calls by (name, label)."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()

    def double_payment(self, provider: str) -> None:
        self.counts["double_payment", provider] += 1

    def reconciliation_error(self, provider: str) -> None:
        self.counts["reconciliation_error", provider] += 1

    def notification_delivery(self, outcome: str) -> None:
        self.counts["notification_delivery", outcome] += 1

    def payment_final(
        self, provider: str, status: str, failure_code: str | None, country: str | None = None
    ) -> None:
        self.counts["payment_final", status] += 1

    def refund_final(self, provider: str, status: str) -> None:
        self.counts["refund_final", status] += 1


@dataclass(frozen=True, slots=True)
class Sent:
    url: str
    body: bytes
    secret: str
    at: datetime


class ScriptedSender:
    """A `NotificationSender` whose store answers the queued status codes in order (the last
    one repeating; `None` is a timeout). Every call is kept in `sent`."""

    def __init__(self, clock: FakeClock, *answers: int | None) -> None:
        self._clock = clock
        self._answers: deque[int | None] = deque(answers or (200,))
        self.sent: list[Sent] = []

    async def send(self, url: str, body: bytes, secret: str) -> DeliveryAttempt:
        at = self._clock.now()
        self.sent.append(Sent(url, body, secret, at))
        status = self._answers.popleft() if len(self._answers) > 1 else self._answers[0]
        if status is None:
            return DeliveryAttempt(at, url, None, "timeout", 10_000)
        return DeliveryAttempt(at, url, status, None, 12)


def a_store(store_id: str = "str_0001", url: str | None = "https://shop.example/notify") -> Store:
    return Store(
        id=store_id,
        name="Boutique Awa",
        api_key_hash=f"hash-{store_id}",
        api_key_prefix="sk_test_abc",
        webhook_secret=f"whsec_{store_id}",
        created_at=datetime(2025, 3, 1, 8, 0),
        notification_url=url,
    )


def a_notification(event_id: str, store_id: str, at: datetime) -> Notification:
    return Notification(
        id=event_id,
        store_id=store_id,
        type="payment.succeeded",
        subject_id="pay_0001",
        body=b'{"id":"%s","type":"payment.succeeded"}' % event_id.encode(),
        created_at=at,
        state="pending",
        attempts=0,
        next_attempt_at=at,
        delivered_at=None,
        last_status_code=None,
        last_error=None,
    )


async def seed(uow: InMemoryUnitOfWorkFactory, *stores: Store, notes: list[Notification]) -> None:
    """Stores and outbox rows, as the repositories would have written them."""
    async with uow() as tx:
        for store in stores:
            await tx.stores.add(store)
        outbox = tx.notifications
        assert isinstance(outbox, InMemoryNotificationOutbox)
        for note in notes:
            outbox.put(note)
        await tx.commit()
