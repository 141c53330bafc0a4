"""Stores in Postgres."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row

from adapters.postgres.paging import check_cursor, page_params, page_query, to_page
from adapters.postgres.rows import fetch_one
from application.shared.ports import Page, PageRequest
from application.stores.ports import StoreFilter
from domain.store import Store, StoreStatus

_COLUMNS = """
    id, name, notification_url, api_key_hash, api_key_prefix, webhook_secret, created_at,
    suspended_at, fee_bps
"""

INSERT = """
INSERT INTO stores (id, name, notification_url, api_key_hash, api_key_prefix, webhook_secret,
                    created_at, updated_at)
VALUES (%(id)s, %(name)s, %(notification_url)s, %(api_key_hash)s, %(api_key_prefix)s,
        %(webhook_secret)s, %(created_at)s, %(created_at)s)
"""

SELECT_BY_ID = f"SELECT {_COLUMNS} FROM stores WHERE id = %(id)s"

SELECT_FOR_UPDATE = f"{SELECT_BY_ID} FOR UPDATE"

SELECT_BY_KEY_HASH = f"SELECT {_COLUMNS} FROM stores WHERE api_key_hash = %(key_hash)s"

SELECT_ALL = f"SELECT {_COLUMNS} FROM stores"

UPDATE = """
UPDATE stores SET name = %(name)s, notification_url = %(notification_url)s,
                  webhook_secret = %(webhook_secret)s, suspended_at = %(suspended_at)s,
                  fee_bps = %(fee_bps)s, updated_at = now()
WHERE id = %(id)s
"""

#: A search matches the name anywhere (case-insensitive) or the exact id.
MATCHES_QUERY = "(id = %(query)s OR lower(name) LIKE %(pattern)s)"
STATUS_IS = {
    StoreStatus.ACTIVE: "suspended_at IS NULL",
    StoreStatus.SUSPENDED: "suspended_at IS NOT NULL",
}

REPLACE_API_KEY = """
UPDATE stores SET api_key_hash = %(key_hash)s, api_key_prefix = %(prefix)s, updated_at = now()
WHERE id = %(id)s
RETURNING id
"""


class PostgresStoreRepository:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def add(self, store: Store) -> None:
        await self._conn.execute(
            INSERT,
            {
                "id": store.id,
                "name": store.name,
                "notification_url": store.notification_url,
                "api_key_hash": store.api_key_hash,
                "api_key_prefix": store.api_key_prefix,
                "webhook_secret": store.webhook_secret,
                "created_at": store.created_at,
            },
        )

    async def get(self, store_id: str) -> Store | None:
        return await self._one(SELECT_BY_ID, {"id": store_id})

    async def by_api_key_hash(self, key_hash: str) -> Store | None:
        return await self._one(SELECT_BY_KEY_HASH, {"key_hash": key_hash})

    async def get_for_update(self, store_id: str) -> Store | None:
        return await self._one(SELECT_FOR_UPDATE, {"id": store_id})

    async def save(self, store: Store) -> None:
        await self._conn.execute(
            UPDATE,
            {
                "id": store.id,
                "name": store.name,
                "notification_url": store.notification_url,
                "webhook_secret": store.webhook_secret,
                "suspended_at": store.suspended_at,
                "fee_bps": store.fee_bps,
            },
        )

    async def search(self, page: PageRequest, filters: StoreFilter | None = None) -> Page[Store]:
        await check_cursor(self._conn, "stores", page)
        filters = filters or StoreFilter()
        conditions, query = [], (filters.query or "").strip()
        if query:
            conditions.append(MATCHES_QUERY)
        if filters.status is not None:
            conditions.append(STATUS_IS[filters.status])
        params = page_params(page, query=query, pattern=f"%{_escape_like(query.lower())}%")
        async with self._conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(page_query(SELECT_ALL, conditions, page), params)
            return to_page([_to_store(row) for row in await cur.fetchall()], page)

    async def replace_api_key(self, store_id: str, key_hash: str, prefix: str) -> bool:
        params = {"id": store_id, "key_hash": key_hash, "prefix": prefix}
        cur = await self._conn.execute(REPLACE_API_KEY, params)
        return await cur.fetchone() is not None

    async def _one(self, query: str, params: dict[str, Any]) -> Store | None:
        return await fetch_one(self._conn, query, params, _to_store)


def _to_store(row: dict[str, Any]) -> Store:
    return Store(
        id=row["id"],
        name=row["name"],
        notification_url=row["notification_url"],
        api_key_hash=row["api_key_hash"],
        api_key_prefix=row["api_key_prefix"],
        webhook_secret=row["webhook_secret"],
        created_at=row["created_at"],
        suspended_at=row["suspended_at"],
        fee_bps=row["fee_bps"],
    )


def _escape_like(text: str) -> str:
    """`text` matched literally by LIKE (its `%`, `_` and `\\` escaped)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
