"""Operator routes: stores (operator token). Every change is audited under the operator."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter

from application.shared.ports import PageRequest
from application.stores.ports import StoreFilter
from application.stores.store_admin import (
    ChangeFee,
    ChangeNotificationUrl,
    ReactivateStore,
    RotateWebhookSecret,
    StoreChange,
    SuspendStore,
)
from application.stores.stores import CreateStore, CreateStoreCommand, ListStores, RotateApiKey
from domain.operator import Actor
from domain.store import StoreStatus
from entrypoints.http import admin_wire, presenters, wire
from entrypoints.http.authentication import admin_guard
from entrypoints.http.listing import Cursor, Limit, list_parameters
from entrypoints.http.openapi import json_body

Query = Annotated[
    str | None, Parameter(max_length=200, description="Part of the name, or the exact id")
]


class StoreAdminController(Controller):
    path = "/api/v1/admin/stores"
    tags = ["Admin"]
    guards = [admin_guard]

    @post(
        "/",
        status_code=201,
        summary="Create a store; its API key is shown once",
        operation_class=json_body(wire.CreateStoreIn),
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        create_store: NamedDependency[CreateStore],
        operator: NamedDependency[Actor],
    ) -> wire.NewStoreOut:
        data = wire.decode(await request.body(), wire.CreateStoreIn)
        new = await create_store(CreateStoreCommand(data.name, data.notification_url), operator)
        return presenters.new_store_out(new)

    @get("/", summary="List and search stores", guards=[list_parameters("str")])
    async def search(
        self,
        list_stores: NamedDependency[ListStores],
        limit: Limit = 20,
        starting_after: Cursor = None,
        q: Query = None,
        status: FromQuery[StoreStatus | None] = None,
    ) -> wire.StoreList:
        filters = StoreFilter(q, status)
        return presenters.store_list(await list_stores(PageRequest(limit, starting_after), filters))

    @get("/{store_id:str}", summary="One store")
    async def one(
        self, store_id: FromPath[str], list_stores: NamedDependency[ListStores]
    ) -> wire.StoreOut:
        return presenters.store_out(await list_stores.one(store_id))

    @patch(
        "/{store_id:str}",
        summary="Change the store's notification URL or its fee rate",
        operation_class=json_body(admin_wire.StoreUpdateIn),
    )
    async def update(
        self,
        request: Request[Any, Any, Any],
        store_id: FromPath[str],
        change_notification_url: NamedDependency[ChangeNotificationUrl],
        change_fee: NamedDependency[ChangeFee],
        list_stores: NamedDependency[ListStores],
        operator: NamedDependency[Actor],
    ) -> wire.StoreOut:
        data = wire.decode(await request.body(), admin_wire.StoreUpdateIn)
        change = StoreChange(store_id, operator, data.reason)
        if data.notification_url is not msgspec.UNSET:
            await change_notification_url(change, data.notification_url)
        if data.fee_bps is not msgspec.UNSET:
            await change_fee(change, data.fee_bps)
        return presenters.store_out(await list_stores.one(store_id))

    @post(
        "/{store_id:str}/suspend",
        status_code=200,
        summary="Suspend the store: its API key answers 403 store_suspended",
        operation_class=json_body(admin_wire.StoreActionIn),
    )
    async def suspend(
        self,
        request: Request[Any, Any, Any],
        store_id: FromPath[str],
        suspend_store: NamedDependency[SuspendStore],
        operator: NamedDependency[Actor],
    ) -> wire.StoreOut:
        reason = await _reason(request)
        return presenters.store_out(await suspend_store(StoreChange(store_id, operator, reason)))

    @post(
        "/{store_id:str}/reactivate",
        status_code=200,
        summary="Reactivate a suspended store",
        operation_class=json_body(admin_wire.StoreActionIn),
    )
    async def reactivate(
        self,
        request: Request[Any, Any, Any],
        store_id: FromPath[str],
        reactivate_store: NamedDependency[ReactivateStore],
        operator: NamedDependency[Actor],
    ) -> wire.StoreOut:
        change = StoreChange(store_id, operator, await _reason(request))
        return presenters.store_out(await reactivate_store(change))

    @post("/{store_id:str}/rotate-key", status_code=200, summary="Replace the store's API key")
    async def rotate(
        self,
        store_id: FromPath[str],
        rotate_api_key: NamedDependency[RotateApiKey],
        operator: NamedDependency[Actor],
    ) -> wire.RotatedKeyOut:
        return presenters.rotated_key_out(await rotate_api_key(store_id, operator))

    @post(
        "/{store_id:str}/rotate-webhook-secret",
        status_code=200,
        summary="Replace the secret that signs the store's notifications; shown once",
    )
    async def rotate_secret(
        self,
        store_id: FromPath[str],
        rotate_webhook_secret: NamedDependency[RotateWebhookSecret],
        operator: NamedDependency[Actor],
    ) -> admin_wire.RotatedSecretOut:
        rotated = await rotate_webhook_secret(StoreChange(store_id, operator))
        return admin_wire.rotated_secret_out(rotated)


async def _reason(request: Request[Any, Any, Any]) -> str | None:
    """The optional body's `reason` (an empty body is no reason)."""
    body = await request.body()
    return wire.decode(body, admin_wire.StoreActionIn).reason if body.strip() else None
