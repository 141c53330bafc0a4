"""Ask the provider, then apply what it says: the one template by which a provider's answer
settles an aggregate (a payment, a refund; payouts next). Callback, verification,
reconciliation and a refused start all go through it.

The walk: read the subject outside any transaction; a final one is left as it is; ask the
provider's API, still outside any transaction (`ProviderUnavailable` propagates: the outcome
is unknown and nothing changes); then, in one unit of work, let the aggregate decide (on the
read, which the caller hands on, its write checking that nothing read changed since; or,
without a read, on the subject locked and read again: `Settles.decide`), let the caller add
its own step (`then`: mark the inbox row, plan the next check, expire), write the subject
once, and commit. A write refused because what it was decided on changed (`ConcurrentChange`)
is decided once more, locked. The dispatch follows the changes up (notifications in the
transaction; log, metrics, health after it). A report the state machine refuses changes
nothing and is logged as an anomaly, whatever the caller."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from application.errors import ConcurrentChange
from application.shared.ports import Clock
from application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.events import Source
from domain.provider_report import ProviderReport


class Settleable(Protocol):
    @property
    def id(self) -> str: ...


A = TypeVar("A", bound=Settleable)
#: What one read of the subject gives: the subject and what a decision on it needs (a
#: payment's order and fee rate).
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Applied(Generic[A]):
    """The subject once the report was applied; `refused`: the report did not fit the state
    machine and changed nothing."""

    subject: A
    report: ProviderReport
    refused: bool = False


@dataclass(frozen=True, slots=True)
class Settled(Generic[A]):
    """What a settlement came to: `subject` None when there is no such subject; `applied`
    None when the provider was not asked (the subject was final, or not worth asking)."""

    subject: A | None
    applied: Applied[A] | None = None


class Settles(Protocol[A, R]):
    """What the template needs to know of one kind of aggregate."""

    def subject(self, read: R) -> A:
        """The subject in a read."""
        ...

    def open(self, subject: A) -> bool:
        """Whether the provider may still settle `subject` (else it is not asked)."""
        ...

    async def read(self, uow: UnitOfWork, subject_id: str, store_id: str | None) -> R | None:
        """The subject as committed (no lock); `store_id`: only if it is that store's."""
        ...

    async def ask(self, subject: A) -> ProviderReport:
        """The provider's own API. Raises `ProviderUnavailable` when it cannot answer."""
        ...

    async def decide(
        self,
        uow: UnitOfWork,
        subject_id: str,
        report: ProviderReport,
        source: Source,
        at: datetime,
        read: R | None,
    ) -> Applied[A]:
        """Apply the report to the subject (and what it implies for other aggregates): to
        `read`, the write checking that nothing read changed since, when the aggregate can be
        decided on as read; else, and always when `read` is None, to the subject locked and
        read again."""
        ...

    async def save(self, uow: UnitOfWork, subject: A, touched: bool) -> None:
        """Write the subject when it changed (`touched`: changed without an event)."""
        ...


class Anomalies(Protocol):
    def anomaly(self, subject: Any, what: str, detail: dict[str, Any]) -> None: ...


#: The caller's own step in the settlement's transaction, after the aggregate decided.
#: Returns whether it changed the subject without recording an event.
Then = Callable[[UnitOfWork, A], Awaitable[bool]]


class Settlement(Generic[A, R]):
    """The template, bound to one kind of aggregate (`Settles`)."""

    def __init__(
        self, *, uow: UnitOfWorkFactory, settles: Settles[A, R], clock: Clock, log: Anomalies
    ) -> None:
        self._uow, self._settles, self._clock, self._log = uow, settles, clock, log

    async def __call__(
        self,
        subject_id: str,
        source: Source,
        *,
        store_id: str | None = None,
        then: Then[A] | None = None,
    ) -> Settled[A]:
        """Read, ask and apply; a missing subject, or one the provider can no longer settle,
        is returned without a call."""
        read = await self.read(subject_id, store_id)
        if read is None:
            return Settled(None)
        subject = self._settles.subject(read)
        if not self._settles.open(subject):
            return Settled(subject)
        applied = await self.ask_and_apply(read, source, then)
        return Settled(applied.subject, applied)

    def subject(self, read: R) -> A:
        """The subject in a read."""
        return self._settles.subject(read)

    async def read(self, subject_id: str, store_id: str | None = None) -> R | None:
        async with self._uow(read_only=True) as uow:
            return await self._settles.read(uow, subject_id, store_id)

    async def ask_and_apply(
        self, read: R, source: Source, then: Then[A] | None = None
    ) -> Applied[A]:
        """Ask the provider about the subject of `read` (outside any transaction), then apply
        its answer, deciding on `read`."""
        subject = self._settles.subject(read)
        report = await self._settles.ask(subject)
        return await self.apply(subject.id, report, source, then, read=read)

    async def apply(
        self,
        subject_id: str,
        report: ProviderReport,
        source: Source,
        then: Then[A] | None = None,
        *,
        read: R | None = None,
    ) -> Applied[A]:
        """Apply a confirmed report in a transaction of its own, deciding on `read` (the
        subject as read before the provider was asked), or, without one, on the subject
        locked. When what the decision was made on changed meanwhile (`ConcurrentChange`:
        nothing was written), it is made once more on the subject as it stands, locked."""
        try:
            return await self._apply(subject_id, report, source, then, read)
        except ConcurrentChange:
            return await self._apply(subject_id, report, source, then, None)

    async def _apply(
        self,
        subject_id: str,
        report: ProviderReport,
        source: Source,
        then: Then[A] | None,
        read: R | None,
    ) -> Applied[A]:
        async with self._uow() as uow:
            at = self._clock.now()
            applied = await self._settles.decide(uow, subject_id, report, source, at, read)
            touched = await then(uow, applied.subject) if then is not None else False
            await self._settles.save(uow, applied.subject, touched)
            await uow.commit()
        if applied.refused:
            detail = {"reported": str(report.status), "source": str(source)}
            if report.failure_code:
                detail["code"] = report.failure_code
            self._log.anomaly(applied.subject, "illegal_transition", detail)
        return applied
