"""In-memory fakes of the payout use cases' ports (used by `tests/fakes.py`'s unit of work)
and a fake payout gateway whose answers a test queues."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from application.payouts.gateway import BalanceGateway, PayoutOrder, PayoutReport
from application.payouts.ports import PayoutSchedule
from application.shared.ports import Page, PageRequest, RecordedEvent
from domain.payout import Payout, PayoutStatus
from domain.payout_destination import PayoutDestination

if TYPE_CHECKING:
    from tests.fakes import InMemoryUnitOfWork

PAYOUT_TABLES = ("payouts", "payout_destinations", "payout_schedules", "payout_checks")


class InMemoryPayoutRepository:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, payout: Payout) -> None:
        from tests.fakes import _insert

        _insert(self._uow, "payouts", payout)  # type: ignore[arg-type]

    async def get(self, payout_id: str, *, for_update: bool = False) -> Payout | None:
        found: Payout | None = self._uow.tx.get("payouts", payout_id)
        return found

    async def get_for_store(self, store_id: str, payout_id: str) -> Payout | None:
        found = await self.get(payout_id)
        return found if found is not None and found.store_id == store_id else None

    async def save(self, payout: Payout) -> None:
        from tests.fakes import _update

        _update(self._uow, "payouts", payout)  # type: ignore[arg-type]

    async def search(
        self, store_id: str | None, status: PayoutStatus | None, page: PageRequest
    ) -> Page[Payout]:
        from tests.fakes import _page

        rows = [p for p in self._uow.tx.all("payouts")
                if store_id in (None, p.store_id) and status in (None, p.status)]  # fmt: skip
        return _page(rows, page)

    async def history(self, payout_id: str) -> list[RecordedEvent]:
        events = [e for e in self._uow.tx.all("events") if e.event.subject_id == payout_id]
        return sorted(events, key=lambda e: e.id)

    async def plan(self, payout_id: str, at: datetime | None, attempts: int) -> None:
        self._uow.tx.put("payout_checks", payout_id, (at, attempts))

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[tuple[str, int]]:
        tx = self._uow.tx
        pending = {p.id for p in tx.all("payouts") if p.status is PayoutStatus.PENDING}
        due = sorted(
            (at, payout_id, attempts)
            for payout_id, (at, attempts) in tx.tables["payout_checks"].items()
            if at is not None and at <= now and payout_id in pending
        )[:limit]
        for _, payout_id, attempts in due:
            tx.put("payout_checks", payout_id, (lease_until, attempts))
        return [(payout_id, attempts) for _, payout_id, attempts in due]

    async def scheduled(self, schedule_key: str) -> bool:
        return any(p.schedule_key == schedule_key for p in self._uow.tx.all("payouts"))


class InMemoryPayoutDestinationRepository:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def add(self, destination: PayoutDestination) -> None:
        from tests.fakes import _append_events

        _append_events(self._uow, destination)  # type: ignore[arg-type]
        self._uow.tx.put("payout_destinations", destination.id, destination)

    async def get(
        self, destination_id: str, *, store_id: str | None = None, for_update: bool = False
    ) -> PayoutDestination | None:
        found: PayoutDestination | None = self._uow.tx.get("payout_destinations", destination_id)
        return found if found is not None and store_id in (None, found.store_id) else None

    async def save(self, destination: PayoutDestination) -> None:
        self._uow.tx.put("payout_destinations", destination.id, destination)

    async def of_store(self, store_id: str) -> list[PayoutDestination]:
        rows = [d for d in self._uow.tx.all("payout_destinations") if d.store_id == store_id]
        return sorted(rows, key=lambda d: d.id, reverse=True)

    async def awaiting_approval(self, now: datetime) -> list[PayoutDestination]:
        rows = self._uow.tx.all("payout_destinations")
        waiting = [d for d in rows if not (d.approved_at or d.disabled_at) and d.active_from > now]
        return sorted(waiting, key=lambda d: d.created_at)


class InMemoryPayoutScheduleRepository:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def get(self, store_id: str) -> PayoutSchedule | None:
        found: PayoutSchedule | None = self._uow.tx.get("payout_schedules", store_id)
        return found

    async def put(self, schedule: PayoutSchedule) -> None:
        self._uow.tx.put("payout_schedules", schedule.store_id, schedule)

    async def daily(self) -> list[PayoutSchedule]:
        rows = [s for s in self._uow.tx.all("payout_schedules") if s.interval == "daily"]
        return sorted(rows, key=lambda s: s.store_id)


def report(status: str = "pending", **fields: object) -> PayoutReport:
    values: dict[str, object] = dict.fromkeys(
        ("provider_reference", "failure_code", "failure_message", "provider_fee")
    )
    values["data"] = {}
    values.update(fields)
    return PayoutReport(status, **values)  # type: ignore[arg-type]


@dataclass
class FakePayoutGateway:
    """Answers `send` and `look_up` with the reports queued (the last one again when only
    one is left); an exception queued is raised. Records the orders it was given."""

    provider: str = "sandbox"
    country: str | None = None
    sent: list[PayoutOrder] = field(default_factory=list)
    looked_up: list[PayoutOrder] = field(default_factory=list)
    answers: deque[PayoutReport | Exception] = field(default_factory=deque)

    def queue(self, *answers: PayoutReport | Exception) -> None:
        self.answers.extend(answers)

    async def send(self, order: PayoutOrder) -> PayoutReport:
        self.sent.append(order)
        return self._answer()

    async def look_up(self, order: PayoutOrder) -> PayoutReport:
        self.looked_up.append(order)
        return self._answer()

    def _answer(self) -> PayoutReport:
        if not self.answers:
            return report("pending")
        answer = self.answers.popleft() if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


@dataclass
class FakePayoutGateways:
    """Every provider in `providers` pays out through `gateway`; the others cannot."""

    gateway: FakePayoutGateway = field(default_factory=FakePayoutGateway)
    providers: frozenset[str] = frozenset({"sandbox", "wave", "mtn_momo", "moov_money"})

    def payout_gateway(self, provider: str, country: str | None) -> FakePayoutGateway | None:
        return self.gateway if provider in self.providers else None

    def balance_gateways(self) -> Sequence[BalanceGateway]:
        return ()
