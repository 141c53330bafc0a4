"""After the retention pass no API answer, page or table holds a customer's full number, name
or e-mail: every text, JSON and byte column of every table is scanned (a fake clock moves
time past `PHONE_RETENTION_DAYS`). Idempotency records, which hold whole answers, are deleted
after their 24 hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool
from tests.fakes import FakeClock
from tests.integration.conftest import StoreKeys
from tests.integration.helpers import ORDER
from tests.integration.refunds.helpers import settle_now
from tests.integration.test_pages import sign_in

from adapters.postgres.phone_archive import PostgresPhoneArchive
from application.payments.mask_phones import MaskOldPhones

RETENTION = timedelta(days=90)
CUSTOMER = {"name": "Awa Koné", "phone": "+2250709998877", "email": "awa.kone@example.com"}
PAYER = "+2250700000004"  # the sandbox says it succeeded, and sends no callback
#: What must be gone: both numbers as E.164, without `+`, and in national form; the customer.
NEEDLES = [
    "+2250709998877", "2250709998877", "0709998877", "+2250700000004", "2250700000004",
    "0700000004", "awa.kone@example.com", "Awa Koné",
]  # fmt: skip
COLUMNS = """
SELECT c.table_name, c.column_name, c.data_type
FROM information_schema.columns c
JOIN information_schema.tables t USING (table_schema, table_name)
WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
  AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'bytea', 'ARRAY')
ORDER BY 1, 2
"""


async def scan(pool: AsyncConnectionPool[Any]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every needle found in any text, JSON or byte column."""
    found = []
    async with pool.connection() as conn:
        columns = await (await conn.execute(COLUMNS)).fetchall()
        for table, column, kind in columns:
            value = f'"{column}"::text'
            needle_sql = "%s"
            if kind == "bytea":  # the raw bytes, whatever they hold
                value, needle_sql = f'"{column}"', "convert_to(%s, 'UTF8')"
            for needle in NEEDLES:
                where = f"position({needle_sql} in {value}) > 0"
                query = f'SELECT 1 FROM "{table}" WHERE {where} LIMIT 1'
                if await (await conn.execute(query, (needle,))).fetchone():
                    found.append((table, column, needle))
    return found


async def paid_order(client: AsyncTestClient[Any], store: StoreKeys, pool: Any) -> dict[str, Any]:
    """An order with a customer, created with an Idempotency-Key, paid by PAYER."""
    body = {**ORDER, "country": "CI", "customer": CUSTOMER}
    headers = {**store.headers, "Idempotency-Key": "order-awa-1"}
    order = (await client.post("/api/v1/orders", json=body, headers=headers)).json()
    started = await client.post(
        f"/api/v1/orders/{order['id']}/payments",
        json={"provider": "sandbox", "phone": PAYER},
        headers={**store.headers, "Idempotency-Key": "pay-awa-1"},
    )
    payment = started.json()
    await settle_now(pool, "sandbox_transactions", "payment_id", payment["id"])
    verified = await client.post(f"/api/v1/payments/{payment['id']}/verify", headers=store.headers)
    assert verified.json()["status"] == "succeeded", verified.text
    async with pool.connection() as conn:  # what a real provider leaves: a callback, an event
        await conn.execute(
            "INSERT INTO webhook_deliveries (id, provider, event_id, payment_id, body, received_at)"
            " VALUES ('whd_awa', 'mtn', 'e-awa', %s, %s, now())",
            (payment["id"], b'{"payer": {"partyId": "2250700000004"}}'),
        )
        await conn.execute(
            "INSERT INTO payment_events (id, payment_id, type, source, data, created_at) "
            "VALUES ('evt_awa', %s, 'payment.pending', 'webhook', %s, now())",
            (payment["id"], Jsonb({"payer": {"partyId": "2250700000004"}})),
        )
    return {"order": order, "payment": payment}


async def answers(client: AsyncTestClient[Any], store: StoreKeys, made: dict[str, Any]) -> str:
    """Everything the API and the vendor's pages show of the order and its payment."""
    order_id, payment_id = made["order"]["id"], made["payment"]["id"]
    paths = [
        f"/api/v1/orders/{order_id}", "/api/v1/orders", f"/api/v1/payments/{payment_id}",
        "/api/v1/payments", f"/api/v1/payments/{payment_id}/events", "/api/v1/events",
    ]  # fmt: skip
    texts = [(await client.get(path, headers=store.headers)).text for path in paths]
    await sign_in(client, store)
    for page in ("/store/orders/", "/payments/", f"/payments/{payment_id}/", "/store/dashboard/"):
        answer = await client.get(page)
        assert answer.status_code == 200, page
        texts.append(answer.text)
    client.cookies.clear()
    return "\n".join(texts)


def sweep(pool: AsyncConnectionPool[Any], now: datetime) -> MaskOldPhones:
    return MaskOldPhones(PostgresPhoneArchive(pool), FakeClock(now), RETENTION, batch=1)


@pytest.mark.usefixtures("clean_db")
async def test_no_table_answer_or_page_holds_personal_data_after_the_pass(
    client: AsyncTestClient[Any], store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    made = await paid_order(client, store, pool)
    seen = await answers(client, store, made)
    assert CUSTOMER["phone"] in seen and CUSTOMER["email"] in seen  # the store's own data
    before = await scan(pool)
    for table in ("orders", "notifications", "idempotency_keys", "payments"):
        assert any(found[0] == table for found in before), (table, before)

    later = datetime.fromisoformat(made["order"]["created_at"]) + RETENTION + timedelta(hours=1)
    assert await sweep(pool, later)() == 2  # one payment, one order

    assert await scan(pool) == []
    shown = await answers(client, store, made)
    assert [needle for needle in NEEDLES if needle in shown] == []
    order = await client.get(f"/api/v1/orders/{made['order']['id']}", headers=store.headers)
    assert order.json()["customer"] == {
        "name": "A•• K•••", "phone": "+225 07 •• •• •• 77", "email": "a•••••••@example.com"
    }  # fmt: skip
    events = (await client.get("/api/v1/events", headers=store.headers)).json()["data"]
    assert len(events) >= 2  # the notifications stay, masked
    assert await sweep(pool, later + RETENTION)() == 0  # done once


@pytest.mark.usefixtures("clean_db")
async def test_idempotency_records_are_deleted_after_24_hours(
    client: AsyncTestClient[Any], store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    headers = {**store.headers, "Idempotency-Key": "order-kept"}
    created = await client.post("/api/v1/orders", json=ORDER, headers=headers)
    at = datetime.fromisoformat(created.json()["created_at"])

    async def records() -> int:
        async with pool.connection() as conn:
            row = await (await conn.execute("SELECT count(*) FROM idempotency_keys")).fetchone()
        assert row is not None
        return int(row[0])

    await sweep(pool, at + timedelta(hours=23))()
    assert await records() == 1
    replayed = await client.post("/api/v1/orders", json=ORDER, headers=headers)
    assert replayed.headers.get("Idempotent-Replayed") == "true"
    await sweep(pool, at + timedelta(hours=25))()
    assert await records() == 0
