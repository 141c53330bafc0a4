"""The webhook inbox: raw provider deliveries, de-duplicated on (provider, event_id)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from adapters.postgres.batch import write
from adapters.postgres.payments import select_with_order, with_order_of
from adapters.postgres.rows import fetch_one
from application.payments.ports import (
    DeliveryOutcome,
    PaymentWithOrder,
    StoredDelivery,
    WebhookDelivery,
)
from application.shared.ports import IdGenerator
from domain.payment import PaymentStatus

INSERT = """
INSERT INTO webhook_deliveries (id, provider, event_id, payment_id, headers, body, received_at)
VALUES (%(id)s, %(provider)s, %(event_id)s, %(payment_id)s, %(headers)s, %(body)s,
        %(received_at)s)
ON CONFLICT (provider, event_id) DO NOTHING
RETURNING id
"""

#: The delivery stored and, when it is new, the payment it names read with it: no row for a
#: delivery seen before; the payment's columns NULL when there is no such payment.
INSERT_AND_READ = f"""
WITH stored AS ({INSERT})
SELECT stored.id AS delivery_id, found.*
FROM stored LEFT JOIN ({select_with_order("payment_id")}) found ON true
"""

MARK_PROCESSED = """
UPDATE webhook_deliveries
SET processed_at = %(at)s, outcome = %(outcome)s, attempts = attempts + 1
WHERE id = %(id)s
"""


CLAIM = """
UPDATE webhook_deliveries d
SET next_attempt_at = %(lease_until)s
FROM (
    SELECT id FROM webhook_deliveries
    WHERE processed_at IS NULL
      AND ((next_attempt_at IS NULL AND received_at <= %(stale_before)s)
           OR next_attempt_at <= %(now)s)
    ORDER BY received_at
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
) due
WHERE d.id = due.id
RETURNING d.id, d.provider, d.event_id, d.payment_id, d.headers, d.body, d.attempts
"""

DEFER = """
UPDATE webhook_deliveries
SET next_attempt_at = %(next_attempt_at)s, attempts = attempts + 1, last_error = %(error)s
WHERE id = %(id)s
"""

#: A delivery stored this long ago and still unprocessed was lost by its process.
INLINE_GRACE = timedelta(seconds=30)


class PostgresWebhookInbox:
    """`inline_grace`: how long the receiving process has to process a delivery it stored
    before a retry pass takes it over."""

    def __init__(
        self, conn: AsyncConnection[Any], ids: IdGenerator, inline_grace: timedelta | None = None
    ) -> None:
        self._conn = conn
        self._ids = ids
        self._inline_grace = inline_grace or INLINE_GRACE

    async def record(self, delivery: WebhookDelivery, at: datetime) -> str | None:
        cur = await self._conn.execute(INSERT, self._params(delivery, at))
        row = await cur.fetchone()
        return str(row[0]) if row else None

    async def record_and_read(
        self, delivery: WebhookDelivery, at: datetime
    ) -> tuple[str | None, PaymentWithOrder | None]:
        if delivery.payment_id is None:
            return await self.record(delivery, at), None
        params = self._params(delivery, at)
        return await fetch_one(self._conn, INSERT_AND_READ, params, _recorded) or (None, None)

    def _params(self, delivery: WebhookDelivery, at: datetime) -> dict[str, Any]:
        return {
            "id": self._ids.new("whd"),
            "provider": delivery.provider,
            "event_id": delivery.event_id,
            "payment_id": delivery.payment_id,
            "headers": Jsonb(dict(delivery.headers)),
            "body": delivery.body,
            "received_at": at,
        }

    async def mark_processed(
        self,
        delivery_id: str,
        at: datetime,
        outcome: DeliveryOutcome,
        status: PaymentStatus | None = None,
    ) -> None:
        params = {"id": delivery_id, "at": at, "outcome": outcome.recorded(status)}
        await write(self._conn, MARK_PROCESSED, params, ("webhook_deliveries", delivery_id))

    async def claim_unprocessed(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[StoredDelivery]:
        params = {
            "now": now,
            "stale_before": now - self._inline_grace,
            "lease_until": lease_until,
            "limit": limit,
        }
        async with self._conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(CLAIM, params)
            return [_to_stored(row) for row in await cur.fetchall()]

    async def defer(self, delivery_id: str, next_attempt_at: datetime, error: str) -> None:
        params = {"id": delivery_id, "next_attempt_at": next_attempt_at, "error": error}
        await self._conn.execute(DEFER, params)


def _recorded(row: dict[str, Any]) -> tuple[str, PaymentWithOrder | None]:
    return str(row["delivery_id"]), with_order_of(row) if row["id"] is not None else None


def _to_stored(row: dict[str, Any]) -> StoredDelivery:
    delivery = WebhookDelivery(
        provider=row["provider"],
        event_id=row["event_id"],
        payment_id=row["payment_id"],
        body=bytes(row["body"]),
        headers=row["headers"],
    )
    return StoredDelivery(id=row["id"], delivery=delivery, attempts=row["attempts"])
