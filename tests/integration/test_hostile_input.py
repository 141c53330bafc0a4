"""Every route, given hostile input, answers a 4xx (problem+json on the API, an HTML page on
the pages) and writes nothing: each case compares a fingerprint of every table of the app
(rows and their content) before and after."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from tests.integration.conftest import ADMIN, StoreKeys
from tests.integration.helpers import ORDER, problem
from tests.integration.test_pages import csrf_of, sign_in

from entrypoints.container import resolve

TABLES = (
    "stores",
    "orders",
    "order_events",
    "payments",
    "payment_events",
    "webhook_deliveries",
    "idempotency_keys",
    "sandbox_transactions",
    "notifications",
    "notification_attempts",
    "procrastinate_jobs",
)
JSON = {"Content-Type": "application/json"}


async def fingerprint(pool: Any) -> dict[str, tuple[int, str | None]]:
    """Each table's row count and a digest of all its rows."""
    found = {}
    async with pool.connection() as conn:
        for table in TABLES:
            cursor = await conn.execute(
                f"SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table} t"
            )
            row = await cursor.fetchone()
            assert row is not None
            found[table] = (int(row[0]), row[1])
    return found


@dataclass
class World:
    """A store with an open order and a pending sandbox payment, a vendor signed in, and the
    signed links of the pages."""

    store: StoreKeys
    order_id: str
    payment_id: str
    checkout_path: str
    status_path: str
    sandbox_path: str
    csrf: str
    ids: dict[str, str] = field(default_factory=dict)


def _path(url: str) -> str:
    return url.split("testserver.local", 1)[1]


@pytest.fixture
async def world(client: Any, store: StoreKeys, container: Any) -> World:
    order = await client.post(
        "/api/v1/orders", json={**ORDER, "country": "CI"}, headers=store.headers
    )
    assert order.status_code == 201, order.text
    order_id = order.json()["id"]
    payment = await client.post(
        f"/api/v1/orders/{order_id}/payments",
        json={"provider": "sandbox", "phone": "+2250700000099"},
        headers=store.headers,
    )
    assert payment.status_code == 201, payment.text
    payment_id = payment.json()["id"]
    urls = await resolve(container.urls)
    await sign_in(client, store)
    csrf = csrf_of(await client.get("/store/dashboard/"))  # tokens are bound to the session
    return World(
        store=store,
        order_id=order_id,
        payment_id=payment_id,
        checkout_path=_path(urls.checkout(order_id)),
        status_path=_path(urls.status(payment_id)),
        sandbox_path=_path(urls.sandbox_page(payment_id)),
        csrf=csrf,
    )


@dataclass(frozen=True)
class Case:
    """One hostile request: `build(world)` gives (method, path, httpx keyword arguments).
    `code` is the problem's code on the API; None for the pages (an HTML answer)."""

    name: str
    build: Callable[[World], tuple[str, str, dict[str, Any]]]
    status: int
    code: str | None = "validation_failed"
    field: str | None = None


def api(w: World, **extra: Any) -> dict[str, Any]:
    return {"headers": {**w.store.headers, **JSON, **extra.pop("headers", {})}, **extra}


def form(w: World, **fields: str) -> dict[str, Any]:
    return {"data": {**fields, "_csrf_token": w.csrf}}


def token_of(path: str) -> str:
    return path.split("token=", 1)[1]


CASES = [
    # -- operations ---------------------------------------------------------------------------
    Case("health, NUL in the query", lambda w: ("GET", "/health?probe=%00", {}), 422),
    Case("ready, control char in the query", lambda w: ("GET", "/ready?x=%01", {}), 422),
    Case("metrics, NUL in the query", lambda w: ("GET", "/metrics?x=a%00", {}), 422),
    Case("openapi, NUL in the query", lambda w: ("GET", "/schema/openapi.json?x=%00", {}), 422),
    Case("static, NUL in the file", lambda w: ("GET", "/static/x%00.css", {}), 422),
    Case("API docs, NUL in the query", lambda w: ("GET", "/docs?x=%00", {}), 422),
    Case("API docs' assets, NUL in the file", lambda w: ("GET", "/docs/assets/x%00.js", {}), 422),
    Case(
        "providers, control char in the query",
        lambda w: ("GET", "/api/v1/providers?x=%1b", api(w)),
        422,
        field="x",
    ),
    # -- operator -----------------------------------------------------------------------------
    Case(
        "create a store, NUL in its name",
        lambda w: ("POST", "/api/v1/admin/stores", {"json": {"name": "Awa\x00"}, "headers": ADMIN}),
        422,
        field="name",
    ),
    Case(
        "create a store, invalid UTF-8",
        lambda w: (
            "POST",
            "/api/v1/admin/stores",
            {"content": b'{"name": "\xff\xfe"}', "headers": {**ADMIN, **JSON}},
        ),
        400,
        "invalid_json",
    ),
    Case(
        "list stores, limit=1e2",
        lambda w: ("GET", "/api/v1/admin/stores?limit=1e2", {"headers": ADMIN}),
        422,
        field="limit",
    ),
    Case(
        "rotate a key, NUL in the id",
        lambda w: ("POST", "/api/v1/admin/stores/str_%00/rotate-key", {"headers": ADMIN}),
        422,
        field="store_id",
    ),
    Case(
        "rotate a key, id of the wrong shape",
        lambda w: (
            "POST",
            f"/api/v1/admin/stores/{w.store.id.lower()}/rotate-key",
            {"headers": ADMIN},
        ),
        404,
        "not_found",
    ),
    # -- orders -------------------------------------------------------------------------------
    Case(
        "create an order, NUL in the reference",
        lambda w: ("POST", "/api/v1/orders", api(w, json={**ORDER, "reference": "A\x00"})),
        422,
        field="reference",
    ),
    Case(
        "create an order, control char in an item's name",
        lambda w: (
            "POST",
            "/api/v1/orders",
            api(
                w,
                json={
                    **ORDER,
                    "items": [{"name": "Pagne\x1b[2J", "quantity": 1, "unit_amount": 5000}],
                },
            ),
        ),
        422,
        field="items[0].name",
    ),
    Case(
        "create an order, lone surrogate",
        lambda w: (
            "POST",
            "/api/v1/orders",
            api(w, content=b'{"reference": "\\ud800", "amount": 5, "currency": "XOF"}'),
        ),
        400,
        "invalid_json",
    ),
    Case(
        "create an order, not an object",
        lambda w: ("POST", "/api/v1/orders", api(w, content=b'["reference"]')),
        400,
        "invalid_json",
    ),
    Case(
        "create an order, huge amount",
        lambda w: ("POST", "/api/v1/orders", api(w, json={**ORDER, "amount": 10**30})),
        422,
        field="amount",
    ),
    Case(
        "create an order, a customer's phone of another country",
        lambda w: (
            "POST",
            "/api/v1/orders",
            api(w, json={**ORDER, "country": "CI", "customer": {"phone": "+33612345678"}}),
        ),
        422,
        "invalid_phone",
    ),
    Case(
        "create an order, control char in the Idempotency-Key",
        lambda w: (
            "POST",
            "/api/v1/orders",
            api(w, json=ORDER, headers={"Idempotency-Key": "k\x01"}),
        ),
        422,
        field="Idempotency-Key",
    ),
    Case(
        "list orders, a cursor that is a payment id",
        lambda w: ("GET", f"/api/v1/orders?starting_after={w.payment_id}", api(w)),
        422,
        field="starting_after",
    ),
    Case(
        "list orders, an unknown status",
        lambda w: ("GET", "/api/v1/orders?status=stolen", api(w)),
        422,
        field="status",
    ),
    Case(
        "read an order, NUL in the id",
        lambda w: ("GET", "/api/v1/orders/ord_%00x", api(w)),
        422,
        field="order_id",
    ),
    Case(
        "read an order, an id of the wrong shape",
        lambda w: ("GET", "/api/v1/orders/ord_'%20OR%201=1", api(w)),
        404,
        "not_found",
    ),
    Case(
        "cancel an order, invalid UTF-8 in the id",
        lambda w: ("POST", f"/api/v1/orders/{w.order_id}%ff/cancel", api(w)),
        404,
        "not_found",
    ),
    # -- payments -----------------------------------------------------------------------------
    Case(
        "start a payment, NUL after a valid phone",
        lambda w: (
            "POST",
            f"/api/v1/orders/{w.order_id}/payments",
            api(w, json={"provider": "sandbox", "phone": "+2250700000001\x00"}),
        ),
        422,
        "invalid_phone",
    ),
    Case(
        "start a payment, NUL in the provider",
        lambda w: (
            "POST",
            f"/api/v1/orders/{w.order_id}/payments",
            api(w, json={"provider": "sandbox\x00"}),
        ),
        422,
        field="provider",
    ),
    Case(
        "list payments, an unknown provider",
        lambda w: ("GET", "/api/v1/payments?provider=paypal", api(w)),
        422,
        field="provider",
    ),
    Case(
        "list payments, an order filter that is not an order id",
        lambda w: ("GET", "/api/v1/payments?order_id=%27%3B--", api(w)),
        422,
        field="order_id",
    ),
    Case(
        "read a payment, control char in the X-Request-ID",
        lambda w: (
            "GET",
            f"/api/v1/payments/{w.payment_id}",
            api(w, headers={"X-Request-ID": "id\x7f"}),
        ),
        422,
        field="X-Request-ID",
    ),
    Case(
        "verify a payment, NUL in the id",
        lambda w: ("POST", "/api/v1/payments/pay_%00/verify", api(w)),
        422,
        field="payment_id",
    ),
    Case(
        "a payment's history, id of another kind",
        lambda w: ("GET", f"/api/v1/payments/{w.order_id}/events", api(w)),
        404,
        "not_found",
    ),
    # -- events and stats ---------------------------------------------------------------------
    Case(
        "list events, limit=+5",
        lambda w: ("GET", "/api/v1/events?limit=%2B5", api(w)),
        422,
        field="limit",
    ),
    Case(
        "redeliver an event, NUL in the id",
        lambda w: ("POST", "/api/v1/events/evt_%00/redeliver", api(w)),
        422,
        field="event_id",
    ),
    Case(
        "stats, not a date",
        lambda w: ("GET", "/api/v1/stats?from=yesterday", api(w)),
        422,
        field="from",
    ),
    # -- provider callbacks -------------------------------------------------------------------
    Case(
        "a callback, invalid UTF-8 and no signature",
        lambda w: ("POST", "/payment/webhook/sandbox/", {"content": b"\xff\xfe\x00"}),
        401,
        "invalid_signature",
    ),
    Case(
        "a callback, NUL in the provider",
        lambda w: ("POST", "/payment/webhook/%00/", {"content": b"{}"}),
        422,
        field="provider",
    ),
    Case(
        "a callback with PUT elsewhere than MTN",
        lambda w: ("PUT", "/payment/webhook/wave/", {"content": b"{}"}),
        405,
        "method_not_allowed",
    ),
    Case(
        "MTN's callback, NUL in the query",
        lambda w: ("PUT", "/payment/webhook/mtn/?payment=pay_%00&sig=0", {"content": b"{}"}),
        422,
        field="payment",
    ),
    # -- pages --------------------------------------------------------------------------------
    Case(
        "payment page, NUL in the token",
        lambda w: ("GET", w.checkout_path + "%00", {}),
        422,
        None,
    ),
    Case(
        "payment page form, NUL in the provider",
        lambda w: (
            "POST",
            w.checkout_path,
            form(w, token=token_of(w.checkout_path), provider="\x00"),
        ),
        422,
        None,
    ),
    Case(
        "payment page form, a phone of another country",
        lambda w: (
            "POST",
            w.checkout_path,
            form(w, token=token_of(w.checkout_path), provider="sandbox", phone="+33612345678"),
        ),
        422,
        None,
    ),
    Case(
        "status page, NUL in the id", lambda w: ("GET", "/payment/pay_%00/status/", {}), 422, None
    ),
    Case(
        "live status, control char in the token",
        lambda w: ("GET", f"/payment/{w.payment_id}/status/live?token=%1b", {}),
        422,
        None,
    ),
    Case(
        "sign-in form, NUL in the key",
        lambda w: ("POST", "/store/login/", form(w, api_key=w.store.api_key + "\x00")),
        422,
        None,
    ),
    Case("vendor's home, NUL in the query", lambda w: ("GET", "/store/?x=%00", {}), 422, None),
    Case("sign-in page, NUL in lang", lambda w: ("GET", "/store/login/?lang=%00", {}), 422, None),
    Case(
        "sign out, NUL in the query", lambda w: ("POST", "/store/logout/?x=%00", form(w)), 422, None
    ),
    Case(
        "dashboard, NUL in the query", lambda w: ("GET", "/store/dashboard/?x=%00", {}), 422, None
    ),
    Case(
        "orders page, a cursor that is not an order id",
        lambda w: ("GET", "/store/orders/?starting_after=zzz", {}),
        422,
        None,
    ),
    Case(
        "payments page, NUL in a filter", lambda w: ("GET", "/payments/?status=%00", {}), 422, None
    ),
    Case(
        "a payment's page, id of the wrong shape",
        lambda w: ("GET", "/payments/pay_lowercase/", {}),
        404,
        None,
    ),
    Case(
        "verify now, NUL in the id",
        lambda w: ("POST", "/payments/pay_%00/verify/", form(w)),
        422,
        None,
    ),
    Case(
        "sandbox page, NUL in the id",
        lambda w: ("GET", "/sandbox/pay/pay_%00/", {}),
        422,
        "validation_failed",
    ),
    Case(
        "sandbox decision, NUL in the decision",
        lambda w: (
            "POST",
            w.sandbox_path.split("?")[0],
            {"data": {"token": token_of(w.sandbox_path), "decision": "approve\x00"}},
        ),
        422,
        "validation_failed",
        "decision",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_hostile_input_is_refused_and_writes_nothing(
    client: Any, pool: Any, world: World, case: Case
) -> None:
    method, path, kwargs = case.build(world)
    before = await fingerprint(pool)
    response = await client.request(method, path, follow_redirects=False, **kwargs)
    after = await fingerprint(pool)
    assert response.status_code == case.status, response.text[:500]
    if case.code is None:
        assert response.headers["content-type"].startswith("text/html")
    else:
        body = problem(response, case.status, case.code)
        if case.field is not None:
            assert body["errors"][0]["field"] == case.field, body
    assert after == before, "a hostile request changed the database"
