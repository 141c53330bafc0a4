"""A store lists one customer's orders and payments by its own customer id
(`customer_reference`), and the status page sends the customer back to `return_url`."""

from __future__ import annotations

from typing import Any

from tests.integration.conftest import StoreKeys, create_store
from tests.integration.helpers import ORDER, problem

PENDING_PHONE = "+2250700000003"
MANUAL_PHONE = "+2250700000099"


async def _order(client: Any, store: StoreKeys, **extra: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/orders", json={**ORDER, **extra}, headers=store.headers)
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()
    return order


async def _pay(client: Any, store: StoreKeys, order_id: str, phone: str) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/orders/{order_id}/payments",
        json={"provider": "sandbox", "phone": phone},
        headers=store.headers,
    )
    assert response.status_code == 201, response.text
    payment: dict[str, Any] = response.json()
    return payment


async def test_orders_and_payments_are_listed_by_customer(client: Any, store: StoreKeys) -> None:
    awa = await _order(client, store, reference="A-1", customer_reference="cus_awa")
    koffi = await _order(client, store, reference="K-1", customer_reference="cus_koffi")
    anonymous = await _order(client, store, reference="N-1")
    assert awa["customer_reference"] == "cus_awa" and anonymous["customer_reference"] is None
    awa_payment = await _pay(client, store, awa["id"], PENDING_PHONE)
    await _pay(client, store, koffi["id"], PENDING_PHONE)
    await _pay(client, store, anonymous["id"], PENDING_PHONE)

    orders = await client.get("/api/v1/orders?customer_reference=cus_awa", headers=store.headers)
    assert [o["id"] for o in orders.json()["data"]] == [awa["id"]]
    payments = await client.get(
        "/api/v1/payments?customer_reference=cus_awa", headers=store.headers
    )
    assert [p["id"] for p in payments.json()["data"]] == [awa_payment["id"]]
    nobody = await client.get("/api/v1/payments?customer_reference=cus_x", headers=store.headers)
    assert nobody.json()["data"] == []


async def test_another_store_never_sees_a_customer_of_the_same_reference(
    client: Any, store: StoreKeys
) -> None:
    other = await create_store(client, "Chez Koffi")
    order = await _order(client, store, customer_reference="cus_awa")
    await _pay(client, store, order["id"], PENDING_PHONE)
    for path in ("/api/v1/orders", "/api/v1/payments"):
        seen = await client.get(f"{path}?customer_reference=cus_awa", headers=other.headers)
        assert seen.json()["data"] == []


async def test_a_return_url_must_be_http_and_a_reference_not_empty(
    client: Any, store: StoreKeys
) -> None:
    for extra in ({"return_url": "javascript:alert(1)"}, {"customer_reference": ""}):
        response = await client.post(
            "/api/v1/orders", json={**ORDER, **extra}, headers=store.headers
        )
        problem(response, 422, "validation_failed")


async def _declined_status_page(client: Any, container: Any, store: StoreKeys, order: Any) -> str:
    """The status page of a payment the customer declined on the sandbox page."""
    payment = await _pay(client, store, order["id"], MANUAL_PHONE)
    sandbox_page = payment["next_action"]["url"].split("testserver.local")[1]
    token = sandbox_page.split("token=")[1]
    decided = await client.post(
        sandbox_page.split("?")[0], data={"token": token, "decision": "decline"}
    )
    assert decided.status_code in (200, 303), decided.text
    verified = await client.post(f"/api/v1/payments/{payment['id']}/verify", headers=store.headers)
    assert verified.json()["status"] == "failed"
    status_url = container.urls().status(payment["id"]).split("testserver.local")[1]
    text: str = (await client.get(status_url)).text
    return text


async def test_the_status_page_links_back_to_the_shop(
    client: Any, store: StoreKeys, container: Any
) -> None:
    shop = "https://boutique-awa.example/commandes/A-1/"
    order = await _order(client, store, return_url=shop)
    assert order["return_url"] == shop
    page = await _declined_status_page(client, container, store, order)
    assert 'id="return-to-shop"' in page and f'href="{shop}"' in page
    anonymous = await _order(client, store, reference="N-1")
    page = await _declined_status_page(client, container, store, anonymous)
    assert 'id="return-to-shop"' not in page
