"""Several payouts asked at once never take more than the store's balance: its balance is
locked while a payout is written (without the lock, each would read the same balance)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from tests.builders import SequentialIds, make_store
from tests.fakes import FakeClock
from tests.payout_doubles import FakePayoutGateways

from adapters.postgres.uow import PostgresUnitOfWorkFactory
from application.payouts.create_payout import CreatePayout, CreatePayoutCommand
from application.payouts.settle import SettlePayout
from domain.ledger import adjustment
from domain.money import Money
from domain.payout import InsufficientBalance
from domain.payout_destination import PayoutDestination

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


async def a_store_holding(uow_factory: PostgresUnitOfWorkFactory, amount: int) -> tuple[str, str]:
    store = make_store()
    destination = PayoutDestination(
        id="pdst_1", store_id=store.id, provider="sandbox", phone="+2250700000001", name=None,
        country="CI", created_at=NOW, active_from=NOW,
    )  # fmt: skip
    async with uow_factory() as uow:
        await uow.stores.add(store)
        await uow.ledger.record(adjustment("adj_1", store.id, Money.of(amount, "XOF"), NOW))
        await uow.payout_destinations.add(destination)
        await uow.commit()
    return store.id, destination.id


async def test_concurrent_payouts_never_overdraw(uow_factory: PostgresUnitOfWorkFactory) -> None:
    store_id, destination_id = await a_store_holding(uow_factory, 10000)
    clock = FakeClock(NOW)
    create = CreatePayout(
        uow_factory, FakePayoutGateways(), SequentialIds(), clock, SettlePayout(uow_factory, clock)
    )
    command = CreatePayoutCommand(store_id, Money.of(3000, "XOF"), destination_id)
    results = await asyncio.gather(*(create(command) for _ in range(8)), return_exceptions=True)
    made = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, InsufficientBalance)]
    assert (len(made), len(refused)) == (3, 5), results
    async with uow_factory(read_only=True) as uow:
        [line] = await uow.ledger.balances(store_id, None)
    assert line.available == 1000
