"""Provider callbacks as Litestar routes: `/payment/webhook/{provider}/`, and
`/payment/webhook/{provider}/{cc}/` for a provider's account in a country (no API key; each
provider is authenticated as docs/api.md says). OpenAPI documents them here, but in the
running service `webhook_front` answers them before Litestar is reached; both call the same
function, `callback_intake.receive_callback`, whose docstring states the rules."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, route
from litestar.di import NamedDependency
from litestar.exceptions import MethodNotAllowedException
from litestar.params import FromPath

from adapters.metrics import PrometheusMetrics
from application.payments.handle_webhook import HandleWebhook
from entrypoints.http import throttle, wire
from entrypoints.http.after_answer import AfterAnswer
from entrypoints.http.callback_intake import (
    MAX_WEBHOOK_BODY,
    PUT_PROVIDER,
    PUT_ROUTE,
    XML_ANSWERS,
    Callback,
    Intake,
    receive_callback,
)


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


@route(
    "/payment/webhook/{provider:str}/{country:str}/",
    http_method=["POST", "PUT"],
    status_code=200,
    request_max_body_size=MAX_WEBHOOK_BODY,
    tags=["Provider callbacks"],
    summary="The callback of a provider's account in one country",
)
async def receive_account_webhook(
    provider: FromPath[str],
    country: FromPath[str],
    request: Request[Any, Any, Any],
    handle_webhook: NamedDependency[HandleWebhook],
    after_answer: NamedDependency[AfterAnswer],
    metrics: NamedDependency[PrometheusMetrics],
) -> Response[Any]:
    """As `receive_webhook`, for the account of `country` (lower-case ISO code): it is
    authenticated with that account's own secret or signed URL. PUT only for MTN MoMo. Moov
    Togo's callback is answered with the XML-RPC `methodResponse` it expects."""
    if request.method == "PUT" and provider != PUT_PROVIDER:
        raise MethodNotAllowedException()
    route_name = f"{provider}/{country}"
    received = await _receive(route_name, request, handle_webhook, after_answer, metrics)
    if route_name in XML_ANSWERS:
        return Response(XML_ANSWERS[route_name], media_type="text/xml", status_code=200)
    return Response(received, status_code=200)


async def _receive(
    provider: str,
    request: Request[Any, Any, Any],
    handle_webhook: HandleWebhook,
    after_answer: AfterAnswer,
    metrics: PrometheusMetrics,
) -> wire.Received:
    """The route's way into `receive_callback` (the front, `webhook_front`, has its own)."""
    bad_webhooks = throttle.limits_of(request).bad_webhooks
    intake = Intake(handle_webhook, after_answer, metrics, bad_webhooks)
    client = throttle.address_of(request)
    callback = Callback(provider, client, request.headers, request.query_params, request.body)
    await receive_callback(intake, callback)
    return wire.Received()
