"""The ledger's tables in Postgres: append-only whoever asks, and a movement that does not
sum to zero is refused when its transaction commits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool
from tests.builders import make_store

from adapters.postgres.uow import PostgresUnitOfWorkFactory
from domain.ledger import Account, Entry, EntryType, Movement, adjustment
from domain.money import Currency, Money

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


async def a_store_with_an_adjustment(uow_factory: PostgresUnitOfWorkFactory) -> str:
    store = make_store()
    async with uow_factory() as uow:
        await uow.stores.add(store)
        assert await uow.ledger.record(adjustment("adj_1", store.id, Money(700, Currency.XOF), NOW))
        await uow.commit()
    return store.id


async def test_entries_cannot_be_changed_deleted_or_truncated(
    uow_factory: PostgresUnitOfWorkFactory, pool: AsyncConnectionPool[Any]
) -> None:
    await a_store_with_an_adjustment(uow_factory)
    for statement in (
        "UPDATE ledger_entries SET amount = amount * 2",
        "DELETE FROM ledger_entries",
        "TRUNCATE ledger_entries CASCADE",
        "UPDATE ledger_transactions SET key = 'x'",
        "DELETE FROM ledger_transactions",
    ):
        async with pool.connection() as conn:
            with pytest.raises(psycopg.errors.RestrictViolation):
                await conn.execute(statement)
    async with pool.connection() as conn:
        rows = await (await conn.execute("SELECT sum(abs(amount)) FROM ledger_entries")).fetchone()
    assert rows is not None and rows[0] == 1400


async def test_a_cause_is_booked_once(uow_factory: PostgresUnitOfWorkFactory) -> None:
    store_id = await a_store_with_an_adjustment(uow_factory)
    async with uow_factory() as uow:
        again = adjustment("adj_1", store_id, Money(700, Currency.XOF), NOW)
        assert await uow.ledger.record(again) is False
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        [line] = await uow.ledger.balances(store_id, None)
    assert (line.available, line.pending) == (700, 0)


async def test_an_unbalanced_movement_is_refused_at_commit(
    uow_factory: PostgresUnitOfWorkFactory,
) -> None:
    store_id = await a_store_with_an_adjustment(uow_factory)
    lopsided = (
        Entry(account=Account.STORE, type=EntryType.ADJUSTMENT, amount=Money(5, Currency.XOF),
              store_id=store_id),
        Entry(account=Account.PLATFORM, type=EntryType.ADJUSTMENT,
              amount=Money(-5, Currency.XOF)),
    )  # fmt: skip
    movement = Movement("adjustment:adj_2", NOW, lopsided)
    object.__setattr__(movement, "entries", (lopsided[0],))  # past the domain's own check
    with pytest.raises(psycopg.errors.CheckViolation):
        async with uow_factory() as uow:
            await uow.ledger.record(movement)
            await uow.commit()


async def test_an_entry_unbalancing_an_old_movement_is_refused(
    uow_factory: PostgresUnitOfWorkFactory, pool: AsyncConnectionPool[Any]
) -> None:
    """The check sums what each statement adds to each movement: an old movement, balanced,
    stays balanced only if what is added to it sums to zero (migration 0022)."""
    store_id = await a_store_with_an_adjustment(uow_factory)
    async with pool.connection() as conn:
        row = await (await conn.execute("SELECT transaction_id FROM ledger_entries")).fetchone()
        assert row is not None
        with pytest.raises(psycopg.errors.CheckViolation):
            await conn.execute(
                "INSERT INTO ledger_entries (id, transaction_id, account, store_id, type, amount,"
                " currency, created_at) VALUES ('le_x', %s, 'store', %s, 'adjustment', 1, 'XOF',"
                " now())",
                (row[0], store_id),
            )
        await conn.rollback()
        balanced = await conn.execute(
            "INSERT INTO ledger_entries (id, transaction_id, account, store_id, type, amount,"
            " currency, created_at) VALUES ('le_y', %(tx)s, 'store', %(store)s, 'adjustment', 3,"
            " 'XOF', now()), ('le_z', %(tx)s, 'platform', NULL, 'adjustment', -3, 'XOF', now())",
            {"tx": row[0], "store": store_id},
        )
        assert balanced.rowcount == 2
