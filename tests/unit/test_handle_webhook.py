"""HandleWebhook: authenticate, store the raw delivery once, then confirm with the provider's
own API; the body is only a hint."""

from typing import Any

import pytest
from tests.fakes import FakeWebhookAuthenticator, InboxEntry, InMemoryPaymentRepository
from tests.unit.helpers import (
    PENDING,
    World,
    a_payment,
    an_order,
    event_types,
    failed,
    stored_order,
    stored_payment,
    succeeded,
)

from application.errors import (
    MalformedWebhook,
    ProviderNotAvailable,
    ProviderUnavailable,
    WebhookRejected,
)
from application.payments.handle_webhook import HandleWebhook, WebhookResult
from domain.events import Source
from domain.order import OrderStatus
from domain.payment import Payment, PaymentStatus

SIGNER = FakeWebhookAuthenticator("fake")


async def a_pending_payment(world: World) -> Payment:
    return await a_payment(world, await an_order(world))


def handler(world: World) -> HandleWebhook:
    return HandleWebhook(
        uow=world.uow, providers=world.registry, settle=world.settle(), clock=world.clock
    )


async def deliver(
    world: World, event_id: str, payment_id: str | None, **claims: Any
) -> WebhookResult:
    body, headers = SIGNER.signed(event_id, payment_id, **claims)
    return await handler(world)("fake", body, headers, {})


def inbox(world: World) -> list[InboxEntry]:
    return world.db.rows("webhooks")


async def test_a_delivery_is_stored_then_processed_with_the_confirmed_status() -> None:
    world = World()
    payment = await a_pending_payment(world)
    world.provider.queue(succeeded())
    result = await deliver(world, "evt-1", payment.id)
    assert (result.duplicate, result.recorded) == (False, "applied:succeeded")
    [entry] = inbox(world)
    assert entry.id == result.delivery_id
    assert (entry.delivery.event_id, entry.delivery.payment_id) == ("evt-1", payment.id)
    assert (entry.processed_at, entry.outcome) == (world.clock.now(), "applied:succeeded")
    assert stored_payment(world, payment.id).status is PaymentStatus.SUCCEEDED
    [*_, change] = world.db.events_of(payment.id)
    assert (change.event.type, change.event.source) == ("payment.succeeded", Source.WEBHOOK)


@pytest.mark.parametrize(
    ("body", "headers", "error"),
    [
        (
            b'{"event_id": "evt-1", "payment_id": "pay_0001"}',
            {"X-Signature": "forged"},
            WebhookRejected,
        ),
        (b'{"event_id": "evt-1", "payment_id": "pay_0001"}', {}, WebhookRejected),
        (b"not json", {"X-Signature": SIGNER.secret}, MalformedWebhook),
    ],
    ids=["bad-signature", "no-signature", "unreadable"],
)
async def test_a_rejected_callback_stores_nothing_and_moves_nothing(
    body: bytes, headers: dict[str, str], error: type[Exception]
) -> None:
    world = World()
    payment = await a_pending_payment(world)
    world.provider.queue(succeeded())
    with pytest.raises(error):
        await handler(world)("fake", body, headers, {})
    assert inbox(world) == []
    assert stored_payment(world, payment.id).status is PaymentStatus.PENDING
    assert world.provider.fetched == []


async def test_a_duplicate_delivery_changes_nothing_more_and_asks_the_provider_once() -> None:
    world = World()
    payment = await a_pending_payment(world)
    world.provider.queue(succeeded())
    await deliver(world, "evt-1", payment.id)
    events = event_types(world, payment.id)
    again = await deliver(world, "evt-1", payment.id)
    assert (again.delivery_id, again.duplicate, again.recorded) == (None, True, "duplicate")
    assert len(inbox(world)) == 1
    assert event_types(world, payment.id) == events
    assert world.provider.fetched == [payment.id]


async def test_a_delivery_about_an_unknown_payment_is_stored_and_marked_unknown() -> None:
    world = World()
    result = await deliver(world, "evt-1", "pay_9999")
    assert result.recorded == "unknown_payment"
    [entry] = inbox(world)
    assert (entry.delivery.payment_id, entry.outcome) == ("pay_9999", "unknown_payment")
    assert entry.processed_at is not None


async def test_a_delivery_about_an_unknown_payment_is_read_once_with_its_storing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`receive` read the payment with the delivery and found none: `process` does not read
    it again. The inbox's retry pass, which has no such read, reads it itself."""
    world = World()
    reads: list[str] = []
    original = InMemoryPaymentRepository.with_order

    async def with_order(self: InMemoryPaymentRepository, payment_id: str) -> Any:
        reads.append(payment_id)
        return await original(self, payment_id)

    monkeypatch.setattr(InMemoryPaymentRepository, "with_order", with_order)
    result = await deliver(world, "evt-1", "pay_9999")
    assert result.recorded == "unknown_payment"
    assert reads == ["pay_9999"]  # the inbox's own read (`record_and_read`), and no other
    [entry] = inbox(world)
    retried = await handler(world).process(entry.id, entry.delivery)
    assert retried.recorded == "unknown_payment" and reads == ["pay_9999"] * 2


async def test_a_delivery_about_no_payment_is_stored_and_marked() -> None:
    world = World()
    result = await deliver(world, "evt-1", None)
    assert result.recorded == "no_payment"
    assert [entry.outcome for entry in inbox(world)] == ["no_payment"]


async def test_when_the_provider_is_down_the_delivery_stays_unprocessed_for_a_retry() -> None:
    world = World()
    payment = await a_pending_payment(world)
    world.provider.queue(ProviderUnavailable("502"), succeeded())
    result = await deliver(world, "evt-1", payment.id)
    assert result.recorded == "deferred"
    [entry] = inbox(world)
    assert (entry.processed_at, entry.outcome) == (None, None)
    assert stored_payment(world, payment.id).status is PaymentStatus.PENDING
    retried = await handler(world).process(entry.id, entry.delivery)
    assert retried.recorded == "applied:succeeded"
    assert [entry.outcome for entry in inbox(world)] == ["applied:succeeded"]


async def test_the_bodys_claimed_success_is_ignored_when_the_provider_says_pending() -> None:
    world = World()
    payment = await a_pending_payment(world)
    world.provider.queue(PENDING)
    result = await deliver(world, "evt-1", payment.id, status="succeeded", amount=5000)
    assert result.recorded == "applied:pending"
    assert stored_payment(world, payment.id).status is PaymentStatus.PENDING
    assert stored_order(world, payment.order_id).status is OrderStatus.PENDING_PAYMENT


async def test_the_bodys_claimed_failure_is_ignored_when_the_provider_says_succeeded() -> None:
    world = World()
    payment = await a_pending_payment(world)
    world.provider.queue(succeeded())
    await deliver(world, "evt-1", payment.id, status="failed", reason="declined")
    assert stored_payment(world, payment.id).status is PaymentStatus.SUCCEEDED
    assert stored_order(world, payment.order_id).paid_by == payment.id


async def test_a_later_delivery_with_a_new_event_id_is_confirmed_again() -> None:
    world = World()
    payment = await a_pending_payment(world)
    world.provider.queue(PENDING, failed())
    await deliver(world, "evt-1", payment.id)
    result = await deliver(world, "evt-2", payment.id)
    assert result.recorded == "applied:failed"
    assert [entry.outcome for entry in inbox(world)] == ["applied:pending", "applied:failed"]


async def test_a_callback_for_an_unconfigured_provider_is_refused() -> None:
    world = World()
    body, headers = SIGNER.signed("evt-1", None)
    with pytest.raises(ProviderNotAvailable):
        await handler(world)("wave", body, headers, {})
    assert inbox(world) == []


async def test_the_change_and_the_processed_mark_are_committed_together() -> None:
    """Two commits for a delivery that changes a payment: storing it, then the change with
    the delivery marked processed. A crash can leave a stored delivery unprocessed (it is
    retried), never a change whose delivery still looks unprocessed."""
    world = World()
    payment = await a_pending_payment(world)
    world.provider.queue(succeeded())
    commits_before = world.db.commits
    await deliver(world, "evt-1", payment.id)
    assert world.db.commits - commits_before == 2
    [entry] = inbox(world)
    assert entry.outcome == "applied:succeeded"
    assert stored_payment(world, payment.id).status is PaymentStatus.SUCCEEDED


async def test_a_delivery_for_a_final_payment_is_marked_without_asking_the_provider() -> None:
    world = World()
    payment = await a_pending_payment(world)
    world.provider.queue(succeeded())
    await deliver(world, "evt-1", payment.id)
    fetched = world.provider.fetch_calls
    await deliver(world, "evt-2", payment.id)
    assert world.provider.fetch_calls == fetched
    assert [e.outcome for e in inbox(world)] == ["applied:succeeded", "applied:succeeded"]
