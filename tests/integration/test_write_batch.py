"""The writes of a transaction leave as one statement (adapters/postgres/batch.py), and mean
what they meant one by one: order kept, a read sees the writes before it, a stale version
still fails the whole transaction, a row written twice keeps the second write, nothing is
written when the transaction is abandoned."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool
from tests.builders import NOW, SequentialIds, make_order, make_payment, make_store

from adapters.postgres import batch
from adapters.postgres.errors import ConcurrentUpdate
from adapters.postgres.pool import close_pool, open_pool
from adapters.postgres.uow import PostgresUnitOfWorkFactory
from domain.events import Source
from domain.payment import Payment, PaymentStatus

pytestmark = pytest.mark.usefixtures("clean_db")


async def _seeded(uow_factory: PostgresUnitOfWorkFactory) -> tuple[str, str, str]:
    store = make_store()
    order = make_order(store)
    payment = make_payment(order)
    async with uow_factory() as uow:
        await uow.stores.add(store)
        await uow.orders.add(order)
        await uow.payments.add(payment)
        await uow.commit()
    return store.id, order.id, payment.id


async def _stored(uow_factory: PostgresUnitOfWorkFactory, payment_id: str) -> Payment:
    async with uow_factory(read_only=True) as uow:
        payment = await uow.payments.get(payment_id)
    assert payment is not None
    return payment


async def _saved_pending(uow: Any, payment_id: str, reference: str) -> Payment:
    """The payment locked, made `pending` with `reference` and saved (queued) in `uow`."""
    payment = await uow.payments.get(payment_id, for_update=True)
    assert payment is not None
    payment.mark_pending(NOW, Source.API, reference=reference)
    await uow.payments.save(payment)
    return payment


async def test_a_settlements_writes_leave_as_one_statement(
    uow_factory: PostgresUnitOfWorkFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, payment_id = await _seeded(uow_factory)
    sent: list[str] = []
    original = batch.WriteBatch.take

    def take(self: batch.WriteBatch) -> tuple[str, dict[str, Any]] | None:
        taken = original(self)
        if taken is not None:
            sent.append(taken[0])
        return taken

    monkeypatch.setattr(batch.WriteBatch, "take", take)
    async with uow_factory() as uow:
        found = await uow.payments.lock_with_order(payment_id)
        assert found is not None
        payment, order, _ = found
        payment.mark_pending(NOW, Source.API, reference="ref-1")
        payment.mark_succeeded(NOW, Source.WEBHOOK)
        order.mark_paid(NOW, Source.WEBHOOK, payment.id)
        await uow.payments.save(payment)
        await uow.orders.save(order)
        await uow.commit()  # + the notifications and the ledger's movement (the dispatch)
    assert len(sent) == 1, sent
    for table in ("payments", "orders", "payment_events", "order_events", "notifications"):
        assert f"UPDATE {table}" in sent[0] or f"INSERT INTO {table}" in sent[0], table
    assert "ledger_entries" in sent[0]
    stored = await _stored(uow_factory, payment_id)
    assert stored.status is PaymentStatus.SUCCEEDED and stored.fee is not None


async def test_events_written_together_keep_their_order(
    uow_factory: PostgresUnitOfWorkFactory,
) -> None:
    _, _, payment_id = await _seeded(uow_factory)
    async with uow_factory() as uow:
        payment = await uow.payments.get(payment_id, for_update=True)
        assert payment is not None
        payment.mark_pending(NOW, Source.API, reference="ref-1")
        payment.mark_succeeded(NOW, Source.WEBHOOK)
        await uow.payments.save(payment)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        history = [r.event.type for r in await uow.payments.history(payment_id)]
    assert history[-2:] == ["payment.pending", "payment.succeeded"]


async def test_a_read_sees_the_writes_queued_before_it(
    uow_factory: PostgresUnitOfWorkFactory,
) -> None:
    _, _, payment_id = await _seeded(uow_factory)
    async with uow_factory() as uow:
        await _saved_pending(uow, payment_id, "seen-by-the-read")
        again = await uow.payments.get(payment_id)
        assert again is not None and again.provider_reference == "seen-by-the-read"
        await uow.commit()


async def test_a_row_saved_twice_keeps_the_second_write(
    uow_factory: PostgresUnitOfWorkFactory,
) -> None:
    _, _, payment_id = await _seeded(uow_factory)
    async with uow_factory() as uow:
        payment = await _saved_pending(uow, payment_id, "first")
        payment.provider_reference = "second"
        await uow.payments.save(payment)  # same row: the first write leaves before it
        await uow.commit()
    stored = await _stored(uow_factory, payment_id)
    assert (stored.provider_reference, stored.version) == ("second", payment.version)


async def test_a_stale_version_still_fails_the_whole_transaction(
    uow_factory: PostgresUnitOfWorkFactory, pool: AsyncConnectionPool[Any]
) -> None:
    store_id, order_id, payment_id = await _seeded(uow_factory)
    async with uow_factory(read_only=True) as uow:
        payment = await uow.payments.get(payment_id)
        order = await uow.orders.get(store_id, order_id)
    assert payment is not None and order is not None
    async with pool.connection() as conn:  # someone else wrote the payment meanwhile
        await conn.execute("UPDATE payments SET version = version + 1 WHERE id = %s", (payment_id,))
    order.description = "queued with the stale write"
    payment.mark_pending(NOW, Source.API, reference="stale")
    with pytest.raises(ConcurrentUpdate):
        async with uow_factory() as uow:
            await uow.orders.save(order)
            await uow.payments.save(payment)
            await uow.commit()
    stored = await _stored(uow_factory, payment_id)
    assert stored.provider_reference != "stale"
    async with uow_factory(read_only=True) as uow:
        unchanged = await uow.orders.get(store_id, order_id)
    assert unchanged is not None and unchanged.description != "queued with the stale write"


async def test_an_abandoned_transaction_writes_nothing(
    uow_factory: PostgresUnitOfWorkFactory,
) -> None:
    _, _, payment_id = await _seeded(uow_factory)
    async with uow_factory() as uow:
        payment = await uow.payments.get(payment_id, for_update=True)
        assert payment is not None
        payment.mark_pending(NOW, Source.API, reference="never")
        await uow.payments.save(payment)  # no commit
    stored = await _stored(uow_factory, payment_id)
    assert stored.provider_reference != "never" and stored.status is PaymentStatus.CREATED


async def test_an_abandoned_transaction_of_writes_only_writes_nothing(
    uow_factory: PostgresUnitOfWorkFactory,
) -> None:
    """No read opened the transaction; the first of two statements still opens it before
    leaving (BEGIN), so that statement is rolled back with the rest."""
    _, _, payment_id = await _seeded(uow_factory)
    payment = await _stored(uow_factory, payment_id)
    async with uow_factory() as uow:
        payment.mark_pending(NOW, Source.API, reference="first")
        await uow.payments.save(payment)
        payment.provider_reference = "second"
        await uow.payments.save(payment)  # same row: the first write leaves now
        # no commit
    stored = await _stored(uow_factory, payment_id)
    assert stored.status is PaymentStatus.CREATED and stored.provider_reference is None


async def test_a_transaction_of_writes_only_is_one_statement_and_commits(
    uow_factory: PostgresUnitOfWorkFactory,
    pool: AsyncConnectionPool[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nothing read, everything queued: neither BEGIN nor COMMIT is sent, and the one
    statement, a transaction of its own, is committed (seen from another connection)."""
    _, _, payment_id = await _seeded(uow_factory)
    payment = await _stored(uow_factory, payment_id)
    sent: list[Any] = []
    execute = psycopg.AsyncCursor.execute  # every statement goes through a cursor

    async def recorded(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(query)
        return await execute(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.AsyncCursor, "execute", recorded)
    async with uow_factory() as uow:
        payment.mark_pending(NOW, Source.API, reference="alone")
        await uow.payments.save(payment)
        await uow.commit()
    assert b"BEGIN" not in sent and b"COMMIT" not in sent, sent
    assert len(sent) == 1  # the payment and its event, one statement
    monkeypatch.undo()
    async with pool.connection() as other:
        cur = await other.execute(
            "SELECT provider_reference FROM payments WHERE id = %s", (payment_id,)
        )
        assert await cur.fetchone() == ("alone",)


async def _planned(pool: AsyncConnectionPool[Any], payment_id: str) -> tuple[Any, ...]:
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT next_check_at, check_attempts FROM payments WHERE id = %s", (payment_id,)
        )
        row = await cur.fetchone()
    assert row is not None
    return tuple(row)


async def test_a_check_planned_for_a_row_still_queued_is_written_by_its_insert(
    uow_factory: PostgresUnitOfWorkFactory,
    pool: AsyncConnectionPool[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A payment's start adds it and plans its first check in one transaction: the plan
    goes into the queued INSERT (one version of the row, no UPDATE statement)."""
    store = make_store()
    order = make_order(store)
    async with uow_factory() as uow:
        await uow.stores.add(store)
        await uow.orders.add(order)
        await uow.commit()
    payment = make_payment(order)
    sent: list[Any] = []
    execute = psycopg.AsyncCursor.execute

    async def recorded(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(query)
        return await execute(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.AsyncCursor, "execute", recorded)
    async with uow_factory() as uow:
        await uow.payments.add(payment)
        await uow.schedule.plan(payment.id, NOW, 3)
        await uow.commit()
    monkeypatch.undo()
    assert not any("UPDATE payments SET next_check_at" in str(q) for q in sent), sent
    assert await _planned(pool, payment.id) == (NOW, 3)


async def test_a_check_planned_after_a_later_write_of_the_row_is_an_update(
    uow_factory: PostgresUnitOfWorkFactory, pool: AsyncConnectionPool[Any]
) -> None:
    """The last queued write of the row is an UPDATE without the plan's columns: the plan
    is its own statement, after it, and both hold."""
    _, _, payment_id = await _seeded(uow_factory)
    async with uow_factory() as uow:
        await _saved_pending(uow, payment_id, "saved")
        await uow.schedule.plan(payment_id, NOW, 2)
        await uow.commit()
    assert await _planned(pool, payment_id) == (NOW, 2)
    assert (await _stored(uow_factory, payment_id)).provider_reference == "saved"


@pytest.mark.parametrize(
    "error",
    [psycopg.errors.CheckViolation("refused by a deferred check"), asyncio.CancelledError()],
    ids=["statement-error", "cancelled"],
)
async def test_a_transaction_failing_as_its_commit_is_queued_leaves_pipeline_mode(
    database_url: str, clean_db: None, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    """An error of a queued statement can surface while COMMIT is being queued, before the
    pipeline's end, and a task can be cancelled there: the connection still leaves pipeline
    mode, so the next user of the pool (here the same connection, the pool's only one) runs
    its own commands."""
    one = await open_pool(database_url, min_size=1, max_size=1)
    try:
        uow_factory = PostgresUnitOfWorkFactory(one, SequentialIds())
        _, _, payment_id = await _seeded(uow_factory)
        execute = psycopg.AsyncConnection.execute

        async def failing_commit(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            if query == b"COMMIT":
                raise error
            return await execute(self, query, *args, **kwargs)

        monkeypatch.setattr(psycopg.AsyncConnection, "execute", failing_commit)
        with pytest.raises(type(error)):
            async with uow_factory() as uow:
                await _saved_pending(uow, payment_id, "never")  # opens it
                await uow.commit()
        monkeypatch.undo()
        async with one.connection() as conn:
            assert conn.pgconn.pipeline_status == 0
            cur = await conn.execute(
                "SELECT provider_reference FROM payments WHERE id = %s", (payment_id,)
            )
            assert await cur.fetchone() == (None,)
    finally:
        await close_pool(one)
