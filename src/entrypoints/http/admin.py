"""Operator routes: the queue of items that need a person, and the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter

from application.shared.ports import PageRequest
from application.stores.audit import AuditQueries
from application.stores.ports import AuditFilter
from application.stores.review_queue import ResolveCommand, ResolveItem, ReviewQueueQueries
from domain.operator import Actor
from domain.review import ReviewAction, ReviewKind
from entrypoints.http import admin_wire, wire
from entrypoints.http.authentication import admin_guard
from entrypoints.http.listing import Cursor, Limit, list_parameters
from entrypoints.http.openapi import json_body

Id = Annotated[str | None, Parameter(max_length=64)]


class QueueController(Controller):
    path = "/api/v1/admin/queue"
    tags = ["Admin"]
    guards = [admin_guard]

    @get("/", summary="What needs a person, oldest first", guards=[list_parameters("rsl")])
    async def items(
        self,
        review_queue: NamedDependency[ReviewQueueQueries],
        resolve_item: NamedDependency[ResolveItem],
        kind: FromQuery[ReviewKind | None] = None,
        limit: Limit = 50,
    ) -> admin_wire.ReviewItemList:
        page = await review_queue(kind, limit)
        data = [admin_wire.item_out(item, resolve_item.actions(item)) for item in page.data]
        return admin_wire.ReviewItemList(data=data, has_more=page.has_more)

    @post(
        "/{subject_id:str}/resolve",
        status_code=200,
        summary="Resolve an item: refund it, record a manual refund, or dismiss it",
        operation_class=json_body(admin_wire.ResolveIn),
    )
    async def resolve(
        self,
        request: Request[Any, Any, Any],
        subject_id: FromPath[str],
        resolve_item: NamedDependency[ResolveItem],
        operator: NamedDependency[Actor],
    ) -> admin_wire.ResolutionOut:
        data = wire.decode(await request.body(), admin_wire.ResolveIn)
        command = ResolveCommand(
            subject_id=subject_id,
            action=ReviewAction(data.action),
            actor=operator,
            reason=data.reason,
            reference=data.reference,
            amount=data.amount,
        )
        return admin_wire.resolution_out(await resolve_item(command))


class AuditController(Controller):
    path = "/api/v1/admin/audit"
    tags = ["Admin"]
    guards = [admin_guard]

    @get("/", summary="Operator actions, newest first", guards=[list_parameters("aud")])
    async def entries(
        self,
        audit_log: NamedDependency[AuditQueries],
        limit: Limit = 20,
        starting_after: Cursor = None,
        subject_id: Id = None,
        actor_id: Id = None,
    ) -> admin_wire.AuditList:
        page = await audit_log(
            AuditFilter(subject_id, actor_id), PageRequest(limit, starting_after)
        )
        return admin_wire.audit_list(page)
