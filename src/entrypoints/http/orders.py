"""Orders: create, read, list, cancel (store key)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter

from adapters.urls import ServiceUrls
from application.payments.orders import CancelOrder, CreateOrder, CreateOrderCommand
from application.payments.ports import OrderFilter
from application.payments.queries import StoreQueries
from application.shared.idempotency import Idempotency
from application.shared.ports import PageRequest
from domain.order import Customer, OrderItem, OrderStatus
from domain.store import Store
from entrypoints.http import presenters, wire
from entrypoints.http.idempotent import created, idempotent
from entrypoints.http.listing import Cursor, Limit, list_parameters
from entrypoints.http.openapi import json_body

__all__ = ["Cursor", "CustomerReference", "Limit", "OrderController", "ProviderName"]

Reference = Annotated[
    str | None, QueryParameter(min_length=1, max_length=255, description="The store's reference")
]
CustomerReference = Annotated[
    str | None,
    QueryParameter(min_length=1, max_length=255, description="The customer's reference"),
]
#: The `provider` values of API.md (a filter with another value is refused with 422).
ProviderName = Literal["orange_money", "moov_money", "mtn_momo", "wave", "sandbox"]


def command(store_id: FromPath[str], data: wire.CreateOrderIn) -> CreateOrderCommand:
    customer = data.customer
    return CreateOrderCommand(
        store_id=store_id,
        reference=data.reference,
        amount=data.amount,
        currency=data.currency,
        description=data.description,
        customer=Customer(customer.name, customer.phone, customer.email) if customer else None,
        items=tuple(OrderItem(i.name, i.quantity, i.unit_amount) for i in data.items or ()),
        metadata=dict(data.metadata or {}),
        country=data.country,
        customer_reference=data.customer_reference,
        return_url=data.return_url,
    )


class OrderController(Controller):
    path = "/api/v1/orders"
    tags = ["Orders"]

    @post(
        "/",
        status_code=201,
        summary="Create an order",
        operation_class=json_body(wire.CreateOrderIn),
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        store: NamedDependency[Store],
        create_order: NamedDependency[CreateOrder],
        idempotency: NamedDependency[Idempotency],
        urls: NamedDependency[ServiceUrls],
    ) -> Response[wire.OrderOut]:
        body = await request.body()
        data = wire.decode(body, wire.CreateOrderIn)

        async def run() -> Response[bytes]:
            order = await create_order(command(store.id, data))
            return created(
                presenters.order_out(order, [], urls.checkout(order.id, order.expires_at))
            )

        return await idempotent(request, idempotency, store.id, body, run)  # type: ignore[return-value]

    @get("/{order_id:str}", summary="One order with its payments")
    async def read(
        self,
        order_id: FromPath[str],
        store: NamedDependency[Store],
        queries: NamedDependency[StoreQueries],
        urls: NamedDependency[ServiceUrls],
    ) -> wire.OrderOut:
        found = await queries.order(store.id, order_id)
        return presenters.order_out(
            found.order, found.payments, urls.checkout(order_id, found.order.expires_at)
        )

    @get("/", summary="List orders, newest first", guards=[list_parameters("ord")])
    async def search(
        self,
        store: NamedDependency[Store],
        queries: NamedDependency[StoreQueries],
        urls: NamedDependency[ServiceUrls],
        status: FromQuery[OrderStatus | None] = None,
        reference: Reference = None,
        customer_reference: CustomerReference = None,
        limit: Limit = 20,
        starting_after: Cursor = None,
    ) -> wire.OrderList:
        page = await queries.orders_with_payments(
            store.id,
            OrderFilter(status, reference, customer_reference),
            PageRequest(limit, starting_after),
        )
        return presenters.order_list(page, urls.checkout)

    @post("/{order_id:str}/cancel", status_code=200, summary="Cancel an unpaid order")
    async def cancel(
        self,
        order_id: FromPath[str],
        store: NamedDependency[Store],
        cancel_order: NamedDependency[CancelOrder],
        queries: NamedDependency[StoreQueries],
        urls: NamedDependency[ServiceUrls],
    ) -> wire.OrderOut:
        await cancel_order(store.id, order_id)
        found = await queries.order(store.id, order_id)
        return presenters.order_out(
            found.order, found.payments, urls.checkout(order_id, found.order.expires_at)
        )
