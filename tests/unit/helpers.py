"""One in-memory world for the use-case tests, and builders that arrange it through the use
cases themselves (or, where no use case exists yet, through the aggregates' own methods)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.fakes import (
    FakeClock,
    FakePhoneNormalizer,
    FakeProvider,
    FakeRegistry,
    InMemoryDatabase,
    InMemoryUnitOfWorkFactory,
    RecordingPaymentLog,
    SequentialIds,
)

from application.event_handlers import event_handlers
from application.payments.initiate_payment import InitiatePayment, InitiatePaymentCommand
from application.payments.orders import CreateOrder, CreateOrderCommand
from application.payments.settlement import PaymentSettlement, PaymentSettles
from application.payments.verify_payment import VerifyPayment
from application.refunds.settlement import RefundSettlement, RefundSettles
from application.shared.settlement import Settlement
from domain.events import Source
from domain.money import Money
from domain.order import Customer, Order, OrderItem
from domain.payment import Payment
from domain.provider_report import ProviderReport, ReportedStatus

STORE = "str_0001"
OTHER_STORE = "str_0002"
PHONE = "+221771234567"


@dataclass
class World:
    """The unit of work runs the application's dispatch table with the recording log as its
    after-commit log, so tests see the notifications and the log lines every change makes."""

    provider: FakeProvider = field(default_factory=FakeProvider)
    clock: FakeClock = field(default_factory=FakeClock)
    ids: SequentialIds = field(default_factory=SequentialIds)
    log: RecordingPaymentLog = field(default_factory=RecordingPaymentLog)
    uow: InMemoryUnitOfWorkFactory = field(init=False)

    def __post_init__(self) -> None:
        self.uow = InMemoryUnitOfWorkFactory(handlers=event_handlers(log=self.log))

    @property
    def db(self) -> InMemoryDatabase:
        return self.uow.database

    @property
    def registry(self) -> FakeRegistry:
        return FakeRegistry(self.provider)

    def initiate(self) -> InitiatePayment:
        return InitiatePayment(
            uow=self.uow,
            providers=self.registry,
            phones=FakePhoneNormalizer(),
            ids=self.ids,
            clock=self.clock,
            settle=self.settle(),
        )

    def settle(self) -> PaymentSettlement:
        return PaymentSettlement(
            uow=self.uow, settles=PaymentSettles(self.registry), clock=self.clock, log=self.log
        )

    def settle_refund(self) -> RefundSettlement:
        settles = RefundSettles(self.uow, self.registry)
        return Settlement(uow=self.uow, settles=settles, clock=self.clock, log=self.log)

    async def apply(self, payment_id: str, report: ProviderReport, source: Source) -> Payment:
        """A confirmed report applied through the settlement template."""
        return (await self.settle().apply(payment_id, report, source)).subject

    def verify(self) -> VerifyPayment:
        return VerifyPayment(settle=self.settle())


# -- arranging -------------------------------------------------------------------------------


async def an_order(
    world: World,
    *,
    store_id: str = STORE,
    amount: int = 5000,
    currency: str = "XOF",
    customer: Customer | None = None,
    items: tuple[OrderItem, ...] = (),
    country: str | None = "SN",
) -> Order:
    command = CreateOrderCommand(
        store_id=store_id,
        reference="CMD-1",
        amount=amount,
        currency=currency,
        customer=customer,
        items=items,
        country=country,
    )
    return await CreateOrder(world.uow, world.ids, world.clock)(command)


async def a_payment(world: World, order: Order, phone: str | None = PHONE) -> Payment:
    """A payment the provider accepted: `pending`."""
    command = InitiatePaymentCommand(order.store_id, order.id, world.provider.name, phone)
    return await world.initiate()(command)


async def succeed(world: World, payment: Payment) -> Payment:
    return await world.apply(payment.id, succeeded(), Source.WEBHOOK)


async def expire(world: World, payment: Payment) -> Payment:
    """Our own time-to-live decision (no use case for it yet: the aggregate's method)."""
    async with world.uow() as uow:
        stored = await uow.payments.get(payment.id, for_update=True)
        assert stored is not None
        stored.expire(world.clock.now())
        await uow.payments.save(stored)
        await uow.commit()
    return stored


# -- provider answers ------------------------------------------------------------------------


def succeeded(amount: int = 5000, currency: str = "XOF") -> ProviderReport:
    return ProviderReport(
        ReportedStatus.SUCCEEDED, amount=Money.of(amount, currency), raw={"status": "SUCCESS"}
    )


def failed(code: str = "insufficient_funds") -> ProviderReport:
    return ProviderReport(ReportedStatus.FAILED, failure_code=code, raw={"status": "FAILED"})


PENDING = ProviderReport(ReportedStatus.PENDING, raw={"status": "PENDING"})


# -- reading the committed state -------------------------------------------------------------


def committed(world: World, table: str, row_id: str) -> Any:
    """The row as committed (a copy), or None."""
    return next((row for row in world.db.rows(table) if row.id == row_id), None)


def stored_payment(world: World, payment_id: str) -> Payment:
    payment: Payment = committed(world, "payments", payment_id)
    return payment


def stored_order(world: World, order_id: str) -> Order:
    order: Order = committed(world, "orders", order_id)
    return order


def event_types(world: World, subject_id: str) -> list[str]:
    return [recorded.event.type for recorded in world.db.events_of(subject_id)]
