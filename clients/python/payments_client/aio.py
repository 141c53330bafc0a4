"""`AsyncPaymentsClient`: the service's API over an `httpx.AsyncClient` (same calls as
`PaymentsClient`, awaited; lists are async iterators)."""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import AsyncIterator
from datetime import datetime
from typing import TypeVar, Unpack

import httpx

from payments_client import _calls as c
from payments_client import models as m
from payments_client import requests as r
from payments_client._transport import Call, RetryPolicy, decode, keyed, unreachable
from payments_client.errors import NotSettled

T = TypeVar("T")
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)


class _Resource:
    def __init__(self, client: AsyncPaymentsClient) -> None:
        self._client = client

    async def _run(self, call: Call[T]) -> T:
        return await self._client.send(call)

    def _iterate(self, call: Call[m.Page[T]], limit: int | None = None) -> AsyncIterator[T]:
        return self._client.iterate(call, limit)


class Orders(_Resource):
    async def create(
        self, *, idempotency_key: str | None = None, **fields: Unpack[r.OrderFields]
    ) -> m.Order:
        """Create an order; `fields` are those of `requests.CreateOrder` (`reference`,
        `amount`, `currency`, `customer_reference`, `return_url`, `items`...)."""
        return await self._run(c.create_order(r.CreateOrder(**fields), idempotency_key))

    async def get(self, order_id: str) -> m.Order:
        return await self._run(c.get_order(order_id))

    def list(
        self,
        *,
        status: str | None = None,
        reference: str | None = None,
        customer_reference: str | None = None,
        limit: int | None = None,
        page_size: int = 50,
    ) -> AsyncIterator[m.Order]:
        """Newest first, every page fetched as the iteration reaches it; `limit` orders at
        most (all of them by default)."""
        size = c.page_size(page_size, limit)
        return self._iterate(c.list_orders(status, reference, customer_reference, size), limit)

    async def cancel(self, order_id: str) -> m.Order:
        return await self._run(c.cancel_order(order_id))


class Payments(_Resource):
    async def create(
        self,
        order_id: str,
        *,
        provider: str,
        phone: str | None = None,
        idempotency_key: str | None = None,
    ) -> m.Payment:
        body = r.CreatePayment(provider=provider, phone=phone)
        return await self._run(c.create_payment(order_id, body, idempotency_key))

    async def get(self, payment_id: str) -> m.Payment:
        return await self._run(c.get_payment(payment_id))

    def list(
        self,
        *,
        order_id: str | None = None,
        status: str | None = None,
        provider: str | None = None,
        customer_reference: str | None = None,
        limit: int | None = None,
        page_size: int = 50,
    ) -> AsyncIterator[m.Payment]:
        """Newest first; `limit` payments at most (all of them by default)."""
        size = c.page_size(page_size, limit)
        call = c.list_payments(order_id, status, provider, customer_reference, size)
        return self._iterate(call, limit)

    async def verify(self, payment_id: str) -> m.Payment:
        return await self._run(c.verify_payment(payment_id))

    async def events(self, payment_id: str) -> builtins.list[m.PaymentEvent]:
        return (await self._run(c.payment_events(payment_id))).data

    async def wait_until_settled(
        self,
        payment_id: str,
        timeout: float = 60.0,  # noqa: ASYNC109 (the same call as the blocking client's)
        *,
        interval: float = 0.5,
    ) -> m.Payment:
        """The payment once it is settled (`succeeded`, `failed`, `expired`, `cancelled`),
        asked every `interval` seconds (up to 5 s apart); `NotSettled` after `timeout`
        seconds, carrying the payment as it was last seen. For scripts and tests."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            payment = await self.get(payment_id)
            if payment.status in c.SETTLED:
                return payment
            if asyncio.get_running_loop().time() + interval > deadline:
                raise NotSettled(payment, timeout)
            await asyncio.sleep(interval)
            interval = min(interval * 1.5, 5.0)


class Refunds(_Resource):
    async def create(
        self,
        payment_id: str,
        *,
        amount: int | None = None,
        reason: str | None = None,
        idempotency_key: str | None = None,
    ) -> m.Refund:
        body = r.CreateRefund(amount=amount, reason=reason)
        return await self._run(c.create_refund(payment_id, body, idempotency_key))

    async def get(self, refund_id: str) -> m.Refund:
        return await self._run(c.get_refund(refund_id))

    def list(
        self,
        *,
        payment_id: str | None = None,
        status: str | None = None,
        limit: int | None = None,
        page_size: int = 50,
    ) -> AsyncIterator[m.Refund]:
        """Newest first; `limit` refunds at most (all of them by default)."""
        size = c.page_size(page_size, limit)
        return self._iterate(c.list_refunds(payment_id, status, size), limit)

    async def for_payment(self, payment_id: str) -> builtins.list[m.Refund]:
        """The payment's refunds, newest first."""
        return (await self._run(c.payment_refunds(payment_id))).data

    async def verify(self, refund_id: str) -> m.Refund:
        """Ask the provider now (rate limited per refund, like a payment's verify)."""
        return await self._run(c.verify_refund(refund_id))

    async def events(self, refund_id: str) -> builtins.list[m.PaymentEvent]:
        """The refund's history, oldest first."""
        return (await self._run(c.refund_events(refund_id))).data


class Events(_Resource):
    def list(self, *, limit: int | None = None, page_size: int = 50) -> AsyncIterator[m.Event]:
        """Newest first; `limit` events at most (all of them by default)."""
        return self._iterate(c.list_events(c.page_size(page_size, limit)), limit)

    async def redeliver(self, event_id: str) -> m.Redelivery:
        return await self._run(c.redeliver_event(event_id))


class Stats(_Resource):
    async def get(self, *, start: datetime | None = None, end: datetime | None = None) -> m.Stats:
        return await self._run(c.stats(start, end))


class Providers(_Resource):
    async def list(self) -> builtins.list[m.ProviderHealth]:
        """The configured providers' health (`operational`, `degraded`, `down`)."""
        return (await self._run(c.list_providers())).data


class Stores(_Resource):
    """Operator calls: the client's key must be the service's admin token."""

    async def create(self, *, name: str, notification_url: str | None = None) -> m.NewStore:
        return await self._run(
            c.create_store(r.CreateStore(name=name, notification_url=notification_url))
        )

    def list(self, *, limit: int | None = None, page_size: int = 50) -> AsyncIterator[m.Store]:
        """`limit` stores at most (all of them by default)."""
        return self._iterate(c.list_stores(c.page_size(page_size, limit)), limit)

    async def get(self, store_id: str) -> m.Store:
        return await self._run(c.get_store(store_id))

    async def rotate_key(self, store_id: str) -> m.RotatedKey:
        return await self._run(c.rotate_store_key(store_id))


class AsyncPaymentsClient:
    """The service's API for one store (`api_key`), or for the operator (admin token).

    Use it as a context manager, or call `aclose()`, to release its connections."""

    def __init__(
        self,
        api_key: str,
        base_url: str = "http://127.0.0.1:8000",
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self._http = http or httpx.AsyncClient(base_url=base_url, timeout=timeout)
        self._http.headers["Authorization"] = f"Bearer {api_key}"
        self._http.headers["User-Agent"] = "payments-client-python/0.1"
        self.retry = retry or RetryPolicy()
        self.orders = Orders(self)
        self.payments = Payments(self)
        self.refunds = Refunds(self)
        self.events = Events(self)
        self.stats = Stats(self)
        self.stores = Stores(self)
        self.providers = Providers(self)

    async def send(self, call: Call[T]) -> T:
        """Send `call` with the retry rules of `RetryPolicy`; its decoded answer, or the
        `PaymentsError` it stands for."""
        call = keyed(call)
        request = call.request(self._http)
        for attempt in range(1, self.retry.attempts + 1):
            last = attempt == self.retry.attempts
            try:
                response = await self._http.send(request)
            except httpx.TransportError as error:
                if last or not self.retry.retries_error(call, error):
                    raise unreachable(call, error) from error
                await asyncio.sleep(self.retry.delay(attempt))
                continue
            if last or not self.retry.retries_answer(call, response):
                return decode(call, response)
            await asyncio.sleep(self.retry.delay(attempt, response))
        raise AssertionError("unreachable")  # pragma: no cover

    async def iterate(self, call: Call[m.Page[T]], limit: int | None = None) -> AsyncIterator[T]:
        """Every item of a list (`limit` at most), page after page (`next_cursor`)."""
        given = 0
        while True:
            page = await self.send(call)
            for item in page.data:
                if limit is not None and given >= limit:
                    return
                given += 1
                yield item
            if not page.has_more or not page.next_cursor:
                return
            call = call.after(page.next_cursor)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncPaymentsClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
