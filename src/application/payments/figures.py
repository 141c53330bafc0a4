"""The store's figures as the `StatsReader` port returns them: a read model, in the domain's
money, with no rule of its own beyond the success rate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from domain.money import Money


@dataclass(frozen=True, slots=True)
class Period:
    """`[start, end)`: the payments created (and the money received) in it."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class DailyRevenue:
    day: date
    revenue: Money
    count: int


@dataclass(frozen=True, slots=True)
class Outcomes:
    """Final outcomes of payments: the success rate is succeeded over all of them."""

    succeeded: int = 0
    failed: int = 0
    expired: int = 0

    @property
    def success_rate(self) -> float | None:
        """succeeded / (succeeded + failed + expired); None before any final outcome."""
        total = self.succeeded + self.failed + self.expired
        return self.succeeded / total if total else None


@dataclass(frozen=True, slots=True)
class CountryFigures:
    """One country's share of a store's figures: its payments created in the period, their
    outcomes, and the money received in the period, per currency. A payment's country is its
    provider account's, else its order's."""

    payments: int = 0
    outcomes: Outcomes = field(default_factory=Outcomes)
    revenue: list[Money] = field(default_factory=list)


#: The key of the payments whose country is not known (default account, order without one).
UNKNOWN_COUNTRY = "unknown"


@dataclass(frozen=True, slots=True)
class Stats:
    period: Period
    revenue: list[Money] = field(default_factory=list)
    orders_by_status: dict[str, int] = field(default_factory=dict)
    payments_by_status: dict[str, int] = field(default_factory=dict)
    payments_by_provider: dict[str, int] = field(default_factory=dict)
    outcomes: Outcomes = field(default_factory=Outcomes)
    outcomes_by_provider: dict[str, Outcomes] = field(default_factory=dict)
    daily: list[DailyRevenue] = field(default_factory=list)
    #: money given back: refunds that succeeded in the period, per currency
    refunded: list[Money] = field(default_factory=list)
    #: the same figures per country (`UNKNOWN_COUNTRY` when not known), for stores that sell
    #: in several
    by_country: dict[str, CountryFigures] = field(default_factory=dict)

    @property
    def success_rate(self) -> float | None:
        return self.outcomes.success_rate
