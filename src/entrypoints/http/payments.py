"""Payments: start, read, list, verify, history (store key)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter

from application.payments.initiate_payment import InitiatePayment, InitiatePaymentCommand
from application.payments.ports import PaymentFilter
from application.payments.queries import StoreQueries
from application.payments.verify_payment import VerifyPayment
from application.shared.idempotency import Idempotency
from application.shared.ports import PageRequest
from domain.events import Source
from domain.payment import PaymentStatus
from domain.store import Store
from entrypoints.http import presenters, throttle, wire
from entrypoints.http.idempotent import created, idempotent
from entrypoints.http.listing import list_parameters
from entrypoints.http.openapi import json_body
from entrypoints.http.orders import Cursor, CustomerReference, Limit, ProviderName

OrderId = Annotated[
    str | None,
    QueryParameter(pattern="^ord_[0-9A-Z]{1,64}$", description="Only this order's payments"),
]


class StartPaymentController(Controller):
    path = "/api/v1/orders/{order_id:str}/payments"
    tags = ["Payments"]

    @post(
        "/",
        status_code=201,
        summary="Start a payment of the order",
        operation_class=json_body(wire.CreatePaymentIn),
    )
    async def start(
        self,
        order_id: FromPath[str],
        request: Request[Any, Any, Any],
        store: NamedDependency[Store],
        initiate_payment: NamedDependency[InitiatePayment],
        idempotency: NamedDependency[Idempotency],
    ) -> Response[wire.PaymentOut]:
        body = await request.body()
        data = wire.decode(body, wire.CreatePaymentIn)

        async def run() -> Response[bytes]:
            payment = await initiate_payment(
                InitiatePaymentCommand(store.id, order_id, data.provider, data.phone)
            )
            return created(presenters.payment_out(payment))

        return await idempotent(request, idempotency, store.id, body, run)  # type: ignore[return-value]


class PaymentController(Controller):
    path = "/api/v1/payments"
    tags = ["Payments"]

    @get("/{payment_id:str}", summary="One payment")
    async def read(
        self,
        payment_id: FromPath[str],
        store: NamedDependency[Store],
        queries: NamedDependency[StoreQueries],
    ) -> wire.PaymentOut:
        return presenters.payment_out(await queries.payment(store.id, payment_id))

    @get("/", summary="List payments, newest first", guards=[list_parameters("pay")])
    async def search(
        self,
        store: NamedDependency[Store],
        queries: NamedDependency[StoreQueries],
        order_id: OrderId = None,
        status: FromQuery[PaymentStatus | None] = None,
        provider: FromQuery[ProviderName | None] = None,
        customer_reference: CustomerReference = None,
        limit: Limit = 20,
        starting_after: Cursor = None,
    ) -> wire.PaymentList:
        filters = PaymentFilter(order_id, status, provider, customer_reference)
        page = await queries.payments(store.id, filters, PageRequest(limit, starting_after))
        return presenters.payment_list(page)

    @post("/{payment_id:str}/verify", status_code=200, summary="Ask the provider now")
    async def verify(
        self,
        payment_id: FromPath[str],
        store: NamedDependency[Store],
        verify_payment: NamedDependency[VerifyPayment],
        request: Request[Any, Any, Any],
    ) -> wire.PaymentOut:
        """Rate limited per payment (`RATE_LIMIT_VERIFY_PER_MINUTE`)."""
        limits = throttle.limits_of(request)
        await throttle.take(limits.verify, f"{store.id}:{payment_id}", "verify per payment")
        payment = await verify_payment(payment_id, Source.VERIFICATION, store_id=store.id)
        return presenters.payment_out(payment)

    @get("/{payment_id:str}/events", summary="The payment's history, oldest first")
    async def events(
        self,
        payment_id: FromPath[str],
        store: NamedDependency[Store],
        queries: NamedDependency[StoreQueries],
    ) -> wire.EventList:
        history = await queries.history(store.id, payment_id)
        return wire.EventList(data=[presenters.event_out(e) for e in history])
