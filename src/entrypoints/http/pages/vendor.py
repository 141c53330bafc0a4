"""The vendor's pages: sign-in with the store's API key (a signed, encrypted, http-only
session cookie follows), dashboard, orders, payments, one payment's history and "verify now".
A suspended store cannot sign in, and its vendor's session ends.
Every read is scoped to the signed-in store: another store's ids are not found (404)."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Annotated, Any
from urllib.parse import urlencode

import structlog
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, SkipValidation
from litestar.response import Redirect
from msgspec import Struct

from adapters.phones import mask_phone
from adapters.urls import ServiceUrls
from application.errors import (
    NotFound,
    ProviderUnavailable,
    RateLimited,
    StoreSuspended,
    Unauthorized,
)
from application.health.provider_health import ProviderHealthQuery
from application.payments.checkout import CheckoutQueries
from application.payments.ports import OrderFilter, PaymentFilter, ProviderRegistry
from application.payments.queries import StoreQueries
from application.payments.stats import StoreStats
from application.payments.verify_payment import VerifyPayment
from application.refunds.ports import RefundProviders
from application.refunds.queries import RefundQueries
from application.shared.ports import PageRequest
from application.stores.sign_in_sessions import SessionKind
from application.stores.stores import AuthenticateStore
from domain.events import Source
from domain.order import OrderStatus
from domain.payment import PaymentStatus
from domain.store import Store
from entrypoints.http import authentication, throttle
from entrypoints.http.accepted_input import check_fields
from entrypoints.http.listing import list_parameters
from entrypoints.http.pages.chart import revenue_charts
from entrypoints.http.pages.i18n import translator
from entrypoints.http.pages.providers import account_label
from entrypoints.http.pages.refund_view import refund_context
from entrypoints.http.pages.web import SignInRequired, lang_of, render

log = structlog.get_logger(__name__)

PAGE_SIZE = 20


class LoginForm(Struct, frozen=True):
    api_key: str = ""


def session_key(store: Store) -> str:
    """Ties a session to the store's current API key: rotating the key signs vendors out."""
    return hashlib.sha256(f"session:{store.api_key_hash}".encode()).hexdigest()


async def provide_vendor(
    request: Request[Any, Any, Any], checkout: NamedDependency[CheckoutQueries]
) -> Store:
    """The signed-in store, or `SignInRequired` (a redirect to the sign-in page): the
    cookie's server-side session must still be good (`authentication.session_subject`)."""
    session = request.session or {}
    store_id = await authentication.session_subject(request, SessionKind.VENDOR)
    try:
        store = await checkout.store(store_id) if store_id else None
    except NotFound:
        store = None
    signed = store is not None and hmac.compare_digest(session_key(store), str(session.get("key")))
    if store is None or not signed or store.is_suspended:
        request.clear_session()
        raise SignInRequired
    return store


class SignInController(Controller):
    path = "/store"
    include_in_schema = False

    @get("/", name="vendor_home")
    async def home(self) -> Redirect:
        return Redirect("/store/dashboard/", status_code=303)

    @get("/login", name="vendor_login")
    async def login_page(self, request: Request[Any, Any, Any]) -> Response[Any]:
        return render(request, "login.html", {"error": ""})

    @post("/login", status_code=303)
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
        authenticate_store: NamedDependency[AuthenticateStore],
    ) -> Response[Any]:
        """Attempts count against the client's address (`RATE_LIMIT_LOGIN_PER_MINUTE`, the
        policy of `authentication.checked`): guessing keys is slowed to that pace, and each
        refusal is logged."""
        t = translator(lang_of(request))
        check_fields(data)
        try:
            store = await authentication.checked(
                request,
                authentication.VENDOR_SIGN_IN,
                lambda: authenticate_store(data.api_key.strip()),
            )
        except RateLimited as limited:
            error = t("login_rate_limited", seconds=str(limited.retry_after))
            page = render(request, "login.html", {"error": error}, status_code=429)
            page.headers["Retry-After"] = str(limited.retry_after)
            return page
        except (Unauthorized, StoreSuspended) as refused:
            key = "login_suspended" if isinstance(refused, StoreSuspended) else "login_failed"
            return render(request, "login.html", {"error": t(key)}, status_code=401)
        await authentication.sign_in(
            request, SessionKind.VENDOR, store.id, store_id=store.id, key=session_key(store)
        )
        return Redirect("/store/dashboard/", status_code=303)

    @post("/logout", status_code=303)
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        await authentication.sign_out(request)
        return Redirect("/store/login/", status_code=303)


class VendorController(Controller):
    path = "/"
    include_in_schema = False
    dependencies = {"vendor": Provide(provide_vendor)}

    @get("/store/dashboard", name="vendor_dashboard")
    async def dashboard(
        self,
        request: Request[Any, Any, Any],
        vendor: NamedDependency[Store],
        store_stats: NamedDependency[StoreStats],
        queries: NamedDependency[StoreQueries],
        provider_health: NamedDependency[ProviderHealthQuery],
        provider_registry: NamedDependency[SkipValidation[ProviderRegistry]],
    ) -> Response[Any]:
        stats = await store_stats(vendor.id)
        recent = await queries.payments(vendor.id, PaymentFilter(), PageRequest(5))
        accounts = [account.id.key for account in provider_registry.accounts()]  # each its own
        now = {h.provider: h for h in await provider_health.current(accounts)}
        context = {
            "health_now": now,
            "health_day": await provider_health.day(accounts),
            "account_label": account_label,
            "store": vendor,
            "stats": stats,
            "charts": revenue_charts(stats, lang_of(request)),
            "recent": recent.data,
            "nav": "dashboard",
        }
        return render(request, "dashboard.html", context)

    @get("/store/orders", name="vendor_orders", guards=[list_parameters("ord")])
    async def orders(
        self,
        request: Request[Any, Any, Any],
        vendor: NamedDependency[Store],
        queries: NamedDependency[StoreQueries],
        status: FromQuery[str] = "",
        reference: FromQuery[str] = "",
        starting_after: FromQuery[str] = "",
    ) -> Response[Any]:
        chosen = OrderStatus(status) if status in set(OrderStatus) else None
        filters = OrderFilter(chosen, reference.strip() or None)
        page = await queries.orders(
            vendor.id, filters, PageRequest(PAGE_SIZE, starting_after or None)
        )
        context = {
            "store": vendor,
            "page": page,
            "statuses": [s.value for s in OrderStatus],
            "filters": {"status": chosen.value if chosen else "", "reference": reference},
            "base_query": _query(status=chosen.value if chosen else "", reference=reference),
            "paged": bool(starting_after),
            "nav": "orders",
        }
        return render(request, "orders.html", context)

    @get("/payments", name="vendor_payments", guards=[list_parameters("pay")])
    async def payments(
        self,
        request: Request[Any, Any, Any],
        vendor: NamedDependency[Store],
        queries: NamedDependency[StoreQueries],
        provider_registry: NamedDependency[SkipValidation[ProviderRegistry]],
        status: FromQuery[str] = "",
        provider: FromQuery[str] = "",
        order_id: FromQuery[str] = "",
        starting_after: FromQuery[str] = "",
    ) -> Response[Any]:
        chosen = PaymentStatus(status) if status in set(PaymentStatus) else None
        filters = PaymentFilter(order_id.strip() or None, chosen, provider or None)
        page = await queries.payments(
            vendor.id, filters, PageRequest(PAGE_SIZE, starting_after or None)
        )
        context = {
            "store": vendor,
            "page": page,
            "statuses": [s.value for s in PaymentStatus],
            "providers": list(provider_registry.available()),
            "filters": {
                "status": chosen.value if chosen else "",
                "provider": provider,
                "order_id": order_id,
            },
            "base_query": _query(
                status=chosen.value if chosen else "", provider=provider, order_id=order_id
            ),
            "paged": bool(starting_after),
            "nav": "payments",
        }
        return render(request, "payments.html", context)

    @get("/payments/{payment_id:str}", name="vendor_payment")
    async def payment(
        self,
        request: Request[Any, Any, Any],
        payment_id: FromPath[str],
        vendor: NamedDependency[Store],
        queries: NamedDependency[StoreQueries],
        urls: NamedDependency[ServiceUrls],
        refund_queries: NamedDependency[RefundQueries],
        refund_providers: NamedDependency[SkipValidation[RefundProviders]],
        verified: FromQuery[str] = "",
        refund: FromQuery[str] = "",
        refund_error: FromQuery[str] = "",
    ) -> Response[Any]:
        payment = await queries.payment(vendor.id, payment_id)
        refunds = await refund_queries.of_payment(vendor.id, payment_id)
        history = await queries.history(vendor.id, payment_id)
        events = [
            {"recorded": r, "data": json.dumps(r.event.data, indent=2, ensure_ascii=False)}
            for r in history
        ]
        context = {
            "store": vendor,
            "payment": payment,
            "masked_phone": mask_phone(payment.phone),
            "events": events,
            "verified": verified,
            "checkout_url": urls.checkout(payment.order_id),
            "nav": "payments",
            "refund_done": refund == "ok",
            "refund_error": refund_error,
            **refund_context(payment, refunds, refund_providers),
        }
        return render(request, "payment.html", context)

    @post("/payments/{payment_id:str}/verify", status_code=303)
    async def verify(
        self,
        request: Request[Any, Any, Any],
        payment_id: FromPath[str],
        vendor: NamedDependency[Store],
        verify_payment: NamedDependency[VerifyPayment],
    ) -> Redirect:
        """Rate limited per payment, like the API's `verify`."""
        limits = throttle.limits_of(request)
        if await limits.verify.take(f"{vendor.id}:{payment_id}") is not None:
            return Redirect(f"/payments/{payment_id}/?verified=limited", status_code=303)
        try:
            await verify_payment(payment_id, Source.VERIFICATION, store_id=vendor.id)
            outcome = "ok"
        except ProviderUnavailable:
            outcome = "unavailable"
        return Redirect(f"/payments/{payment_id}/?verified={outcome}", status_code=303)


def _query(**filters: str) -> str:
    """The list's filters as a query string, for its pager's links."""
    return urlencode({name: value for name, value in filters.items() if value})
