"""Automatic payouts: a store's schedule, and the daily pass that pays each store's available
balance above its minimum to its destination."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from application.errors import NotFound
from application.payouts.create_payout import AlreadyScheduled, CreatePayout, CreatePayoutCommand
from application.payouts.ports import PayoutSchedule
from application.shared.ports import Clock
from application.unit_of_work import UnitOfWorkFactory
from domain.accounts import CURRENCY_OF
from domain.errors import PaymentError
from domain.events import Source
from domain.money import Money
from domain.payout_destination import DestinationStatus


class ScheduleDestinationRequired(PaymentError):
    """A daily schedule names one of the store's destinations that is not disabled."""


@dataclass(frozen=True, slots=True)
class ScheduleCommand:
    store_id: str
    interval: str  # "manual" | "daily"
    destination_id: str | None
    minimum: int = 0


class SetSchedule:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, command: ScheduleCommand) -> PayoutSchedule:
        now = self._clock.now()
        async with self._uow() as uow:
            if command.destination_id is not None:
                found = await uow.payout_destinations.get(
                    command.destination_id, store_id=command.store_id
                )
                if found is None:
                    raise NotFound(f"payout destination {command.destination_id} not found")
                if found.status_at(now) is DestinationStatus.DISABLED:
                    raise ScheduleDestinationRequired("this destination is disabled")
            elif command.interval == "daily":
                raise ScheduleDestinationRequired("a daily schedule needs a destination_id")
            schedule = PayoutSchedule(
                command.store_id, command.interval, command.destination_id, command.minimum, now
            )
            await uow.payout_schedules.put(schedule)
            await uow.commit()
        return schedule


class RunDailyPayouts:
    """Rules: one payout per store and currency and day (`schedule_key`), whatever the number
    of passes or workers: a second pass that day creates nothing more; a store whose
    destination is not active (yet, or any more), or whose balance is not above its minimum,
    gets none that day."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        create: CreatePayout,
        clock: Clock,
        hold: timedelta = timedelta(0),
    ) -> None:
        self._uow, self._create, self._clock, self._hold = uow, create, clock, hold

    async def __call__(self) -> int:
        async with self._uow(read_only=True) as uow:
            schedules = await uow.payout_schedules.daily()
        made = 0
        for schedule in schedules:
            made += await self._pay(schedule)
        return made

    async def _pay(self, schedule: PayoutSchedule) -> int:
        now = self._clock.now()
        since = now - self._hold if self._hold else None
        async with self._uow(read_only=True) as uow:
            destination = await uow.payout_destinations.get(
                schedule.destination_id or "", store_id=schedule.store_id
            )
            balances = await uow.ledger.balances(schedule.store_id, since)
        if destination is None or destination.status_at(now) is not DestinationStatus.ACTIVE:
            return 0
        wanted = CURRENCY_OF.get(destination.country or "")
        made = 0
        for line in balances:
            amount = line.available - schedule.minimum
            if amount <= 0 or (wanted is not None and line.currency.value != wanted):
                continue
            key = f"{schedule.store_id}:{line.currency.value}:{now.date().isoformat()}"
            command = CreatePayoutCommand(
                schedule.store_id, Money(amount, line.currency), destination.id,
                description="daily payout", source=Source.SYSTEM, schedule_key=key,
            )  # fmt: skip
            try:
                await self._create(command)
            except (AlreadyScheduled, PaymentError):
                continue  # made by an earlier pass, or the balance moved meanwhile
            made += 1
        return made
