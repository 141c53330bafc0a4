"""The hosted HTML pages (docs/api.md, Hosted pages): customer payment and status pages, the
vendor's sign-in, dashboard and lists, and the operators' desk under `/admin/` (its own
session cookie, so a vendor's and an operator's sessions never mix).

The pages live on one router that carries their own middleware: a signed, encrypted,
http-only SameSite session cookie and CSRF protection. The JSON API, the provider webhooks
and the sandbox page (its form carries a signed token) never see either."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any

from litestar import Router
from litestar.config.csrf import CSRFConfig
from litestar.middleware import DefineMiddleware
from litestar.middleware.session.base import SessionMiddleware
from litestar.middleware.session.client_side import ClientSideSessionBackend, CookieBackendConfig
from litestar.static_files import create_static_files_router
from litestar.types import ASGIApp

from entrypoints.http import stats
from entrypoints.http.pages import (
    checkout,
    desk,
    desk_money,
    desk_payouts,
    desk_stores,
    home,
    vendor,
    vendor_money,
    vendor_refunds,
)
from entrypoints.http.pages.csrf import SessionBoundCSRF
from entrypoints.http.pages.web import EXCEPTION_HANDLERS
from entrypoints.settings import Settings

STATIC = Path(__file__).parent.parent / "static"


def handlers(settings: Settings) -> list[Any]:
    """The pages' route handlers, the static files they use, and the stats API."""
    pages = Router(
        path="/",
        route_handlers=[
            home.home,
            checkout.CheckoutController,
            checkout.StatusController,
            vendor.SignInController,
            vendor.VendorController,
            vendor_refunds.VendorRefundController,
            vendor_money.VendorMoneyController,
        ],
        middleware=page_middleware(settings),
        exception_handlers=EXCEPTION_HANDLERS,
        include_in_schema=False,
    )
    operators = Router(
        path="/admin",
        route_handlers=[
            desk.DeskSignInController,
            desk.QueuePageController,
            desk_stores.StorePagesController,
            desk_stores.AuditPageController,
            desk_money.MoneyPageController,
            desk_payouts.PayoutPagesController,
        ],
        middleware=page_middleware(settings, cookie="operator_session"),
        exception_handlers={**EXCEPTION_HANDLERS, **desk.EXCEPTION_HANDLERS},
        include_in_schema=False,
    )
    assets = create_static_files_router(
        path="/static", directories=[STATIC], include_in_schema=False, name="static"
    )
    return [pages, operators, assets, stats.StatsController]


def middleware(settings: Settings) -> list[DefineMiddleware]:
    """App-wide middleware: none; the pages' router carries its own (see `page_middleware`)."""
    return []


def page_middleware(settings: Settings, cookie: str = "vendor_session") -> list[DefineMiddleware]:
    """Sessions in the cookie `cookie` (vendors' and operators' apart), and CSRF."""
    # Secure in production (which serves https only), and wherever the service is reached by https
    secure = not settings.is_sandbox or settings.public_base_url.startswith("https://")
    sessions = CookieBackendConfig(
        secret=_derive(settings.secret_key, "session" if cookie == "vendor_session" else cookie),
        key=cookie,
        max_age=int(_lifetime(settings, cookie).total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure,
    )
    csrf = CSRFConfig(
        secret=_derive(settings.secret_key, "csrf").hex(),
        # each session its own token cookie: a desk page must not replace a vendor page's
        cookie_name="csrftoken" if cookie == "vendor_session" else "operator_csrftoken",
        cookie_secure=secure,
        cookie_httponly=True,
        cookie_samesite="lax",
    )
    return [
        DefineMiddleware(_sessions, config=sessions),
        DefineMiddleware(SessionBoundCSRF, config=csrf),
    ]


def _lifetime(settings: Settings, cookie: str) -> timedelta:
    """The cookie lasts as long as its server-side session may (`SignInSessions`)."""
    policies = settings.sessions
    return policies.vendor.lifetime if cookie == "vendor_session" else policies.operator.lifetime


def _sessions(app: ASGIApp, config: CookieBackendConfig) -> SessionMiddleware[Any]:
    """Built when the route is, so that routers can be copied (the backend's cipher cannot)."""
    return SessionMiddleware(app=app, backend=ClientSideSessionBackend(config=config))


def _derive(secret: str, purpose: str) -> bytes:
    """A 32-byte key for one purpose, from PAYMENTS_SECRET_KEY."""
    return hashlib.sha256(f"{purpose}:{secret}".encode()).digest()
