"""The Litestar application, built from a container by `create_app`. No I/O at import."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from adapters.request_log import RequestLog
from entrypoints.banner import SHOW_BANNER, banner
from entrypoints.container import Container, resolve
from entrypoints.http import (
    admin,
    api_docs,
    balance,
    events,
    openapi,
    openapi_security,
    ops,
    orders,
    pages,
    payments,
    payouts,
    providers_api,
    refunds,
    sandbox_page,
    stores,
    webhooks,
)
from entrypoints.http.accepted_input import input_guard
from entrypoints.http.deps import dependencies
from entrypoints.http.latency import latency_middleware
from entrypoints.http.ops_guard import metrics_token_middleware
from entrypoints.http.problems import handle_exception
from entrypoints.http.request_id import request_id_middleware
from entrypoints.http.request_log import request_log_middleware
from entrypoints.http.security_headers import security_headers_middleware
from entrypoints.http.webhook_front import WebhookFront, intake_of
from entrypoints.jobs import run_worker

MAX_API_BODY = 1024 * 1024
TEMPLATES = Path(__file__).parent / "templates"


def create_app(container: Container, with_worker: bool = False) -> Litestar:
    """The HTTP app. Starting it opens the container's resources; stopping closes them.
    `with_worker` also runs a job worker in this process (so `make run` is one command)."""
    settings = container.settings()
    handlers: list[object] = [
        ops.health,
        ops.ready,
        ops.metrics,
        stores.StoreAdminController,
        orders.OrderController,
        payments.StartPaymentController,
        payments.PaymentController,
        webhooks.receive_webhook,
        webhooks.receive_mtn_webhook,
        webhooks.receive_account_webhook,
        events.EventController,
        providers_api.list_providers,
        refunds.PaymentRefundController,
        refunds.RefundController,
        admin.QueueController,
        admin.AuditController,
        balance.BalanceController,
        balance.AdjustmentController,
        payouts.DestinationController,
        payouts.PayoutController,
        payouts.ScheduleController,
        payouts.PayoutAdminController,
    ]
    if settings.is_sandbox:
        handlers.append(sandbox_page.SandboxPageController)
    handlers.extend(pages.handlers(settings))
    handlers.extend(api_docs.handlers())

    worker: list[asyncio.Task[None]] = []
    request_log = RequestLog(settings.log_dir)

    async def start() -> None:
        await container.init_resources()  # type: ignore[misc]
        registry = await resolve(container.provider_registry)
        container.metrics().announce(registry.available())
        if with_worker:
            worker.append(asyncio.create_task(run_worker(container)))
        if os.environ.pop(SHOW_BANNER, None) == "1":
            print(banner(settings, registry.available()), flush=True)

    async def stop() -> None:
        await container.after_answer().drain()
        for task in worker:
            task.cancel()
        await asyncio.gather(*worker, return_exceptions=True)
        await (await resolve(container.health_recorder)).flush(force=True)
        await container.shutdown_resources()  # type: ignore[misc]

    app = Litestar(
        route_handlers=handlers,  # type: ignore[arg-type]
        dependencies=dependencies(container),
        exception_handlers={Exception: handle_exception},
        middleware=[
            latency_middleware,
            request_id_middleware,
            request_log_middleware(request_log),
            security_headers_middleware(production=not settings.is_sandbox),
            metrics_token_middleware(settings.metrics_token),
            *pages.middleware(settings),
        ],
        guards=[input_guard],
        on_startup=[start],
        on_shutdown=[stop],
        request_max_body_size=MAX_API_BODY,
        openapi_config=OpenAPIConfig(
            title="Payments",
            version="1.0.0",
            description="Mobile-money payments for African marketplaces",
            path=api_docs.SCHEMA_PATH,
            render_plugins=[api_docs.render_plugin()],
        ),
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine),
        debug=False,
        logging_config=None,
    )
    app.state.container = container
    # provider callbacks skip Litestar's routing and middleware, keeping their effects
    app.asgi_handler = WebhookFront(
        app.asgi_handler,
        intake_of(container),
        request_log,
        production=not settings.is_sandbox,
        trusted_proxies=settings.trusted_proxies,
    )
    openapi.add_request_bodies(app.openapi_schema)
    openapi_security.document_security(app, app.openapi_schema)
    return app
