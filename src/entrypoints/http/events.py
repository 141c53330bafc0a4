"""The store's notifications with their delivery state (docs/api.md, Notifications to the store)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from adapters.snapshots import maybe_timestamp, timestamp
from application.shared.ports import PageRequest
from application.stores.notifications import StoreEvents
from application.stores.ports import Notification
from domain.store import Store
from entrypoints.http.listing import Cursor, Limit, list_parameters


class DeliveryOut(msgspec.Struct, frozen=True, kw_only=True):
    state: str
    attempts: int
    next_attempt_at: str | None
    delivered_at: str | None
    last_status_code: int | None
    last_error: str | None


class StoreEventOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    type: str
    created_at: str
    data: dict[str, Any]
    delivery: DeliveryOut


class StoreEventList(msgspec.Struct, frozen=True, kw_only=True):
    data: list[StoreEventOut]
    has_more: bool
    next_cursor: str | None


def event_out(notification: Notification) -> StoreEventOut:
    body = msgspec.json.decode(notification.body)
    return StoreEventOut(
        id=notification.id,
        type=notification.type,
        created_at=timestamp(notification.created_at),
        data=body["data"],
        delivery=DeliveryOut(
            state=notification.state,
            attempts=notification.attempts,
            next_attempt_at=maybe_timestamp(notification.next_attempt_at)
            if notification.state == "pending"
            else None,
            delivered_at=maybe_timestamp(notification.delivered_at),
            last_status_code=notification.last_status_code,
            last_error=notification.last_error,
        ),
    )


class EventController(Controller):
    path = "/api/v1/events"
    tags = ["Events"]

    @get(
        "/",
        summary="The store's events, newest first, with their delivery state",
        guards=[list_parameters("evt")],
    )
    async def search(
        self,
        store: NamedDependency[Store],
        store_events: NamedDependency[StoreEvents],
        limit: Limit = 20,
        starting_after: Cursor = None,
    ) -> StoreEventList:
        page = await store_events.page(store.id, PageRequest(limit, starting_after))
        return StoreEventList(
            data=[event_out(n) for n in page.data],
            has_more=page.has_more,
            next_cursor=page.next_cursor,
        )

    @post("/{event_id:str}/redeliver", status_code=202, summary="Send the event again now")
    async def redeliver(
        self,
        event_id: FromPath[str],
        store: NamedDependency[Store],
        store_events: NamedDependency[StoreEvents],
    ) -> dict[str, str]:
        await store_events.redeliver(store.id, event_id)
        return {"id": event_id, "state": "pending"}
