"""The unit of work: one transaction over the repositories of every context, and the
changes its repositories stored, for the dispatch (`application/dispatch.py`) to follow up."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

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
from application.shared.ports import Change, IdempotencyRepository
from application.stores.ports import (
    AuditLog,
    NotificationOutbox,
    OperatorRepository,
    ReviewQueue,
    StoreRepository,
)


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without `commit()` rolls everything back.

    Rules: a repository is built when it is first used; the events the repositories store
    are collected (`collect`); `commit()` hands them to the dispatch, whose in-transaction
    handlers write inside this transaction (store notifications, ledger entries...) before
    it commits and whose after-commit handlers run once it has (logs, metrics, health)."""

    @property
    def stores(self) -> StoreRepository: ...
    @property
    def orders(self) -> OrderRepository: ...
    @property
    def payments(self) -> PaymentRepository: ...
    @property
    def webhooks(self) -> WebhookInbox: ...
    @property
    def idempotency(self) -> IdempotencyRepository: ...
    @property
    def schedule(self) -> ReconciliationSchedule: ...
    @property
    def notifications(self) -> NotificationOutbox: ...
    @property
    def refunds(self) -> RefundRepository: ...
    @property
    def operators(self) -> OperatorRepository: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def review(self) -> ReviewQueue: ...
    @property
    def ledger(self) -> Ledger: ...
    @property
    def payouts(self) -> PayoutRepository: ...
    @property
    def payout_destinations(self) -> PayoutDestinationRepository: ...
    @property
    def payout_schedules(self) -> PayoutScheduleRepository: ...

    def collect(self) -> list[Change]:
        """The changes stored since the last call, taken out (oldest first)."""
        ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None:
        """Run the dispatch's in-transaction handlers, commit, run its after-commit ones."""
        ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False, autocommit: bool = False) -> UnitOfWork:
        """A new unit of work. `read_only`: it only reads (and cannot commit), so the
        adapter may skip the transaction: each read then sees the latest committed data.
        `autocommit`: no transaction either; each statement stands alone and is kept when it
        succeeds (for one atomic write, such as recording a callback). It cannot commit."""
        ...
