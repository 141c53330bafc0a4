"""A world with money in a store's balance and a destination to pay it to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from tests.builders import make_store
from tests.fakes import FakePhoneNormalizer
from tests.payout_doubles import FakePayoutGateways
from tests.unit.helpers import STORE, World, a_payment, an_order, succeeded
from tests.unit.ledger_helpers import applying

from application.ledger.balance import BalanceQueries
from application.payouts.create_payout import CreatePayout, CreatePayoutCommand
from application.payouts.destinations import (
    AddDestination,
    AddDestinationCommand,
    ApproveDestination,
)
from application.payouts.follow import ReconcilePayouts, RecordPayout, VerifyPayout
from application.payouts.settle import SettlePayout
from domain.events import Source
from domain.money import Money
from domain.operator import Actor
from domain.payout import Payout
from domain.payout_destination import PayoutDestination

OPERATOR = Actor("op_1", "awa@ops")
PHONE_CI = "+2250700000001"


@dataclass
class PayoutWorld(World):
    gateways: FakePayoutGateways = field(default_factory=FakePayoutGateways)

    @property
    def settle_payout(self) -> SettlePayout:
        return SettlePayout(self.uow, self.clock)

    @property
    def create(self) -> CreatePayout:
        return CreatePayout(self.uow, self.gateways, self.ids, self.clock, self.settle_payout)

    @property
    def verify_payout(self) -> VerifyPayout:
        return VerifyPayout(self.uow, self.gateways, self.settle_payout)

    @property
    def reconcile(self) -> ReconcilePayouts:
        return ReconcilePayouts(self.uow, self.verify_payout, self.clock)

    @property
    def record(self) -> RecordPayout:
        return RecordPayout(self.uow, self.ids, self.clock)

    def add_destination(self, hold: timedelta = timedelta(hours=24)) -> AddDestination:
        phones = FakePhoneNormalizer()
        return AddDestination(self.uow, self.gateways, phones, self.ids, self.clock, hold)


async def a_store(world: World, store_id: str = STORE) -> None:
    async with world.uow() as uow:
        await uow.stores.add(make_store(id=store_id))
        await uow.commit()


async def a_sale(world: World, amount: int, store_id: str = STORE) -> None:
    payment = await a_payment(world, await an_order(world, store_id=store_id, amount=amount))
    await applying(world, 0)(payment.id, succeeded(amount), Source.WEBHOOK)


async def an_active_destination(
    world: PayoutWorld, provider: str = "sandbox", store_id: str = STORE
) -> PayoutDestination:
    added = await world.add_destination()(AddDestinationCommand(store_id, provider, PHONE_CI))
    return await ApproveDestination(world.uow, world.ids, world.clock)(added.id, OPERATOR)


async def a_payout(world: PayoutWorld, destination: PayoutDestination, amount: int) -> Payout:
    command = CreatePayoutCommand(destination.store_id, Money.of(amount, "XOF"), destination.id)
    return await world.create(command)


async def available(world: World, store_id: str = STORE) -> int:
    lines = await BalanceQueries(world.uow, world.clock).balances(store_id)
    return sum(line.available for line in lines)
