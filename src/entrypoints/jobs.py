"""Background work on procrastinate (Postgres-backed jobs): reconciliation of open payments,
the webhook inbox's retries, order expiry and notification delivery.

Each job is a periodic pass over rows that carry their own schedule (`next_check_at`,
`next_attempt_at`, `expires_at`) and are claimed with a lease (`FOR UPDATE SKIP LOCKED`), so
any number of workers on any number of machines share the work, and nothing is lost when a
worker dies: its leased rows come back when the lease ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from dependency_injector.providers import Provider
from procrastinate import App, PsycopgConnector, builtin_tasks

from adapters.job_metrics import job_succeeded
from entrypoints.container import Container, resolve
from entrypoints.resources import database_url

log = structlog.get_logger(__name__)

#: Seconds before a worker that lost the database is started again (doubling up to the last).
RESTART_FIRST = 1.0
RESTART_LONGEST = 60.0

#: procrastinate's cron takes a sixth column for seconds.
EVERY_2_SECONDS = "* * * * * */2"
EVERY_5_SECONDS = "* * * * * */5"
EVERY_10_SECONDS = "* * * * * */10"
EVERY_MINUTE = "* * * * *"
HOURLY_AT_7 = "7 * * * *"
DAILY_AT_6 = "0 6 * * *"


def periodic_passes(container: Container) -> dict[str, tuple[str, Provider[Any]]]:
    """Each periodic pass by name: when it runs, and the container's use case it runs."""
    return {
        "deliver_notifications": (EVERY_2_SECONDS, container.deliver_notifications),
        "reconcile_due": (EVERY_5_SECONDS, container.reconcile_due),
        "retry_webhooks": (EVERY_10_SECONDS, container.retry_webhooks),
        "expire_orders": (EVERY_MINUTE, container.expire_orders),
        # hourly: full phone numbers past PHONE_RETENTION_DAYS
        "mask_phones": (HOURLY_AT_7, container.mask_phones),
        # provider health: breakers and incidents
        "watch_providers": (EVERY_5_SECONDS, container.watch_providers),
        # pending refunds followed until their provider confirms them
        "reconcile_refunds": (EVERY_5_SECONDS, container.reconcile_refunds),
        # pending payouts followed until their provider confirms them (24 h, then a person)
        "reconcile_payouts": (EVERY_10_SECONDS, container.reconcile_payouts),
        # automatic payouts: once a day, each store on a daily schedule (idempotent per day)
        "daily_payouts": (DAILY_AT_6, container.daily_payouts),
    }


def job_app(container: Container) -> App:
    """The procrastinate app whose periodic tasks run the container's use cases."""
    app = App(connector=PsycopgConnector(conninfo=database_url(container.settings())))
    for name, (cron, use_case) in periodic_passes(container).items():
        _periodic(app, name, cron, _run(name, use_case))

    @app.periodic(cron="17 * * * *")
    @app.task(name="payments.remove_old_jobs", queueing_lock="remove_old_jobs", pass_context=True)
    async def remove_old_jobs(context: Any, timestamp: int) -> None:
        await builtin_tasks.remove_old_jobs(context, max_hours=2)

    return app


def _run(name: str, provider: Provider[Any]) -> Callable[[], Awaitable[int]]:
    async def run() -> int:
        use_case = await resolve(provider)
        done: int = await use_case()
        job_succeeded(name)
        return done

    return run


def _periodic(app: App, name: str, cron: str, run: Callable[[], Awaitable[int]]) -> None:
    # The queueing lock keeps at most one pass of each kind waiting: a slow pass is never
    # followed by a pile of stale ones.
    async def task(timestamp: int) -> int:
        return await run()

    task.__name__ = name
    registered = app.task(name=f"payments.{name}", queueing_lock=name)(task)
    app.periodic(cron=cron, periodic_id=name)(registered)


async def run_worker(container: Container, concurrency: int = 4, signals: bool = False) -> None:
    """Run a worker until it is stopped: by SIGINT/SIGTERM when `signals`, else by
    cancelling the task that runs it (in-process worker of `payments serve`).

    procrastinate's worker stops when it loses the database (a restart, a failover): it is
    started again, after 1 s, then twice as long each time up to a minute, so that the
    process carries on by itself once the database is back."""
    app = job_app(container)
    stop = asyncio.Event()
    if signals:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
    async with app.open_async():
        delay = RESTART_FIRST
        while not stop.is_set():
            started = time.monotonic()
            error = await _run_until_stopped(app, concurrency, stop)
            if stop.is_set():
                break
            if time.monotonic() - started > RESTART_LONGEST:
                delay = RESTART_FIRST  # it ran well for a while: a new incident
            log.error("jobs.worker_stopped", error=error, restart_in_seconds=delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, RESTART_LONGEST)


async def _run_until_stopped(app: App, concurrency: int, stop: asyncio.Event) -> str | None:
    """Run procrastinate's worker until `stop` is set (then stop it gracefully) or until it
    stops by itself; returns the error it stopped on, if any."""
    worker = asyncio.create_task(
        app.run_worker_async(concurrency=concurrency, install_signal_handlers=False)
    )
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({worker, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not worker.done():
            worker.cancel()  # graceful: procrastinate lets the running jobs finish
        await asyncio.gather(worker, return_exceptions=True)
    if worker.cancelled():
        return None
    error = worker.exception()
    return repr(error) if error is not None else "stopped by itself (database lost?)"
