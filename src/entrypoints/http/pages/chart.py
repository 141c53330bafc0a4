"""The dashboard's revenue chart: one bar per day over the stats' period, drawn as inline
SVG on the server (readable without JavaScript), one chart per currency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from application.payments.stats import Stats
from domain.money import Money

WIDTH, HEIGHT, GAP = 300, 120, 2


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: date
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    currency: str
    total: str
    peak: str
    bars: list[Bar]
    first_day: date
    last_day: date


def revenue_charts(stats: Stats, lang: str) -> list[Chart]:
    days = _days(stats.period.start.date(), stats.period.end.date())
    return [_chart(stats, total, days, lang) for total in stats.revenue]


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _chart(stats: Stats, total: Money, days: list[date], lang: str) -> Chart:
    per_day = {d.day: d.revenue.amount for d in stats.daily if d.revenue.currency is total.currency}
    peak = max(per_day.values(), default=0) or 1
    slot = WIDTH / max(len(days), 1)
    bars = []
    for index, day in enumerate(days):
        amount = per_day.get(day, 0)
        height = HEIGHT * amount / peak
        label = f"{day.isoformat()} : {Money(amount, total.currency).format(lang)}"
        bars.append(
            Bar(index * slot + GAP / 2, HEIGHT - height, slot - GAP, max(height, 0.5), day, label)
        )
    return Chart(
        currency=total.currency.value,
        total=total.format(lang),
        peak=Money(peak if per_day else 0, total.currency).format(lang),
        bars=bars,
        first_day=days[0],
        last_day=days[-1],
    )
