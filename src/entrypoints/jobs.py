"""Background work on procrastinate (Postgres-backed jobs): reconciliation of open payments,
the webhook inbox's retries, order expiry and notification delivery.

Each job is a periodic pass over rows that carry their own schedule (`next_check_at`,
`next_attempt_at`, `expires_at`) and are claimed with a lease (`FOR UPDATE SKIP LOCKED`), so
any number of workers on any number of machines share the work, and nothing is lost when a
worker dies: its leased rows come back when the lease ends.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from procrastinate import App, PsycopgConnector, builtin_tasks

from entrypoints.container import Container, database_url, resolve

#: procrastinate's cron takes a sixth column for seconds.
SCHEDULE = {
    "deliver_notifications": "* * * * * */2",
    "reconcile_due": "* * * * * */5",
    "retry_webhooks": "* * * * * */10",
    "expire_orders": "* * * * *",
}


def job_app(container: Container) -> App:
    """The procrastinate app whose periodic tasks run the container's use cases."""
    app = App(connector=PsycopgConnector(conninfo=database_url(container.settings())))
    for name, cron in SCHEDULE.items():
        _periodic(app, name, cron, _use_case(container, name))

    @app.periodic(cron="17 * * * *")
    @app.task(name="payments.remove_old_jobs", queueing_lock="remove_old_jobs", pass_context=True)
    async def remove_old_jobs(context: Any, timestamp: int) -> None:
        await builtin_tasks.remove_old_jobs(context, max_hours=2)

    return app


def _use_case(container: Container, name: str) -> Callable[[], Awaitable[int]]:
    async def run() -> int:
        use_case = await resolve(getattr(container, name))
        done: int = await use_case()
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
    cancelling the task that runs it (in-process worker of `payments serve`)."""
    app = job_app(container)
    async with app.open_async():
        await app.run_worker_async(concurrency=concurrency, install_signal_handlers=signals)
