"""The `PhoneArchive` port on PostgreSQL: replaces personal data by its masked form once the
retention period has passed, and deletes idempotency records past their 24 hours.

- Payments: the full number in the payment (`phone`, `provider_data`), its events, the provider
  callbacks stored for it, the sandbox operator's record and the notifications about it.
- Orders: the customer (name, phone, email: `adapters.personal_data`) in the order and in the
  notifications about it (what `GET /api/v1/events` serves and redelivers). Order events hold
  no customer (providers' payloads are masked when events are written).
- Payouts and disabled payout destinations: the payee (`adapters.postgres.payout_archive`).

A number is matched in its E.164 form (`+2250700000001`) and, inside JSON strings or raw
bodies, without its `+` (`2250700000001`, as MTN's `partyId` and Moov's `msisdn` carry it).
Rows are taken with `FOR UPDATE SKIP LOCKED`, so several workers share the pass, and their
`version` is bumped, so that a use case holding an older copy cannot write the data back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from adapters.personal_data import masked_customer, masked_in, replacements
from adapters.phones import mask_phone
from adapters.postgres.masking import first, mask_notifications, pair, phone_forms
from adapters.postgres.payout_archive import (
    TAKE_DESTINATIONS,
    TAKE_PAYOUTS,
    mask_destination,
    mask_payout,
)
from adapters.postgres.rows import fetch_all

TAKE = """
SELECT id, phone FROM payments
WHERE phone IS NOT NULL AND phone_masked_at IS NULL AND created_at < %(cutoff)s
ORDER BY created_at
LIMIT %(limit)s
FOR UPDATE SKIP LOCKED
"""

MASK_PAYMENT = """
UPDATE payments SET phone = %(masked)s, provider_data = %(provider_data)s,
       phone_masked_at = now(), version = version + 1
WHERE id = %(id)s
"""
PROVIDER_DATA = "SELECT provider_data FROM payments WHERE id = %(id)s"

TAKE_ORDERS = """
SELECT id, customer FROM orders
WHERE customer IS NOT NULL AND customer_masked_at IS NULL AND created_at < %(cutoff)s
ORDER BY created_at
LIMIT %(limit)s
FOR UPDATE SKIP LOCKED
"""
MASK_ORDER = """
UPDATE orders SET customer = %(customer)s, customer_masked_at = now(), version = version + 1
WHERE id = %(id)s
"""

EVENTS = "SELECT id, data FROM payment_events WHERE payment_id = %(id)s"
MASK_EVENT = "UPDATE payment_events SET data = %(data)s WHERE id = %(id)s"
CALLBACKS = "SELECT id, body FROM webhook_deliveries WHERE payment_id = %(id)s"
MASK_CALLBACK = "UPDATE webhook_deliveries SET body = %(body)s WHERE id = %(id)s"
SANDBOX = "UPDATE sandbox_transactions SET phone = %(masked)s WHERE payment_id = %(id)s"
PURGE_IDEMPOTENCY = "DELETE FROM idempotency_keys WHERE created_at < %(cutoff)s"
#: The events' append-only trigger lets this transaction mask their `data` (migration 0011).
ALLOW_MASKING = "SET LOCAL payments.masking_personal_data = 'on'"

Masker = Callable[[AsyncConnection[Any], str, Any], Awaitable[None]]


class PostgresPhoneArchive:
    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    async def mask_payments_before(self, cutoff: datetime, limit: int) -> int:
        return await self._pass(TAKE, cutoff, limit, _mask_payment)

    async def mask_orders_before(self, cutoff: datetime, limit: int) -> int:
        return await self._pass(TAKE_ORDERS, cutoff, limit, _mask_order)

    async def mask_payouts_before(self, cutoff: datetime, limit: int) -> int:
        return await self._pass(TAKE_PAYOUTS, cutoff, limit, mask_payout)

    async def mask_destinations_disabled_before(self, cutoff: datetime, limit: int) -> int:
        return await self._pass(TAKE_DESTINATIONS, cutoff, limit, mask_destination)

    async def purge_idempotency_before(self, cutoff: datetime) -> int:
        async with self._pool.connection() as conn:
            cur = await conn.execute(PURGE_IDEMPOTENCY, {"cutoff": cutoff})
            await conn.commit()
        return int(cur.rowcount)

    async def _pass(self, take: str, cutoff: datetime, limit: int, mask: Masker) -> int:
        """Take at most `limit` rows with `take` and mask each, in one transaction."""
        async with self._pool.connection() as conn:
            try:
                await conn.execute(ALLOW_MASKING)
                taken = await fetch_all(conn, take, {"cutoff": cutoff, "limit": limit}, pair)
                for row_id, personal in taken:
                    await mask(conn, row_id, personal)
                await conn.commit()
            except BaseException:
                await conn.rollback()
                raise
        return len(taken)


async def _mask_payment(conn: AsyncConnection[Any], payment_id: str, phone: str) -> None:
    masked = mask_phone(phone) or ""
    forms = phone_forms(phone, masked)
    provider_data = await fetch_all(conn, PROVIDER_DATA, {"id": payment_id}, first)
    kept = masked_in(provider_data[0], forms, customers=False)
    params = {"masked": masked, "provider_data": Jsonb(kept)}
    await conn.execute(MASK_PAYMENT, {"id": payment_id, **params})
    await conn.execute(SANDBOX, {"id": payment_id, "masked": masked})
    for event_id, data in await fetch_all(conn, EVENTS, {"id": payment_id}, pair):
        masked_data = masked_in(data, forms, customers=False)
        if masked_data != data:
            await conn.execute(MASK_EVENT, {"id": event_id, "data": Jsonb(masked_data)})
    for callback_id, raw in await fetch_all(conn, CALLBACKS, {"id": payment_id}, pair):
        body = bytes(raw)
        for full, hidden in forms:
            body = body.replace(full.encode(), hidden.encode())
        if body != bytes(raw):
            await conn.execute(MASK_CALLBACK, {"id": callback_id, "body": body})
    await mask_notifications(conn, payment_id, forms)


async def _mask_order(conn: AsyncConnection[Any], order_id: str, customer: Any) -> None:
    """(A customer that is not an object has nothing to mask, but is marked done all the same:
    a row taken again at each batch would keep the pass from ending.)"""
    known = customer if isinstance(customer, dict) else {}
    hidden = Jsonb(masked_customer(known) if known else customer)
    await conn.execute(MASK_ORDER, {"id": order_id, "customer": hidden})
    await mask_notifications(conn, order_id, replacements(known))
