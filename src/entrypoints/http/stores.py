"""Operator routes: stores (admin token)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from application.ports import PageRequest
from application.stores import CreateStore, CreateStoreCommand, ListStores, RotateApiKey
from entrypoints.http import presenters, wire
from entrypoints.http.deps import admin_guard
from entrypoints.http.listing import Cursor, Limit, list_parameters
from entrypoints.http.openapi import json_body


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
        self, request: Request[Any, Any, Any], create_store: NamedDependency[CreateStore]
    ) -> wire.NewStoreOut:
        data = wire.decode(await request.body(), wire.CreateStoreIn)
        new = await create_store(CreateStoreCommand(data.name, data.notification_url))
        return presenters.new_store_out(new)

    @get("/", summary="List stores", guards=[list_parameters("str")])
    async def search(
        self,
        list_stores: NamedDependency[ListStores],
        limit: Limit = 20,
        starting_after: Cursor = None,
    ) -> wire.StoreList:
        return presenters.store_list(await list_stores(PageRequest(limit, starting_after)))

    @post("/{store_id:str}/rotate-key", status_code=200, summary="Replace the store's API key")
    async def rotate(
        self, store_id: FromPath[str], rotate_api_key: NamedDependency[RotateApiKey]
    ) -> wire.RotatedKeyOut:
        return presenters.rotated_key_out(await rotate_api_key(store_id))
