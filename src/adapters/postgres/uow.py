"""The unit of work: one pool connection, one transaction, rolled back unless committed.

A transaction runs in psycopg's pipeline mode, with BEGIN and COMMIT sent by the unit of work
itself: BEGIN goes out with the first read (one round trip for both), and every write after
the last read goes out with COMMIT (one round trip for all). A read still waits for its
answer; a write does not, so its errors (a stale version, a constraint) surface at the next
read or at `commit()`, and fail the whole transaction."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from types import TracebackType
from typing import Any, Self

import psycopg
from psycopg import AsyncConnection, AsyncPipeline
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from adapters.postgres.audit import PostgresAuditLog
from adapters.postgres.errors import ConcurrentUpdate
from adapters.postgres.idempotency import PostgresIdempotencyRepository
from adapters.postgres.ledger import PostgresLedger
from adapters.postgres.notifications import PostgresNotificationOutbox
from adapters.postgres.operators import PostgresOperatorRepository
from adapters.postgres.orders import PostgresOrderRepository
from adapters.postgres.payments import PostgresPaymentRepository
from adapters.postgres.payouts import (
    PostgresPayoutDestinationRepository,
    PostgresPayoutRepository,
    PostgresPayoutScheduleRepository,
)
from adapters.postgres.refunds import PostgresRefundRepository
from adapters.postgres.review import PostgresReviewQueue
from adapters.postgres.schedule import PostgresReconciliationSchedule
from adapters.postgres.stores import PostgresStoreRepository
from adapters.postgres.webhooks import PostgresWebhookInbox
from adapters.snapshots import Snapshots
from application.errors import DatabaseUnavailable
from application.ledger.ports import Ledger
from application.ports import (
    AuditLog,
    IdempotencyRepository,
    IdGenerator,
    OperatorRepository,
    OrderRepository,
    PaymentRepository,
    ReconciliationSchedule,
    RefundRepository,
    ReviewQueue,
    StoreRepository,
    WebhookInbox,
)

_UNAVAILABLE = (psycopg.OperationalError, PoolTimeout)

#: What `AsyncConnection.pipeline()` answers: entered when the transaction starts, left at
#: its commit (the Sync that sends the writes and COMMIT) or when it is abandoned.
Pipeline = contextlib.AbstractAsyncContextManager[AsyncPipeline]


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
    refunds: RefundRepository
    operators: OperatorRepository
    audit: AuditLog
    review: ReviewQueue
    ledger: Ledger
    payout_destinations: PostgresPayoutDestinationRepository
    payouts: PostgresPayoutRepository
    payout_schedules: PostgresPayoutScheduleRepository

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
        self._pipeline: Pipeline | None = None

    async def __aenter__(self) -> Self:
        try:
            conn = await self._pool.getconn()
        except _UNAVAILABLE as error:
            raise DatabaseUnavailable("no database connection") from error
        self._conn = conn
        # psycopg sends no BEGIN of its own (it would wait for it): each statement of an
        # autocommit unit of work stands alone; a transaction sends its BEGIN in its pipeline.
        await conn.set_autocommit(True)
        if not self._autocommit:
            self._pipeline = await _enter(conn)
        self.notifications = outbox = PostgresNotificationOutbox(conn, self._snapshots)
        self.stores = PostgresStoreRepository(conn)
        self.orders = PostgresOrderRepository(conn, self._ids, outbox)
        self.payments = PostgresPaymentRepository(conn, self._ids, outbox)
        self.schedule = PostgresReconciliationSchedule(conn)
        self.webhooks = PostgresWebhookInbox(conn, self._ids, self._inline_grace)
        self.idempotency = PostgresIdempotencyRepository(conn)
        self.refunds = PostgresRefundRepository(conn, self._ids, outbox)
        self.operators = PostgresOperatorRepository(conn)
        self.audit = PostgresAuditLog(conn)
        self.review = PostgresReviewQueue(conn)
        self.ledger = PostgresLedger(conn, self._ids)
        self.payout_destinations = PostgresPayoutDestinationRepository(conn, self._ids, outbox)
        self.payouts = PostgresPayoutRepository(conn, self._ids, outbox)
        self.payout_schedules = PostgresPayoutScheduleRepository(conn)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._connection, None
        pipeline, self._pipeline = self._pipeline, None
        try:
            if pipeline is not None:  # left without commit(): whatever was sent is undone
                await _leave(pipeline)
            await conn.rollback()  # nothing to do (no round trip) when no transaction is open
            await conn.set_autocommit(False)
        except psycopg.Error:
            pass  # a broken connection: the pool discards it, the server dropped the work
        finally:
            await self._pool.putconn(conn)
        _translate(exc)

    async def commit(self) -> None:
        """Send COMMIT after the queued writes and wait for them all (one round trip)."""
        if self._pipeline is None:
            raise RuntimeError("a unit of work without a transaction cannot commit")
        pipeline, self._pipeline = self._pipeline, None
        try:
            await self._connection.execute(b"COMMIT")
            await pipeline.__aexit__(None, None, None)
        except psycopg.Error as error:
            _translate(error)
            raise

    @property
    def _connection(self) -> AsyncConnection[Any]:
        if self._conn is None:
            raise RuntimeError("the unit of work is used outside `async with`")
        return self._conn


async def _enter(conn: AsyncConnection[Any]) -> Pipeline:
    pipeline = conn.pipeline()
    await pipeline.__aenter__()
    await conn.execute(b"BEGIN")  # queued: it goes out with the first read
    return pipeline


async def _leave(pipeline: Pipeline) -> None:
    """Leave pipeline mode without committing (the caller rolls back); an error of what was
    queued is the reason the transaction is abandoned, or is abandoned with it."""
    with contextlib.suppress(psycopg.Error):
        await pipeline.__aexit__(None, None, None)


def _translate(exc: BaseException | None) -> None:
    """Driver errors with a meaning for the use cases."""
    if isinstance(exc, psycopg.errors.SerializationFailure):
        raise ConcurrentUpdate(str(exc)) from exc
    if isinstance(exc, _UNAVAILABLE):
        raise DatabaseUnavailable("the database connection failed") from exc


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
