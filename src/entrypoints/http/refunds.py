"""Refunds: start one on a payment, read, list, verify, history (store key)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from adapters.snapshots import refund_object
from application.refunds.create_refund import CreateRefund, CreateRefundCommand
from application.refunds.ports import RefundFilter
from application.refunds.queries import RefundQueries
from application.refunds.verify_refund import VerifyRefund
from application.shared.idempotency import Idempotency
from application.shared.ports import PageRequest
from domain.events import Source
from domain.refund import Refund, RefundStatus
from domain.store import Store
from entrypoints.http import presenters, throttle, wire
from entrypoints.http.idempotent import created, idempotent
from entrypoints.http.openapi import json_body
from entrypoints.http.orders import Cursor, Limit
from entrypoints.http.refund_wire import CreateRefundIn, RefundList, RefundOut


def refund_out(refund: Refund) -> RefundOut:
    return msgspec.convert(refund_object(refund), RefundOut)


class PaymentRefundController(Controller):
    path = "/api/v1/payments/{payment_id:str}/refunds"
    tags = ["Refunds"]

    @post(
        "/",
        status_code=201,
        summary="Refund the payment, fully or partly",
        operation_class=json_body(CreateRefundIn),
    )
    async def create(
        self,
        payment_id: FromPath[str],
        request: Request[Any, Any, Any],
        store: NamedDependency[Store],
        create_refund: NamedDependency[CreateRefund],
        idempotency: NamedDependency[Idempotency],
    ) -> Response[RefundOut]:
        body = await request.body()
        data = wire.decode(body or b"{}", CreateRefundIn)

        async def run() -> Response[bytes]:
            command = CreateRefundCommand(payment_id, store.id, data.amount, data.reason)
            return created(refund_out(await create_refund(command)))

        return await idempotent(request, idempotency, store.id, body, run)  # type: ignore[return-value]

    @get("/", summary="The payment's refunds, newest first")
    async def of_payment(
        self,
        payment_id: FromPath[str],
        store: NamedDependency[Store],
        refund_queries: NamedDependency[RefundQueries],
    ) -> RefundList:
        refunds = await refund_queries.of_payment(store.id, payment_id)
        return RefundList(data=[refund_out(r) for r in refunds])


class RefundController(Controller):
    path = "/api/v1/refunds"
    tags = ["Refunds"]

    @get("/", summary="List refunds, newest first")
    async def search(
        self,
        store: NamedDependency[Store],
        refund_queries: NamedDependency[RefundQueries],
        payment_id: FromQuery[str | None] = None,
        status: FromQuery[RefundStatus | None] = None,
        limit: Limit = 20,
        starting_after: Cursor = None,
    ) -> RefundList:
        filters = RefundFilter(payment_id, status)
        page = await refund_queries.refunds(store.id, filters, PageRequest(limit, starting_after))
        return RefundList(
            data=[refund_out(r) for r in page.data],
            has_more=page.has_more,
            next_cursor=page.next_cursor,
        )

    @get("/{refund_id:str}", summary="One refund")
    async def read(
        self,
        refund_id: FromPath[str],
        store: NamedDependency[Store],
        refund_queries: NamedDependency[RefundQueries],
    ) -> RefundOut:
        return refund_out(await refund_queries.refund(store.id, refund_id))

    @post("/{refund_id:str}/verify", status_code=200, summary="Ask the provider now")
    async def verify(
        self,
        refund_id: FromPath[str],
        store: NamedDependency[Store],
        verify_refund: NamedDependency[VerifyRefund],
        request: Request[Any, Any, Any],
    ) -> RefundOut:
        """Rate limited per refund, like a payment's (`RATE_LIMIT_VERIFY_PER_MINUTE`)."""
        limits = throttle.limits_of(request)
        await throttle.take(limits.verify, f"{store.id}:{refund_id}", "verify per refund")
        return refund_out(await verify_refund(refund_id, Source.VERIFICATION, store_id=store.id))

    @get("/{refund_id:str}/events", summary="The refund's history, oldest first")
    async def events(
        self,
        refund_id: FromPath[str],
        store: NamedDependency[Store],
        refund_queries: NamedDependency[RefundQueries],
    ) -> wire.EventList:
        history = await refund_queries.history(store.id, refund_id)
        return wire.EventList(data=[presenters.event_out(e) for e in history])
