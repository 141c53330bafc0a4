"""Orders and their event history in Postgres."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from adapters.postgres.batch import write
from adapters.postgres.events import INSERT_ORDER_EVENT, append_events
from adapters.postgres.paging import check_cursor, page_params, page_query, to_page
from adapters.postgres.rows import fetch_all, fetch_one
from adapters.postgres.versioned import guarded
from application.payments.ports import OrderFilter
from application.shared.ports import Change, IdGenerator, Page, PageRequest
from domain.money import Currency, Money
from domain.order import Customer, Order, OrderItem, OrderStatus

_COLUMNS = """
    id, store_id, reference, status, amount, currency, description, customer, items, metadata,
    country, paid_at, paid_by, expires_at, created_at, updated_at, version, customer_reference,
    return_url
"""

INSERT = """
INSERT INTO orders (id, store_id, reference, status, amount, currency, description, customer,
                    items, metadata, country, paid_at, paid_by, expires_at, created_at, updated_at,
                    version, customer_reference, return_url)
VALUES (%(id)s, %(store_id)s, %(reference)s, %(status)s, %(amount)s, %(currency)s,
        %(description)s, %(customer)s, %(items)s, %(metadata)s, %(country)s, %(paid_at)s,
        %(paid_by)s, %(expires_at)s, %(created_at)s, %(updated_at)s, %(version)s,
        %(customer_reference)s, %(return_url)s)
"""

COLUMNS = [column.strip() for column in _COLUMNS.split(",")]

SELECT = f"SELECT {_COLUMNS} FROM orders WHERE store_id = %(store_id)s AND id = %(id)s"

SELECT_FOR_UPDATE = f"{SELECT} FOR UPDATE"

SELECT_ALL = f"SELECT {_COLUMNS} FROM orders"

UPDATE = guarded(
    """
UPDATE orders
SET reference = %(reference)s, status = %(status)s, description = %(description)s,
    customer = %(customer)s, items = %(items)s, metadata = %(metadata)s, country = %(country)s,
    paid_at = %(paid_at)s, paid_by = %(paid_by)s, expires_at = %(expires_at)s,
    updated_at = %(updated_at)s, version = version + 1
WHERE id = %(id)s AND version = %(version)s
""",
    "orders",
)

SELECT_EXPIRED = """
SELECT store_id, id FROM orders
WHERE status = 'pending_payment' AND expires_at <= %(now)s
ORDER BY expires_at
LIMIT %(limit)s
"""

_FILTERS = {
    "status": "status = %(status)s",
    "reference": "reference = %(reference)s",
    "customer_reference": "customer_reference = %(customer_reference)s",
}


class PostgresOrderRepository:
    def __init__(self, conn: AsyncConnection[Any], ids: IdGenerator, changes: list[Change]) -> None:
        self._conn = conn
        self._ids = ids
        self._changes = changes

    async def expired_ids(self, now: datetime, limit: int) -> list[tuple[str, str]]:
        cur = await self._conn.execute(SELECT_EXPIRED, {"now": now, "limit": limit})
        return [(str(row[0]), str(row[1])) for row in await cur.fetchall()]

    async def add(self, order: Order) -> None:
        await write(self._conn, INSERT, _to_params(order), ("orders", order.id))
        await self._append_events(order)

    async def _append_events(self, order: Order) -> None:
        await append_events(self._conn, INSERT_ORDER_EVENT, self._ids, order, self._changes)

    async def get(self, store_id: str, order_id: str, *, for_update: bool = False) -> Order | None:
        query = SELECT_FOR_UPDATE if for_update else SELECT
        return await fetch_one(self._conn, query, {"store_id": store_id, "id": order_id}, to_order)

    async def save(self, order: Order) -> None:
        # refused by the server when stale (`guarded`): seen at the next read or at commit
        await write(self._conn, UPDATE, _to_params(order), ("orders", order.id))
        order.version += 1
        await self._append_events(order)

    async def search(self, store_id: str, filters: OrderFilter, page: PageRequest) -> Page[Order]:
        await check_cursor(self._conn, "orders", page, store_id)
        given = {
            "status": filters.status,
            "reference": filters.reference,
            "customer_reference": filters.customer_reference,
        }
        conditions = ["store_id = %(store_id)s"]
        conditions += [sql for name, sql in _FILTERS.items() if given[name] is not None]
        query = page_query(SELECT_ALL, conditions, page)
        params = page_params(page, store_id=store_id, **given)
        return to_page(await fetch_all(self._conn, query, params, to_order), page)


def _to_params(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "store_id": order.store_id,
        "reference": order.reference,
        "status": order.status.value,
        "amount": order.amount.amount,
        "currency": order.amount.currency.value,
        "description": order.description,
        "customer": Jsonb(asdict(order.customer)) if order.customer else None,
        "items": Jsonb([asdict(item) for item in order.items]),
        "metadata": Jsonb(order.metadata),
        "country": order.country,
        "paid_at": order.paid_at,
        "paid_by": order.paid_by,
        "expires_at": order.expires_at,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
        "version": order.version,
        "customer_reference": order.customer_reference,
        "return_url": order.return_url,
    }


def to_order(row: dict[str, Any]) -> Order:
    customer = row["customer"]
    return Order(
        id=row["id"],
        store_id=row["store_id"],
        reference=row["reference"],
        amount=Money(row["amount"], Currency(row["currency"])),
        status=OrderStatus(row["status"]),
        description=row["description"],
        customer=Customer(**customer) if customer is not None else None,
        items=tuple(OrderItem(**item) for item in row["items"]),
        metadata=row["metadata"],
        country=row["country"],
        paid_at=row["paid_at"],
        paid_by=row["paid_by"],
        expires_at=row["expires_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        version=row["version"],
        customer_reference=row["customer_reference"],
        return_url=row["return_url"],
    )
