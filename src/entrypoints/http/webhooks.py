"""Provider callbacks: `/payment/webhook/{provider}/` (no API key; each provider is
authenticated as docs/api.md says). A delivery is answered as soon as it is stored, and
settled right after, in this process (`AfterAnswer`), with the inbox as the safety net. Each
delivery is counted by outcome on `/metrics`."""

from __future__ import annotations

from typing import Any

from litestar import Request, route
from litestar.di import NamedDependency
from litestar.params import FromPath

from adapters.metrics import PrometheusMetrics
from application.errors import MalformedWebhook, ProviderNotAvailable, WebhookRejected
from application.payments.handle_webhook import HandleWebhook
from entrypoints.http import throttle, wire
from entrypoints.http.after_answer import AfterAnswer

MAX_WEBHOOK_BODY = 64 * 1024

#: The only provider that calls back with PUT (MTN MoMo); every other route answers 405.
PUT_ROUTE = "/payment/webhook/mtn/"


@route(
    "/payment/webhook/{provider:str}/",
    http_method=["POST"],
    status_code=200,
    request_max_body_size=MAX_WEBHOOK_BODY,
    tags=["Provider callbacks"],
    summary="A provider's callback",
)
async def receive_webhook(
    provider: FromPath[str],
    request: Request[Any, Any, Any],
    handle_webhook: NamedDependency[HandleWebhook],
    after_answer: NamedDependency[AfterAnswer],
    metrics: NamedDependency[PrometheusMetrics],
) -> wire.Received:
    """200 once the delivery is stored (a duplicate too); 401 when its authentication fails;
    400 when it cannot be read; 413 above 64 KiB; 429 for an address that sent too many
    callbacks failing authentication lately (`RATE_LIMIT_BAD_WEBHOOKS_PER_MINUTE`)."""
    return await _receive(provider, request, handle_webhook, after_answer, metrics)


@route(
    PUT_ROUTE,
    http_method=["POST", "PUT"],
    status_code=200,
    request_max_body_size=MAX_WEBHOOK_BODY,
    tags=["Provider callbacks"],
    summary="MTN MoMo's callback (MTN calls back with PUT or POST)",
)
async def receive_mtn_webhook(
    request: Request[Any, Any, Any],
    handle_webhook: NamedDependency[HandleWebhook],
    after_answer: NamedDependency[AfterAnswer],
    metrics: NamedDependency[PrometheusMetrics],
) -> wire.Received:
    """As `receive_webhook`, for MTN MoMo."""
    return await _receive("mtn", request, handle_webhook, after_answer, metrics)


async def _receive(
    provider: str,
    request: Request[Any, Any, Any],
    handle_webhook: HandleWebhook,
    after_answer: AfterAnswer,
    metrics: PrometheusMetrics,
) -> wire.Received:
    """Store the delivery and answer; it is settled right after (`AfterAnswer`)."""
    limits, client = throttle.limits_of(request), throttle.address_of(request)
    what = "callbacks failing authentication per address"
    throttle.refuse_while_blocked(limits.bad_webhooks, client, what, client)
    body = await request.body()
    try:
        received = await handle_webhook.receive(
            provider, body, request.headers, request.query_params
        )
    except WebhookRejected as error:
        metrics.webhook_delivery(provider, "rejected", error.reason)
        limits.bad_webhooks.take(client)
        raise
    except MalformedWebhook:
        metrics.webhook_delivery(provider, "rejected", "malformed")
        raise
    except ProviderNotAvailable:
        metrics.webhook_delivery("unknown", "rejected", "unknown_provider")
        raise
    metrics.webhook_delivery(provider, "duplicate" if received.duplicate else "accepted")
    if received.delivery_id is not None:
        work = handle_webhook.process(received.delivery_id, received.delivery)
        await after_answer.submit(work, received.delivery_id)
    return wire.Received()
