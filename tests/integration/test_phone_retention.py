"""Full phone numbers are masked once the retention period has passed (a fake clock moves
time): in the payment, its events and the callbacks stored for it; before that, nothing
changes; the events stay append-only for anything else."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import psycopg
import pytest
from litestar.testing import AsyncTestClient
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool
from tests.fakes import FakeClock
from tests.integration.conftest import StoreKeys
from tests.integration.helpers import ORDER

from adapters.postgres.phone_archive import PostgresPhoneArchive
from application.payments.mask_phones import MaskOldPhones

PHONE = "+2250700000099"  # the sandbox leaves it waiting on its page
RETENTION = timedelta(days=90)


async def start_payment(client: AsyncTestClient[Any], store: StoreKeys) -> dict[str, Any]:
    order = await client.post("/api/v1/orders", json=ORDER, headers=store.headers)
    path = f"/api/v1/orders/{order.json()['id']}/payments"
    payment = await client.post(
        path, json={"provider": "sandbox", "phone": PHONE}, headers=store.headers
    )
    assert payment.status_code == 201, payment.text
    body: dict[str, Any] = payment.json()
    return body


async def one(pool: AsyncConnectionPool[Any], query: str, *params: Any) -> Any:
    async with pool.connection() as conn:
        row = await (await conn.execute(query, params)).fetchone()
    assert row is not None
    return row[0]


async def store_provider_traces(pool: AsyncConnectionPool[Any], payment_id: str) -> None:
    """What a real provider leaves behind: the number in an event's payload and in a callback."""
    digits = PHONE.lstrip("+")
    async with pool.connection() as conn:
        await conn.execute(
            "INSERT INTO payment_events (id, payment_id, type, source, data, created_at) "
            "VALUES ('evt_trace', %s, 'payment.pending', 'webhook', %s, now())",
            (payment_id, Jsonb({"payer": {"partyId": digits}, "note": f"push to {PHONE}"})),
        )
        await conn.execute(
            "INSERT INTO webhook_deliveries "
            "(id, provider, event_id, payment_id, body, received_at) "
            "VALUES ('whd_trace', 'mtn', 'e1', %s, %s, now())",
            (payment_id, f'{{"payer": {{"partyId": "{digits}"}}}}'.encode()),
        )


def masking(pool: AsyncConnectionPool[Any], now: datetime) -> MaskOldPhones:
    return MaskOldPhones(PostgresPhoneArchive(pool), FakeClock(now), RETENTION, batch=1)


@pytest.mark.usefixtures("clean_db")
async def test_numbers_are_masked_after_the_retention_period(
    client: AsyncTestClient[Any], store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    payment = await start_payment(client, store)
    await store_provider_traces(pool, payment["id"])
    created = await one(pool, "SELECT created_at FROM payments WHERE id = %s", payment["id"])

    assert await masking(pool, created + RETENTION - timedelta(hours=1))() == 0
    assert await one(pool, "SELECT phone FROM payments WHERE id = %s", payment["id"]) == PHONE

    assert await masking(pool, created + RETENTION + timedelta(hours=1))() == 1
    stored = await one(pool, "SELECT phone FROM payments WHERE id = %s", payment["id"])
    assert stored == "+225 07 •• •• •• 99"
    events = await one(
        pool, "SELECT string_agg(data::text, ' ') FROM payment_events WHERE payment_id = %s",
        payment["id"],
    )  # fmt: skip
    assert "0700000099" not in events and "•" in events
    body = await one(pool, "SELECT body FROM webhook_deliveries WHERE id = 'whd_trace'")
    assert b"0700000099" not in bytes(body)
    assert (
        await one(pool, "SELECT count(*) FROM payment_events WHERE payment_id = %s", payment["id"])
        >= 2
    )

    answer = await client.get(f"/api/v1/payments/{payment['id']}", headers=store.headers)
    assert answer.json()["phone"] == "+225 07 •• •• •• 99"
    assert await masking(pool, created + 2 * RETENTION)() == 0  # done once


@pytest.mark.usefixtures("clean_db")
async def test_events_stay_append_only_outside_the_masking_pass(
    client: AsyncTestClient[Any], store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    payment = await start_payment(client, store)
    async with pool.connection() as conn:
        with pytest.raises(psycopg.errors.RestrictViolation):
            await conn.execute(
                "UPDATE payment_events SET data = '{}' WHERE payment_id = %s", (payment["id"],)
            )
    async with pool.connection() as conn:
        await conn.execute("SET LOCAL payments.masking_personal_data = 'on'")
        with pytest.raises(psycopg.errors.RestrictViolation):
            await conn.execute(
                "UPDATE payment_events SET type = 'payment.failed' WHERE payment_id = %s",
                (payment["id"],),
            )
