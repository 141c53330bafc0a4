"""What the payout use cases need from storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.shared.ports import Page, PageRequest, RecordedEvent
from domain.payout import Payout, PayoutStatus
from domain.payout_destination import PayoutDestination


@dataclass(frozen=True, slots=True)
class PayoutSchedule:
    """`daily`: each day, the store's available balance above `minimum` goes to
    `destination_id`; `manual`: only the payouts the store asks for."""

    store_id: str
    interval: str
    destination_id: str | None
    minimum: int
    updated_at: datetime


class PayoutDestinationRepository(Protocol):
    async def add(self, destination: PayoutDestination) -> None:
        """Insert it and announce `payout_destination.created` to the store."""
        ...

    async def get(
        self, destination_id: str, *, store_id: str | None = None, for_update: bool = False
    ) -> PayoutDestination | None:
        """`store_id`: only that store's (None: any store's, for operators)."""
        ...

    async def save(self, destination: PayoutDestination) -> None: ...

    async def of_store(self, store_id: str) -> list[PayoutDestination]:
        """Newest first, disabled ones too."""
        ...

    async def awaiting_approval(self, now: datetime) -> list[PayoutDestination]:
        """Still in their hold, neither approved nor disabled, oldest first."""
        ...


class PayoutRepository(Protocol):
    async def add(self, payout: Payout) -> None:
        """Insert it with its events (and the store's notifications of them)."""
        ...

    async def get(self, payout_id: str, *, for_update: bool = False) -> Payout | None: ...

    async def get_for_store(self, store_id: str, payout_id: str) -> Payout | None: ...

    async def save(self, payout: Payout) -> None: ...

    async def search(
        self, store_id: str | None, status: PayoutStatus | None, page: PageRequest
    ) -> Page[Payout]:
        """Newest first; `store_id` None: every store's (operators)."""
        ...

    async def history(self, payout_id: str) -> list[RecordedEvent]: ...

    async def plan(self, payout_id: str, at: datetime | None, attempts: int) -> None:
        """When the payout is next looked up (None: never again), after `attempts` checks."""
        ...

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[tuple[str, int]]:
        """Pending payouts whose check is due, each with its attempts so far; leased until
        `lease_until` so that another worker does not take them meanwhile."""
        ...

    async def scheduled(self, schedule_key: str) -> bool:
        """Whether a payout of this schedule key (store, currency, day) exists."""
        ...


class PayoutScheduleRepository(Protocol):
    async def get(self, store_id: str) -> PayoutSchedule | None: ...

    async def put(self, schedule: PayoutSchedule) -> None: ...

    async def daily(self) -> list[PayoutSchedule]: ...
