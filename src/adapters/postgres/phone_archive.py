"""The `PhoneArchive` port on PostgreSQL: replaces full phone numbers by their masked form in
payments, their events and the provider callbacks stored for them.

A number is matched in its E.164 form (`+2250700000001`) and, inside JSON strings or raw
bodies, without its `+` (`2250700000001`, as MTN's `partyId` and Moov's `msisdn` carry it).
Payments are taken with `FOR UPDATE SKIP LOCKED`, so several workers share the pass, and their
`version` is bumped, so that a use case holding an older copy cannot write the number back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from adapters.phones import mask_phone
from adapters.postgres.rows import fetch_all

TAKE = """
SELECT id, phone FROM payments
WHERE phone IS NOT NULL AND phone_masked_at IS NULL AND created_at < %(cutoff)s
ORDER BY created_at
LIMIT %(limit)s
FOR UPDATE SKIP LOCKED
"""

MASK_PAYMENT = """
UPDATE payments SET phone = %(masked)s, phone_masked_at = now(), version = version + 1
WHERE id = %(id)s
"""

EVENTS = "SELECT id, data FROM payment_events WHERE payment_id = %(id)s"
MASK_EVENT = "UPDATE payment_events SET data = %(data)s WHERE id = %(id)s"
CALLBACKS = "SELECT id, body FROM webhook_deliveries WHERE payment_id = %(id)s"
MASK_CALLBACK = "UPDATE webhook_deliveries SET body = %(body)s WHERE id = %(id)s"
SANDBOX = "UPDATE sandbox_transactions SET phone = %(masked)s WHERE payment_id = %(id)s"
#: The events' append-only trigger lets this transaction change their `data` (migration 0011).
ALLOW_MASKING = "SET LOCAL payments.masking_personal_data = 'on'"


class PostgresPhoneArchive:
    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    async def mask_payments_before(self, cutoff: datetime, limit: int) -> int:
        async with self._pool.connection() as conn:
            try:
                await conn.execute(ALLOW_MASKING)
                taken = await fetch_all(conn, TAKE, {"cutoff": cutoff, "limit": limit}, _pair)
                for payment_id, phone in taken:
                    await _mask(conn, payment_id, phone)
                await conn.commit()
            except BaseException:
                await conn.rollback()
                raise
        return len(taken)


async def _mask(conn: AsyncConnection[Any], payment_id: str, phone: str) -> None:
    masked = mask_phone(phone) or ""
    forms = _forms(phone, masked)
    await conn.execute(MASK_PAYMENT, {"id": payment_id, "masked": masked})
    await conn.execute(SANDBOX, {"id": payment_id, "masked": masked})
    for event_id, data in await fetch_all(conn, EVENTS, {"id": payment_id}, _pair):
        masked_data = _replace_in(data, forms)
        if masked_data != data:
            await conn.execute(MASK_EVENT, {"id": event_id, "data": Jsonb(masked_data)})
    for callback_id, raw in await fetch_all(conn, CALLBACKS, {"id": payment_id}, _pair):
        body = bytes(raw)
        for full, hidden in forms:
            body = body.replace(full.encode(), hidden.encode())
        if body != bytes(raw):
            await conn.execute(MASK_CALLBACK, {"id": callback_id, "body": body})


def _pair(row: dict[str, Any]) -> tuple[Any, Any]:
    first, second = row.values()
    return first, second


def _forms(phone: str, masked: str) -> list[tuple[str, str]]:
    """(full, masked) pairs, the E.164 form first so that its digits are not masked twice."""
    digits = phone.lstrip("+")
    forms = [(phone, masked)]
    if digits != phone and len(digits) >= 8:
        forms.append((digits, masked.lstrip("+").replace(" ", "")))
    return forms


def _replace_in(value: Any, forms: list[tuple[str, str]]) -> Any:
    """`value` (decoded JSON) with every string holding a full number masked."""
    if isinstance(value, str):
        for full, hidden in forms:
            value = value.replace(full, hidden)
        return value
    if isinstance(value, list):
        return [_replace_in(item, forms) for item in value]
    if isinstance(value, dict):
        return {key: _replace_in(item, forms) for key, item in value.items()}
    return value
