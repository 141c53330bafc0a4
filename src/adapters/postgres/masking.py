"""Steps the retention pass shares between payments, orders and payouts
(`phone_archive`, `payout_archive`): the forms a number is found in, the masking of stored
notification bodies, and the readers of the rows it takes."""

from __future__ import annotations

import json
from typing import Any

from psycopg import AsyncConnection

from adapters.personal_data import masked_in
from adapters.postgres.rows import fetch_all

Pairs = list[tuple[str, str]]

NOTIFICATIONS = "SELECT id, body FROM notifications WHERE subject_id = %(id)s"
MASK_NOTIFICATION = "UPDATE notifications SET body = %(body)s WHERE id = %(id)s"


async def mask_notifications(conn: AsyncConnection[Any], subject_id: str, pairs: Pairs) -> None:
    """The stored bodies of the notifications about `subject_id`, masked (they are JSON): the
    `pairs`' full values anywhere, and the customers' and payees' personal data."""
    for notification_id, raw in await fetch_all(conn, NOTIFICATIONS, {"id": subject_id}, pair):
        try:
            body = json.loads(bytes(raw))
        except ValueError:
            continue
        masked = masked_in(body, pairs)
        if masked != body:
            encoded = json.dumps(masked, ensure_ascii=False, separators=(",", ":")).encode()
            await conn.execute(MASK_NOTIFICATION, {"id": notification_id, "body": encoded})


def phone_forms(phone: str, masked: str) -> Pairs:
    """(full, masked) pairs, the E.164 form first so that its digits are not masked twice."""
    digits = phone.lstrip("+")
    forms = [(phone, masked)]
    if digits != phone and len(digits) >= 8:
        forms.append((digits, masked.lstrip("+").replace(" ", "")))
    return forms


def pair(row: dict[str, Any]) -> tuple[Any, Any]:
    first, second = row.values()
    return first, second


def first(row: dict[str, Any]) -> Any:
    return next(iter(row.values()))
