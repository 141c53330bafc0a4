"""The retention pass on payouts (`PostgresPhoneArchive`): the payee's number and name,
masked where they were stored.

- A payout, once settled (`succeeded` or `failed`: a pending one may still be sent again, to
  the number it holds) and older than the retention: its row, its events (digits only: their
  trigger allows no more) and the notifications about it.
- A destination once disabled for longer than the retention (it never becomes usable again):
  its row and the notifications about it (`payout_destination.created`). An active or
  pending destination keeps its number and name: they are needed to pay.

Neither row's update writes `phone` or `name`, so no use case can write them back."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from adapters.personal_data import mask_name, masked_in
from adapters.phones import mask_phone
from adapters.postgres.masking import mask_notifications, pair, phone_forms
from adapters.postgres.rows import fetch_all

TAKE_PAYOUTS = """
SELECT id, jsonb_build_object('phone', phone, 'name', name) AS payee FROM payouts
WHERE phone_masked_at IS NULL AND status IN ('succeeded', 'failed')
  AND created_at < %(cutoff)s
ORDER BY created_at
LIMIT %(limit)s
FOR UPDATE SKIP LOCKED
"""
MASK_PAYOUT = """
UPDATE payouts SET phone = %(phone)s, name = %(name)s, phone_masked_at = now()
WHERE id = %(id)s
"""
EVENTS = "SELECT id, data FROM payout_events WHERE payout_id = %(id)s"
MASK_EVENT = "UPDATE payout_events SET data = %(data)s WHERE id = %(id)s"

TAKE_DESTINATIONS = """
SELECT id, jsonb_build_object('phone', phone, 'name', name) AS payee FROM payout_destinations
WHERE phone_masked_at IS NULL AND disabled_at < %(cutoff)s
ORDER BY disabled_at
LIMIT %(limit)s
FOR UPDATE SKIP LOCKED
"""
MASK_DESTINATION = """
UPDATE payout_destinations SET phone = %(phone)s, name = %(name)s, phone_masked_at = now()
WHERE id = %(id)s
"""


async def mask_payout(conn: AsyncConnection[Any], payout_id: str, payee: dict[str, Any]) -> None:
    params, forms = _masked(payee)
    await conn.execute(MASK_PAYOUT, {"id": payout_id, **params})
    for event_id, data in await fetch_all(conn, EVENTS, {"id": payout_id}, pair):
        masked = masked_in(data, forms, customers=False)
        if masked != data:
            await conn.execute(MASK_EVENT, {"id": event_id, "data": Jsonb(masked)})
    await mask_notifications(conn, payout_id, forms)


async def mask_destination(
    conn: AsyncConnection[Any], destination_id: str, payee: dict[str, Any]
) -> None:
    params, forms = _masked(payee)
    await conn.execute(MASK_DESTINATION, {"id": destination_id, **params})
    await mask_notifications(conn, destination_id, forms)


def _masked(payee: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The masked columns, and the forms the full number may be found in."""
    phone, name = str(payee.get("phone") or ""), payee.get("name")
    masked = mask_phone(phone) or ""
    hidden_name = mask_name(name) if isinstance(name, str) else None
    return {"phone": masked, "name": hidden_name}, phone_forms(phone, masked) if phone else []
