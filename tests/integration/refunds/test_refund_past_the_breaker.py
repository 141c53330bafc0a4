"""A provider whose breaker is open refuses new payments, never refunds: refunds reach the
provider itself, not what guards new payments."""

from __future__ import annotations

import re
from typing import Any

import httpx
from tests.integration.conftest import create_store
from tests.integration.provider_app import order_and_payment
from tests.integration.test_provider_health import (  # noqa: F401 - fixtures
    FAILURES,
    PHONE,
    SwitchableWave,
    _refused,
    servers,
    until,
    wave,
)

REFUND = re.compile(r"^/v1/checkout/sessions/(?P<sid>cos-[\w-]+)/refund$")


async def test_a_refund_goes_through_while_new_payments_are_refused(
    servers: tuple[Any, Any],  # noqa: F811 - the fixture imported above
    wave: SwitchableWave,  # noqa: F811
) -> None:
    one, _ = servers
    store = await create_store(one)
    _, started = await order_and_payment(one, store, "wave", phone=PHONE)
    payment_id = started.json()["id"]
    wave.pay(next(iter(wave.sessions)))
    paid = await one.post(f"/api/v1/payments/{payment_id}/verify", headers=store.headers)
    assert paid.json()["status"] == "succeeded"
    refunds = wave.router.post(path__regex=REFUND.pattern).mock(return_value=httpx.Response(200))

    wave.down = True  # sessions answer 503: the breaker opens for new payments
    for _ in range(FAILURES):
        await order_and_payment(one, store, "wave", phone=PHONE)
    assert await until(lambda: _refused(one, store)) is not None

    answer = await one.post(
        f"/api/v1/payments/{payment_id}/refunds", json={}, headers=store.headers
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "succeeded"
    assert refunds.call_count == 1
    assert await _refused(one, store) is not None  # still refusing new payments
