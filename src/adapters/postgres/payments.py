"""Payments and their event history in Postgres."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from adapters.postgres.batch import write
from adapters.postgres.events import INSERT_PAYMENT_EVENT, append_events, to_recorded_event
from adapters.postgres.orders import COLUMNS as ORDER_COLUMNS
from adapters.postgres.orders import SELECT_FOR_UPDATE as ORDER_FOR_UPDATE
from adapters.postgres.orders import to_order
from adapters.postgres.paging import check_cursor, page_params, page_query, to_page
from adapters.postgres.rows import fetch_all, fetch_one
from adapters.postgres.schedule import UNPLANNED
from adapters.postgres.versioned import guarded
from application.payments.ports import PaymentFilter, PaymentWithOrder
from application.shared.ports import Change, IdGenerator, Page, PageRequest, RecordedEvent
from domain.money import Currency, Money
from domain.order import Order
from domain.payment import NextAction, Payment, PaymentStatus

_COLUMNS = """
    id, order_id, store_id, provider, status, amount, currency, phone, provider_reference,
    provider_data, failure_code, failure_message, needs_refund, late_success, flagged_reason,
    next_action, created_at, updated_at, succeeded_at, expires_at, version, country
"""


def _refund_totals(table: str) -> str:
    """The payment's refunds, read with it: those succeeded or under way, and those done."""
    return f"""
    (SELECT COALESCE(sum(r.amount), 0) FROM refunds r
     WHERE r.payment_id = {table}.id AND r.status <> 'failed') AS amount_refunded,
    (SELECT COALESCE(sum(r.amount), 0) FROM refunds r
     WHERE r.payment_id = {table}.id AND r.status = 'succeeded') AS amount_refund_succeeded,
    (SELECT -sum(l.amount) FROM ledger_entries l
     WHERE l.payment_id = {table}.id AND l.type = 'fee' AND l.account = 'store') AS fee
"""


_PAYMENT_COLUMNS = _COLUMNS
_COLUMNS = f"{_PAYMENT_COLUMNS}, {_refund_totals('payments')}"

INSERT = """
INSERT INTO payments (id, order_id, store_id, provider, status, amount, currency, phone,
                      provider_reference, provider_data, failure_code, failure_message,
                      needs_refund, late_success, flagged_reason, next_action, created_at,
                      updated_at, succeeded_at, expires_at, version, country, next_check_at,
                      check_attempts)
VALUES (%(id)s, %(order_id)s, %(store_id)s, %(provider)s, %(status)s, %(amount)s, %(currency)s,
        %(phone)s, %(provider_reference)s, %(provider_data)s, %(failure_code)s,
        %(failure_message)s, %(needs_refund)s, %(late_success)s, %(flagged_reason)s,
        %(next_action)s, %(created_at)s, %(updated_at)s, %(succeeded_at)s, %(expires_at)s,
        %(version)s, %(country)s, %(next_check_at)s, %(check_attempts)s)
"""

SELECT = f"SELECT {_COLUMNS} FROM payments WHERE id = %(id)s"

SELECT_FOR_UPDATE = f"{SELECT} FOR UPDATE"


def select_with_order(parameter: str) -> str:
    """The payment named by `%(<parameter>)s`: its columns as they are, its order's as
    `o_<column>`, its store's fee rate (read by `with_order_of`)."""
    return f"""
SELECT {", ".join(f"p.{c.strip()}" for c in _PAYMENT_COLUMNS.split(","))},
       {_refund_totals("p")},
       {", ".join(f"o.{c} AS o_{c}" for c in ORDER_COLUMNS)},
       (SELECT s.fee_bps FROM stores s WHERE s.id = p.store_id) AS store_fee_bps
FROM payments p JOIN orders o ON o.id = p.order_id
WHERE p.id = %({parameter})s
"""


SELECT_WITH_ORDER = select_with_order("id")

#: The same, both rows locked.
SELECT_WITH_ORDER_FOR_UPDATE = f"{SELECT_WITH_ORDER}FOR UPDATE\n"

SELECT_FOR_STORE = f"{SELECT} AND store_id = %(store_id)s"

SELECT_FOR_ORDER = f"SELECT {_COLUMNS} FROM payments WHERE order_id = %(order_id)s ORDER BY id"

SELECT_FOR_ORDERS = (
    f"SELECT {_COLUMNS} FROM payments WHERE order_id = ANY(%(order_ids)s) ORDER BY id"
)

SELECT_ALL = f"SELECT {_COLUMNS} FROM payments"

UPDATE = guarded(
    """
UPDATE payments
SET status = %(status)s, phone = %(phone)s, provider_reference = %(provider_reference)s,
    provider_data = %(provider_data)s, failure_code = %(failure_code)s,
    failure_message = %(failure_message)s, needs_refund = %(needs_refund)s,
    late_success = %(late_success)s, flagged_reason = %(flagged_reason)s,
    next_action = %(next_action)s, updated_at = %(updated_at)s,
    succeeded_at = %(succeeded_at)s, expires_at = %(expires_at)s, version = version + 1
WHERE id = %(id)s AND version = %(version)s
""",
    "payments",
)

SELECT_HISTORY = """
SELECT id, payment_id, type, from_status, to_status, source, data, created_at
FROM payment_events
WHERE payment_id = %(payment_id)s
ORDER BY seq
"""

_FILTERS = {
    "order_id": "order_id = %(order_id)s",
    "status": "status = %(status)s",
    "provider": "provider = %(provider)s",
    "customer_reference": (
        "order_id IN (SELECT id FROM orders WHERE store_id = %(store_id)s"
        " AND customer_reference = %(customer_reference)s)"
    ),
}


class PostgresPaymentRepository:
    def __init__(self, conn: AsyncConnection[Any], ids: IdGenerator, changes: list[Change]) -> None:
        self._conn = conn
        self._ids = ids
        self._changes = changes

    async def add(self, payment: Payment) -> None:
        await write(self._conn, INSERT, _to_params(payment) | UNPLANNED, ("payments", payment.id))
        await self._append_events(payment)

    async def get(self, payment_id: str, *, for_update: bool = False) -> Payment | None:
        query = SELECT_FOR_UPDATE if for_update else SELECT
        return await self._one(query, {"id": payment_id})

    async def lock_with_order(self, payment_id: str) -> PaymentWithOrder | None:
        return await fetch_one(
            self._conn, SELECT_WITH_ORDER_FOR_UPDATE, {"id": payment_id}, with_order_of
        )

    async def with_order(self, payment_id: str) -> PaymentWithOrder | None:
        return await fetch_one(self._conn, SELECT_WITH_ORDER, {"id": payment_id}, with_order_of)

    async def get_for_store(self, store_id: str, payment_id: str) -> Payment | None:
        return await self._one(SELECT_FOR_STORE, {"id": payment_id, "store_id": store_id})

    async def save(self, payment: Payment) -> None:
        # refused by the server when stale (`guarded`): seen at the next read or at commit
        await write(self._conn, UPDATE, _to_params(payment), ("payments", payment.id))
        payment.version += 1
        await self._append_events(payment)

    async def _append_events(self, payment: Payment) -> None:
        await append_events(self._conn, INSERT_PAYMENT_EVENT, self._ids, payment, self._changes)

    async def for_order(self, order_id: str) -> list[Payment]:
        return await self._all(SELECT_FOR_ORDER, {"order_id": order_id})

    async def lock_order_with_payments(
        self, store_id: str, order_id: str
    ) -> tuple[Order, list[Payment]] | None:
        # Both statements are sent before either answer is awaited (in the transaction's
        # pipeline). The second starts, with its own snapshot, once the first holds the lock:
        # one statement joining the two would read the payments as they were before it waited.
        # The payments are those of the order id alone: the store is checked by the first
        # (another store's order is not returned). Given the store too, the planner (the
        # table's statistics older than its rows) also read the store's index, every one of
        # the store's payments, and ANDed it with the order's.
        async with (
            self._conn.cursor(row_factory=dict_row) as locked,
            self._conn.cursor(row_factory=dict_row) as listed,
        ):
            await locked.execute(ORDER_FOR_UPDATE, {"store_id": store_id, "id": order_id})
            await listed.execute(SELECT_FOR_ORDER, {"order_id": order_id})
            order, rows = await locked.fetchone(), await listed.fetchall()
        if order is None:
            return None
        return to_order(order), [_to_payment(row) for row in rows]

    async def for_orders(self, order_ids: list[str]) -> list[Payment]:
        if not order_ids:
            return []
        return await self._all(SELECT_FOR_ORDERS, {"order_ids": order_ids})

    async def search(
        self, store_id: str, filters: PaymentFilter, page: PageRequest
    ) -> Page[Payment]:
        given = {
            "order_id": filters.order_id,
            "status": filters.status,
            "provider": filters.provider,
            "customer_reference": filters.customer_reference,
        }
        await check_cursor(self._conn, "payments", page, store_id)
        conditions = ["store_id = %(store_id)s"]
        conditions += [sql for name, sql in _FILTERS.items() if given[name] is not None]
        query = page_query(SELECT_ALL, conditions, page)
        payments = await self._all(query, page_params(page, store_id=store_id, **given))
        return to_page(payments, page)

    async def history(self, payment_id: str) -> list[RecordedEvent]:
        async with self._conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(SELECT_HISTORY, {"payment_id": payment_id})
            return [to_recorded_event(row, "payment_id") for row in await cur.fetchall()]

    async def _one(self, query: str, params: dict[str, Any]) -> Payment | None:
        return await fetch_one(self._conn, query, params, _to_payment)

    async def _all(self, query: str, params: dict[str, Any]) -> list[Payment]:
        return await fetch_all(self._conn, query, params, _to_payment)


def _to_params(payment: Payment) -> dict[str, Any]:
    return {
        "id": payment.id,
        "order_id": payment.order_id,
        "store_id": payment.store_id,
        "provider": payment.provider,
        "status": payment.status.value,
        "amount": payment.amount.amount,
        "currency": payment.amount.currency.value,
        "phone": payment.phone,
        "provider_reference": payment.provider_reference,
        "provider_data": Jsonb(payment.provider_data),
        "failure_code": payment.failure_code,
        "failure_message": payment.failure_message,
        "needs_refund": payment.needs_refund,
        "late_success": payment.late_success,
        "flagged_reason": payment.flagged_reason,
        "next_action": Jsonb(asdict(payment.next_action)) if payment.next_action else None,
        "created_at": payment.created_at,
        "updated_at": payment.updated_at,
        "succeeded_at": payment.succeeded_at,
        "expires_at": payment.expires_at,
        "version": payment.version,
        "country": payment.country,
    }


def with_order_of(row: dict[str, Any]) -> PaymentWithOrder:
    """A row of `select_with_order`."""
    order = to_order({column: row[f"o_{column}"] for column in ORDER_COLUMNS})
    return _to_payment(row), order, row["store_fee_bps"]


def _to_payment(row: dict[str, Any]) -> Payment:
    next_action = row["next_action"]
    return Payment(
        id=row["id"],
        order_id=row["order_id"],
        store_id=row["store_id"],
        provider=row["provider"],
        amount=Money(row["amount"], Currency(row["currency"])),
        status=PaymentStatus(row["status"]),
        phone=row["phone"],
        provider_reference=row["provider_reference"],
        provider_data=row["provider_data"],
        failure_code=row["failure_code"],
        failure_message=row["failure_message"],
        needs_refund=row["needs_refund"],
        late_success=row["late_success"],
        flagged_reason=row["flagged_reason"],
        next_action=NextAction(**next_action) if next_action is not None else None,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        succeeded_at=row["succeeded_at"],
        expires_at=row["expires_at"],
        version=row["version"],
        country=row["country"],
        # refunds succeeded or under way; refunded once the succeeded ones cover it all
        amount_refunded=int(row["amount_refunded"]),
        refunded=int(row["amount_refund_succeeded"]) >= row["amount"],
        # fixed at success (no `fee` entry: a zero fee)
        fee=int(row["fee"] or 0) if row["status"] == PaymentStatus.SUCCEEDED else None,
    )
