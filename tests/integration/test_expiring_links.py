"""The customer's links expire: an order's payment page and a payment's status page carry a
token signed with its end (the order's or payment's expiry plus a day); past it, or without
one, or with the end moved, the page is not found. The JSON API's answers are never cached."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.integration.conftest import ADMIN, StoreKeys
from tests.integration.test_pages import new_order, path_of

from adapters.urls import CHECKOUT, TOKEN_MARGIN
from entrypoints.container import Container, resolve


async def test_a_payment_page_link_ends_a_day_after_its_order(
    client: Any, store: StoreKeys, container: Container
) -> None:
    order = await new_order(client, store)
    path = path_of(order["checkout_url"])
    token = path.split("token=")[1]
    until = int(token.split(".")[0])
    expected = datetime.fromisoformat(order["expires_at"]) + TOKEN_MARGIN
    assert until == int(expected.timestamp())
    assert (await client.get(path)).status_code == 200
    listed = (await client.get("/api/v1/orders", headers=store.headers)).json()["data"][0]
    assert listed["checkout_url"].split("token=")[1].split(".")[0] == str(until)

    signer = (await resolve(container.urls)).signer
    page = f"/order/{order['id']}/payment/?token="
    expired = signer.sign_until(CHECKOUT, order["id"], int(datetime.now().timestamp()) - 1)
    moved = f"{until + 86400}.{token.split('.')[1]}"
    forever = signer.sign(CHECKOUT, order["id"])  # the links of old: no end
    for refused in (expired, moved, forever, f"{until}.", "99999999999999999999.ab"):
        assert (await client.get(page + refused)).status_code == 404, refused


async def test_a_status_page_link_expires_too(
    client: Any, store: StoreKeys, container: Container
) -> None:
    order = await new_order(client, store)
    payment = await client.post(
        f"/api/v1/orders/{order['id']}/payments",
        json={"provider": "sandbox", "phone": "+2250700000099"},
        headers=store.headers,
    )
    payment_id = payment.json()["id"]
    urls = await resolve(container.urls)
    fresh = path_of(urls.status(payment_id, datetime.fromisoformat(order["expires_at"])))
    assert (await client.get(fresh)).status_code == 200
    past = datetime.now() - TOKEN_MARGIN - timedelta(minutes=1)
    stale = path_of(urls.status(payment_id, past.astimezone()))
    assert (await client.get(stale)).status_code == 404
    live = f"/payment/{payment_id}/status/live?token={stale.split('token=')[1]}"
    assert (await client.get(live)).status_code == 404


async def test_api_answers_are_not_stored_by_any_cache(client: Any, store: StoreKeys) -> None:
    order = await new_order(
        client, store, customer={"name": "Awa", "phone": "+2250709998877"}, country="CI"
    )
    answers = [
        await client.get(f"/api/v1/orders/{order['id']}", headers=store.headers),
        await client.get("/api/v1/orders", headers=store.headers),
        await client.get("/api/v1/events", headers=store.headers),
        await client.get("/api/v1/orders"),  # 401
        await client.post("/api/v1/admin/stores", json={"name": "Chez Ali"}, headers=ADMIN),
    ]
    for answer in answers:
        assert answer.headers["cache-control"] == "no-store", answer.url
