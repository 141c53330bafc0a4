"""The operator's queue in Postgres: items derived from flagged payments, notifications that
gave up and refunds awaiting a person, less the ones with a recorded resolution
(`review_resolutions`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import AsyncConnection

from adapters.postgres.rows import fetch_all, fetch_one
from application.shared.ports import Page
from domain.money import Currency, Money
from domain.operator import Actor
from domain.review import AlreadyResolved, Resolution, ReviewItem, ReviewKind

#: Every kind of item, one SELECT each, with the same columns. A payment is one item, of its
#: most pressing kind: an amount mismatch, else a payment to refund, else a late success; it
#: leaves the queue by itself once refunds (done, under way or awaiting a person) cover it.
ITEMS = """
SELECT p.id AS subject_id,
       CASE WHEN p.flagged_reason = 'amount_mismatch' THEN 'amount_mismatch'
            WHEN p.flagged_reason = 'account_missing' AND p.status IN ('created', 'pending')
                THEN 'account_missing'
            WHEN p.needs_refund THEN 'needs_refund'
            ELSE 'late_success' END AS kind,
       p.store_id, p.id AS payment_id, p.amount, p.currency, p.updated_at AS flagged_at,
       p.provider AS detail
FROM payments p
WHERE (p.needs_refund OR p.late_success OR p.flagged_reason = 'amount_mismatch'
       OR (p.flagged_reason = 'account_missing' AND p.status IN ('created', 'pending')))
  AND p.amount > (SELECT coalesce(sum(r.amount), 0) FROM refunds r
                  WHERE r.payment_id = p.id
                    AND r.status IN ('pending', 'succeeded', 'requires_action'))
UNION ALL
SELECT n.id, 'notification_failed', n.store_id,
       CASE WHEN n.subject_id LIKE 'pay\\_%%' THEN n.subject_id END, NULL, NULL,
       coalesce(n.last_attempt_at, n.created_at), n.type
FROM notifications n
WHERE n.state = 'failed'
UNION ALL
SELECT r.id, 'refund_requires_action', r.store_id, r.payment_id, r.amount, r.currency,
       r.updated_at, r.provider
FROM refunds r
WHERE r.status = 'requires_action'
UNION ALL
SELECT po.id, 'payout_requires_action', po.store_id, NULL, po.amount, po.currency,
       po.updated_at, po.provider
FROM payouts po
WHERE po.status = 'requires_action'
UNION ALL
SELECT d.id, 'payout_destination_pending', d.store_id, NULL, NULL, NULL, d.created_at,
       d.provider
FROM payout_destinations d
WHERE d.approved_at IS NULL AND d.disabled_at IS NULL AND d.active_from > now()
"""

OPEN_ITEMS = f"""
SELECT i.subject_id, i.kind, i.store_id, s.name AS store_name, i.payment_id, i.amount,
       i.currency, i.flagged_at, i.detail
FROM ({ITEMS}) i
JOIN stores s ON s.id = i.store_id
WHERE NOT EXISTS (SELECT 1 FROM review_resolutions r
                  WHERE r.subject_id = i.subject_id AND r.kind = i.kind)
  AND (%(kind)s::text IS NULL OR i.kind = %(kind)s)
  AND (%(subject_id)s::text IS NULL OR i.subject_id = %(subject_id)s)
ORDER BY i.flagged_at, i.subject_id
LIMIT %(limit)s
"""

RECORD = """
INSERT INTO review_resolutions (id, subject_id, kind, store_id, action, reason, reference,
                                refund_id, actor_id, actor_name, resolved_at)
VALUES (%(id)s, %(subject_id)s, %(kind)s, %(store_id)s, %(action)s, %(reason)s, %(reference)s,
        %(refund_id)s, %(actor_id)s, %(actor_name)s, %(resolved_at)s)
ON CONFLICT (subject_id, kind) DO NOTHING
RETURNING id
"""


#: One claim per item: a new one, or one taking over a claim older than `stale_before`.
CLAIM = """
INSERT INTO review_claims (subject_id, kind, actor_id, claimed_at)
VALUES (%(subject_id)s, %(kind)s, %(actor_id)s, %(at)s)
ON CONFLICT (subject_id, kind) DO UPDATE
    SET actor_id = EXCLUDED.actor_id, claimed_at = EXCLUDED.claimed_at
    WHERE review_claims.claimed_at < %(stale_before)s
RETURNING subject_id
"""

RELEASE = "DELETE FROM review_claims WHERE subject_id = %(subject_id)s AND kind = %(kind)s"


class PostgresReviewQueue:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def open_items(self, kind: ReviewKind | None, limit: int) -> Page[ReviewItem]:
        params = {"kind": kind and str(kind), "subject_id": None, "limit": limit + 1}
        items = await fetch_all(self._conn, OPEN_ITEMS, params, _to_item)
        return Page(items[:limit], has_more=len(items) > limit)

    async def open_item(self, subject_id: str) -> ReviewItem | None:
        params = {"kind": None, "subject_id": subject_id, "limit": 1}
        return await fetch_one(self._conn, OPEN_ITEMS, params, _to_item)

    async def record(self, resolution: Resolution) -> None:
        item = resolution.item
        cursor = await self._conn.execute(
            RECORD,
            {
                "id": resolution.id,
                "subject_id": item.subject_id,
                "kind": str(item.kind),
                "store_id": item.store_id,
                "action": str(resolution.action),
                "reason": resolution.reason,
                "reference": resolution.reference,
                "refund_id": resolution.refund_id,
                "actor_id": resolution.by.id,
                "actor_name": resolution.by.name,
                "resolved_at": resolution.at,
            },
        )
        if await cursor.fetchone() is None:  # a read: it waits for the answer, even in a pipeline
            raise AlreadyResolved(f"{item.subject_id} was resolved by someone else")
        await self.release(item)

    async def claim(
        self, item: ReviewItem, by: Actor, at: datetime, stale_before: datetime
    ) -> bool:
        params = {
            "subject_id": item.subject_id,
            "kind": str(item.kind),
            "actor_id": by.id,
            "at": at,
            "stale_before": stale_before,
        }
        cursor = await self._conn.execute(CLAIM, params)
        return await cursor.fetchone() is not None

    async def release(self, item: ReviewItem) -> None:
        await self._conn.execute(RELEASE, {"subject_id": item.subject_id, "kind": str(item.kind)})


def _to_item(row: dict[str, Any]) -> ReviewItem:
    amount = row["amount"]
    return ReviewItem(
        subject_id=row["subject_id"],
        kind=ReviewKind(row["kind"]),
        store_id=row["store_id"],
        store_name=row["store_name"],
        flagged_at=row["flagged_at"],
        payment_id=row["payment_id"],
        amount=Money(amount, Currency.parse(row["currency"])) if amount is not None else None,
        detail=row["detail"],
    )
