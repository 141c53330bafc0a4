"""The simulators' memory: every payment request an operator received, its state, and the
delivery of its callbacks. One `Ledger` serves the four operators."""

from __future__ import annotations

import asyncio
import enum
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import structlog

from entrypoints.simulators.scenarios import Outcome

log = structlog.get_logger(__name__)


class State(enum.Enum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    EXPIRED = "expired"


@dataclass(slots=True)
class Transaction:
    """One payment request as the operator sees it. `data` holds the operator's own fields
    (the request as received, its tokens and references)."""

    operator: str
    id: str
    amount: int
    currency: str
    outcome: Outcome
    phone: str | None = None
    state: State = State.PENDING
    approved: bool = False  # the customer confirmed (Orange's PENDING)
    failure: str | None = None
    transaction_id: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    completed_at: datetime | None = None
    refunded: int = 0
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.state is State.PENDING


#: Sends the final callbacks of a settled transaction (each operator knows its own).
Notifier = Callable[[Transaction], Awaitable[None]]


class Ledger:
    def __init__(self, approve_delay: float, http: httpx.AsyncClient | None = None) -> None:
        self.approve_delay = approve_delay
        self._transactions: dict[tuple[str, str], Transaction] = {}
        self._notifiers: dict[str, Notifier] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.http = http or httpx.AsyncClient(timeout=httpx.Timeout(5.0), follow_redirects=False)
        self.deliveries: list[dict[str, Any]] = []

    def notifier(self, operator: str, notify: Notifier) -> None:
        self._notifiers[operator] = notify

    def add(self, transaction: Transaction) -> Transaction:
        self._transactions[(transaction.operator, transaction.id)] = transaction
        if transaction.outcome.resolves_alone:
            self.later(self.approve_delay, self._resolve_alone(transaction))
        return transaction

    def get(self, operator: str, transaction_id: str) -> Transaction | None:
        return self._transactions.get((operator, transaction_id))

    def find(self, operator: str, **fields: Any) -> list[Transaction]:
        """The operator's transactions whose `data` has all these values, oldest first."""
        return [
            t
            for (op, _), t in self._transactions.items()
            if op == operator and all(t.data.get(k) == v for k, v in fields.items())
        ]

    def open(self, operator: str | None = None) -> list[Transaction]:
        """Requests still waiting for the customer, newest first (the phone pages)."""
        waiting = [
            t
            for t in self._transactions.values()
            if t.is_open and (operator is None or t.operator == operator)
        ]
        return sorted(waiting, key=lambda t: t.created_at, reverse=True)

    async def settle(self, transaction: Transaction, succeeded: bool, failure: str | None) -> bool:
        """Ends an open transaction and sends its callbacks as its scenario says. False when it
        was already settled (a second click changes nothing)."""
        if not transaction.is_open:
            return False
        transaction.state = State.SUCCEEDED if succeeded else State.FAILED
        transaction.failure = None if succeeded else failure
        transaction.completed_at = datetime.now(UTC)
        if succeeded:
            transaction.transaction_id = new_transaction_id()
        await self.notify(transaction)
        return True

    def expire(self, transaction: Transaction) -> bool:
        if not transaction.is_open:
            return False
        transaction.state = State.EXPIRED
        transaction.completed_at = datetime.now(UTC)
        return True

    async def notify(self, transaction: Transaction) -> None:
        notify = self._notifiers.get(transaction.operator)
        if notify is None:
            return
        for _ in range(transaction.outcome.callbacks):
            await notify(transaction)

    async def deliver(self, method: str, url: str, **kwargs: Any) -> None:
        """One callback over HTTP; its outcome is kept for the home page, never raised."""
        record: dict[str, Any] = {"method": method, "url": re.sub(r"sig=[^&]*", "sig=…", url)}
        try:
            response = await self.http.request(method, url, **kwargs)
            record["status"] = response.status_code
        except httpx.HTTPError as error:
            record["error"] = type(error).__name__
        log.info("simulator.callback", **record)
        self.deliveries.append(record)
        del self.deliveries[:-50]

    def later(self, delay: float, work: Awaitable[Any]) -> None:
        async def run() -> None:
            await asyncio.sleep(delay)
            await work

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _resolve_alone(self, transaction: Transaction) -> None:
        succeeded = transaction.outcome.succeeds
        await self.settle(transaction, succeeded, None if succeeded else "insufficient_funds")

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.http.aclose()


def new_transaction_id() -> str:
    return "SIM" + secrets.token_hex(6).upper()
