"""InitiatePayment: `created` is committed before the provider is called; the provider's answer
then makes the payment `pending` or `failed`, and a timeout never makes it failed."""

from typing import Any

import pytest
from tests.fakes import FakeProvider, InMemoryDatabase
from tests.unit.helpers import (
    OTHER_STORE,
    PHONE,
    STORE,
    World,
    a_payment,
    an_order,
    event_types,
    expire,
    stored_order,
    stored_payment,
    succeed,
)

from application.errors import (
    NotFound,
    PhoneRequired,
    ProviderNotAvailable,
    ProviderRejected,
    ProviderUnavailable,
)
from application.payments.initiate_payment import InitiatePaymentCommand
from application.payments.orders import CancelOrder
from application.payments.ports import StartResult
from domain.errors import InvalidPhone, OrderNotPayable, PaymentError, PaymentInProgress
from domain.money import Currency, Money
from domain.order import Customer, Order, OrderStatus
from domain.payment import NextAction, Payment, PaymentStatus


class ObservingProvider(FakeProvider):
    """Keeps the committed payments as `start` sees them, and can run something meanwhile."""

    def __init__(self, database: InMemoryDatabase, **options: Any) -> None:
        super().__init__(**options)
        self.database = database
        self.seen: list[Payment] = []
        self.meanwhile: Any = None

    async def start(self, payment: Payment, order: Order) -> StartResult:
        self.seen = self.database.rows("payments")
        if self.meanwhile is not None:
            await self.meanwhile(payment)
        return await super().start(payment, order)


def observed_world(**options: Any) -> tuple[World, ObservingProvider]:
    world = World()
    world.provider = ObservingProvider(world.db, **options)
    return world, world.provider


async def initiate(world: World, order: Order, phone: str | None = PHONE) -> Payment:
    return await a_payment(world, order, phone)


def payments_of(world: World) -> list[Payment]:
    return world.db.rows("payments")


# -- the happy path --------------------------------------------------------------------------


async def test_the_payment_is_committed_as_created_before_the_provider_is_called() -> None:
    world, provider = observed_world()
    order = await an_order(world)
    payment = await initiate(world, order)
    [seen] = provider.seen
    assert (seen.id, seen.status) == (payment.id, PaymentStatus.CREATED)
    assert seen.provider_reference == f"ref_{payment.id}"
    assert seen.amount == order.amount


async def test_an_accepted_request_leaves_the_payment_pending_with_what_to_do() -> None:
    world = World()
    order = await an_order(world, amount=7500)
    payment = await initiate(world, order)
    stored = stored_payment(world, payment.id)
    assert stored == payment
    assert stored.status is PaymentStatus.PENDING
    assert (stored.order_id, stored.store_id, stored.provider) == (order.id, STORE, "fake")
    assert stored.amount == Money(7500, Currency.XOF)
    assert stored.provider_reference == f"fake_{payment.id}"
    assert stored.next_action == NextAction("approve_on_phone", message="Confirm on your phone")
    assert event_types(world, payment.id) == ["payment.created", "payment.pending"]


async def test_the_amount_and_currency_are_the_orders() -> None:
    world = World()
    order = await an_order(world, amount=1250, currency="GHS")
    payment = await initiate(world, order)
    assert stored_payment(world, payment.id).amount == Money(1250, Currency.GHS)


async def test_the_reference_chosen_before_the_call_is_kept_when_the_provider_gives_none() -> None:
    world = World(FakeProvider(start_result=StartResult(reference=None, next_action=None)))
    payment = await initiate(world, await an_order(world))
    assert stored_payment(world, payment.id).provider_reference == f"ref_{payment.id}"


async def test_the_payment_log_gets_one_line_per_change() -> None:
    world = World()
    payment = await initiate(world, await an_order(world))
    assert world.log.change_types == ["payment.created", "payment.pending"]
    assert world.log.change_types == event_types(world, payment.id)
    assert world.log.anomalies == []


async def test_a_crash_during_the_call_leaves_the_created_payment_as_a_trace() -> None:
    world = World(FakeProvider(start_error=RuntimeError("connection reset in the adapter")))
    with pytest.raises(RuntimeError):
        await initiate(world, await an_order(world))
    [payment] = payments_of(world)
    assert payment.status is PaymentStatus.CREATED
    assert payment.provider_reference == f"ref_{payment.id}"


# -- the phone -------------------------------------------------------------------------------


async def test_the_phone_is_normalised() -> None:
    world = World()
    payment = await initiate(world, await an_order(world), phone="+221 77 123 45 67")
    assert stored_payment(world, payment.id).phone == "+221771234567"


async def test_the_phone_defaults_to_the_orders_customer() -> None:
    world = World()
    order = await an_order(world, customer=Customer(name="Awa", phone="+225 07 00 00 00 01"))
    payment = await initiate(world, order, phone=None)
    assert stored_payment(world, payment.id).phone == "+2250700000001"


async def test_a_phone_given_with_the_request_wins_over_the_customers() -> None:
    world = World()
    order = await an_order(world, customer=Customer(phone="+2250700000001"))
    payment = await initiate(world, order, phone=PHONE)
    assert stored_payment(world, payment.id).phone == PHONE


async def test_a_provider_that_does_not_push_to_a_phone_needs_none() -> None:
    world = World(FakeProvider(requires_phone=False))
    payment = await initiate(world, await an_order(world), phone=None)
    stored = stored_payment(world, payment.id)
    assert (stored.status, stored.phone) == (PaymentStatus.PENDING, None)


@pytest.mark.parametrize(
    ("phone", "error"), [(None, PhoneRequired), ("", PhoneRequired), ("77 123", InvalidPhone)]
)
async def test_a_missing_or_invalid_phone_stores_no_payment_and_calls_no_provider(
    phone: str | None, error: type[PaymentError]
) -> None:
    world, provider = observed_world()
    order = await an_order(world)
    with pytest.raises(error):
        await initiate(world, order, phone=phone)
    assert payments_of(world) == []
    assert provider.started == []


# -- the provider's answer -------------------------------------------------------------------


async def test_a_refusal_fails_the_payment_with_the_providers_code_and_message() -> None:
    refusal = ProviderRejected("payer_not_found", "No wallet for this number", {"code": "404"})
    world = World(FakeProvider(start_error=refusal))
    order = await an_order(world)
    payment = await initiate(world, order)
    stored = stored_payment(world, payment.id)
    assert stored.status is PaymentStatus.FAILED
    assert (stored.failure_code, stored.failure_message) == (
        "payer_not_found",
        "No wallet for this number",
    )
    [_, failed] = world.db.events_of(payment.id)
    assert failed.event.type == "payment.failed"
    assert failed.event.data == {"provider": {"code": "404"}}
    assert stored_order(world, order.id).status is OrderStatus.PENDING_PAYMENT
    assert world.log.change_types == ["payment.created", "payment.failed"]


async def test_a_timeout_leaves_the_payment_pending_never_failed() -> None:
    world = World(FakeProvider(start_error=ProviderUnavailable("read timeout")))
    payment = await initiate(world, await an_order(world))
    stored = stored_payment(world, payment.id)
    assert stored.status is PaymentStatus.PENDING
    assert stored.failure_code is None
    assert stored.provider_reference == f"ref_{payment.id}"
    assert event_types(world, payment.id) == ["payment.created", "payment.pending"]


async def test_a_webhook_settling_the_payment_during_the_call_is_not_undone() -> None:
    world, provider = observed_world()
    provider.meanwhile = lambda payment: succeed(world, payment)
    order = await an_order(world)
    payment = await initiate(world, order)
    assert stored_payment(world, payment.id).status is PaymentStatus.SUCCEEDED
    assert stored_order(world, order.id).paid_by == payment.id


async def test_a_refusal_after_a_confirmed_success_is_an_anomaly_that_changes_nothing() -> None:
    world, provider = observed_world(start_error=ProviderRejected("duplicate", "Already paid"))
    provider.meanwhile = lambda payment: succeed(world, payment)
    payment = await initiate(world, await an_order(world))
    stored = stored_payment(world, payment.id)
    assert (stored.status, stored.failure_code) == (PaymentStatus.SUCCEEDED, None)
    [anomaly] = world.log.anomalies  # the one tag of every refused report, with its source
    assert (anomaly.what, anomaly.detail["source"]) == ("illegal_transition", "api")
    assert anomaly.detail["code"] == "duplicate"
    assert "payment.failed" not in event_types(world, payment.id)


# -- when no payment may start ---------------------------------------------------------------


async def test_a_paid_order_is_not_payable() -> None:
    world = World()
    order = await an_order(world)
    await succeed(world, await initiate(world, order))
    with pytest.raises(OrderNotPayable):
        await initiate(world, order)
    assert len(payments_of(world)) == 1


async def test_a_cancelled_order_is_not_payable() -> None:
    world = World()
    order = await an_order(world)
    await CancelOrder(world.uow, world.clock)(STORE, order.id)
    with pytest.raises(OrderNotPayable):
        await initiate(world, order)
    assert payments_of(world) == []


async def test_a_second_attempt_while_one_is_pending_is_refused() -> None:
    world = World()
    order = await an_order(world)
    first = await initiate(world, order)
    with pytest.raises(PaymentInProgress):
        await initiate(world, order)
    assert [p.id for p in payments_of(world)] == [first.id]


async def test_a_second_attempt_while_one_is_created_is_refused() -> None:
    world = World(FakeProvider(start_error=RuntimeError("crash")))
    order = await an_order(world)
    with pytest.raises(RuntimeError):
        await initiate(world, order)
    world.provider.start_error = None
    with pytest.raises(PaymentInProgress):
        await initiate(world, order)
    assert [p.status for p in payments_of(world)] == [PaymentStatus.CREATED]


async def test_a_new_attempt_after_a_failed_one_is_allowed() -> None:
    world = World(FakeProvider(start_error=ProviderRejected("insufficient_funds", "Solde")))
    order = await an_order(world)
    await initiate(world, order)
    world.provider.start_error = None
    second = await initiate(world, order)
    assert [p.status for p in payments_of(world)] == [PaymentStatus.FAILED, PaymentStatus.PENDING]
    assert stored_payment(world, second.id).status is PaymentStatus.PENDING


async def test_a_new_attempt_after_an_expired_one_is_allowed() -> None:
    world = World()
    order = await an_order(world)
    await expire(world, await initiate(world, order))
    second = await initiate(world, order)
    assert stored_payment(world, second.id).status is PaymentStatus.PENDING


async def test_another_stores_order_is_not_found() -> None:
    world = World()
    order = await an_order(world, store_id=OTHER_STORE)
    command = InitiatePaymentCommand(STORE, order.id, "fake", PHONE)
    with pytest.raises(NotFound):
        await world.initiate()(command)
    assert payments_of(world) == []


async def test_an_unconfigured_provider_is_not_available() -> None:
    world = World()
    order = await an_order(world)
    with pytest.raises(ProviderNotAvailable):
        await world.initiate()(InitiatePaymentCommand(STORE, order.id, "wave", PHONE))
    assert payments_of(world) == []
