"""Callbacks settled right after their answer: the delivery is stored, the provider answered
200 at once, and its processing (the provider's status query, the change) runs in this process
as a background task. When the process dies first, the stored delivery is the safety net: the
inbox's retry pass takes it over (`RetryWebhooks`)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import structlog

from adapters.providers.http import MAX_CONNECTIONS

log = structlog.get_logger(__name__)

#: Deliveries processed at once by one process; more wait their turn (the inbox holds them).
#: As many as a provider account's client connections (`MAX_CONNECTIONS`): a
#: settlement holds at most one of them while it waits for the provider's answer, and the
#: database only for its one write. With 16, a provider answering after 100 ms capped the
#: settlements (benchmark at 32 connections, alternated runs: 181–202 → 291–313 settled/s; with
#: a fast provider 248–263 → 298–336); with 256, a burst of settlements queued for the pool
#: ahead of the next callbacks' inbox writes (p99 532 ms).
CONCURRENCY = MAX_CONNECTIONS
#: At shutdown, how long the deliveries in progress may take to finish.
DRAIN_SECONDS = 5.0


class AfterAnswer:
    """Runs work after the answer has gone, a bounded number at a time, and keeps a reference
    to each task until it ends (so that none is collected half-way). `inline`: the work is
    done before the answer instead (`WEBHOOK_SETTLE_INLINE=1`)."""

    def __init__(self, *, inline: bool = False, concurrency: int = CONCURRENCY) -> None:
        self._inline = inline
        self._gate = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()

    async def submit(self, work: Coroutine[Any, Any, Any], what: str) -> None:
        """Start `work` in the background, or do it now when inline (its errors then reach
        the caller)."""
        if self._inline:
            await work
        else:
            self.start(work, what)

    def start(self, work: Coroutine[Any, Any, Any], what: str) -> None:
        task = asyncio.get_running_loop().create_task(self._run(work, what))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def in_progress(self) -> int:
        return len(self._tasks)

    async def _run(self, work: Coroutine[Any, Any, Any], what: str) -> None:
        async with self._gate:
            try:
                await work
            except Exception as error:  # the stored delivery is retried by the inbox pass
                log.warning("webhook.processing_failed", what=what, error=repr(error))

    async def drain(self, seconds: float = DRAIN_SECONDS) -> None:
        """Let the work in progress finish (at most `seconds`), then cancel the rest: what
        was cancelled is still in the inbox, processed by the next retry pass."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=seconds)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
