"""Rate limits over HTTP (in process), on a fake clock: bursts on the API, the sign-in page,
wrong keys, callbacks failing authentication, payment prompts to one phone or for one order
(API and checkout page) and `verify` answer 429 with `Retry-After`, and nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
from dependency_injector import providers
from structlog.testing import capture_logs
from tests.integration.conftest import ADMIN, StoreKeys
from tests.integration.helpers import count, problem
from tests.integration.refunds.helpers import refund, succeeded_payment
from tests.integration.test_http_payments import new_order, pay
from tests.integration.test_pages import csrf_of, path_of, sign_in
from tests.integration.test_webhooks import (
    SIGNER,
    approved_payment,
    deliver,
    event,
    status_and_events,
)

from adapters.rate_limits import LimitSettings, RateLimits
from entrypoints.container import Container

LOW = LimitSettings(
    api_per_second=1000,
    login_per_minute=3,
    bad_webhooks_per_minute=3,
    prompts_per_phone_per_hour=2,
    prompts_per_order_per_hour=3,
    verify_per_minute=2,
)
MANUAL = "+2250700000099"  # the sandbox waits on its page: the payment stays pending


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(container: Container) -> Iterator[FakeMonotonic]:
    """Low limits on a fake clock for this test (the suite's own limits are very high)."""
    fake = FakeMonotonic()
    with _limits(container, LOW, fake):
        yield fake


@contextmanager
def _limits(container: Container, config: LimitSettings, fake: FakeMonotonic) -> Iterator[None]:
    container.initiate_payment.reset()
    with container.rate_limits.override(providers.Object(RateLimits(config, now=fake))):
        yield
    container.initiate_payment.reset()


def limited(response: Any, retry_after: int) -> None:
    problem(response, 429, "rate_limited")
    assert response.headers["retry-after"] == str(retry_after)


async def test_a_burst_on_the_api_is_limited_per_key(
    client: Any, store: StoreKeys, other_store: StoreKeys, container: Container
) -> None:
    clock = FakeMonotonic()
    with _limits(container, replace(LOW, api_per_second=5), clock):
        await _burst(client, store, other_store, clock)


async def _burst(
    client: Any, store: StoreKeys, other_store: StoreKeys, clock: FakeMonotonic
) -> None:
    answers = [(await client.get("/api/v1/orders", headers=store.headers)) for _ in range(6)]
    assert [a.status_code for a in answers[:5]] == [200] * 5
    limited(answers[5], 1)
    other = await client.get("/api/v1/orders", headers=other_store.headers)
    assert other.status_code == 200  # another key has its own room
    clock.now += 0.2  # one request's worth at 5 per second
    assert (await client.get("/api/v1/orders", headers=store.headers)).status_code == 200
    limited(await client.get("/api/v1/orders", headers=store.headers), 1)


async def test_guessing_api_keys_is_slowed_to_a_crawl_but_a_right_key_is_served(
    client: Any, store: StoreKeys, clock: FakeMonotonic
) -> None:
    admin = await client.get("/api/v1/admin/stores", headers=ADMIN)
    assert admin.status_code == 200  # right keys never use the room up
    with capture_logs() as logs:
        for n in range(3):
            bad = {"Authorization": f"Bearer sk_test_guess{n}"}
            problem(await client.get("/api/v1/orders", headers=bad), 401, "unauthorized")
        # the address's room for wrong keys is used up: wrong ones wait...
        wrong = {"Authorization": "Bearer sk_test_guess9"}
        limited(await client.get("/api/v1/orders", headers=wrong), 20)
        limited(await client.get("/api/v1/admin/stores", headers=wrong), 20)
        # ...a right key, a store's or an operator's, from the same address is served
        assert (await client.get("/api/v1/orders", headers=store.headers)).status_code == 200
        assert (await client.get("/api/v1/admin/stores", headers=ADMIN)).status_code == 200
    assert sum(log["event"] == "api.unauthorized" for log in logs) == 4
    assert sum(log["event"] == "admin.unauthorized" for log in logs) == 1
    assert sum(log["event"] == "rate_limited" for log in logs) == 2
    clock.now += 20
    bad = {"Authorization": "Bearer sk_test_guess10"}
    problem(await client.get("/api/v1/orders", headers=bad), 401, "unauthorized")


async def test_a_burst_on_the_sign_in_page_is_limited_and_logged(
    client: Any, store: StoreKeys, clock: FakeMonotonic
) -> None:
    page = await client.get("/store/login/")
    token = csrf_of(page)
    with capture_logs() as logs:
        answers = [
            await client.post(
                "/store/login/",
                data={"api_key": f"sk_test_guess{n}", "_csrf_token": token},
                follow_redirects=False,
            )
            for n in range(4)
        ]
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert answers[3].headers["retry-after"] == "20"
    assert "Trop de tentatives" in answers[3].text
    events = [log["event"] for log in logs]
    assert events.count("login.failed") == 3 and "login.rate_limited" in events
    right_key = {"api_key": store.api_key, "_csrf_token": token}
    refused = await client.post("/store/login/", data=right_key, follow_redirects=False)
    assert refused.status_code == 429  # even the right key waits
    clock.now += 20
    signed_in = await client.post("/store/login/", data=right_key, follow_redirects=False)
    assert signed_in.status_code == 303


async def test_prompts_to_one_phone_are_limited_however_it_is_written(
    client: Any, store: StoreKeys, pool: Any, clock: FakeMonotonic
) -> None:
    orders = [await new_order(client, store, reference=f"CMD-{n}") for n in range(3)]
    first = await pay(client, store, orders[0]["id"], provider="sandbox", phone=MANUAL)
    second = await pay(
        client, store, orders[1]["id"], provider="sandbox", phone="+225 07 00 00 00 99"
    )
    assert (first.status_code, second.status_code) == (201, 201)
    third = await pay(client, store, orders[2]["id"], provider="sandbox", phone="+225-0700000099")
    limited(third, 1800)  # two an hour: the next in half an hour
    assert await count(pool, "payments") == 2
    other_phone = await pay(
        client, store, orders[2]["id"], provider="sandbox", phone="+2250700000199"
    )
    assert other_phone.status_code == 201


async def test_prompts_for_one_order_are_limited(
    client: Any, store: StoreKeys, pool: Any, clock: FakeMonotonic
) -> None:
    order = await new_order(client, store)
    for n in range(3):
        started = await pay(
            client, store, order["id"], provider="sandbox", phone=f"+22507000{n}0099"
        )
        assert started.status_code == 201, started.text
        await _fail(pool, started.json()["id"])  # the order may be paid again
    limited(await pay(client, store, order["id"], provider="sandbox", phone="+2250700990099"), 1200)
    assert await count(pool, "payments") == 3


async def _fail(pool: Any, payment_id: str) -> None:
    async with pool.connection() as conn:
        await conn.execute("UPDATE payments SET status = 'failed' WHERE id = %s", [payment_id])


async def test_the_checkout_page_is_limited_per_phone_too(
    client: Any, store: StoreKeys, pool: Any, clock: FakeMonotonic
) -> None:
    for n in range(3):
        order = await new_order(client, store, reference=f"CMD-{n}")
        url = path_of(order["checkout_url"])
        page = await client.get(url)
        form = {
            "token": url.split("token=")[1],
            "provider": "sandbox",
            "phone": MANUAL,
            "_csrf_token": csrf_of(page),
        }
        answer = await client.post(url.split("?")[0], data=form, follow_redirects=False)
        assert answer.status_code == (303 if n < 2 else 429), answer.text
    assert answer.headers["retry-after"] == "1800"
    assert "Trop de paiements demandés" in answer.text
    assert await count(pool, "payments") == 2


async def test_verify_is_limited_per_payment(
    client: Any, store: StoreKeys, clock: FakeMonotonic
) -> None:
    order = await new_order(client, store)
    payment = (await pay(client, store, order["id"], provider="sandbox", phone=MANUAL)).json()
    verify = f"/api/v1/payments/{payment['id']}/verify"
    assert [(await client.post(verify, headers=store.headers)).status_code for _ in range(2)] == [
        200,
        200,
    ]
    limited(await client.post(verify, headers=store.headers), 30)


async def test_verify_is_limited_per_refund(
    client: Any, store: StoreKeys, pool: Any, clock: FakeMonotonic
) -> None:
    payment = await succeeded_payment(client, store, pool)
    created = (await refund(client, store, payment["id"])).json()
    verify = f"/api/v1/refunds/{created['id']}/verify"
    answers = [(await client.post(verify, headers=store.headers)) for _ in range(3)]
    assert [a.status_code for a in answers[:2]] == [200, 200]
    limited(answers[2], 30)


async def test_callbacks_failing_authentication_are_limited_per_address(
    client: Any, pool: Any, clock: FakeMonotonic
) -> None:
    body = b'{"payment_id": "pay_x", "status": "succeeded"}'
    bad = {"Sandbox-Signature": "t=1,v1=" + "0" * 64, "Content-Type": "application/json"}
    answers = [
        await client.post("/payment/webhook/sandbox/", content=body, headers=bad) for _ in range(4)
    ]
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert answers[3].headers["retry-after"] == "20"
    assert await count(pool, "webhook_deliveries") == 0


async def test_an_authentic_callback_is_received_from_an_address_out_of_room(
    client: Any, store: StoreKeys, container: Container, clock: FakeMonotonic
) -> None:
    payment_id = await approved_payment(client, store, container)
    bad = {"Sandbox-Signature": "t=1,v1=" + "0" * 64, "Content-Type": "application/json"}
    body = event(payment_id)
    codes = [
        (await client.post("/payment/webhook/sandbox/", content=body, headers=bad)).status_code
        for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]  # the address's room for failing callbacks is gone
    signed = await deliver(client, body, SIGNER.sign(body))
    assert signed.status_code == 200  # the provider's own word is never refused for it
    status, _ = await status_and_events(client, store, payment_id)
    assert status == "succeeded"


async def test_the_vendors_verify_button_is_limited_per_payment(
    client: Any, store: StoreKeys, clock: FakeMonotonic
) -> None:
    order = await new_order(client, store)
    payment = (await pay(client, store, order["id"], provider="sandbox", phone=MANUAL)).json()
    await sign_in(client, store)
    page = await client.get(f"/payments/{payment['id']}/")
    form = {"_csrf_token": csrf_of(page)}
    verify = f"/payments/{payment['id']}/verify"
    answers = [await client.post(verify, data=form, follow_redirects=False) for _ in range(3)]
    assert [a.headers["location"].split("verified=")[1] for a in answers] == [
        "ok",
        "ok",
        "limited",
    ]
    shown = await client.get(answers[2].headers["location"])
    assert 'id="verify-limited"' in shown.text
