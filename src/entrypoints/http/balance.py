"""The store's money (store key): its balance per currency and its ledger entries (JSON
pages or CSV); the operator's adjustments of a store's balance (operator token)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter

from application.ledger.adjust import AdjustBalance, AdjustmentCommand
from application.ledger.balance import BalanceQueries
from application.ledger.ports import EntryFilter
from application.shared.ports import PageRequest
from domain.ledger import EntryType
from domain.money import Currency, Money
from domain.operator import Actor
from domain.store import Store
from entrypoints.http import ledger_wire, wire
from entrypoints.http.authentication import admin_guard
from entrypoints.http.listing import Cursor, Limit, list_parameters
from entrypoints.http.openapi import json_body

Id = Annotated[str | None, Parameter(max_length=64)]
Format = Annotated[Literal["json", "csv"], Parameter(description="csv: every entry, as CSV")]


class BalanceController(Controller):
    path = "/api/v1/balance"
    tags = ["Balance"]

    @get("/", summary="The store's balance per currency: available and pending")
    async def balance(
        self, store: NamedDependency[Store], balance_queries: NamedDependency[BalanceQueries]
    ) -> ledger_wire.BalanceOut:
        return ledger_wire.balance_out(await balance_queries.balances(store.id))

    @get(
        "/entries",
        summary="The store's ledger entries, newest first, with the balance after each",
        guards=[list_parameters("le")],
    )
    async def entries(
        self,
        store: NamedDependency[Store],
        balance_queries: NamedDependency[BalanceQueries],
        currency: FromQuery[Currency | None] = None,
        type: FromQuery[EntryType | None] = None,
        payment_id: Id = None,
        payout_id: Id = None,
        limit: Limit = 20,
        starting_after: Cursor = None,
        format: FromQuery[Format] = "json",
    ) -> Response[Any]:
        filters = EntryFilter(currency, type, payment_id, payout_id)
        if format == "csv":
            every = await balance_queries.export(store.id, filters)
            return Response(
                ledger_wire.entries_csv(every),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": 'attachment; filename="ledger.csv"'},
            )
        page = await balance_queries.entries(store.id, filters, PageRequest(limit, starting_after))
        return Response(ledger_wire.entry_list(page))


class AdjustmentController(Controller):
    path = "/api/v1/admin/stores/{store_id:str}/adjustments"
    tags = ["Admin"]
    guards = [admin_guard]

    @post(
        "/",
        status_code=201,
        summary="Adjust the store's balance (audited, with a reason)",
        operation_class=json_body(ledger_wire.AdjustmentIn),
    )
    async def adjust(
        self,
        request: Request[Any, Any, Any],
        store_id: FromPath[str],
        adjust_balance: NamedDependency[AdjustBalance],
        operator: NamedDependency[Actor],
    ) -> ledger_wire.AdjustmentOut:
        data = wire.decode(await request.body(), ledger_wire.AdjustmentIn)
        amount = Money.of(data.amount, data.currency)
        made = await adjust_balance(AdjustmentCommand(store_id, amount, data.reason, operator))
        return ledger_wire.adjustment_out(made)
