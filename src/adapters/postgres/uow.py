"""The unit of work: one pool connection, one transaction, rolled back unless committed."""

from __future__ import annotations

from datetime import timedelta
from types import TracebackType
from typing import Any, Self

import psycopg
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from adapters.postgres.idempotency import PostgresIdempotencyRepository
from adapters.postgres.notifications import PostgresNotificationOutbox
from adapters.postgres.orders import PostgresOrderRepository
from adapters.postgres.payments import PostgresPaymentRepository
from adapters.postgres.schedule import PostgresReconciliationSchedule
from adapters.postgres.stores import PostgresStoreRepository
from adapters.postgres.webhooks import PostgresWebhookInbox
from adapters.snapshots import Snapshots
from application.errors import DatabaseUnavailable
from application.ports import (
    IdempotencyRepository,
    IdGenerator,
    OrderRepository,
    PaymentRepository,
    ReconciliationSchedule,
    StoreRepository,
    WebhookInbox,
)

_UNAVAILABLE = (psycopg.OperationalError, PoolTimeout)


class PostgresUnitOfWork:
    """`async with uow:` takes a connection and opens a transaction; `commit()` commits it.
    Leaving the block without committing (or with an exception) rolls back. A lost
    connection or an exhausted pool surfaces as `DatabaseUnavailable`."""

    stores: StoreRepository
    orders: OrderRepository
    payments: PaymentRepository
    webhooks: WebhookInbox
    idempotency: IdempotencyRepository
    schedule: ReconciliationSchedule
    notifications: PostgresNotificationOutbox

    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        ids: IdGenerator,
        snapshots: Snapshots | None = None,
        inline_grace: timedelta | None = None,
        *,
        read_only: bool = False,
        autocommit: bool = False,
    ) -> None:
        self._pool = pool
        self._ids = ids
        self._snapshots = snapshots or Snapshots()
        self._inline_grace = inline_grace
        self._autocommit = read_only or autocommit
        self._conn: AsyncConnection[Any] | None = None

    async def __aenter__(self) -> Self:
        try:
            conn = await self._pool.getconn()
        except _UNAVAILABLE as error:
            raise DatabaseUnavailable("no database connection") from error
        self._conn = conn
        if self._autocommit:
            # No BEGIN and no ROLLBACK round trips: each read is its own statement.
            await conn.set_autocommit(True)
        self.notifications = outbox = PostgresNotificationOutbox(conn, self._snapshots)
        self.stores = PostgresStoreRepository(conn)
        self.orders = PostgresOrderRepository(conn, self._ids, outbox)
        self.payments = PostgresPaymentRepository(conn, self._ids, outbox)
        self.schedule = PostgresReconciliationSchedule(conn)
        self.webhooks = PostgresWebhookInbox(conn, self._ids, self._inline_grace)
        self.idempotency = PostgresIdempotencyRepository(conn)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._connection, None
        try:
            if self._autocommit:
                await conn.set_autocommit(False)
            else:
                await conn.rollback()
        except psycopg.Error:
            pass  # a broken connection: the pool discards it, the server dropped the work
        finally:
            await self._pool.putconn(conn)
        if isinstance(exc, _UNAVAILABLE):
            raise DatabaseUnavailable("the database connection failed") from exc

    async def commit(self) -> None:
        if self._autocommit:
            raise RuntimeError("a unit of work without a transaction cannot commit")
        try:
            await self._connection.commit()
        except _UNAVAILABLE as error:
            raise DatabaseUnavailable("the connection failed during commit") from error

    @property
    def _connection(self) -> AsyncConnection[Any]:
        if self._conn is None:
            raise RuntimeError("the unit of work is used outside `async with`")
        return self._conn


class PostgresUnitOfWorkFactory:
    """`inline_grace`: see `PostgresWebhookInbox` (None: its default, 30 s)."""

    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        ids: IdGenerator,
        snapshots: Snapshots | None = None,
        inline_grace: timedelta | None = None,
    ) -> None:
        self._pool = pool
        self._ids = ids
        self._snapshots = snapshots
        self._inline_grace = inline_grace

    def __call__(self, *, read_only: bool = False, autocommit: bool = False) -> PostgresUnitOfWork:
        return PostgresUnitOfWork(
            self._pool,
            self._ids,
            self._snapshots,
            self._inline_grace,
            read_only=read_only,
            autocommit=autocommit,
        )
