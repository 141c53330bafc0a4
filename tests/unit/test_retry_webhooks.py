"""RetryWebhooks: inbox rows whose processing was deferred (provider down) or lost (their
process died after storing them) are processed again from the stored row, with backoff,
and never change a payment twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.fakes import FakeWebhookAuthenticator, InboxEntry
from tests.unit.helpers import (
    World,
    a_payment,
    an_order,
    event_types,
    stored_order,
    stored_payment,
    succeeded,
)

from application.errors import ProviderUnavailable
from application.payments.handle_webhook import HandleWebhook
from application.payments.retry_webhooks import RetryWebhooks
from domain.order import OrderStatus
from domain.payment import Payment, PaymentStatus

SIGNER = FakeWebhookAuthenticator("fake")
S = timedelta(seconds=1)
DOWN = ProviderUnavailable("502 Bad Gateway")


async def a_pending_payment(world: World) -> Payment:
    return await a_payment(world, await an_order(world))


def handler(world: World) -> HandleWebhook:
    return HandleWebhook(
        uow=world.uow, providers=world.registry, settle=world.settle(), clock=world.clock
    )


def retry(world: World, lease: timedelta | None = None) -> RetryWebhooks:
    return RetryWebhooks(world.uow, handler(world), world.clock, lease=lease)


async def receive(world: World, event_id: str, payment_id: str) -> str:
    body, headers = SIGNER.signed(event_id, payment_id)
    result = await handler(world)("fake", body, headers, {})
    assert result.delivery_id is not None
    return result.delivery_id


async def store_only(world: World, event_id: str, payment_id: str) -> str:
    """What a server that died right after storing the delivery leaves behind."""
    body, headers = SIGNER.signed(event_id, payment_id)
    delivery = await SIGNER.authenticate(body, headers, {})
    async with world.uow() as uow:
        delivery_id = await uow.webhooks.record(delivery, world.clock.now())
        await uow.commit()
    assert delivery_id is not None
    return delivery_id


def entry(world: World, delivery_id: str) -> InboxEntry:
    row: InboxEntry = world.db.tables["webhooks"][delivery_id]
    return row


async def test_a_deferred_delivery_is_processed_again_once_the_provider_is_back() -> None:
    world = World()
    payment = await a_pending_payment(world)
    world.provider.queue(DOWN, succeeded())
    delivery_id = await receive(world, "evt-1", payment.id)
    assert entry(world, delivery_id).next_attempt_at == world.clock.now() + 15 * S
    world.clock.advance(seconds=14)
    assert await retry(world)() == 0  # not due yet
    world.clock.advance(seconds=1)
    assert await retry(world)() == 1
    row = entry(world, delivery_id)
    assert (row.processed_at, row.outcome) == (world.clock.now(), "applied:succeeded")
    assert stored_payment(world, payment.id).status is PaymentStatus.SUCCEEDED
    assert stored_order(world, payment.order_id).status is OrderStatus.PAID
    world.clock.advance(hours=1)
    assert await retry(world)() == 0  # processed rows are done


async def test_a_provider_down_for_long_is_retried_with_backoff_never_dropped() -> None:
    world = World()
    payment = await a_pending_payment(world)
    world.provider.queue(*[DOWN] * 8, succeeded())
    delivery_id = await receive(world, "evt-1", payment.id)
    gaps = []
    for _ in range(7):
        due = entry(world, delivery_id).next_attempt_at
        assert due is not None
        gaps.append(due - world.clock.now())
        world.clock.set(due)
        assert await retry(world)() == 1
        assert entry(world, delivery_id).processed_at is None
    assert gaps == [15 * S, 30 * S, 60 * S, 120 * S, 240 * S, 480 * S, 600 * S]  # 10 min cap
    assert entry(world, delivery_id).attempts == 8
    assert stored_payment(world, payment.id).status is PaymentStatus.PENDING
    last = entry(world, delivery_id).next_attempt_at
    assert last is not None
    world.clock.set(last)
    assert await retry(world)() == 1
    assert entry(world, delivery_id).outcome == "applied:succeeded"


async def test_a_stored_delivery_its_server_never_processed_is_taken_over_after_30_s() -> None:
    world = World()
    payment = await a_pending_payment(world)
    world.provider.queue(succeeded())
    delivery_id = await store_only(world, "evt-1", payment.id)
    world.clock.advance(seconds=29)
    assert await retry(world)() == 0  # the receiving server may still be at it
    world.clock.advance(seconds=1)
    assert await retry(world)() == 1
    assert entry(world, delivery_id).outcome == "applied:succeeded"
    assert stored_payment(world, payment.id).status is PaymentStatus.SUCCEEDED


async def test_a_retry_that_crashed_comes_back_when_its_lease_ends() -> None:
    world = World()
    payment = await a_pending_payment(world)
    world.provider.queue(RuntimeError("the worker died"), succeeded())
    delivery_id = await store_only(world, "evt-1", payment.id)
    world.clock.advance(seconds=30)
    retrier = retry(world, lease=5 * S)
    with pytest.raises(RuntimeError):
        await retrier()
    assert entry(world, delivery_id).next_attempt_at == world.clock.now() + 5 * S
    world.clock.advance(seconds=4)
    assert await retrier() == 0
    world.clock.advance(seconds=1)
    assert await retrier() == 1
    assert entry(world, delivery_id).outcome == "applied:succeeded"


async def test_processing_a_delivery_again_makes_no_second_change() -> None:
    world = World()
    payment = await a_pending_payment(world)
    world.provider.queue(succeeded())
    delivery_id = await receive(world, "evt-1", payment.id)
    before = event_types(world, payment.id)
    row = entry(world, delivery_id)
    again = await handler(world).process(row.id, row.delivery, row.attempts)
    assert again.recorded == "applied:succeeded"
    assert event_types(world, payment.id) == before
    assert before.count("payment.succeeded") == 1
    assert event_types(world, payment.order_id).count("order.paid") == 1


async def test_several_deferred_deliveries_of_one_payment_settle_it_once() -> None:
    world = World()
    payment = await a_pending_payment(world)
    world.provider.queue(DOWN, DOWN, succeeded())
    await receive(world, "evt-1", payment.id)
    await receive(world, "evt-2", payment.id)
    world.clock.advance(seconds=15)
    assert await retry(world)() == 2
    assert event_types(world, payment.id).count("payment.succeeded") == 1
    assert {row.outcome for row in world.db.rows("webhooks")} == {"applied:succeeded"}
