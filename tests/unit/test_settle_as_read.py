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

from application.payments.settlement import Found, PaymentSettlement, PaymentSettles, Seen
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


async def test_a_payment_read_when_already_final_is_not_kept_for_a_decision() -> None:
    """Nothing is decided on a final payment: keeping it would leave a stale copy that a
    later settlement of it would take (and fail its version check with)."""
    world = World()
    order = await an_order(world)
    payment = await a_payment(world, order)
    seen = Seen()
    settles = PaymentSettles(world.registry, seen=seen)
    settles.keep((payment, order, None))
    assert payment.id in seen  # open: kept, to be decided on as read
    await world.apply(payment.id, succeeded(), Source.RECONCILIATION)
    final = stored_payment(world, payment.id)
    seen.take(payment.id)
    settles.keep((final, stored_order(world, order.id), None))
    assert final.is_final and final.id not in seen


class _Crowd(Seen):
    """Callbacks for one payment arriving all the time: each keeps the payment as it read it,
    so a stale copy is always there to take."""

    def __init__(self, stale: Found) -> None:
        super().__init__()
        self._stale = stale

    def take(self, payment_id: str) -> Found | None:
        super().take(payment_id)
        return self._stale


async def test_a_refused_write_is_decided_again_locked_even_when_a_stale_copy_was_kept(
    locks: list[str],
) -> None:
    """A storm of callbacks for one payment: between a refused write and its second decision,
    another callback keeps the payment as it read it before the change. The second decision
    is made on the payment locked, not on that copy (else it is refused too, the delivery is
    left unprocessed and waits for the inbox's retry)."""
    world = World()
    order = await an_order(world)
    payment = await a_payment(world, order)
    stale: Found = (stored_payment(world, payment.id), stored_order(world, order.id), None)
    await world.apply(payment.id, succeeded(), Source.RECONCILIATION)
    locks.clear()
    settle = PaymentSettlement(
        uow=world.uow,
        settles=PaymentSettles(world.registry, seen=_Crowd(stale)),
        clock=world.clock,
        log=world.log,
    )
    applied = await settle.apply(payment.id, succeeded(), Source.WEBHOOK)
    assert locks == [payment.id]
    assert applied.subject.status is PaymentStatus.SUCCEEDED
    assert event_types(world, payment.id).count("payment.succeeded") == 1
    assert event_types(world, order.id).count("order.paid") == 1
