"""The hosted pages through the in-process app: signed links, CSRF on the pages only, the
vendor's session and its store's boundaries. The browser tests drive the same pages in
Chromium (tests/integration/browser)."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import AsyncTestClient
from tests.integration.conftest import StoreKeys
from tests.integration.helpers import ORDER

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def new_order(client: Any, store: StoreKeys, **extra: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/orders", json={**ORDER, **extra}, headers=store.headers)
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()
    return order


def path_of(url: str) -> str:
    return url.split("testserver.local", 1)[1]


def csrf_of(page: Any) -> str:
    match = CSRF.search(page.text)
    assert match, "the page carries no CSRF token"
    return match.group(1)


async def sign_in(client: Any, store: StoreKeys) -> None:
    page = await client.get("/store/login/")
    response = await client.post(
        "/store/login/",
        data={"api_key": store.api_key, "_csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/store/dashboard/"


async def test_the_payment_page_shows_the_order_in_french(
    client: AsyncTestClient[Any], store: StoreKeys
) -> None:
    items = [{"name": "Pagne wax", "quantity": 2, "unit_amount": 2500}]
    order = await new_order(client, store, items=items)
    page = await client.get(path_of(order["checkout_url"]))
    assert page.status_code == 200
    assert "Boutique Awa" in page.text and "5\u00a0000 FCFA" not in page.text
    assert "5 000 FCFA" in page.text and "Pagne wax" in page.text
    assert 'value="sandbox"' in page.text and 'lang="fr"' in page.text


async def test_english_is_asked_with_lang_and_remembered(
    client: AsyncTestClient[Any], store: StoreKeys
) -> None:
    order = await new_order(client, store, amount=1250, currency="GHS")
    page = await client.get(path_of(order["checkout_url"]) + "&lang=en")
    assert "Choose how to pay" in page.text and "12.50 GH₵" in page.text
    again = await client.get(path_of(order["checkout_url"]))
    assert "Choose how to pay" in again.text
    french = await client.get(path_of(order["checkout_url"]) + "&lang=fr")
    assert "Choisissez comment payer" in french.text and "12,50 GH₵" in french.text


async def test_a_wrong_or_missing_token_is_not_found(
    client: AsyncTestClient[Any], store: StoreKeys
) -> None:
    order = await new_order(client, store)
    assert (await client.get(f"/order/{order['id']}/payment/")).status_code == 404
    wrong = await client.get(f"/order/{order['id']}/payment/?token={'0' * 64}")
    assert wrong.status_code == 404 and "text/html" in wrong.headers["content-type"]
    assert (await client.get("/payment/pay_x/status/?token=abc")).status_code == 404


async def test_a_form_without_its_csrf_token_is_refused(
    client: AsyncTestClient[Any], store: StoreKeys
) -> None:
    order = await new_order(client, store)
    url = path_of(order["checkout_url"])
    token = url.split("token=")[1]
    await client.get(url)  # the CSRF cookie is set
    refused = await client.post(
        f"/order/{order['id']}/payment/", data={"token": token, "provider": "sandbox"}
    )
    assert refused.status_code == 403
    payments = await client.get(f"/api/v1/payments?order_id={order['id']}", headers=store.headers)
    assert payments.json()["data"] == []


async def test_the_api_needs_no_csrf_token(client: AsyncTestClient[Any], store: StoreKeys) -> None:
    await client.get("/store/login/")  # a CSRF cookie in the jar changes nothing for the API
    order = await new_order(client, store)
    started = await client.post(
        f"/api/v1/orders/{order['id']}/payments",
        json={"provider": "sandbox", "phone": "+2250700000003"},
        headers=store.headers,
    )
    assert started.status_code == 201, started.text


async def test_the_payment_page_starts_the_payment_and_sends_the_customer_on(
    client: AsyncTestClient[Any], store: StoreKeys
) -> None:
    order = await new_order(client, store)
    url = path_of(order["checkout_url"])
    page = await client.get(url)
    form = {"token": url.split("token=")[1], "provider": "sandbox", "_csrf_token": csrf_of(page)}
    on_phone = await client.post(
        f"/order/{order['id']}/payment/", data={**form, "phone": "0700000"}
    )
    assert on_phone.status_code == 422  # too short for a number of the provider's country
    assert "pas valide" in on_phone.text
    started = await client.post(  # typed without its prefix: read as the field's country's
        f"/order/{order['id']}/payment/",
        data={**form, "phone": "07 00 00 00 03"},
        follow_redirects=False,
    )
    assert started.status_code == 303
    status_url = started.headers["location"]
    assert "/status/?token=" in status_url
    status = await client.get(path_of(status_url))
    assert 'data-state="waiting"' in status.text
    live = await client.get(path_of(status_url).replace("/status/?", "/status/live?"))
    assert live.json() == {"status": "pending", "final": False}
    again = await client.get(url)
    assert 'id="in-progress"' in again.text and "pay-form" not in again.text


async def test_the_vendor_signs_in_and_sees_only_its_store(
    client: AsyncTestClient[Any], store: StoreKeys, other_store: StoreKeys
) -> None:
    anonymous = await client.get("/store/dashboard/", follow_redirects=False)
    assert anonymous.headers["location"] == "/store/login/"
    theirs = await new_order(client, other_store)
    started = await client.post(
        f"/api/v1/orders/{theirs['id']}/payments",
        json={"provider": "sandbox", "phone": "+2250700000003"},
        headers=other_store.headers,
    )
    payment_id = started.json()["id"]
    await sign_in(client, store)
    dashboard = await client.get("/store/dashboard/")
    assert dashboard.status_code == 200 and "Tableau de bord" in dashboard.text
    assert (await client.get(f"/payments/{payment_id}/")).status_code == 404
    listed = await client.get("/payments/")
    assert payment_id not in listed.text
    await sign_in(client, other_store)
    assert (await client.get(f"/payments/{payment_id}/")).status_code == 200


async def test_a_rotated_key_ends_the_session(
    client: AsyncTestClient[Any], store: StoreKeys
) -> None:
    await sign_in(client, store)
    assert (await client.get("/store/orders/")).status_code == 200
    rotated = await client.post(
        f"/api/v1/admin/stores/{store.id}/rotate-key",
        headers={"Authorization": "Bearer sandbox-admin-token"},
    )
    assert rotated.status_code in (200, 201), rotated.text
    assert (await client.get("/store/orders/", follow_redirects=False)).status_code == 303


async def test_a_wrong_api_key_does_not_sign_in(client: AsyncTestClient[Any]) -> None:
    page = await client.get("/store/login/")
    refused = await client.post(
        "/store/login/", data={"api_key": "sk_nope", "_csrf_token": csrf_of(page)}
    )
    assert refused.status_code == 401 and "pas valable" in refused.text
