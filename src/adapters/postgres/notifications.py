"""The notification outbox: one row per event announced to a store, written in the same
transaction as the change (the dispatch decides which events notify), delivered by the worker."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from psycopg import AsyncConnection
from psycopg.rows import dict_row

from adapters.postgres.batch import write
from adapters.postgres.paging import check_cursor, page_params, page_query, to_page
from adapters.postgres.rows import fetch_all
from adapters.snapshots import Snapshots, timestamp
from application.shared.ports import Change, Page, PageRequest, Subject
from application.stores.ports import DeliveryAttempt, Notification
from domain.payment import Payment
from domain.payout import Payout
from domain.payout_destination import PayoutDestination
from domain.refund import Refund

_COLUMNS = """
    id, store_id, type, subject_id, body, created_at, state, attempts, next_attempt_at,
    delivered_at, last_status_code, last_error
"""

INSERT = """
INSERT INTO notifications (id, store_id, type, subject_id, body, created_at, state,
                           next_attempt_at)
VALUES (%(id)s, %(store_id)s, %(type)s, %(subject_id)s, %(body)s, %(created_at)s, 'pending',
        %(created_at)s)
"""

CLAIM = f"""
UPDATE notifications n
SET next_attempt_at = %(lease_until)s
FROM (
    SELECT id FROM notifications
    WHERE state = 'pending' AND next_attempt_at <= %(now)s
    ORDER BY next_attempt_at
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
) due
WHERE n.id = due.id
RETURNING {", ".join(f"n.{c.strip()}" for c in _COLUMNS.split(","))}
"""

RECORD_ATTEMPT = """
INSERT INTO notification_attempts (notification_id, attempted_at, url, status_code, error,
                                   duration_ms)
VALUES (%(id)s, %(at)s, %(url)s, %(status_code)s, %(error)s, %(duration_ms)s)
"""

UPDATE_STATE = """
UPDATE notifications
SET state = %(state)s, next_attempt_at = %(next_attempt_at)s,
    attempts = attempts + %(tried)s,
    last_attempt_at = COALESCE(%(at)s, last_attempt_at),
    last_status_code = COALESCE(%(status_code)s, last_status_code),
    last_error = %(error)s,
    delivered_at = CASE WHEN %(state)s = 'delivered' THEN %(at)s ELSE delivered_at END
WHERE id = %(id)s
"""

REDELIVER = """
UPDATE notifications SET state = 'pending', next_attempt_at = %(at)s
WHERE id = %(id)s AND store_id = %(store_id)s
RETURNING id
"""

SELECT_ALL = f"SELECT {_COLUMNS} FROM notifications"

SELECT_ATTEMPTS = """
SELECT attempted_at, url, status_code, error, duration_ms FROM notification_attempts
WHERE notification_id = %(id)s ORDER BY id
"""


class PostgresNotificationOutbox:
    def __init__(self, conn: AsyncConnection[Any], snapshots: Snapshots) -> None:
        self._conn = conn
        self._snapshots = snapshots

    async def add(self, change: Change) -> None:
        """One row: the event with its subject as the API shows it (queued in the pipeline
        of the transaction, sent with its COMMIT)."""
        subject = change.subject
        await write(self._conn, INSERT, _row(subject.store_id, change, self._render(subject)))

    def _render(self, subject: Subject) -> dict[str, Any]:
        if isinstance(subject, Payment):
            return self._snapshots.payment(subject)
        if isinstance(subject, Refund):
            return self._snapshots.refund(subject)
        if isinstance(subject, Payout):
            return self._snapshots.payout(subject)
        if isinstance(subject, PayoutDestination):
            return self._snapshots.destination(subject)
        return self._snapshots.order(subject)

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[Notification]:
        params = {"now": now, "lease_until": lease_until, "limit": limit}
        return await self._all(CLAIM, params)

    async def record_attempt(
        self,
        notification_id: str,
        attempt: DeliveryAttempt | None,
        state: str,
        next_attempt_at: datetime | None,
    ) -> None:
        if attempt is not None:
            await self._conn.execute(
                RECORD_ATTEMPT,
                {
                    "id": notification_id,
                    "at": attempt.at,
                    "url": attempt.url,
                    "status_code": attempt.status_code,
                    "error": attempt.error,
                    "duration_ms": attempt.duration_ms,
                },
            )
        await self._conn.execute(
            UPDATE_STATE,
            {
                "id": notification_id,
                "state": state,
                "next_attempt_at": next_attempt_at,
                "tried": 1 if attempt else 0,
                "at": attempt.at if attempt else None,
                "status_code": attempt.status_code if attempt else None,
                "error": attempt.error if attempt else None,
            },
        )

    async def search(self, store_id: str, page: PageRequest) -> Page[Notification]:
        await check_cursor(self._conn, "notifications", page, store_id)
        query = page_query(SELECT_ALL, ["store_id = %(store_id)s"], page)
        items = await self._all(query, page_params(page, store_id=store_id))
        return to_page(items, page)

    async def history(self, notification_id: str) -> list[DeliveryAttempt]:
        async with self._conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(SELECT_ATTEMPTS, {"id": notification_id})
            return [
                DeliveryAttempt(
                    at=row["attempted_at"],
                    url=row["url"],
                    status_code=row["status_code"],
                    error=row["error"],
                    duration_ms=row["duration_ms"],
                )
                for row in await cur.fetchall()
            ]

    async def redeliver(self, store_id: str, notification_id: str, at: datetime) -> bool:
        params = {"id": notification_id, "store_id": store_id, "at": at}
        cur = await self._conn.execute(REDELIVER, params)
        return await cur.fetchone() is not None

    async def _all(self, query: str, params: dict[str, Any]) -> list[Notification]:
        return await fetch_all(self._conn, query, params, _to_notification)


def _row(store_id: str, change: Change, snapshot: dict[str, Any]) -> dict[str, Any]:
    event_id, event = change.id, change.event
    body = {
        "id": event_id,
        "type": event.type,
        "created_at": timestamp(event.at),
        "data": {"object": snapshot},
    }
    return {
        "id": event_id,
        "store_id": store_id,
        "type": event.type,
        "subject_id": event.subject_id,
        "body": msgspec.json.encode(body),
        "created_at": event.at,
    }


def _to_notification(row: dict[str, Any]) -> Notification:
    return Notification(
        id=row["id"],
        store_id=row["store_id"],
        type=row["type"],
        subject_id=row["subject_id"],
        body=bytes(row["body"]),
        created_at=row["created_at"],
        state=row["state"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        delivered_at=row["delivered_at"],
        last_status_code=row["last_status_code"],
        last_error=row["last_error"],
    )
