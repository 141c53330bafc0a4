"""The operators' store pages (list, search, one store with its actions and its audit trail)
and the audit log page. Every change goes through the same use cases as the API, under the
signed-in operator's name."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect
from msgspec import Struct

from application.errors import InvalidNotificationUrl
from application.shared.ports import PageRequest
from application.stores.audit import AuditQueries
from application.stores.ports import AuditFilter, StoreFilter
from application.stores.store_admin import (
    ChangeNotificationUrl,
    ReactivateStore,
    RotateWebhookSecret,
    StoreChange,
    SuspendStore,
)
from application.stores.stores import ListStores
from domain.audit import AuditEntry
from domain.operator import Actor
from domain.store import StoreStatus
from entrypoints.http.pages.desk import provide_desk_operator
from entrypoints.http.pages.form_amount import checked_form
from entrypoints.http.pages.i18n import translator
from entrypoints.http.pages.web import lang_of, render

PAGE_SIZE = 20
URL = re.compile(r"^https?://\S+$")


class ReasonForm(Struct, frozen=True):
    reason: str = ""


class UrlForm(Struct, frozen=True):
    notification_url: str = ""


Reason = Annotated[ReasonForm, Body(media_type=RequestEncodingType.URL_ENCODED)]


def entry_view(entry: AuditEntry) -> dict[str, Any]:
    """An audit entry with its before/after as readable JSON."""

    def show(value: dict[str, Any] | None) -> str:
        return json.dumps(value, ensure_ascii=False, indent=1) if value is not None else "—"

    return {"entry": entry, "before": show(entry.before), "after": show(entry.after)}


class StorePagesController(Controller):
    path = "/stores"
    include_in_schema = False
    dependencies = {"operator": Provide(provide_desk_operator)}

    @get("/", name="desk_stores")
    async def stores(
        self,
        request: Request[Any, Any, Any],
        operator: NamedDependency[Actor],
        list_stores: NamedDependency[ListStores],
        q: FromQuery[str] = "",
        status: FromQuery[str] = "",
        starting_after: FromQuery[str] = "",
    ) -> Response[Any]:
        chosen = StoreStatus(status) if status in set(StoreStatus) else None
        page = await list_stores(
            PageRequest(PAGE_SIZE, starting_after or None), StoreFilter(q.strip() or None, chosen)
        )
        context = {
            "operator": operator,
            "page": page,
            "filters": {"q": q, "status": chosen.value if chosen else ""},
            "statuses": [s.value for s in StoreStatus],
            "base_query": urlencode({"q": q.strip(), "status": chosen.value if chosen else ""}),
            "paged": bool(starting_after),
            "nav": "stores",
        }
        return render(request, "desk_stores.html", context)

    @get("/{store_id:str}", name="desk_store")
    async def store(
        self,
        request: Request[Any, Any, Any],
        store_id: FromPath[str],
        operator: NamedDependency[Actor],
        list_stores: NamedDependency[ListStores],
        audit_log: NamedDependency[AuditQueries],
        changed: FromQuery[str] = "",
    ) -> Response[Any]:
        args = (request, store_id, operator, list_stores, audit_log)
        return await _store_page(*args, notice="store_changed" if changed else "")

    @post("/{store_id:str}/suspend", status_code=303)
    async def suspend(
        self,
        store_id: FromPath[str],
        data: Reason,
        operator: NamedDependency[Actor],
        suspend_store: NamedDependency[SuspendStore],
    ) -> Redirect:
        reason = checked_form(data).reason.strip() or None
        await suspend_store(StoreChange(store_id, operator, reason))
        return _changed(store_id)

    @post("/{store_id:str}/reactivate", status_code=303)
    async def reactivate(
        self,
        store_id: FromPath[str],
        data: Reason,
        operator: NamedDependency[Actor],
        reactivate_store: NamedDependency[ReactivateStore],
    ) -> Redirect:
        reason = checked_form(data).reason.strip() or None
        await reactivate_store(StoreChange(store_id, operator, reason))
        return _changed(store_id)

    @post("/{store_id:str}/notification-url", status_code=303)
    async def notification_url(
        self,
        request: Request[Any, Any, Any],
        store_id: FromPath[str],
        data: Annotated[UrlForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
        operator: NamedDependency[Actor],
        change_notification_url: NamedDependency[ChangeNotificationUrl],
        list_stores: NamedDependency[ListStores],
        audit_log: NamedDependency[AuditQueries],
    ) -> Response[Any]:
        url = checked_form(data).notification_url.strip()
        try:
            if url and (len(url) > 2000 or not URL.match(url)):
                raise InvalidNotificationUrl("notification_url must be an http(s) URL")
            await change_notification_url(StoreChange(store_id, operator), url or None)
        except InvalidNotificationUrl as refused:
            args = (request, store_id, operator, list_stores, audit_log)
            return await _store_page(*args, error=str(refused), status_code=422)
        return _changed(store_id)

    @post("/{store_id:str}/rotate-webhook-secret", status_code=200)
    async def rotate_secret(
        self,
        request: Request[Any, Any, Any],
        store_id: FromPath[str],
        operator: NamedDependency[Actor],
        rotate_webhook_secret: NamedDependency[RotateWebhookSecret],
        list_stores: NamedDependency[ListStores],
        audit_log: NamedDependency[AuditQueries],
    ) -> Response[Any]:
        """The new secret is shown on this answer only (never stored in the session)."""
        rotated = await rotate_webhook_secret(StoreChange(store_id, operator))
        args = (request, store_id, operator, list_stores, audit_log)
        return await _store_page(*args, new_secret=rotated.webhook_secret)


async def _store_page(
    request: Request[Any, Any, Any],
    store_id: str,
    operator: Actor,
    list_stores: ListStores,
    audit_log: AuditQueries,
    notice: str = "",
    error: str = "",
    new_secret: str = "",
    status_code: int = 200,
) -> Response[Any]:
    store = await list_stores.one(store_id)
    trail = await audit_log(AuditFilter(subject_id=store.id), PageRequest(50))
    t = translator(lang_of(request))
    context = {
        "operator": operator,
        "store": store,
        "entries": [entry_view(e) for e in trail.data],
        "notice": t(notice) if notice else "",
        "error": f"{t('invalid_url')} ({error})" if error else "",
        "new_secret": new_secret,
        "nav": "stores",
    }
    return render(request, "desk_store.html", context, status_code)


def _changed(store_id: str) -> Redirect:
    return Redirect(f"/admin/stores/{store_id}/?changed=1", status_code=303)


class AuditPageController(Controller):
    path = "/audit"
    include_in_schema = False
    dependencies = {"operator": Provide(provide_desk_operator)}

    @get("/", name="desk_audit")
    async def audit(
        self,
        request: Request[Any, Any, Any],
        operator: NamedDependency[Actor],
        audit_log: NamedDependency[AuditQueries],
        starting_after: FromQuery[str] = "",
    ) -> Response[Any]:
        page = await audit_log(AuditFilter(), PageRequest(PAGE_SIZE, starting_after or None))
        context = {
            "operator": operator,
            "page": page,
            "entries": [entry_view(e) for e in page.data],
            "base_query": "",
            "paged": bool(starting_after),
            "nav": "audit",
        }
        return render(request, "desk_audit.html", context)
