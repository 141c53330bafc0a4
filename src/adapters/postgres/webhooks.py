"""The webhook inbox: raw provider deliveries, de-duplicated on (provider, event_id)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from application.ports import IdGenerator, WebhookDelivery

INSERT = """
INSERT INTO webhook_deliveries (id, provider, event_id, payment_id, headers, body, received_at)
VALUES (%(id)s, %(provider)s, %(event_id)s, %(payment_id)s, %(headers)s, %(body)s,
        %(received_at)s)
ON CONFLICT (provider, event_id) DO NOTHING
RETURNING id
"""

MARK_PROCESSED = """
UPDATE webhook_deliveries
SET processed_at = %(at)s, outcome = %(outcome)s, attempts = attempts + 1
WHERE id = %(id)s
"""


class PostgresWebhookInbox:
    def __init__(self, conn: AsyncConnection[Any], ids: IdGenerator) -> None:
        self._conn = conn
        self._ids = ids

    async def record(self, delivery: WebhookDelivery, at: datetime) -> str | None:
        cur = await self._conn.execute(
            INSERT,
            {
                "id": self._ids.new("whd"),
                "provider": delivery.provider,
                "event_id": delivery.event_id,
                "payment_id": delivery.payment_id,
                "headers": Jsonb(dict(delivery.headers)),
                "body": delivery.body,
                "received_at": at,
            },
        )
        row = await cur.fetchone()
        return str(row[0]) if row else None

    async def mark_processed(self, delivery_id: str, at: datetime, outcome: str) -> None:
        await self._conn.execute(MARK_PROCESSED, {"id": delivery_id, "at": at, "outcome": outcome})
