"""The `payments` command line: each command below; `payments COMMAND --help` for its options."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import prometheus_client
import structlog

from adapters.logging_setup import configure_logging
from application.errors import InvalidNotificationUrl, NotFound, OperatorNameRefused
from application.stores.stores import CreateStoreCommand
from domain.operator import Operator
from entrypoints.balances_command import add_command as add_balances_command
from entrypoints.banner import offered_providers
from entrypoints.check import refused_configuration, run_check
from entrypoints.cli_help import wide_help
from entrypoints.container import Container, resolve
from entrypoints.database import MigrationsPending, migrate, prepare
from entrypoints.developer.commands import add_commands as add_developer_commands
from entrypoints.http.accepted_input import refusal
from entrypoints.jobs import run_worker
from entrypoints.reset import add_command as add_reset_command
from entrypoints.resources import IN_PROCESS_WORKER, database_url
from entrypoints.settings import Settings, SettingsError
from entrypoints.simulators.command import add_command as add_simulate_command
from entrypoints.startup import announce_when_ready, busy_port, first_start, say
from entrypoints.supervision import SUPERVISOR_PID, WORKER_HEALTHCHECK_SECONDS, light_main


def main(argv: Sequence[str] | None = None) -> int:
    parser = wide_help(_parser())
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        if args.run is _check:
            return refused_configuration(str(error), sys.stdout)
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, fmt=settings.log_format)
    for warning in settings.warnings:
        structlog.get_logger("payments.settings").warning(warning)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _exit_on_signal)
    try:
        result: int = args.run(settings, args)
    except MigrationsPending as error:
        print(f"database error: {error}", file=sys.stderr)
        return 2
    return result


def _exit_on_signal(signum: int, frame: object) -> None:
    """SIGTERM (systemd, Kubernetes, `kill`) and SIGINT (Ctrl-C) end the process by unwinding,
    so that `finally` blocks and exit handlers run and the embedded PostgreSQL is stopped
    (the default SIGTERM ends it on the spot, leaving PostgreSQL running with no owner).
    The server and the worker first finish what they are doing (uvicorn and the job loop
    catch the signal themselves while they run, then hand it on to this handler)."""
    raise SystemExit(0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="payments", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the HTTP API (migrations applied first)")
    serve.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="server processes (default: one per core)",
    )
    serve.add_argument(
        "--with-worker", action="store_true", help="also run a job worker in each server process"
    )
    serve.set_defaults(run=_serve)

    worker = commands.add_parser("worker", help="run a background job worker")
    worker.add_argument("--concurrency", type=int, default=4, help="jobs run at once")
    worker.add_argument(
        "--metrics-port",
        type=int,
        default=None,
        help="serve this worker's Prometheus metrics on http://HOST:PORT/metrics",
    )
    worker.set_defaults(run=_worker)

    check = commands.add_parser(
        "check", help="check the configuration, the database and each provider's credentials"
    )
    check.set_defaults(run=_check)

    migrate = commands.add_parser("migrate", help="apply pending database migrations")
    migrate.set_defaults(run=_migrate)

    stores = commands.add_parser("stores", help="manage stores").add_subparsers(
        required=True, metavar="ACTION"
    )
    create = stores.add_parser("create", help="create a store and print its API key once")
    create.add_argument("--name", required=True, help="the store's name, as its customers see it")
    create.add_argument(
        "--notification-url", default=None, help="where the store's notifications are sent"
    )
    create.set_defaults(run=_create_store)
    _operator_commands(commands)
    add_simulate_command(commands)
    add_reset_command(commands)
    add_balances_command(commands)
    add_developer_commands(commands)
    return parser


# -- operators: named operator tokens (the operator's desk) ---------------------------------


def _operator_commands(commands: Any) -> None:
    operators = commands.add_parser(
        "operators", aliases=["operator"], help="manage operator tokens"
    ).add_subparsers(required=True, metavar="ACTION")
    create = operators.add_parser("create", help="create a named operator; its token is shown once")
    create.add_argument("name", help="the operator's name, as the audit log shows it")
    create.set_defaults(run=_operators(_create_operator))
    listing = operators.add_parser("list", help="list operators (never their tokens)")
    listing.set_defaults(run=_operators(_list_operators))
    revoke = operators.add_parser("revoke", help="revoke an operator's token (by name or id)")
    revoke.add_argument("name", help="the operator's name or id")
    revoke.set_defaults(run=_operators(_revoke_operator))


def _operators(action: Callable[[Container, argparse.Namespace], Awaitable[object]]) -> Any:
    """Run `action` with a started container; print its JSON answer (exit 1 on a refusal)."""

    def run(settings: Settings, args: argparse.Namespace) -> int:
        async def go() -> object:
            container = Container(settings=settings)
            await container.init_resources()  # type: ignore[misc]
            try:
                return await action(container, args)
            finally:
                await container.shutdown_resources()  # type: ignore[misc]

        prepare(settings)
        try:
            print(json.dumps(asyncio.run(go()), indent=2, ensure_ascii=False))
        except (OperatorNameRefused, NotFound) as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        return 0

    return run


def _operator_json(operator: Operator) -> dict[str, object]:
    return {
        "id": operator.id,
        "name": operator.name,
        "token_prefix": operator.token_prefix,
        "created_at": operator.created_at.isoformat(),
        "revoked_at": operator.revoked_at.isoformat() if operator.revoked_at else None,
    }


async def _create_operator(container: Container, args: argparse.Namespace) -> object:
    new = await (await resolve(container.create_operator))(args.name)
    return {**_operator_json(new.operator), "token": new.token}


async def _list_operators(container: Container, _: argparse.Namespace) -> object:
    return [_operator_json(o) for o in await (await resolve(container.list_operators))()]


async def _revoke_operator(container: Container, args: argparse.Namespace) -> object:
    return _operator_json(await (await resolve(container.revoke_operator))(args.name))


def _check(settings: Settings, _: argparse.Namespace) -> int:
    return run_check(settings, sys.stdout)


def _migrate(settings: Settings, _: argparse.Namespace) -> int:
    if first_start(settings):  # the slowest step of a first `make run`: said, not silent
        say(f"starting the embedded PostgreSQL for the first time ({settings.data_dir}/pg)…")
    applied = migrate(settings)
    print(f"migrations applied: {len(applied)}" + (f" ({', '.join(applied)})" if applied else ""))
    return 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    if (busy := busy_port(settings)) is not None:
        print(busy, file=sys.stderr)
        return 1
    if not settings.database_url:
        say(
            f"starting the embedded PostgreSQL for the first time (creating {settings.data_dir}/pg,"
            " about 10 s)…"
            if first_start(settings)
            else f"starting the embedded PostgreSQL ({settings.data_dir}/pg)…"
        )
    url = database_url(settings)
    say("applying the database migrations…")
    prepare(settings)
    say(f"starting {args.workers} server process{'es' if args.workers > 1 else ''}…")
    if args.workers > 1 and not settings.database_url:
        # The worker processes use the embedded server this process started (and stops at
        # exit): they end with os._exit, so they could not say they stopped using it.
        os.environ["DATABASE_URL"] = url
    if args.with_worker:
        os.environ[IN_PROCESS_WORKER] = "1"
    _prepare_multiprocess_metrics(settings, args.workers)
    _prepare_shared_limits(settings)
    if args.workers > 1:
        os.environ[SUPERVISOR_PID] = str(os.getpid())
    announce_when_ready(settings, offered_providers(settings))  # once /ready answers
    with light_main():  # the workers answer their health check at once (supervision.py)
        uvicorn.run(
            "entrypoints.asgi:app",
            host=settings.host,
            port=settings.port,
            workers=args.workers,
            log_config=None,
            access_log=False,
            factory=False,
            timeout_graceful_shutdown=GRACEFUL_SECONDS,
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
            # Only TRUSTED_PROXIES decides whose X-Forwarded-For is believed (client_address.py):
            # uvicorn's own handling would believe it from 127.0.0.1 whatever that says.
            proxy_headers=False,
        )
    return 0


#: How long requests in flight may take to finish after SIGTERM or SIGINT.
GRACEFUL_SECONDS = 30

#: prometheus_client reads it when first imported: each uvicorn worker process is started
#: afresh (spawned), imports it with the variable set, and writes its metrics there.
MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"


def _prepare_multiprocess_metrics(settings: Settings, workers: int) -> None:
    """With several server processes, `/metrics` merges the files they write in one directory,
    emptied here so that counters start from zero with the server. A directory already given in
    the environment is used (and emptied) with any number of workers."""
    given = os.environ.get(MULTIPROC_DIR)
    if workers <= 1 and not given:
        return
    path = Path(given or settings.data_dir / f"metrics-{settings.port}").resolve()
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    os.environ[MULTIPROC_DIR] = str(path)


#: Where the server's processes share their rate limits' buckets (adapters/shared_buckets.py).
RATE_LIMIT_FILE = "RATE_LIMIT_FILE"


def _prepare_shared_limits(settings: Settings) -> None:
    """The processes of this server share one limit: a file they all map, made fresh here,
    unless Redis holds the buckets (`REDIS_URL`) or a file is already named."""
    if settings.redis_url or os.environ.get(RATE_LIMIT_FILE):
        return
    path = (settings.data_dir / f"rate-limits-{settings.port}.bin").resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    os.environ[RATE_LIMIT_FILE] = str(path)


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    async def work() -> None:
        container = Container(settings=settings)
        await container.init_resources()  # type: ignore[misc]
        try:
            await run_worker(container, args.concurrency, signals=True)
        finally:
            await container.shutdown_resources()  # type: ignore[misc]

    prepare(settings)
    if args.metrics_port is not None:
        # The worker's own counters (reconciliation errors, notification deliveries, double
        # payments found by reconciliation): a server's /metrics only sees its own processes.
        prometheus_client.start_http_server(args.metrics_port, addr=settings.host)
    print(f"worker running ({args.concurrency} jobs at once)")
    asyncio.run(work())
    return 0


def _create_store(settings: Settings, args: argparse.Namespace) -> int:
    async def create() -> dict[str, str]:
        container = Container(settings=settings)
        await container.init_resources()  # type: ignore[misc]
        try:
            create_store = await container.create_store()  # type: ignore[misc]
            new = await create_store(CreateStoreCommand(args.name, args.notification_url))
        finally:
            await container.shutdown_resources()  # type: ignore[misc]
        return {
            "id": new.store.id,
            "name": new.store.name,
            "api_key": new.api_key,
            "webhook_secret": new.store.webhook_secret,
        }

    reason = refusal(args.name)  # the API's rule on text (entrypoints/http/accepted_input.py)
    if reason is not None:
        print(f"refused: --name {reason}", file=sys.stderr)
        return 2
    prepare(settings)
    try:
        created = asyncio.run(create())
    except InvalidNotificationUrl as error:
        print(f"refused: {error}", file=sys.stderr)
        return 2
    print(json.dumps(created, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
