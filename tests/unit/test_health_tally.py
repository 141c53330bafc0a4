"""What each settled payment costs the provider-health recording: a tally added in memory,
written once a second at most (never one database write per payment)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.fakes import FakeClock

from adapters.postgres.health_recorder import BufferedHealthRecorder
from application.health.settlements import RecordSettlement
from application.shared.ports import Change
from domain.events import Source
from domain.money import Money
from domain.payment import Payment
from domain.provider_health import LATENCY_BOUNDS_MS, SETTLE_BOUNDS_S, Tally, bucket_of, minute_of

AT = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


class CountingPool:
    """Stands for the pool: counts the connections taken and the rows written."""

    def __init__(self) -> None:
        self.connections = 0
        self.rows: list[dict[str, Any]] = []

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[CountingPool]:
        self.connections += 1
        yield self

    @asynccontextmanager
    async def cursor(self) -> AsyncIterator[CountingPool]:
        yield self

    async def executemany(self, _sql: str, rows: list[dict[str, Any]]) -> None:
        self.rows.extend(rows)

    async def execute(self, _sql: str, _params: dict[str, Any]) -> None:
        return None


def settled(number: int) -> Change:
    payment = Payment.create(
        id=f"pay_{number:02}",
        order_id=f"ord_{number:02}",
        store_id="str_01",
        provider="wave",
        amount=Money.of(5000, "XOF"),
        at=AT,
        phone="+2250712345656",
        expires_at=AT + timedelta(minutes=15),
        country="SN",
    )
    payment.mark_pending(AT, Source.API, reference=f"cos-{number}", data={})
    payment.mark_succeeded(AT + timedelta(seconds=3), Source.WEBHOOK, data={})
    return Change(f"evt_{number:02}", payment.events[-1], payment)


async def test_a_thousand_settlements_are_one_row_written_once() -> None:
    pool = CountingPool()
    recorder = BufferedHealthRecorder(pool, FakeClock(AT))  # type: ignore[arg-type]
    record = RecordSettlement(recorder)
    for number in range(1000):
        record(settled(number))
    assert pool.connections == 0  # nothing written while recording

    await recorder.flush(force=True)
    assert pool.connections == 1
    (row,) = pool.rows
    bucket = bucket_of(3, SETTLE_BOUNDS_S)
    assert (row["provider"], row["minute"]) == ("wave:SN", minute_of(AT))
    assert (row["settled_in_ttl"], row["expired"]) == (1000, 0)
    assert row["settle_seconds"][bucket] == row["callback_seconds"][bucket] == 1000
    assert sum(row["settle_seconds"]) == 1000


def test_tallies_add_count_by_count_and_bucket_by_bucket() -> None:
    minute = minute_of(AT)
    zeros = (0,) * (len(LATENCY_BOUNDS_MS) - 2)
    one = Tally("wave", minute, starts_ok=2, status_error=1, start_latency=(1, 0, 2, *zeros))
    two = Tally("wave", minute, starts_ok=3, expired=4, start_latency=(0, 5, 1, *zeros))
    both = one + two
    assert (both.provider, both.minute) == ("wave", minute)
    assert (both.starts_ok, both.status_error, both.expired) == (5, 1, 4)
    assert both.start_latency == (1, 5, 3, *zeros)
    assert both.settle_seconds == one.settle_seconds  # both empty
    with pytest.raises(ValueError):
        one + Tally("wave", minute, start_latency=(1, 2))
