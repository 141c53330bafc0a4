"""DeliverNotifications and StoreEvents: every event reaches the store or is retried with
exponential backoff for more than 24 h; every attempt is recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.fakes import FakeClock, InMemoryUnitOfWorkFactory
from tests.unit.background import (
    RecordingMetrics,
    ScriptedSender,
    a_notification,
    a_store,
    seed,
)

from application.errors import NotFound
from application.shared.ports import PageRequest
from application.stores.notifications import (
    FIRST_RETRY,
    GIVE_UP_AFTER,
    DeliverNotifications,
    StoreEvents,
)
from application.stores.ports import DeliveryAttempt, Notification

S = timedelta(seconds=1)


class Outbox:
    """One store, its notifications, a scripted store server."""

    def __init__(self, *answers: int | None, url: str | None = "https://shop.example/n") -> None:
        self.uow = InMemoryUnitOfWorkFactory()
        self.clock = FakeClock()
        self.sender = ScriptedSender(self.clock, *answers)
        self.metrics = RecordingMetrics()
        self.store = a_store(url=url)

    async def seed(self, *event_ids: str) -> None:
        notes = [a_notification(e, self.store.id, self.clock.now()) for e in event_ids]
        await seed(self.uow, self.store, notes=notes)

    def deliver(
        self, first_retry: timedelta = FIRST_RETRY, lease: timedelta | None = None
    ) -> DeliverNotifications:
        return DeliverNotifications(
            self.uow, self.sender, self.clock, self.metrics, first_retry=first_retry, lease=lease
        )

    def row(self, event_id: str) -> Notification:
        note: Notification = self.uow.database.tables["notifications"][event_id]
        return note

    def attempts(self, event_id: str) -> list[DeliveryAttempt]:
        return list(self.uow.database.tables["attempts"].get(event_id, []))


async def test_a_2xx_delivers_the_signed_event_once() -> None:
    outbox = Outbox(204)
    await outbox.seed("evt_1")
    assert await outbox.deliver()() == 1
    note = outbox.row("evt_1")
    assert (note.state, note.attempts, note.last_status_code) == ("delivered", 1, 204)
    assert note.delivered_at == outbox.clock.now()
    [sent] = outbox.sender.sent
    assert (sent.url, sent.secret) == ("https://shop.example/n", outbox.store.webhook_secret)
    assert sent.body == note.body
    assert len(outbox.attempts("evt_1")) == 1
    assert outbox.metrics.counts["notification_delivery", "delivered"] == 1
    outbox.clock.advance(hours=2)
    assert await outbox.deliver()() == 0  # delivered is final
    assert len(outbox.sender.sent) == 1


async def test_failures_are_retried_with_exponential_backoff_capped_at_an_hour() -> None:
    outbox = Outbox(500)
    await outbox.seed("evt_1")
    deliver, gaps = outbox.deliver(), []
    for _ in range(12):
        assert await deliver() == 1
        note = outbox.row("evt_1")
        assert note.state == "pending" and note.next_attempt_at is not None
        gaps.append(note.next_attempt_at - outbox.clock.now())
        outbox.clock.set(note.next_attempt_at)
    assert gaps[:6] == [10 * S, 20 * S, 40 * S, 80 * S, 160 * S, 320 * S]
    assert gaps[-1] == timedelta(hours=1) and max(gaps) == timedelta(hours=1)
    assert outbox.metrics.counts["notification_delivery", "retry"] == 12


async def test_a_failure_is_not_sent_again_before_its_retry_is_due() -> None:
    outbox = Outbox(503, 200)
    await outbox.seed("evt_1")
    await outbox.deliver()()
    outbox.clock.advance(seconds=9)
    assert await outbox.deliver()() == 0
    outbox.clock.advance(seconds=1)
    assert await outbox.deliver()() == 1
    assert outbox.row("evt_1").state == "delivered"


async def test_the_first_retry_step_is_configurable() -> None:
    outbox = Outbox(500, 500, 500, 200)
    await outbox.seed("evt_1")
    deliver, gaps = outbox.deliver(first_retry=S), []
    while (await deliver()) == 1 and outbox.row("evt_1").state == "pending":
        note = outbox.row("evt_1")
        assert note.next_attempt_at is not None
        gaps.append(note.next_attempt_at - outbox.clock.now())
        outbox.clock.set(note.next_attempt_at)
    assert gaps == [S, 2 * S, 4 * S]
    note = outbox.row("evt_1")
    assert (note.state, note.attempts, note.last_status_code) == ("delivered", 4, 200)
    assert [a.status_code for a in outbox.attempts("evt_1")] == [500, 500, 500, 200]


async def test_it_gives_up_after_25_hours_having_tried_for_more_than_24() -> None:
    outbox = Outbox(None)  # the store's server never answers
    await outbox.seed("evt_1")
    created, deliver = outbox.clock.now(), outbox.deliver()
    while True:
        assert await deliver() == 1
        note = outbox.row("evt_1")
        if note.state != "pending":
            break
        assert outbox.clock.now() - created < GIVE_UP_AFTER
        assert note.next_attempt_at is not None
        outbox.clock.set(note.next_attempt_at)
    assert note.state == "failed" and note.next_attempt_at is None
    last = outbox.sender.sent[-1].at
    assert last - created >= GIVE_UP_AFTER >= timedelta(hours=24)
    assert outbox.sender.sent[-2].at - created >= timedelta(hours=24) - timedelta(hours=1)
    assert note.attempts == len(outbox.sender.sent) == len(outbox.attempts("evt_1"))
    assert note.last_error == "timeout"
    assert outbox.metrics.counts["notification_delivery", "failed"] == 1
    outbox.clock.advance(hours=5)
    assert await deliver() == 0  # failed is final, until redelivered


async def test_a_store_without_notification_url_keeps_its_events_as_no_endpoint() -> None:
    outbox = Outbox(url=None)
    await outbox.seed("evt_1", "evt_2")
    assert await outbox.deliver()() == 2
    assert {outbox.row(e).state for e in ("evt_1", "evt_2")} == {"no_endpoint"}
    assert outbox.row("evt_1").attempts == 0 and outbox.attempts("evt_1") == []
    assert outbox.sender.sent == []
    assert outbox.metrics.counts["notification_delivery", "no_endpoint"] == 2
    page = await StoreEvents(outbox.uow, outbox.clock).page(outbox.store.id, PageRequest())
    assert [n.id for n in page.data] == ["evt_2", "evt_1"]


async def test_a_notification_being_sent_is_leased_and_comes_back_if_its_worker_died() -> None:
    outbox = Outbox(200)
    await outbox.seed("evt_1")
    now = outbox.clock.now()
    async with outbox.uow() as uow:  # a worker took it, then died before recording anything
        assert len(await uow.notifications.claim_due(now, now + 5 * S, 10)) == 1
        await uow.commit()
    deliver = outbox.deliver(lease=5 * S)
    assert await deliver() == 0
    outbox.clock.advance(seconds=5)
    assert await deliver() == 1
    assert outbox.row("evt_1").state == "delivered"


async def test_redeliver_sends_a_delivered_event_again_with_the_same_id() -> None:
    outbox = Outbox(200)
    await outbox.seed("evt_1")
    await outbox.deliver()()
    events = StoreEvents(outbox.uow, outbox.clock)
    await events.redeliver(outbox.store.id, "evt_1")
    assert outbox.row("evt_1").state == "pending"
    assert await outbox.deliver()() == 1
    first, second = outbox.sender.sent
    assert first.body == second.body
    assert outbox.row("evt_1").attempts == 2
    assert len(await events.attempts("evt_1")) == 2


async def test_redelivering_another_stores_event_is_not_found() -> None:
    outbox = Outbox(200)
    await outbox.seed("evt_1")
    with pytest.raises(NotFound):
        await StoreEvents(outbox.uow, outbox.clock).redeliver("str_other", "evt_1")
    assert outbox.row("evt_1").state == "pending"
