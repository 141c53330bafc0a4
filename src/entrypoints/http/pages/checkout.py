"""The customer's pages: `/order/{id}/payment/` (choose a provider, start the payment through
`InitiatePayment`, as the API does) and `/payment/{id}/status/` (live status). Both need the
signed token the service handed out; without it they answer 404. A suspended store's order
page says the shop is unavailable and starts nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, SkipValidation
from litestar.response import Redirect
from msgspec import Struct

from adapters.providers.reasons import customer_reason
from adapters.urls import CHECKOUT, STATUS, ServiceUrls
from application.errors import (
    NotFound,
    PhoneRequired,
    ProviderNotAvailable,
    ProviderUnavailable,
    RateLimited,
)
from application.health.provider_health import ProviderHealthQuery
from application.payments.abandon_payment import AbandonPayment
from application.payments.checkout import CheckoutQueries, CheckoutView
from application.payments.initiate_payment import InitiatePayment, InitiatePaymentCommand
from application.payments.ports import ProviderRegistry
from application.shared.ports import Clock
from domain import accounts
from domain.accounts import AccountId
from domain.errors import InvalidPhone, OrderNotPayable, PaymentInProgress
from domain.money import Money
from domain.order import OrderStatus
from domain.payment import Payment, PaymentStatus
from entrypoints.http.accepted_input import check_fields
from entrypoints.http.pages.customer_phone import (
    phone_fields,
    written_for,
    wrong_country,
)
from entrypoints.http.pages.i18n import translator
from entrypoints.http.pages.providers import PhoneField, brand, phone_example, phone_field
from entrypoints.http.pages.web import lang_of, render


class PaymentForm(Struct, frozen=True):
    token: str = ""
    provider: str = ""
    phone: str = ""


Form = Annotated[PaymentForm, Body(media_type=RequestEncodingType.URL_ENCODED)]


class AnotherWayForm(Struct, frozen=True):
    token: str = ""


TokenForm = Annotated[AnotherWayForm, Body(media_type=RequestEncodingType.URL_ENCODED)]

#: A pending payment offers its ways out ("Payer autrement", back to the shop) this long
#: after it started.
WAYS_OUT_AFTER = timedelta(seconds=20)


class CheckoutController(Controller):
    path = "/order/{order_id:str}/payment"
    include_in_schema = False

    @get("/", name="checkout_page")
    async def page(
        self,
        request: Request[Any, Any, Any],
        order_id: FromPath[str],
        checkout: NamedDependency[CheckoutQueries],
        provider_registry: NamedDependency[SkipValidation[ProviderRegistry]],
        provider_health: NamedDependency[ProviderHealthQuery],
        urls: NamedDependency[ServiceUrls],
        token: FromQuery[str] = "",
    ) -> Response[Any]:
        _require(urls, CHECKOUT, order_id, token)
        view = await checkout.order(order_id)
        health = await _statuses(provider_health, provider_registry)
        form = PaymentForm(token=token)
        return _page(request, view, provider_registry, health, urls, token, form)

    @post("/", status_code=303)
    async def start(
        self,
        request: Request[Any, Any, Any],
        order_id: FromPath[str],
        data: Form,
        checkout: NamedDependency[CheckoutQueries],
        provider_registry: NamedDependency[SkipValidation[ProviderRegistry]],
        initiate_payment: NamedDependency[InitiatePayment],
        provider_health: NamedDependency[ProviderHealthQuery],
        urls: NamedDependency[ServiceUrls],
    ) -> Response[Any]:
        check_fields(data)
        _require(urls, CHECKOUT, order_id, data.token)
        view = await checkout.order(order_id)
        if view.store.is_suspended:  # the shop is unavailable: nothing is started
            form, health = PaymentForm(token=data.token), dict[str, str]()  # no form shown
            args = (request, view, provider_registry, health, urls, data.token, form)
            return _page(*args, status_code=403)
        lang = lang_of(request)
        t = translator(lang)
        name = brand(data.provider).name
        retry_after: int | None = None
        field = _phone_field(provider_registry, view, data.provider)
        refusal = wrong_country(field, data.provider, data.phone, t, lang)
        try:
            if refusal:  # a number of another country: refused here, nothing is sent
                raise _WrongCountry(refusal)
            phone = written_for(field, data.phone)
            payment = await initiate_payment(
                InitiatePaymentCommand(view.store.id, order_id, data.provider, phone)
            )
        except _WrongCountry as wrong:
            error = str(wrong)
        except ProviderNotAvailable:
            error = t("error_provider")
        except InvalidPhone:
            error = t("error_invalid_phone", example=phone_example(view.order.country))
        except PhoneRequired:
            error = t("error_phone_required", provider=name)
        except ProviderUnavailable:
            error = t("error_unavailable", provider=name)
        except RateLimited as limited:
            retry_after = limited.retry_after
            error = t("error_rate_limited", minutes=str(-(-retry_after // 60)))
        except (OrderNotPayable, PaymentInProgress):
            view = await checkout.order(order_id)
            error = ""
        else:
            return Redirect(_next_url(payment, urls), status_code=303)
        health = await _statuses(provider_health, provider_registry)
        args = (request, view, provider_registry, health, urls, data.token, data)
        if retry_after is not None:
            page = _page(*args, error=error, status_code=429)
            page.headers["Retry-After"] = str(retry_after)
            return page
        return _page(*args, error=error, status_code=422 if error else 200)


class StatusController(Controller):
    path = "/payment/{payment_id:str}/status"
    include_in_schema = False

    @get("/", name="status_page")
    async def page(
        self,
        request: Request[Any, Any, Any],
        payment_id: FromPath[str],
        checkout: NamedDependency[CheckoutQueries],
        provider_health: NamedDependency[ProviderHealthQuery],
        urls: NamedDependency[ServiceUrls],
        clock: NamedDependency[SkipValidation[Clock]],
        token: FromQuery[str] = "",
        stuck: FromQuery[str] = "",
    ) -> Response[Any]:
        _require(urls, STATUS, payment_id, token)
        view, payment = await checkout.payment(payment_id)
        waiting = _state(payment) == "waiting"
        key = AccountId(payment.provider, payment.country).key
        health = await _health(provider_health, [key]) if waiting else {}
        age = clock.now() - payment.created_at
        context = {
            "ways_out_in": max(0, int((WAYS_OUT_AFTER - age).total_seconds())),
            "cannot_cancel": bool(stuck) and waiting,
            "another_way_url": f"/payment/{payment_id}/status/another-way",
            "token": token,
            "provider_status": health.get(key, "operational"),
            "view": view,
            "payment": payment,
            "reason": _reason(payment, translator(lang_of(request))),
            "state": _state(payment),
            "live_url": f"/payment/{payment_id}/status/live?token={token}",
            "retry_url": urls.checkout(view.order.id, view.order.expires_at),
        }
        return render(request, "status.html", context)

    @post("/another-way", status_code=303, name="status_another_way")
    async def another_way(
        self,
        payment_id: FromPath[str],
        data: TokenForm,
        abandon_payment: NamedDependency[AbandonPayment],
        urls: NamedDependency[ServiceUrls],
    ) -> Response[Any]:
        """ "Payer autrement": the provider ends the payment when it can (Wave expires its
        session), then the order's payment page; otherwise back to the status page, which
        says what the customer can do."""
        check_fields(data)
        _require(urls, STATUS, payment_id, data.token)
        payment = await abandon_payment(payment_id)
        if payment.is_final:
            return Redirect(urls.checkout(payment.order_id), status_code=303)
        return Redirect(urls.status(payment_id) + "&stuck=1", status_code=303)

    @get("/live", name="status_live")
    async def live(
        self,
        request: Request[Any, Any, Any],
        payment_id: FromPath[str],
        checkout: NamedDependency[CheckoutQueries],
        urls: NamedDependency[ServiceUrls],
        token: FromQuery[str] = "",
    ) -> Response[Any]:
        """The status the page polls: `{status, final}`; the page reloads when it changes."""
        _require(urls, STATUS, payment_id, token)
        _, payment = await checkout.payment(payment_id)
        body = {"status": payment.status.value, "final": _state(payment) != "waiting"}
        return Response(body, headers={"Cache-Control": "no-store"})


class _WrongCountry(Exception):
    """The phone number is not one of the countries the chosen provider takes."""


def _require(urls: ServiceUrls, purpose: str, value: str, token: str) -> None:
    if not urls.verify(purpose, value, token):
        raise NotFound("unknown page")


def _next_url(payment: Payment, urls: ServiceUrls) -> str:
    """The provider's page for redirect flows, else our own status page."""
    action = payment.next_action
    if payment.status is PaymentStatus.PENDING and action and action.type == "redirect":
        return action.url or urls.status(payment.id, payment.expires_at)
    return urls.status(payment.id, payment.expires_at)


def _state(payment: Payment) -> str:
    """`waiting` until the payment is settled; a late success is still possible after
    `expired`, but the customer is told it expired."""
    if payment.status in (PaymentStatus.CREATED, PaymentStatus.PENDING):
        return "waiting"
    return payment.status.value


def _reason(payment: Payment, t: Callable[..., str]) -> str | None:
    """Why the payment failed, in the customer's words and language: the provider's code
    becomes one of our reasons (`adapters.providers.reasons`); its own text is never shown."""
    reason = customer_reason(payment.provider, payment.failure_code)
    return t(f"reason_{reason}", provider=brand(payment.provider).name) if reason else None


async def _health(query: ProviderHealthQuery, keys: Sequence[str]) -> dict[str, str]:
    """Each account's health status (`operational`, `degraded`, `down`), by account key."""
    return {health.provider: health.status for health in await query.current(keys)}


async def _statuses(query: ProviderHealthQuery, registry: ProviderRegistry) -> dict[str, str]:
    """The health of every configured account, by account key (`mtn_momo:CM`)."""
    return await _health(query, [account.id.key for account in registry.accounts()])


def _page(
    request: Request[Any, Any, Any],
    view: CheckoutView,
    registry: ProviderRegistry,
    health: dict[str, str],
    urls: ServiceUrls,
    token: str,
    form: PaymentForm,
    error: str = "",
    status_code: int = 200,
) -> Response[Any]:
    order = view.order
    open_payment = view.open_payment
    open_key = AccountId(open_payment.provider, open_payment.country).key if open_payment else ""
    stuck = open_payment if open_payment and health.get(open_key) == "down" else None
    if stuck:  # its account is down: the customer may pay another way
        open_payment = None
    # the providers with an account for the order's country and currency, and their health
    taking = accounts.offered(registry.accounts(), order.country, order.amount.currency.value)
    available = [account.id.provider for account in taking]
    health = {a.id.provider: health.get(a.id.key, "operational") for a in taking}
    offered = [name for name in available if health.get(name) != "down"]
    selected = form.provider if form.provider in offered else ""
    context = {
        "view": view,
        "order": order,
        "lines": [(item, Money(item.total, order.amount.currency)) for item in order.items],
        "paid": order.status is OrderStatus.PAID,
        "closed": order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED),
        "suspended": view.store.is_suspended,
        "open_payment": open_payment,
        "open_status_url": urls.status(open_payment.id, open_payment.expires_at)
        if open_payment
        else None,
        "paid_status_url": _paid_status_url(view, urls),
        "providers": available,
        "requires_phone": {
            a.id.provider: registry.get(a.id.provider, a.id.country).requires_phone for a in taking
        },
        "selected": selected or (offered[0] if len(offered) == 1 else ""),
        "health": health,
        "stuck": stuck,
        "phone": form.phone,
        "phone_example": phone_example(order.country),
        "phone_fields": phone_fields(
            {a.id.provider: a.id.country for a in taking}, order.country, lang_of(request)
        ),
        "sandbox_hints": "sandbox" in available,
        "token": token,
        "error": error,
    }
    return render(request, "checkout.html", context, status_code)


def _phone_field(registry: ProviderRegistry, view: CheckoutView, provider: str) -> PhoneField:
    """The phone field of `provider` for this order: its account's country when it has one."""
    order = view.order
    taking = accounts.offered(registry.accounts(), order.country, order.amount.currency.value)
    country = next((a.id.country for a in taking if a.id.provider == provider), None)
    return phone_field(provider, order.country, country)


def _paid_status_url(view: CheckoutView, urls: ServiceUrls) -> str | None:
    paid_by = view.order.paid_by
    return urls.status(paid_by) if paid_by else None
