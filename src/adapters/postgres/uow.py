"""The unit of work: one pool connection, one transaction, rolled back unless committed.

Repositories are built when first used. Each event a repository stores is collected (`collect`)
and handed to the dispatch at `commit()`: its in-transaction handlers write (notifications...)
before COMMIT, its after-commit handlers run after it.

A transaction runs in psycopg's pipeline mode, with BEGIN and COMMIT sent by the unit of work
itself: BEGIN goes out with the first read (one round trip for both), and every write after
the last read goes out with COMMIT (one round trip for all). A read still waits for its
answer; a write does not, so its errors (a stale version, a constraint) surface at the next
read or at `commit()`, and fail the whole transaction. A transaction that reads nothing (a
settlement) is not opened at all: its writes, one statement, are sent alone at `commit()`,
outside pipeline mode, and PostgreSQL runs that statement as a transaction of its own. The
writes the repositories queue (`batch.write`: a settlement's payment, order, events,
notifications, ledger movement and inbox row) leave as one statement
(`adapters/postgres/batch.py`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import timedelta
from types import TracebackType
from typing import Any, Self, TypeVar

import psycopg
from psycopg import AsyncConnection, AsyncPipeline
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from adapters.postgres.audit import PostgresAuditLog
from adapters.postgres.batch import BatchedConnection
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
from application.dispatch import Dispatch
from application.errors import DatabaseUnavailable
from application.event_handlers import event_handlers
from application.ledger.ports import Ledger
from application.payments.ports import (
    OrderRepository,
    PaymentRepository,
    ReconciliationSchedule,
    WebhookInbox,
)
from application.payouts.ports import (
    PayoutDestinationRepository,
    PayoutRepository,
    PayoutScheduleRepository,
)
from application.refunds.ports import RefundRepository
from application.shared.ports import Change, IdempotencyRepository, IdGenerator
from application.stores.ports import (
    AuditLog,
    NotificationOutbox,
    OperatorRepository,
    ReviewQueue,
    StoreRepository,
)

_UNAVAILABLE = (psycopg.OperationalError, PoolTimeout)

#: What `AsyncConnection.pipeline()` answers: entered when the transaction is opened (just
#: before its first statement), left at its commit (the Sync that sends the writes and
#: COMMIT) or when it is abandoned; never entered by a transaction that reads nothing.
Pipeline = contextlib.AbstractAsyncContextManager[AsyncPipeline]

R = TypeVar("R")


class PostgresUnitOfWork:
    """`async with uow:` takes a connection and opens a transaction; `commit()` commits it.
    Leaving the block without committing (or with an exception) rolls back. A lost
    connection or an exhausted pool surfaces as `DatabaseUnavailable`."""

    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        ids: IdGenerator,
        *,
        dispatch: Dispatch | None = None,
        snapshots: Snapshots | None = None,
        inbox_grace: timedelta | None = None,
        read_only: bool = False,
        autocommit: bool = False,
    ) -> None:
        self._pool = pool
        self._ids = ids
        self._dispatch = dispatch or Dispatch(event_handlers())
        self._snapshots = snapshots or Snapshots()
        self._inbox_grace = inbox_grace
        self._autocommit = read_only or autocommit
        self._conn: AsyncConnection[Any] | None = None
        self._batched: BatchedConnection | None = None
        self._pipeline: Pipeline | None = None
        self._built: dict[str, Any] = {}
        self._changes: list[Change] = []

    async def __aenter__(self) -> Self:
        try:
            conn = await self._pool.getconn()
        except _UNAVAILABLE as error:
            raise DatabaseUnavailable("no database connection") from error
        self._conn = conn
        self._built.clear()
        self._changes.clear()
        # psycopg sends no BEGIN of its own (it would wait for it): each statement of an
        # autocommit unit of work stands alone; a transaction sends its BEGIN in its pipeline.
        await conn.set_autocommit(True)
        if not self._autocommit:
            self._batched = BatchedConnection(conn, begin=self._begin)
        return self

    async def _begin(self) -> None:
        """The transaction opened, before its first statement (see the batched connection)."""
        self._pipeline = await _enter(self._connection)

    def _repository(self, name: str, build: Callable[[AsyncConnection[Any]], R]) -> R:
        """The repository `name` of this transaction, built at its first use."""
        found = self._built.get(name)
        if found is None:
            conn = self._batched if self._batched is not None else self._connection
            found = self._built[name] = build(conn)  # type: ignore[arg-type]
        return found

    @property
    def stores(self) -> StoreRepository:
        return self._repository("stores", PostgresStoreRepository)

    @property
    def orders(self) -> OrderRepository:
        return self._repository(
            "orders", lambda c: PostgresOrderRepository(c, self._ids, self._changes)
        )

    @property
    def payments(self) -> PaymentRepository:
        return self._repository(
            "payments", lambda c: PostgresPaymentRepository(c, self._ids, self._changes)
        )

    @property
    def refunds(self) -> RefundRepository:
        return self._repository(
            "refunds", lambda c: PostgresRefundRepository(c, self._ids, self._changes)
        )

    @property
    def webhooks(self) -> WebhookInbox:
        return self._repository(
            "webhooks", lambda c: PostgresWebhookInbox(c, self._ids, self._inbox_grace)
        )

    @property
    def notifications(self) -> NotificationOutbox:
        return self._repository(
            "notifications", lambda c: PostgresNotificationOutbox(c, self._snapshots)
        )

    @property
    def idempotency(self) -> IdempotencyRepository:
        return self._repository("idempotency", PostgresIdempotencyRepository)

    @property
    def schedule(self) -> ReconciliationSchedule:
        return self._repository("schedule", PostgresReconciliationSchedule)

    @property
    def operators(self) -> OperatorRepository:
        return self._repository("operators", PostgresOperatorRepository)

    @property
    def audit(self) -> AuditLog:
        return self._repository("audit", PostgresAuditLog)

    @property
    def review(self) -> ReviewQueue:
        return self._repository("review", PostgresReviewQueue)

    @property
    def ledger(self) -> Ledger:
        return self._repository("ledger", lambda c: PostgresLedger(c, self._ids))

    @property
    def payouts(self) -> PayoutRepository:
        return self._repository(
            "payouts", lambda c: PostgresPayoutRepository(c, self._ids, self._changes)
        )

    @property
    def payout_destinations(self) -> PayoutDestinationRepository:
        return self._repository(
            "payout_destinations",
            lambda c: PostgresPayoutDestinationRepository(c, self._ids, self._changes),
        )

    @property
    def payout_schedules(self) -> PayoutScheduleRepository:
        return self._repository("payout_schedules", PostgresPayoutScheduleRepository)

    def collect(self) -> list[Change]:
        collected, self._changes[:] = list(self._changes), []
        return collected

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._connection, None
        pipeline, self._pipeline = self._pipeline, None
        self._batched = None  # what was queued and not flushed is dropped with the rollback
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
        """The dispatch's in-transaction handlers, then COMMIT, then its after-commit ones."""
        if self._batched is None:
            raise RuntimeError("a unit of work without a transaction cannot commit")
        await self._dispatch.commit(self, self._send_commit)

    async def _send_commit(self) -> None:
        """Send COMMIT after the queued writes and wait for them all (one round trip). A
        transaction that sent nothing before is not opened: its writes, one statement, go
        alone, a transaction of their own (one round trip, no BEGIN, no COMMIT)."""
        if self._batched is None:
            raise RuntimeError("a unit of work without a transaction cannot commit")
        pipeline, self._pipeline = self._pipeline, None
        try:
            await self._batched.finish()
            if pipeline is not None:
                await self._connection.execute(b"COMMIT")
                await pipeline.__aexit__(None, None, None)
        except BaseException as error:
            # A statement's error can surface before the pipeline's end (when COMMIT is
            # queued), and a task can be cancelled there: the connection leaves pipeline mode
            # all the same, else the pool takes it back idle but still in pipeline mode, and
            # its next user's commands collide.
            if pipeline is not None:
                await _leave(pipeline)
            if isinstance(error, psycopg.Error):
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
    try:
        await conn.execute(b"BEGIN")  # not waited for: it goes out with the first read
    except BaseException:
        await _leave(pipeline)
        raise
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
    """`dispatch`: what follows the changes (default: the store notifications only, the
    after-commit effects being wired by the container). `inbox_grace`: see
    `PostgresWebhookInbox` (None: its default, 30 s)."""

    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        ids: IdGenerator,
        *,
        dispatch: Dispatch | None = None,
        snapshots: Snapshots | None = None,
        inbox_grace: timedelta | None = None,
    ) -> None:
        self._pool = pool
        self._ids = ids
        self._dispatch = dispatch or Dispatch(event_handlers())
        self._snapshots = snapshots or Snapshots()
        self._inbox_grace = inbox_grace

    def __call__(self, *, read_only: bool = False, autocommit: bool = False) -> PostgresUnitOfWork:
        return PostgresUnitOfWork(
            self._pool,
            self._ids,
            dispatch=self._dispatch,
            snapshots=self._snapshots,
            inbox_grace=self._inbox_grace,
            read_only=read_only,
            autocommit=autocommit,
        )
