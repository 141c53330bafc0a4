"""What this process saw of the providers, buffered per provider and minute and added to the
shared `provider_health_minutes` within a second: one small write a second per process,
not one per payment. What is in the buffer when a process dies (at most a second) is lost;
health is a picture, not a ledger."""

from __future__ import annotations

import asyncio
from dataclasses import fields
from datetime import datetime, timedelta
from typing import Any

import structlog
from psycopg_pool import AsyncConnectionPool

from application.shared.ports import Clock
from domain.provider_health import Tally

log = structlog.get_logger(__name__)

TALLY_COLUMNS = [f.name for f in fields(Tally) if f.name not in ("provider", "minute")]
_ARRAYS = ("start_latency", "settle_seconds", "callback_seconds")


def _added(column: str) -> str:
    if column in _ARRAYS:
        return (
            f"{column} = ARRAY(SELECT a + b FROM unnest(provider_health_minutes.{column}, "
            f"EXCLUDED.{column}) AS u(a, b))"
        )
    return f"{column} = provider_health_minutes.{column} + EXCLUDED.{column}"


UPSERT = f"""
INSERT INTO provider_health_minutes (provider, minute, {", ".join(TALLY_COLUMNS)})
VALUES (%(provider)s, %(minute)s, {", ".join(f"%({c})s" for c in TALLY_COLUMNS)})
ON CONFLICT (provider, minute) DO UPDATE SET {", ".join(_added(c) for c in TALLY_COLUMNS)}
"""

#: Minutes older than this are deleted now and then (the dashboard shows 24 hours).
KEEP = timedelta(days=2)
PRUNE = "DELETE FROM provider_health_minutes WHERE minute < %(before)s"


class BufferedHealthRecorder:
    """Buffers what is recorded and writes it at most once per `every` (1 s), and at the
    latest `every` after it was recorded (a timer on the running event loop)."""

    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        clock: Clock,
        every: timedelta = timedelta(seconds=1),
    ) -> None:
        self._pool, self._clock, self._every = pool, clock, every
        self._buffer: dict[tuple[str, datetime], Tally] = {}
        self._flushed_at: datetime | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._writes: set[asyncio.Task[None]] = set()

    def record(self, tally: Tally) -> None:
        key = (tally.provider, tally.minute)
        held = self._buffer.get(key)
        self._buffer[key] = held + tally if held else tally
        if self._timer is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return  # no event loop: the next flush writes it
            self._timer = loop.call_later(self._every.total_seconds(), self._on_timer)

    async def flush(self, force: bool = False) -> None:
        """Write the buffer when `every` has passed since the last write; `force` (the
        watch's pass, shutdown): now, and delete the minutes older than `KEEP`."""
        now = self._clock.now()
        if force and self._timer is not None:
            self._timer.cancel()
            self._timer = None
        elif self._flushed_at is not None and now - self._flushed_at < self._every:
            return
        await self._write(prune=force)

    def _on_timer(self) -> None:
        self._timer = None
        task = asyncio.get_running_loop().create_task(self._write(prune=False))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def _write(self, prune: bool) -> None:
        now = self._clock.now()
        if not self._buffer and not prune:
            return
        buffered, self._buffer, self._flushed_at = self._buffer, {}, now
        rows = [_params(tally) for _, tally in sorted(buffered.items())]
        try:
            async with self._pool.connection() as conn, conn.cursor() as cur:
                if rows:
                    await cur.executemany(UPSERT, rows)
                if prune:
                    await cur.execute(PRUNE, {"before": now - KEEP})
        except Exception as error:
            log.warning("provider_health.flush_failed", error=type(error).__name__)
            for tally in buffered.values():
                self.record(tally)


def _params(tally: Tally) -> dict[str, Any]:
    params: dict[str, Any] = {"provider": tally.provider, "minute": tally.minute}
    for column in TALLY_COLUMNS:
        value = getattr(tally, column)
        params[column] = list(value) if isinstance(value, tuple) else value
    return params
