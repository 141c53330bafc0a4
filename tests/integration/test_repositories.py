"""The Postgres repositories and unit of work against a real database."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool
from tests.builders import (
    NOW,
    CountdownIds,
    SequentialIds,
    make_detailed_order,
    make_order,
    make_payment,
    make_store,
)

from adapters.postgres.embedded import create_database, drop_database
from adapters.postgres.errors import ConcurrentUpdate
from adapters.postgres.migrate import MIGRATIONS_DIR, apply_migrations
from adapters.postgres.uow import PostgresUnitOfWork, PostgresUnitOfWorkFactory
from application.errors import DatabaseUnavailable
from application.payments.ports import DeliveryOutcome, OrderFilter, PaymentFilter, WebhookDelivery
from application.shared.ports import PageRequest, StoredResponse
from domain.events import Source
from domain.order import Order, OrderStatus
from domain.payment import NextAction, Payment, PaymentStatus
from domain.store import Store

pytestmark = pytest.mark.usefixtures("clean_db")


async def count(pool: AsyncConnectionPool[Any], table: str) -> int:
    async with pool.connection() as conn:
        cur = await conn.execute(f"SELECT count(*) FROM {table}")
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def seed(uow_factory: PostgresUnitOfWorkFactory, *objects: Store | Order | Payment) -> None:
    """Add stores, orders and payments (parents first) and commit."""
    async with uow_factory() as uow:
        for obj in objects:
            if isinstance(obj, Store):
                await uow.stores.add(obj)
            elif isinstance(obj, Order):
                await uow.orders.add(obj)
            else:
                await uow.payments.add(obj)
        await uow.commit()


# -- round trips ---------------------------------------------------------------------------


async def test_store_round_trip(uow_factory: PostgresUnitOfWorkFactory) -> None:
    store = make_store()
    await seed(uow_factory, store)

    async with uow_factory() as uow:
        assert await uow.stores.get(store.id) == store
        assert await uow.stores.by_api_key_hash(store.api_key_hash) == store
        assert await uow.stores.get("sto_missing") is None
        assert await uow.stores.replace_api_key(store.id, "new-hash", "sk_new") is True
        assert await uow.stores.replace_api_key("sto_missing", "other", "sk_x") is False
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.stores.by_api_key_hash(store.api_key_hash) is None
        replaced = await uow.stores.by_api_key_hash("new-hash")
    assert replaced is not None
    assert (replaced.id, replaced.api_key_prefix) == (store.id, "sk_new")


async def test_order_round_trip_keeps_customer_items_and_metadata(
    uow_factory: PostgresUnitOfWorkFactory,
) -> None:
    store = make_store()
    order = make_detailed_order(store)
    await seed(uow_factory, store, order)

    assert order.events == []
    async with uow_factory() as uow:
        loaded = await uow.orders.get(store.id, order.id)
    assert loaded == order
    assert loaded.customer is not None and loaded.customer.name == "Awa Diop"
    assert loaded.items[0].unit_amount == 2500


async def test_order_save_writes_changes_and_appends_events(
    uow_factory: PostgresUnitOfWorkFactory, pool: AsyncConnectionPool[Any]
) -> None:
    store = make_store()
    order = make_order(store)
    await seed(uow_factory, store, order)

    async with uow_factory() as uow:
        loaded = await uow.orders.get(store.id, order.id, for_update=True)
        assert loaded is not None
        loaded.mark_paid(NOW + timedelta(minutes=1), Source.WEBHOOK, "pay_1")
        await uow.orders.save(loaded)
        await uow.commit()
    assert loaded.version == 1 and loaded.events == []

    async with uow_factory() as uow:
        paid = await uow.orders.get(store.id, order.id)
    assert paid is not None
    assert (paid.status, paid.paid_by, paid.version) == (OrderStatus.PAID, "pay_1", 1)
    assert paid.paid_at == NOW + timedelta(minutes=1)
    assert await count(pool, "order_events") == 2


async def test_payment_round_trip_keeps_next_action_and_provider_data(
    uow_factory: PostgresUnitOfWorkFactory,
) -> None:
    store = make_store()
    order = make_order(store)
    payment = make_payment(order, phone="+221771234567")
    action = NextAction(type="redirect", url="https://pay.wave.example/c/1", message=None)
    payment.mark_pending(NOW, Source.API, reference="wave-ref-1", next_action=action)
    payment.provider_data = {"checkout_id": "cos-1"}
    await seed(uow_factory, store, order, payment)

    async with uow_factory() as uow:
        loaded = await uow.payments.get(payment.id)
    assert loaded == payment
    assert loaded.next_action == action
    assert loaded.provider_data == {"checkout_id": "cos-1"}
    assert loaded.status is PaymentStatus.PENDING


async def test_history_is_oldest_first_even_when_event_ids_do_not_sort(
    pool: AsyncConnectionPool[Any],
) -> None:
    uow_factory = PostgresUnitOfWorkFactory(pool, CountdownIds())
    store = make_store()
    order = make_order(store)
    payment = make_payment(order)
    payment.mark_pending(NOW, Source.API, reference="ref-1")
    await seed(uow_factory, store, order, payment)

    async with uow_factory() as uow:
        loaded = await uow.payments.get(payment.id, for_update=True)
        assert loaded is not None
        loaded.mark_succeeded(NOW + timedelta(seconds=5), Source.WEBHOOK, data={"raw": {"a": 1}})
        await uow.payments.save(loaded)
        await uow.commit()

    async with uow_factory() as uow:
        history = await uow.payments.history(payment.id)
    types = [recorded.event.type for recorded in history]
    assert types == ["payment.created", "payment.pending", "payment.succeeded"]
    assert all(recorded.id.startswith("evt_") for recorded in history)
    last = history[-1].event
    assert (last.from_status, last.to_status, last.source) == ("pending", "succeeded", "webhook")
    assert last.data == {"raw": {"a": 1}, "late": False}
    assert last.at == NOW + timedelta(seconds=5)


async def test_payments_of_an_order_oldest_first(uow_factory: PostgresUnitOfWorkFactory) -> None:
    store = make_store()
    order = make_order(store)
    first, second = make_payment(order), make_payment(order, provider="orange_money")
    await seed(uow_factory, store, order, first, second)

    async with uow_factory() as uow:
        payments = await uow.payments.for_order(order.id)
    assert [payment.id for payment in payments] == [first.id, second.id]


# -- lists and store isolation -------------------------------------------------------------


async def test_order_pages_newest_first_with_cursor(uow_factory: PostgresUnitOfWorkFactory) -> None:
    store, other = make_store(), make_store()
    orders = [make_order(store, reference=f"CMD-{n}") for n in range(5)]
    await seed(uow_factory, store, other, *orders, make_order(other))
    newest_first = [order.id for order in reversed(orders)]

    async with uow_factory() as uow:
        first = await uow.orders.search(store.id, OrderFilter(), PageRequest(limit=2))
        second = await uow.orders.search(
            store.id, OrderFilter(), PageRequest(limit=2, starting_after=first.next_cursor)
        )
        last = await uow.orders.search(
            store.id, OrderFilter(), PageRequest(limit=2, starting_after=second.next_cursor)
        )

    assert [o.id for o in first.data + second.data + last.data] == newest_first
    assert (first.has_more, second.has_more, last.has_more) == (True, True, False)
    assert last.next_cursor is None


async def test_order_search_filters(uow_factory: PostgresUnitOfWorkFactory) -> None:
    store = make_store()
    wanted, other = make_order(store, reference="A-1"), make_order(store, reference="B-2")
    other.cancel(NOW)
    await seed(uow_factory, store, wanted, other)

    async with uow_factory() as uow:
        by_reference = await uow.orders.search(
            store.id, OrderFilter(reference="A-1"), PageRequest()
        )
        cancelled = await uow.orders.search(
            store.id, OrderFilter(status=OrderStatus.CANCELLED), PageRequest()
        )
    assert [o.id for o in by_reference.data] == [wanted.id]
    assert [o.id for o in cancelled.data] == [other.id]


async def test_payment_search_filters_and_pages(uow_factory: PostgresUnitOfWorkFactory) -> None:
    store = make_store()
    order_a, order_b = make_order(store), make_order(store)
    wave = [make_payment(order_a) for _ in range(3)]
    orange = make_payment(order_b, provider="orange_money")
    orange.mark_pending(NOW, Source.API)
    await seed(uow_factory, store, order_a, order_b, *wave, orange)

    async with uow_factory() as uow:
        page = await uow.payments.search(store.id, PaymentFilter(provider="wave"), PageRequest(2))
        pending = await uow.payments.search(
            store.id, PaymentFilter(status=PaymentStatus.PENDING), PageRequest()
        )
        of_b = await uow.payments.search(
            store.id, PaymentFilter(order_id=order_b.id), PageRequest()
        )
    assert [p.id for p in page.data] == [wave[2].id, wave[1].id] and page.has_more
    assert [p.id for p in pending.data] == [orange.id]
    assert [p.id for p in of_b.data] == [orange.id] and not of_b.has_more


async def test_another_stores_ids_are_not_found(uow_factory: PostgresUnitOfWorkFactory) -> None:
    store, other = make_store(), make_store()
    order = make_order(store)
    payment = make_payment(order)
    await seed(uow_factory, store, other, order, payment)

    async with uow_factory() as uow:
        assert await uow.orders.get(other.id, order.id) is None
        assert await uow.payments.get_for_store(other.id, payment.id) is None
        assert await uow.payments.get_for_store(store.id, payment.id) is not None
        assert (await uow.orders.search(other.id, OrderFilter(), PageRequest())).data == []


# -- transactions --------------------------------------------------------------------------


async def test_leaving_without_commit_rolls_back(
    uow_factory: PostgresUnitOfWorkFactory, pool: AsyncConnectionPool[Any]
) -> None:
    store = make_store()
    async with uow_factory() as uow:
        await uow.stores.add(store)
        await uow.orders.add(make_order(store))

    assert await count(pool, "stores") == 0
    assert await count(pool, "order_events") == 0


async def test_an_exception_in_the_block_rolls_back(
    uow_factory: PostgresUnitOfWorkFactory, pool: AsyncConnectionPool[Any]
) -> None:
    store = make_store()
    with pytest.raises(RuntimeError, match="boom"):
        async with uow_factory() as uow:
            await uow.stores.add(store)
            raise RuntimeError("boom")

    assert await count(pool, "stores") == 0


@pytest.mark.parametrize("table", ["order_events", "payment_events"])
@pytest.mark.parametrize("statement", ["UPDATE {} SET type = 'forged'", "DELETE FROM {}"])
async def test_event_tables_are_append_only(
    uow_factory: PostgresUnitOfWorkFactory,
    pool: AsyncConnectionPool[Any],
    table: str,
    statement: str,
) -> None:
    store = make_store()
    order = make_order(store)
    await seed(uow_factory, store, order, make_payment(order))

    with pytest.raises(psycopg.errors.RestrictViolation, match="append-only"):
        async with pool.connection() as conn:
            await conn.execute(statement.format(table))
    assert await count(pool, table) == 1


async def test_locked_read_modify_write_serialises(
    uow_factory: PostgresUnitOfWorkFactory, pool: AsyncConnectionPool[Any]
) -> None:
    """Two transactions race on one payment: the second waits for the first's lock, then
    sees its change, so exactly one transition happens per step."""
    store = make_store()
    order = make_order(store)
    payment = make_payment(order)
    await seed(uow_factory, store, order, payment)
    first_holds_lock = asyncio.Event()

    async def advance(is_first: bool) -> PaymentStatus:
        if not is_first:
            await first_holds_lock.wait()
        async with uow_factory() as uow:
            current = await uow.payments.get(payment.id, for_update=True)
            assert current is not None
            seen = current.status
            if is_first:
                first_holds_lock.set()
                await asyncio.sleep(0.2)  # the other transaction now waits on the row lock
            if current.status is PaymentStatus.CREATED:
                current.mark_pending(NOW, Source.WEBHOOK)
            else:
                current.mark_succeeded(NOW, Source.RECONCILIATION)
            await uow.payments.save(current)
            await uow.commit()
        return seen

    seen = await asyncio.gather(advance(True), advance(False))

    assert list(seen) == [PaymentStatus.CREATED, PaymentStatus.PENDING]
    async with uow_factory() as uow:
        final = await uow.payments.get(payment.id)
        history = await uow.payments.history(payment.id)
    assert final is not None
    assert (final.status, final.version) == (PaymentStatus.SUCCEEDED, 2)
    assert [r.event.type for r in history] == [
        "payment.created",
        "payment.pending",
        "payment.succeeded",
    ]


async def test_saving_twice_in_one_transaction(uow_factory: PostgresUnitOfWorkFactory) -> None:
    store = make_store()
    order = make_order(store)
    payment = make_payment(order)
    await seed(uow_factory, store, order, payment)

    async with uow_factory() as uow:
        loaded = await uow.payments.get(payment.id, for_update=True)
        assert loaded is not None
        loaded.mark_pending(NOW, Source.API)
        await uow.payments.save(loaded)
        loaded.mark_failed(NOW, Source.WEBHOOK, code="insufficient_funds")
        await uow.payments.save(loaded)
        await uow.commit()

    async with uow_factory() as uow:
        final = await uow.payments.get(payment.id)
    assert final is not None
    assert (final.status, final.failure_code, final.version) == (
        PaymentStatus.FAILED,
        "insufficient_funds",
        2,
    )


async def test_saving_a_stale_copy_is_refused(uow_factory: PostgresUnitOfWorkFactory) -> None:
    store = make_store()
    order = make_order(store)
    await seed(uow_factory, store, order)

    async with uow_factory() as uow:
        stale = await uow.orders.get(store.id, order.id)
    async with uow_factory() as uow:
        fresh = await uow.orders.get(store.id, order.id)
        assert fresh is not None
        fresh.cancel(NOW)
        await uow.orders.save(fresh)
        await uow.commit()

    assert stale is not None
    stale.expire(NOW)
    with pytest.raises(ConcurrentUpdate):  # refused by the server, seen at commit at the latest
        async with uow_factory() as uow:
            await uow.orders.save(stale)
            await uow.commit()
    async with uow_factory(read_only=True) as uow:
        kept = await uow.orders.get(store.id, order.id)
    assert kept is not None and kept.status is OrderStatus.CANCELLED and kept.version == 1


async def test_unreachable_database_is_database_unavailable() -> None:
    pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
        "postgresql://nobody@/nowhere?host=/nonexistent-socket-dir",
        min_size=1,
        timeout=0.5,
        open=False,
    )
    await pool.open()
    try:
        with pytest.raises(DatabaseUnavailable):
            async with PostgresUnitOfWork(pool, SequentialIds()):
                pass
    finally:
        await pool.close()


# -- webhook inbox and idempotency keys ----------------------------------------------------


async def test_webhook_inbox_ignores_a_delivery_seen_before(
    uow_factory: PostgresUnitOfWorkFactory, pool: AsyncConnectionPool[Any]
) -> None:
    delivery = WebhookDelivery(
        provider="wave",
        event_id="EV-1",
        payment_id=None,
        body=b'{"type":"checkout.session.completed","x":"\xff"}',
        headers={"wave-signature": "t=1,v1=abc"},
    )
    async with uow_factory() as uow:
        delivery_id = await uow.webhooks.record(delivery, NOW)
        assert delivery_id is not None and delivery_id.startswith("whd_")
        assert await uow.webhooks.record(delivery, NOW + timedelta(seconds=1)) is None
        applied, succeeded = DeliveryOutcome.APPLIED, PaymentStatus.SUCCEEDED
        await uow.webhooks.mark_processed(
            delivery_id, NOW + timedelta(seconds=2), applied, succeeded
        )
        await uow.commit()

    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT body, headers, processed_at, outcome, attempts FROM webhook_deliveries"
        )
        rows = await cur.fetchall()
    assert rows == [
        (delivery.body, dict(delivery.headers), NOW + timedelta(seconds=2), "applied:succeeded", 1)
    ]


async def test_webhook_inbox_stores_a_delivery_and_reads_its_payment_in_one_statement(
    uow_factory: PostgresUnitOfWorkFactory,
) -> None:
    """`record_and_read`: a new delivery with the payment it names (as `with_order` reads
    it); a delivery seen before, nothing (and no read); an unknown payment, the delivery alone."""
    store = make_store()
    order = make_order(store)
    payment = make_payment(order)
    payment.mark_pending(NOW, Source.API, reference="wave-ref-1")
    await seed(uow_factory, store, order, payment)

    def delivery(event_id: str, payment_id: str) -> WebhookDelivery:
        return WebhookDelivery("wave", event_id, payment_id, b"{}", {"wave-signature": "x"})

    async with uow_factory(autocommit=True) as uow:
        delivery_id, found = await uow.webhooks.record_and_read(delivery("EV-1", payment.id), NOW)
        assert delivery_id is not None and delivery_id.startswith("whd_")
        assert found == await uow.payments.with_order(payment.id)
        assert found is not None and found[0] == payment and found[1] == order
        again = await uow.webhooks.record_and_read(delivery("EV-1", payment.id), NOW)
        assert again == (None, None)
        other_id, nothing = await uow.webhooks.record_and_read(delivery("EV-2", "pay_NONE"), NOW)
        assert other_id is not None and nothing is None


async def test_idempotency_claim_complete_replay(uow_factory: PostgresUnitOfWorkFactory) -> None:
    store = make_store()
    await seed(uow_factory, store)

    async with uow_factory() as uow:
        assert await uow.idempotency.claim(store.id, "key-1", "hash-a", NOW) is None
        await uow.commit()
    async with uow_factory() as uow:
        in_flight = await uow.idempotency.claim(store.id, "key-1", "hash-a", NOW)
        await uow.idempotency.complete(store.id, "key-1", StoredResponse(201, b'{"id":"ord_1"}'))
        await uow.commit()
    async with uow_factory() as uow:
        replay = await uow.idempotency.claim(store.id, "key-1", "hash-b", NOW)
        await uow.idempotency.release(store.id, "key-1")  # completed keys are kept
        again = await uow.idempotency.claim(store.id, "key-1", "hash-b", NOW)

    assert in_flight is not None and in_flight.response is None
    assert replay is not None and replay.request_hash == "hash-a"
    assert replay.response == StoredResponse(201, b'{"id":"ord_1"}')
    assert replay.created_at == NOW
    assert again == replay


async def test_idempotency_release_frees_the_key(uow_factory: PostgresUnitOfWorkFactory) -> None:
    store = make_store()
    await seed(uow_factory, store)

    async with uow_factory() as uow:
        await uow.idempotency.claim(store.id, "key-1", "hash-a", NOW)
        await uow.idempotency.release(store.id, "key-1")
        assert await uow.idempotency.claim(store.id, "key-1", "hash-a", NOW) is None


async def test_idempotency_keys_expire_after_24_hours(
    uow_factory: PostgresUnitOfWorkFactory,
) -> None:
    store = make_store()
    await seed(uow_factory, store)
    later = NOW + timedelta(hours=24, seconds=1)

    async with uow_factory() as uow:
        await uow.idempotency.claim(store.id, "key-1", "hash-a", NOW)
        await uow.idempotency.complete(store.id, "key-1", StoredResponse(201, b"{}"))
        still_there = await uow.idempotency.claim(
            store.id, "key-1", "hash-b", NOW + timedelta(hours=23)
        )
        expired = await uow.idempotency.claim(store.id, "key-1", "hash-b", later)
        reclaimed = await uow.idempotency.claim(store.id, "key-1", "hash-c", later)

    assert still_there is not None and still_there.request_hash == "hash-a"
    assert expired is None
    assert reclaimed is not None
    assert (reclaimed.request_hash, reclaimed.response, reclaimed.created_at) == (
        "hash-b",
        None,
        later,
    )


# -- migrations ----------------------------------------------------------------------------


ALL_MIGRATIONS = sorted(
    path.name.split(".")[0]
    for path in MIGRATIONS_DIR.iterdir()
    if path.suffix in (".sql", ".py") and ".rollback." not in path.name
)


def test_apply_migrations_twice_applies_nothing_the_second_time(database_url: str) -> None:
    assert apply_migrations(database_url) == []


async def test_concurrent_apply_migrations_apply_once(database_url: str) -> None:
    name = f"test_migrate_{uuid.uuid4().hex[:12]}"
    url = create_database(database_url, name)
    try:
        results = await asyncio.gather(
            asyncio.to_thread(apply_migrations, url), asyncio.to_thread(apply_migrations, url)
        )
    finally:
        drop_database(database_url, name)
    assert sorted(results) == [[], ALL_MIGRATIONS]
