"""One dispatch of domain events (the message bus of *Architecture Patterns with Python*,
with its `EVENT_HANDLERS` table split in two).

Rules:
- what follows a change is decided here, in one table, never inside an adapter and never by
  each caller remembering it;
- a handler is registered under an event type (`payment.succeeded`) or under an aggregate's
  kind (`payment`: every event of every payment);
- in-transaction handlers run inside the caller's unit of work, before its commit: what they
  write commits with the change or not at all (store notifications, ledger entries); an
  error there fails the transaction. The changes they cause are dispatched in turn;
- after-commit handlers run once the transaction has committed (logs, metrics, provider
  health): they may lag or fail without harm, so a failing one is logged and the others run.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import TypeVar

from application.shared.ports import Change
from application.unit_of_work import UnitOfWork

InTransaction = Callable[[UnitOfWork, Change], Awaitable[None]]
AfterCommit = Callable[[Change], None]

H = TypeVar("H")

_log = logging.getLogger(__name__)


class EventHandlers:
    """The table: event type or aggregate kind → handlers, in the order registered."""

    def __init__(self) -> None:
        self.in_transaction: dict[str, list[InTransaction]] = defaultdict(list)
        self.after_commit: dict[str, list[AfterCommit]] = defaultdict(list)

    def within(self, key: str, *handlers: InTransaction) -> EventHandlers:
        """Run `handlers` inside the transaction for each event of type or kind `key`."""
        self.in_transaction[key].extend(handlers)
        return self

    def after(self, key: str, *handlers: AfterCommit) -> EventHandlers:
        """Run `handlers` once the transaction of each event of type or kind `key` commits."""
        self.after_commit[key].extend(handlers)
        return self


class Dispatch:
    """Runs an `EventHandlers` table around a unit of work's commit."""

    def __init__(self, handlers: EventHandlers) -> None:
        self.handlers = handlers

    async def commit(self, uow: UnitOfWork, send: Callable[[], Awaitable[None]]) -> None:
        """In-transaction handlers over what `uow` collected (and what they cause), then
        `send` (the adapter's COMMIT), then the after-commit handlers."""
        changes = await self.within(uow)
        await send()
        self.after(changes)

    async def within(self, uow: UnitOfWork) -> list[Change]:
        changes: list[Change] = []
        while batch := uow.collect():
            changes.extend(batch)
            for change in batch:
                for handler in self._of(self.handlers.in_transaction, change):
                    await handler(uow, change)
        return changes

    def after(self, changes: list[Change]) -> None:
        for change in changes:
            for handler in self._of(self.handlers.after_commit, change):
                try:
                    handler(change)
                except Exception:  # committed already: an effect that may lag must not fail it
                    _log.exception("after-commit handler failed on %s", change.event.type)

    @staticmethod
    def _of(table: dict[str, list[H]], change: Change) -> list[H]:
        return [*table.get(change.kind, ()), *table.get(change.event.type, ())]
