"""AbandonPayment ("Payer autrement"): the provider ends the payment when it can, and the
payment only changes from what the provider's status answer then says."""

from __future__ import annotations

from tests.fakes import FakeProvider
from tests.unit.helpers import World, a_payment, an_order, failed, stored_payment, succeeded

from application.errors import ProviderUnavailable
from application.payments.abandon_payment import AbandonPayment
from domain.order import OrderStatus
from domain.payment import Payment, PaymentStatus
from domain.provider_report import ProviderReport


class CancellingProvider(FakeProvider):
    """Ends a payment when asked (as Wave expires its session), then reports `after`."""

    def __init__(self, after: ProviderReport | Exception) -> None:
        super().__init__("wave", requires_phone=False)
        self.after = after
        self.cancelled: list[str] = []

    async def cancel(self, payment: Payment) -> None:
        if isinstance(self.after, Exception):
            raise self.after
        self.cancelled.append(payment.id)
        self.queue(self.after)


def abandon(world: World) -> AbandonPayment:
    return AbandonPayment(world.uow, world.registry, world.verify())


async def test_a_cancelled_session_fails_the_payment_and_the_order_can_be_paid_again() -> None:
    world = World(provider=CancellingProvider(failed("expired")))
    order = await an_order(world)
    payment = await a_payment(world, order)
    result = await abandon(world)(payment.id)
    assert world.provider.cancelled == [payment.id]  # type: ignore[attr-defined]
    assert (result.status, result.failure_code) == (PaymentStatus.FAILED, "expired")
    assert stored_payment(world, payment.id).status is PaymentStatus.FAILED
    async with world.uow(read_only=True) as uow:
        stored_order = await uow.orders.get(order.store_id, order.id)
    assert stored_order is not None and stored_order.status is OrderStatus.PENDING_PAYMENT


async def test_a_payment_paid_meanwhile_is_succeeded_not_cancelled() -> None:
    world = World(provider=CancellingProvider(succeeded()))
    payment = await a_payment(world, await an_order(world))
    result = await abandon(world)(payment.id)
    assert result.status is PaymentStatus.SUCCEEDED


async def test_a_provider_that_cannot_cancel_leaves_the_payment_open() -> None:
    world = World()  # FakeProvider has no `cancel`: a push cannot be recalled
    payment = await a_payment(world, await an_order(world))
    result = await abandon(world)(payment.id)
    assert result.status is PaymentStatus.PENDING
    assert world.provider.fetch_calls == 0


async def test_a_provider_that_does_not_answer_changes_nothing() -> None:
    world = World(provider=CancellingProvider(ProviderUnavailable("timeout")))
    payment = await a_payment(world, await an_order(world))
    result = await abandon(world)(payment.id)
    assert result.status is PaymentStatus.PENDING
    assert stored_payment(world, payment.id).status is PaymentStatus.PENDING
