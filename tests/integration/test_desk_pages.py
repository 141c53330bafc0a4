"""The operators' pages in process (French first), and what a suspended store's customers and
vendor see. The browser test (tests/integration/browser/test_operator_desk_in_browser.py)
clears the queue in Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from psycopg_pool import AsyncConnectionPool
from tests.integration.conftest import ADMIN, StoreKeys
from tests.integration.desk_helpers import flag, open_payment
from tests.integration.test_pages import csrf_of, new_order, path_of
from tests.integration.test_rate_limits import LOW, FakeMonotonic, _limits

from entrypoints.container import Container, resolve
from entrypoints.settings import SANDBOX_ADMIN_TOKEN


@pytest.fixture
async def desk(client: AsyncTestClient[Any]) -> AsyncIterator[AsyncTestClient[Any]]:
    """The client, with no session cookie left behind for the next test."""
    client.cookies.clear()
    yield client
    client.cookies.clear()


async def sign_in(client: Any, token: str) -> Any:
    page = await client.get("/admin/login/")
    return await client.post(
        "/admin/login/",
        data={"token": token, "_csrf_token": csrf_of(page)},
        follow_redirects=False,
    )


async def post_form(client: Any, page: Any, path: str, **fields: str) -> Any:
    data = {**fields, "_csrf_token": csrf_of(page)}
    return await client.post(path, data=data, follow_redirects=False)


async def test_the_desk_needs_a_valid_operator_token(desk: Any, container: Container) -> None:
    assert (await desk.get("/admin/queue/", follow_redirects=False)).headers["location"] == (
        "/admin/login/"
    )
    refused = await sign_in(desk, "not-a-token")
    assert refused.status_code == 401 and "pas valable" in refused.text

    new = await (await resolve(container.create_operator))("Awa Diallo")
    signed = await sign_in(desk, new.token)
    assert signed.status_code == 303 and signed.headers["location"] == "/admin/queue/"
    queue = await desk.get("/admin/queue/")
    assert "Rien à traiter" in queue.text and "Awa Diallo" in queue.text
    english = await desk.get("/admin/queue/?lang=en")
    assert "Nothing to handle" in english.text and 'lang="en"' in english.text

    await (await resolve(container.revoke_operator))("Awa Diallo")
    after = await desk.get("/admin/queue/", follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"] == "/admin/login/"


async def test_an_operator_dismisses_an_item_and_finds_it_in_the_audit_log(
    desk: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    payment_id = await open_payment(desk, store.headers, "CMD-P1")
    await flag(pool, payment_id, "needs_refund")
    await sign_in(desk, SANDBOX_ADMIN_TOKEN)
    queue = await desk.get("/admin/queue/")
    assert "Double paiement à rembourser" in queue.text and "5 000 FCFA" in queue.text

    path = f"/admin/queue/{payment_id}/resolve/"
    missing = await post_form(desk, queue, path, action="dismiss", reason=" ")
    assert missing.status_code == 422 and "Indiquez un motif." in missing.text
    done = await post_form(
        desk, queue, path, action="dismiss", reason="Client remboursé en boutique"
    )
    assert (
        done.status_code == 303 and done.headers["location"] == f"/admin/queue/?done={payment_id}"
    )
    assert "Rien à traiter" in (await desk.get(done.headers["location"])).text

    audit = await desk.get("/admin/audit/")
    assert "review.dismiss" in audit.text and "Client remboursé en boutique" in audit.text


async def test_an_operator_suspends_a_store_whose_shop_then_says_it_is_unavailable(
    desk: Any, store: StoreKeys
) -> None:
    order = await new_order(desk, store)
    await sign_in(desk, SANDBOX_ADMIN_TOKEN)
    listed = await desk.get("/admin/stores/", params={"q": "awa"})
    assert store.id in listed.text
    page = await desk.get(f"/admin/stores/{store.id}/")
    suspended = await post_form(desk, page, f"/admin/stores/{store.id}/suspend/", reason="Litige")
    assert suspended.status_code == 303
    page = await desk.get(suspended.headers["location"])
    assert 'data-status="suspended"' in page.text and "store.suspended" in page.text

    bad = await post_form(
        desk, page, f"/admin/stores/{store.id}/notification-url/", notification_url="nope"
    )
    assert bad.status_code == 422 and "http://" in bad.text
    rotated = await post_form(desk, page, f"/admin/stores/{store.id}/rotate-webhook-secret/")
    assert rotated.status_code == 200 and 'id="new-secret">whsec_' in rotated.text

    checkout = await desk.get(path_of(order["checkout_url"]))
    assert checkout.status_code == 200 and 'id="shop-unavailable"' in checkout.text
    assert 'id="pay-form"' not in checkout.text
    token = path_of(order["checkout_url"]).split("token=")[1]
    pages = await desk.get("/store/login/")  # a CSRF token of the customer pages, not the desk's
    started = await post_form(
        desk, pages, f"/order/{order['id']}/payment/", token=token, provider="sandbox"
    )
    assert started.status_code == 403 and 'id="shop-unavailable"' in started.text
    desk.cookies.clear()
    payments = await desk.get("/api/v1/payments", headers=store.headers)
    assert payments.status_code == 403  # the key itself is refused

    login = await desk.get("/store/login/")
    refused = await post_form(desk, login, "/store/login/", api_key=store.api_key)
    assert refused.status_code == 401 and "suspendue" in refused.text
    await desk.post(f"/api/v1/admin/stores/{store.id}/reactivate", headers=ADMIN)
    assert (await desk.get("/api/v1/payments", headers=store.headers)).status_code == 200


async def test_an_amount_that_cannot_be_read_is_refused_not_taken_for_everything(
    desk: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    payment_id = await open_payment(desk, store.headers, "CMD-P2")
    await flag(pool, payment_id, "needs_refund")
    await sign_in(desk, SANDBOX_ADMIN_TOKEN)
    queue = await desk.get("/admin/queue/")
    path = f"/admin/queue/{payment_id}/resolve/"
    refused = await post_form(desk, queue, path, action="refund", amount="2,5")
    assert refused.status_code == 422 and "nombre entier positif" in refused.text
    done = await post_form(desk, queue, path, action="refund", amount="2 000")
    assert done.status_code == 303
    refunds = await desk.get(f"/api/v1/payments/{payment_id}/refunds", headers=store.headers)
    assert [r["amount"] for r in refunds.json()["data"]] == [2000]


async def test_guessing_operator_tokens_is_slowed_like_vendor_keys(
    desk: Any, container: Container
) -> None:
    with _limits(container, LOW, FakeMonotonic()):  # three attempts a minute per address
        answers = [await sign_in(desk, f"op_guess_{n}") for n in range(3)]
        assert [a.status_code for a in answers] == [401, 401, 401]
        blocked = await sign_in(desk, SANDBOX_ADMIN_TOKEN)  # even the right token waits
        assert blocked.status_code == 429 and blocked.headers["retry-after"]
        # the API's operator routes share the address's room for wrong tokens only
        wrong = {"Authorization": "Bearer op_guess_9"}
        assert (await desk.get("/api/v1/admin/queue", headers=wrong)).status_code == 429
        assert (await desk.get("/api/v1/admin/queue", headers=ADMIN)).status_code == 200


async def test_a_refund_item_preselects_the_refund_not_the_dismissal(
    desk: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    payment_id = await open_payment(desk, store.headers, "CMD-P9")
    await flag(pool, payment_id, "needs_refund")
    await sign_in(desk, SANDBOX_ADMIN_TOKEN)
    queue = await desk.get("/admin/queue/")
    assert 'value="refund" checked' in queue.text
    assert 'value="dismiss" checked' not in queue.text
