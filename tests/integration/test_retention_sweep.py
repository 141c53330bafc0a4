"""After the retention pass no API answer, page or table holds a customer's full number, name
or e-mail, nor the number or name of a payout's payee once the payout is settled and its
destination disabled: every text, JSON and byte column of every table is scanned (a fake
clock moves time past `PHONE_RETENTION_DAYS`). An active destination keeps its number (it is
needed to pay). Idempotency records, which hold whole answers, are deleted after their 24
hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool
from tests.fakes import FakeClock
from tests.integration.conftest import ADMIN, StoreKeys
from tests.integration.helpers import ORDER
from tests.integration.refunds.helpers import settle_now
from tests.integration.test_pages import sign_in

from adapters.postgres.phone_archive import PostgresPhoneArchive
from application.payments.mask_phones import MaskOldPhones

RETENTION = timedelta(days=90)
CUSTOMER = {"name": "Awa Koné", "phone": "+2250709998877", "email": "awa.kone@example.com"}
PAYER = "+2250700000004"  # the sandbox says it succeeded, and sends no callback
PAYEE = {"phone": "+2250701112233", "name": "Moussa Traoré"}  # paid out, then disabled
KEPT = {"phone": "+2250705556677", "name": "Fanta Diallo"}  # the active destination
#: What must be gone: the numbers as E.164, without `+`, and in national form; the customer;
#: the disabled destination's payee.
NEEDLES = [
    "+2250709998877", "2250709998877", "0709998877", "+2250700000004", "2250700000004",
    "0700000004", "awa.kone@example.com", "Awa Koné", "+2250701112233", "2250701112233",
    "0701112233", "Moussa Traoré",
]  # fmt: skip
COLUMNS = """
SELECT c.table_name, c.column_name, c.data_type
FROM information_schema.columns c
JOIN information_schema.tables t USING (table_schema, table_name)
WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
  AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'bytea', 'ARRAY')
ORDER BY 1, 2
"""


async def scan(
    pool: AsyncConnectionPool[Any], needles: list[str] = NEEDLES
) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every needle found in any text, JSON or byte column."""
    found = []
    async with pool.connection() as conn:
        columns = await (await conn.execute(COLUMNS)).fetchall()
        for table, column, kind in columns:
            value = f'"{column}"::text'
            needle_sql = "%s"
            if kind == "bytea":  # the raw bytes, whatever they hold
                value, needle_sql = f'"{column}"', "convert_to(%s, 'UTF8')"
            for needle in needles:
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


async def destination(client: AsyncTestClient[Any], store: StoreKeys, payee: dict[str, str]) -> str:
    """A sandbox destination for `payee`, approved by an operator (active at once)."""
    body = {"provider": "sandbox", **payee}
    added = await client.post("/api/v1/payout-destinations", json=body, headers=store.headers)
    assert added.status_code == 201, added.text
    approve = f"/api/v1/admin/payout-destinations/{added.json()['id']}/approve"
    assert (await client.post(approve, headers=ADMIN)).status_code == 200
    return str(added.json()["id"])


async def paid_out(client: AsyncTestClient[Any], store: StoreKeys, pool: Any) -> dict[str, Any]:
    """A payout to PAYEE, succeeded, whose destination was then disabled; KEPT stays active.
    A provider's payload naming the payee is in the payout's history."""
    old, kept = await destination(client, store, PAYEE), await destination(client, store, KEPT)
    body = {"amount": 1000, "currency": "XOF", "destination_id": old}
    made = await client.post("/api/v1/payouts", json=body, headers=store.headers)
    assert made.status_code == 201, made.text
    payout = made.json()
    await settle_now(pool, "sandbox_payouts", "payout_id", payout["id"])
    verified = await client.post(f"/api/v1/payouts/{payout['id']}/verify", headers=store.headers)
    assert verified.json()["status"] == "succeeded", verified.text
    gone = await client.delete(f"/api/v1/payout-destinations/{old}", headers=store.headers)
    assert gone.json()["status"] == "disabled", gone.text
    async with pool.connection() as conn:
        await conn.execute(
            "INSERT INTO payout_events (id, payout_id, type, source, data, created_at) "
            "VALUES ('evt_moussa', %s, 'payout.pending', 'verification', %s, now())",
            (payout["id"], Jsonb({"payee": {"partyId": "2250701112233"}})),
        )
    return {"payout": payout, "destinations": [old, kept]}


async def answers(client: AsyncTestClient[Any], store: StoreKeys, made: dict[str, Any]) -> str:
    """Everything the API and the vendor's pages show of the order and its payment."""
    order_id, payment_id = made["order"]["id"], made["payment"]["id"]
    payout_id = made["payout"]["id"]
    paths = [
        f"/api/v1/orders/{order_id}", "/api/v1/orders", f"/api/v1/payments/{payment_id}",
        "/api/v1/payments", f"/api/v1/payments/{payment_id}/events", "/api/v1/events",
        f"/api/v1/payouts/{payout_id}", "/api/v1/payouts", f"/api/v1/payouts/{payout_id}/events",
        "/api/v1/payout-destinations",
    ]  # fmt: skip
    texts = []
    for path in paths:
        answer = await client.get(path, headers=store.headers)
        assert answer.status_code == 200, path
        texts.append(answer.text)
    await sign_in(client, store)
    pages = ("/store/orders/", "/payments/", f"/payments/{payment_id}/", "/store/dashboard/",
             "/store/payouts")  # fmt: skip
    for page in pages:
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
    made |= await paid_out(client, store, pool)
    seen = await answers(client, store, made)
    assert CUSTOMER["phone"] in seen and CUSTOMER["email"] in seen  # the store's own data
    assert PAYEE["name"] in seen  # the store's own destination, while it lasts
    before = await scan(pool)
    for table in ("orders", "notifications", "idempotency_keys", "payments", "payouts",
                  "payout_destinations", "payout_events"):  # fmt: skip
        assert any(found[0] == table for found in before), (table, before)

    later = datetime.fromisoformat(made["order"]["created_at"]) + RETENTION + timedelta(hours=1)
    # one payment, one order, one payout, one disabled destination
    assert await sweep(pool, later)() == 4

    assert await scan(pool) == []
    # the active destination: its row, and the notice that it was added (the store's own view
    # of a destination it still pays to), until it is disabled
    kept = await scan(pool, [KEPT["phone"], KEPT["name"]])
    assert {(table, column) for table, column, _ in kept} == {
        ("payout_destinations", "phone"), ("payout_destinations", "name"),
        ("notifications", "body"),
    }  # fmt: skip
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
