"""Provider callbacks: `/payment/webhook/{provider}/`, and `/payment/webhook/{provider}/{cc}/`
for a provider's account in a country (no API key; each provider is
authenticated as docs/api.md says). A delivery is answered as soon as it is stored, and
settled right after, in this process (`AfterAnswer`), with the inbox as the safety net. Each
delivery is counted by outcome on `/metrics`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from litestar import Request, Response, route
from litestar.di import NamedDependency
from litestar.exceptions import MethodNotAllowedException
from litestar.params import FromPath

from adapters.metrics import PrometheusMetrics
from adapters.providers import moov_togo_wire
from adapters.providers.callback_url import CLIENT_ADDRESS_HEADER
from adapters.rate_limits import Limit
from application.errors import MalformedWebhook, ProviderNotAvailable, WebhookRejected
from application.payments.handle_webhook import HandleWebhook
from entrypoints.http import throttle, wire
from entrypoints.http.after_answer import AfterAnswer

MAX_WEBHOOK_BODY = 64 * 1024

#: The only provider that calls back with PUT (MTN MoMo); every other route answers 405.
PUT_ROUTE = "/payment/webhook/mtn/"

#: Callbacks that want another answer than `{"received": true}`, by route.
XML_ANSWERS = {"moov/tg": moov_togo_wire.METHOD_RESPONSE_OK}


class CallbackHeaders(Mapping[str, str]):
    """The request's headers (read without regard to case) and the caller's address under
    `CLIENT_ADDRESS_HEADER`: a header of that name the caller sent is replaced."""

    def __init__(self, headers: Mapping[str, str], client: str) -> None:
        self._headers, self._client = headers, client

    def __getitem__(self, name: str) -> str:
        if name.lower() == CLIENT_ADDRESS_HEADER:
            return self._client
        return self._headers[name]

    def __iter__(self) -> Iterator[str]:
        yield from (k for k in self._headers if k.lower() != CLIENT_ADDRESS_HEADER)
        yield CLIENT_ADDRESS_HEADER

    def __len__(self) -> int:
        return sum(1 for _ in self)


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
    if request.method == "PUT" and provider != "mtn":
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
    """Store the delivery and answer; it is settled right after (`AfterAnswer`). Callbacks
    failing authentication are limited per address like wrong keys (`authentication`): the
    token is taken before the check, a failing one keeps it (401, then 429 once the room is
    gone), any other gives it back, and an authentic callback is always received."""
    limits, client = throttle.limits_of(request), throttle.address_of(request)
    room = await limits.bad_webhooks.take(client)
    try:
        body = await request.body()
        headers = CallbackHeaders(request.headers, client)
        received = await handle_webhook.receive(provider, body, headers, request.query_params)
    except WebhookRejected as error:
        metrics.webhook_delivery(provider, "rejected", error.reason)
        throttle.refuse_when_out(room, "callbacks failing authentication per address", client)
        raise
    except MalformedWebhook:
        metrics.webhook_delivery(provider, "rejected", "malformed")
        await _give_back(limits.bad_webhooks, client, room)
        raise
    except ProviderNotAvailable:
        metrics.webhook_delivery("unknown", "rejected", "unknown_provider")
        await _give_back(limits.bad_webhooks, client, room)
        raise
    except BaseException:
        await _give_back(limits.bad_webhooks, client, room)
        raise
    await _give_back(limits.bad_webhooks, client, room)
    metrics.webhook_delivery(provider, "duplicate" if received.duplicate else "accepted")
    if received.delivery_id is not None:
        work = handle_webhook.process(received.delivery_id, received.delivery)
        await after_answer.submit(work, received.delivery_id)
    return wire.Received()


async def _give_back(limit: Limit, client: str, room: int | None) -> None:
    if room is None:  # a token was taken: it was not a failed authentication
        await limit.give_back(client)
