"""The unit of work: one transaction over the repositories of every context."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from application.payments.ports import (
    OrderRepository,
    PaymentRepository,
    ReconciliationSchedule,
    WebhookInbox,
)
from application.refunds.ports import RefundRepository
from application.shared.ports import IdempotencyRepository
from application.stores.ports import (
    AuditLog,
    NotificationOutbox,
    OperatorRepository,
    ReviewQueue,
    StoreRepository,
)


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without `commit()` rolls everything back."""

    stores: StoreRepository
    orders: OrderRepository
    payments: PaymentRepository
    webhooks: WebhookInbox
    idempotency: IdempotencyRepository
    schedule: ReconciliationSchedule
    notifications: NotificationOutbox
    refunds: RefundRepository
    operators: OperatorRepository
    audit: AuditLog
    review: ReviewQueue

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False, autocommit: bool = False) -> UnitOfWork:
        """A new unit of work. `read_only`: it only reads (and cannot commit), so the
        adapter may skip the transaction: each read then sees the latest committed data.
        `autocommit`: no transaction either; each statement stands alone and is kept when it
        succeeds (for one atomic write, such as recording a callback). It cannot commit."""
        ...
