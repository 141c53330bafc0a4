"""Storing one provider callback: the one function both ways in call, the Litestar routes
(`webhooks.py`) and the plain ASGI front (`webhook_front.py`).

Rules:
- a delivery is answered as soon as it is stored (a duplicate too), and settled right after,
  in this process (`AfterAnswer`), with the inbox as the safety net;
- callbacks failing authentication are limited per address like wrong keys: the token is
  taken before the check, a failing one keeps it (401, then 429 once the room is gone), any
  other outcome gives it back, and an authentic callback is always received;
- each delivery is counted by outcome on `/metrics` (`webhook_delivery`);
- authenticators see the caller's address under `CLIENT_ADDRESS_HEADER`, never a header of
  that name the caller sent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass

from adapters.metrics import PrometheusMetrics
from adapters.providers import moov_togo_wire
from adapters.providers.callback_url import CLIENT_ADDRESS_HEADER
from adapters.rate_limits import Limit
from application.errors import MalformedWebhook, ProviderNotAvailable, WebhookRejected
from application.payments.handle_webhook import HandleWebhook
from entrypoints.http import throttle
from entrypoints.http.after_answer import AfterAnswer

MAX_WEBHOOK_BODY = 64 * 1024

#: The only provider that calls back with PUT (MTN MoMo); every other route answers 405.
PUT_ROUTE = "/payment/webhook/mtn/"
PUT_PROVIDER = "mtn"

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


@dataclass(frozen=True, slots=True)
class Intake:
    """What storing a callback needs, asked of the container for each request (so that a
    test's `container.x.override(...)` is seen by the next one)."""

    handle_webhook: HandleWebhook
    after_answer: AfterAnswer
    metrics: PrometheusMetrics
    bad_webhooks: Limit


@dataclass(frozen=True, slots=True)
class Callback:
    """One callback as the HTTP layer read it. `route`: the provider, or `provider/country`
    for an account's route; `body`: reads the body (at most `MAX_WEBHOOK_BODY`, else 413)."""

    route: str
    client: str
    headers: Mapping[str, str]
    query: Mapping[str, str]
    body: Callable[[], Awaitable[bytes]]


async def receive_callback(intake: Intake, callback: Callback) -> None:
    """Store the delivery (see the module's rules); the problem to answer is raised."""
    limit, client, route = intake.bad_webhooks, callback.client, callback.route
    room = await limit.take(client)
    try:
        body = await callback.body()
        headers = CallbackHeaders(callback.headers, client)
        received = await intake.handle_webhook.receive(route, body, headers, callback.query)
    except WebhookRejected as error:
        intake.metrics.webhook_delivery(route, "rejected", error.reason)
        throttle.refuse_when_out(room, "callbacks failing authentication per address", client)
        raise
    except MalformedWebhook:
        intake.metrics.webhook_delivery(route, "rejected", "malformed")
        await _give_back(limit, client, room)
        raise
    except ProviderNotAvailable:
        intake.metrics.webhook_delivery("unknown", "rejected", "unknown_provider")
        await _give_back(limit, client, room)
        raise
    except BaseException:
        await _give_back(limit, client, room)
        raise
    await _give_back(limit, client, room)
    intake.metrics.webhook_delivery(route, "duplicate" if received.duplicate else "accepted")
    if received.delivery_id is not None:
        work = intake.handle_webhook.process(
            received.delivery_id, received.delivery, read=received.found
        )
        await intake.after_answer.submit(work, received.delivery_id)


async def _give_back(limit: Limit, client: str, room: int | None) -> None:
    if room is None:  # a token was taken: it was not a failed authentication
        await limit.give_back(client)
