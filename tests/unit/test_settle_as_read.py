"""A settlement decides on the payment as it read it before asking the provider (no lock, no
second read), and its write checks that neither the payment nor its order changed since;
when one did, nothing is written and the decision is made again on the payment locked."""

from __future__ import annotations

import pytest
from tests.fakes import InMemoryPaymentRepository
from tests.unit.helpers import (
    World,
    a_payment,
    an_order,
    event_types,
    stored_order,
    stored_payment,
    succeeded,
)

from domain.events import Source
from domain.order import OrderStatus
from domain.payment import PaymentStatus


@pytest.fixture
def locks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The payments read under their lock."""
    taken: list[str] = []
    original = InMemoryPaymentRepository.lock_with_order

    async def lock_with_order(self: InMemoryPaymentRepository, payment_id: str):  # type: ignore[no-untyped-def]
        taken.append(payment_id)
        return await original(self, payment_id)

    monkeypatch.setattr(InMemoryPaymentRepository, "lock_with_order", lock_with_order)
    return taken


async def test_a_payment_read_then_settled_is_not_read_again(locks: list[str]) -> None:
    world = World()
    order = await an_order(world)
    payment = await a_payment(world, order)
    settle = world.settle()
    world.provider.queue(succeeded())
    settled = await settle(payment.id, Source.WEBHOOK)
    assert settled.subject is not None and settled.subject.status is PaymentStatus.SUCCEEDED
    assert stored_order(world, order.id).status is OrderStatus.PAID
    assert locks == []


async def test_a_change_between_the_read_and_the_write_is_decided_again(locks: list[str]) -> None:
    world = World()
    order = await an_order(world)
    payment = await a_payment(world, order)
    settle = world.settle()
    read = await settle.read(payment.id)
    assert read is not None
    # meanwhile another report settles it, through another settlement
    await world.apply(payment.id, succeeded(), Source.RECONCILIATION)
    locks.clear()
    world.provider.queue(succeeded())
    applied = await settle.ask_and_apply(read, Source.WEBHOOK)
    assert locks == [payment.id]  # the write was refused whole: decided again, locked
    assert applied.subject.status is PaymentStatus.SUCCEEDED
    assert event_types(world, payment.id).count("payment.succeeded") == 1
    assert event_types(world, order.id).count("order.paid") == 1
    assert stored_payment(world, payment.id).version == applied.subject.version


async def test_a_report_applied_without_a_read_is_decided_on_the_payment_locked(
    locks: list[str],
) -> None:
    """A refused start hands on no read: its decision is made on the payment locked."""
    world = World()
    order = await an_order(world)
    payment = await a_payment(world, order)
    applied = await world.settle().apply(payment.id, succeeded(), Source.API)
    assert locks == [payment.id]
    assert applied.subject.status is PaymentStatus.SUCCEEDED
    assert stored_order(world, order.id).status is OrderStatus.PAID


async def test_a_payment_of_another_store_is_not_read() -> None:
    world = World()
    order = await an_order(world)
    payment = await a_payment(world, order)
    settle = world.settle()
    assert await settle.read(payment.id, store_id="sto_other") is None
    assert await settle.read(payment.id, store_id=payment.store_id) is not None
    settled = await settle(payment.id, Source.API, store_id="sto_other")
    assert settled.subject is None and settled.applied is None


async def test_a_refused_write_is_decided_again_locked_not_on_the_stale_read(
    locks: list[str],
) -> None:
    """A storm of callbacks for one payment: a callback's read is stale by the time it
    applies. Its write is refused whole, and the second decision is made on the payment
    locked, not on that read again (else it is refused too, and the delivery is left
    unprocessed for the inbox's retry)."""
    world = World()
    order = await an_order(world)
    payment = await a_payment(world, order)
    settle = world.settle()
    stale = await settle.read(payment.id)
    assert stale is not None
    await world.apply(payment.id, succeeded(), Source.RECONCILIATION)
    locks.clear()
    applied = await settle.apply(payment.id, succeeded(), Source.WEBHOOK, read=stale)
    assert locks == [payment.id]
    assert applied.subject.status is PaymentStatus.SUCCEEDED and not applied.refused
    assert event_types(world, payment.id).count("payment.succeeded") == 1
    assert event_types(world, order.id).count("order.paid") == 1
    assert stored_payment(world, payment.id).version == applied.subject.version
