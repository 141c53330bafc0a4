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

T = TypeVar("T")
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)


class _Resource:
    def __init__(self, client: AsyncPaymentsClient) -> None:
        self._client = client

    async def _run(self, call: Call[T]) -> T:
        return await self._client.send(call)

    def _iterate(self, call: Call[m.Page[T]]) -> AsyncIterator[T]:
        return self._client.iterate(call)


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
        page_size: int = 50,
    ) -> AsyncIterator[m.Order]:
        """Newest first, every page fetched as the iteration reaches it."""
        return self._iterate(c.list_orders(status, reference, customer_reference, page_size))

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
        page_size: int = 50,
    ) -> AsyncIterator[m.Payment]:
        call = c.list_payments(order_id, status, provider, customer_reference, page_size)
        return self._iterate(call)

    async def verify(self, payment_id: str) -> m.Payment:
        return await self._run(c.verify_payment(payment_id))

    async def events(self, payment_id: str) -> builtins.list[m.PaymentEvent]:
        return (await self._run(c.payment_events(payment_id))).data


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
        self, *, payment_id: str | None = None, status: str | None = None, page_size: int = 50
    ) -> AsyncIterator[m.Refund]:
        return self._iterate(c.list_refunds(payment_id, status, page_size))


class Events(_Resource):
    def list(self, *, page_size: int = 50) -> AsyncIterator[m.Event]:
        return self._iterate(c.list_events(page_size))

    async def redeliver(self, event_id: str) -> m.Redelivery:
        return await self._run(c.redeliver_event(event_id))


class Stats(_Resource):
    async def get(self, *, start: datetime | None = None, end: datetime | None = None) -> m.Stats:
        return await self._run(c.stats(start, end))


class Stores(_Resource):
    """Operator calls: the client's key must be the service's admin token."""

    async def create(self, *, name: str, notification_url: str | None = None) -> m.NewStore:
        return await self._run(
            c.create_store(r.CreateStore(name=name, notification_url=notification_url))
        )

    def list(self, *, page_size: int = 50) -> AsyncIterator[m.Store]:
        return self._iterate(c.list_stores(page_size))

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

    async def iterate(self, call: Call[m.Page[T]]) -> AsyncIterator[T]:
        """Every item of a list, page after page (`next_cursor`)."""
        while True:
            page = await self.send(call)
            for item in page.data:
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
