"""Payouts (store key): destinations, payouts, the automatic schedule; and the operator's
routes: approving a destination, settling a payout nobody could confirm."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from application.payouts.create_payout import CreatePayout, CreatePayoutCommand
from application.payouts.destinations import (
    AddDestination,
    AddDestinationCommand,
    ApproveDestination,
    DestinationQueries,
    DisableDestination,
)
from application.payouts.follow import RecordPayout, VerifyPayout
from application.payouts.queries import PayoutQueries
from application.payouts.schedule import ScheduleCommand, SetSchedule
from application.shared.idempotency import Idempotency
from application.shared.ports import PageRequest
from domain.events import Source
from domain.money import Money
from domain.operator import Actor
from domain.payout import PayoutStatus
from domain.store import Store
from entrypoints.http import payout_wire as pw
from entrypoints.http import presenters, wire
from entrypoints.http.deps import admin_guard
from entrypoints.http.idempotent import created, idempotent
from entrypoints.http.listing import Cursor, Limit, list_parameters
from entrypoints.http.openapi import json_body


class DestinationController(Controller):
    path = "/api/v1/payout-destinations"
    tags = ["Payouts"]

    @post("/", status_code=201, summary="Add a payout destination (usable after a hold)",
          operation_class=json_body(pw.DestinationIn))  # fmt: skip
    async def add(
        self,
        request: Request[Any, Any, Any],
        store: NamedDependency[Store],
        add_destination: NamedDependency[AddDestination],
        destination_queries: NamedDependency[DestinationQueries],
    ) -> Response[pw.DestinationOut]:
        data = wire.decode(await request.body(), pw.DestinationIn)
        command = AddDestinationCommand(store.id, data.provider, data.phone, data.name)
        added = await add_destination(command)
        return Response(pw.destination_out(added, destination_queries.now()), status_code=201)

    @get("/", summary="The store's payout destinations, newest first, disabled ones too")
    async def listed(
        self,
        store: NamedDependency[Store],
        destination_queries: NamedDependency[DestinationQueries],
    ) -> pw.DestinationList:
        found = await destination_queries.of_store(store.id)
        return pw.DestinationList(
            data=[pw.destination_out(d, destination_queries.now()) for d in found]
        )

    @delete("/{destination_id:str}", status_code=200, summary="Disable a destination")
    async def disable(
        self,
        destination_id: FromPath[str],
        store: NamedDependency[Store],
        disable_destination: NamedDependency[DisableDestination],
        destination_queries: NamedDependency[DestinationQueries],
    ) -> pw.DestinationOut:
        disabled = await disable_destination(store.id, destination_id)
        return pw.destination_out(disabled, destination_queries.now())


class PayoutController(Controller):
    path = "/api/v1/payouts"
    tags = ["Payouts"]

    @post("/", status_code=201, summary="Pay the store from its available balance",
          operation_class=json_body(pw.PayoutIn))  # fmt: skip
    async def create(
        self,
        request: Request[Any, Any, Any],
        store: NamedDependency[Store],
        create_payout: NamedDependency[CreatePayout],
        idempotency: NamedDependency[Idempotency],
    ) -> Response[pw.PayoutOut]:
        body = await request.body()
        data = wire.decode(body, pw.PayoutIn)

        async def run() -> Response[bytes]:
            amount = Money.of(data.amount, data.currency)
            command = CreatePayoutCommand(store.id, amount, data.destination_id, data.description)
            return created(pw.payout_out(await create_payout(command)))

        return await idempotent(request, idempotency, store.id, body, run)  # type: ignore[return-value]

    @get("/", summary="The store's payouts, newest first", guards=[list_parameters("po")])
    async def search(
        self,
        store: NamedDependency[Store],
        payout_queries: NamedDependency[PayoutQueries],
        status: FromQuery[PayoutStatus | None] = None,
        limit: Limit = 20,
        starting_after: Cursor = None,
    ) -> pw.PayoutList:
        page = await payout_queries.search(store.id, status, PageRequest(limit, starting_after))
        return pw.payout_list(page)

    @get("/{payout_id:str}", summary="One payout")
    async def read(
        self,
        payout_id: FromPath[str],
        store: NamedDependency[Store],
        payout_queries: NamedDependency[PayoutQueries],
    ) -> pw.PayoutOut:
        return pw.payout_out(await payout_queries.one(store.id, payout_id))

    @get("/{payout_id:str}/events", summary="The payout's history, oldest first")
    async def events(
        self,
        payout_id: FromPath[str],
        store: NamedDependency[Store],
        payout_queries: NamedDependency[PayoutQueries],
    ) -> wire.EventList:
        history = await payout_queries.history(store.id, payout_id)
        return wire.EventList(data=[presenters.event_out(e) for e in history])

    @post("/{payout_id:str}/verify", status_code=200, summary="Ask the provider now")
    async def verify(
        self,
        payout_id: FromPath[str],
        store: NamedDependency[Store],
        verify_payout: NamedDependency[VerifyPayout],
    ) -> pw.PayoutOut:
        return pw.payout_out(await verify_payout(payout_id, Source.VERIFICATION, store.id))


class ScheduleController(Controller):
    path = "/api/v1/payout-schedule"
    tags = ["Payouts"]

    @put("/", summary="Manual or daily automatic payouts",
         operation_class=json_body(pw.ScheduleIn))  # fmt: skip
    async def set(
        self,
        request: Request[Any, Any, Any],
        store: NamedDependency[Store],
        set_schedule: NamedDependency[SetSchedule],
    ) -> pw.ScheduleOut:
        data = wire.decode(await request.body(), pw.ScheduleIn)
        command = ScheduleCommand(store.id, data.interval, data.destination_id, data.minimum)
        return pw.schedule_out(await set_schedule(command))


class PayoutAdminController(Controller):
    path = "/api/v1/admin"
    tags = ["Admin"]
    guards = [admin_guard]

    @get("/payout-destinations", summary="Destinations waiting for their hold or an approval")
    async def waiting(
        self,
        destination_queries: NamedDependency[DestinationQueries],
    ) -> pw.DestinationList:
        found = await destination_queries.awaiting_approval()
        return pw.DestinationList(
            data=[pw.destination_out(d, destination_queries.now()) for d in found]
        )

    @post("/payout-destinations/{destination_id:str}/approve", status_code=200,
          summary="Make a destination usable at once (audited)")  # fmt: skip
    async def approve(
        self,
        destination_id: FromPath[str],
        approve_destination: NamedDependency[ApproveDestination],
        operator: NamedDependency[Actor],
        destination_queries: NamedDependency[DestinationQueries],
    ) -> pw.DestinationOut:
        approved = await approve_destination(destination_id, operator)
        return pw.destination_out(approved, destination_queries.now())

    @get("/payouts", summary="Every store's payouts, newest first",
         guards=[list_parameters("po")])  # fmt: skip
    async def payouts(
        self,
        payout_queries: NamedDependency[PayoutQueries],
        status: FromQuery[PayoutStatus | None] = None,
        limit: Limit = 20,
        starting_after: Cursor = None,
    ) -> pw.PayoutList:
        page = await payout_queries.search(None, status, PageRequest(limit, starting_after))
        return pw.payout_list(page)

    @post("/payouts/{payout_id:str}/record", status_code=200,
          summary="Record a payout nobody could confirm: paid or failed (audited)",
          operation_class=json_body(pw.RecordPayoutIn))  # fmt: skip
    async def record(
        self,
        request: Request[Any, Any, Any],
        payout_id: FromPath[str],
        record_payout: NamedDependency[RecordPayout],
        operator: NamedDependency[Actor],
    ) -> pw.PayoutOut:
        data = wire.decode(await request.body(), pw.RecordPayoutIn)
        paid = data.outcome == "succeeded"
        recorded = await record_payout(
            payout_id, paid=paid, reference=data.reference, actor=operator, note=data.note
        )
        return pw.payout_out(recorded)
