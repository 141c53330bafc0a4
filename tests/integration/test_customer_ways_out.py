"""A customer is never stranded: a number of another country is refused on the page before
anything is sent, a pending payment offers another way (which ends it at the provider when
the provider can), failures are told in the customer's language, sandbox pages show the test
hints. The same pages in Chromium: tests/integration/browser/test_customer_in_browser.py."""

from __future__ import annotations

import html
import re
from typing import Any

from litestar.testing import AsyncTestClient
from tests.integration.conftest import StoreKeys
from tests.integration.test_pages import csrf_of, new_order, path_of


async def payment_form(client: Any, order: dict[str, Any]) -> tuple[str, dict[str, str]]:
    url = path_of(order["checkout_url"])
    page = await client.get(url)
    form = {"token": url.split("token=")[1], "provider": "sandbox", "_csrf_token": csrf_of(page)}
    return f"/order/{order['id']}/payment/", form


async def payments_of(client: Any, store: StoreKeys, order_id: str) -> list[dict[str, Any]]:
    listed = await client.get(f"/api/v1/payments?order_id={order_id}", headers=store.headers)
    assert listed.status_code == 200, listed.text
    data: list[dict[str, Any]] = listed.json()["data"]
    return data


async def test_a_number_of_another_country_is_refused_before_anything_is_sent(
    client: AsyncTestClient[Any], store: StoreKeys
) -> None:
    order = await new_order(client, store)
    url, form = await payment_form(client, order)
    refused = await client.post(url, data={**form, "phone": "+229 01 95 90 12 34"})
    assert refused.status_code == 422
    assert "accepte ici les numéros de Côte d&#39;Ivoire (+225)" in refused.text
    assert await payments_of(client, store, order["id"]) == []


async def test_the_phone_field_carries_each_providers_prefix_and_the_sandbox_hints(
    client: AsyncTestClient[Any], store: StoreKeys
) -> None:
    order = await new_order(client, store)
    page = await client.get(path_of(order["checkout_url"]))
    assert 'data-provider="sandbox"' in page.text and 'data-prefix="+225"' in page.text
    assert 'id="sandbox-hints"' in page.text and "01 réussit, 02 échoue" in page.text


async def test_another_way_ends_a_pending_payment_and_brings_back_the_payment_page(
    client: AsyncTestClient[Any], store: StoreKeys
) -> None:
    order = await new_order(client, store, return_url="https://shop.example/commande/1")
    url, form = await payment_form(client, order)
    started = await client.post(url, data=form, follow_redirects=False)  # the manual page
    assert started.status_code == 303
    [payment] = await payments_of(client, store, order["id"])
    status_url = path_of(await status_url_of(client, started.headers["location"]))
    status = await client.get(status_url)
    assert 'id="ways-out"' in status.text and "data-reveal-after=" in status.text
    assert "Payer autrement" in status.text and "Retour à la boutique" in status.text
    assert 'href="https://shop.example/commande/1"' in status.text
    token = status_url.split("token=")[1]
    chosen = await client.post(
        f"/payment/{payment['id']}/status/another-way",
        data={"token": token, "_csrf_token": csrf_of(status)},
        follow_redirects=False,
    )
    assert chosen.status_code == 303
    assert f"/order/{order['id']}/payment/?token=" in chosen.headers["location"]
    ended = await client.get(f"/api/v1/payments/{payment['id']}", headers=store.headers)
    assert (ended.json()["status"], ended.json()["failure_code"]) == (
        "failed",
        "declined_by_customer",
    )
    again = await client.get(path_of(chosen.headers["location"]))
    assert 'id="pay-form"' in again.text  # the customer can pay another way


async def test_another_way_needs_the_status_pages_token(
    client: AsyncTestClient[Any], store: StoreKeys
) -> None:
    order = await new_order(client, store)
    url, form = await payment_form(client, order)
    started = await client.post(url, data=form, follow_redirects=False)
    [payment] = await payments_of(client, store, order["id"])
    page = await client.get(path_of(await status_url_of(client, started.headers["location"])))
    refused = await client.post(
        f"/payment/{payment['id']}/status/another-way",
        data={"token": "forged", "_csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert refused.status_code == 404
    still = await client.get(f"/api/v1/payments/{payment['id']}", headers=store.headers)
    assert still.json()["status"] == "pending"


async def status_url_of(client: Any, sandbox_location: str) -> str:
    """The status page the sandbox operator's page sends the customer back to."""
    page = await client.get(path_of(sandbox_location))
    match = re.search(r'id="back" href="([^"]+)"', page.text)
    assert match, page.text
    return html.unescape(match.group(1))
