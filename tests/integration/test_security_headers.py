"""Security headers on pages and API, cookies' flags, and METRICS_TOKEN closing /metrics and
the OpenAPI document; production adds HSTS and Secure cookies."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from tests.integration.conftest import BASE_URL, StoreKeys
from tests.integration.helpers import problem
from tests.integration.test_pages import csrf_of, sign_in

from entrypoints.container import Container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings

TOKEN = "scrape-9f8e7d6c5b4a39281706"


@pytest.fixture(scope="module")
async def production(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    """The app in production mode, https, with a metrics token."""
    closed = replace(
        settings,
        environment="production",
        public_base_url="https://pay.example.com",
        metrics_token=TOKEN,
    )
    async with AsyncTestClient(create_app(Container(settings=closed)), base_url=BASE_URL) as c:
        yield c


def assert_strict(headers: Any) -> None:
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and not re.search(r"https://\S", csp)
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


async def test_pages_and_the_api_send_a_strict_policy(client: Any, store: StoreKeys) -> None:
    for path in ("/store/login/", "/static/pages.css", "/health"):
        response = await client.get(path)
        assert response.status_code == 200
        assert_strict(response.headers)
        assert "strict-transport-security" not in response.headers  # sandbox, http
    unauthorized = await client.get("/api/v1/orders")
    assert_strict(unauthorized.headers)


async def test_no_page_relies_on_inline_script_or_style(client: Any, store: StoreKeys) -> None:
    await sign_in(client, store)
    order = await client.post(
        "/api/v1/orders",
        json={"reference": "C-1", "amount": 5000, "currency": "XOF"},
        headers=store.headers,
    )
    checkout = order.json()["checkout_url"].split("testserver.local", 1)[1]
    for path in ("/store/login/", "/store/dashboard/", "/store/orders/", "/payments/", checkout):
        text = (await client.get(path)).text
        assert "<style" not in text and " style=" not in text, path
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert not re.search(r"\son[a-z]+=", text), path


async def test_session_cookies_are_http_only_and_lax(client: Any, store: StoreKeys) -> None:
    page = await client.get("/store/login/")
    signed_in = await client.post(
        "/store/login/",
        data={"api_key": store.api_key, "_csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    cookie = next(
        c for c in signed_in.headers.get_list("set-cookie") if c.startswith("vendor_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "Secure" not in cookie  # sandbox over http: a Secure cookie would never come back


async def test_production_adds_hsts_and_secure_cookies(production: Any) -> None:
    page = await production.get("/store/login/")
    assert page.headers["strict-transport-security"].startswith("max-age=31536000")
    assert_strict(page.headers)
    csrf = next(c for c in page.headers.get_list("set-cookie") if c.startswith("csrftoken="))
    assert "Secure" in csrf and "HttpOnly" in csrf


@pytest.mark.parametrize("path", ["/metrics", "/schema/openapi.json", "/schema/swagger"])
async def test_the_metrics_token_closes_metrics_and_the_schema(production: Any, path: str) -> None:
    problem(await production.get(path), 401, "unauthorized")
    wrong = {"Authorization": "Bearer nope"}
    problem(await production.get(path, headers=wrong), 401, "unauthorized")
    opened = await production.get(path, headers={"Authorization": f"Bearer {TOKEN}"})
    assert opened.status_code == 200
    assert (await production.get("/health")).status_code == 200  # the rest stays open


async def test_without_a_token_metrics_and_schema_stay_open(client: Any) -> None:
    assert (await client.get("/metrics")).status_code == 200
    schema = await client.get("/schema/openapi.json")
    assert schema.status_code == 200
    assert schema.headers["content-security-policy"] == "frame-ancestors 'none'"
