"""`verify_notification`: genuine and fresh deliveries give the typed event; forged, altered,
stale or unreadable ones are refused. Signed here with the service's own signer, so that the
client and the service cannot drift apart."""

from __future__ import annotations

import json
import time

import pytest

from adapters.signing import HmacSignatureScheme
from payments_client import InvalidNotification, Order, Payment, verify_notification
from payments_client.notifications import sign_notification

SECRET = "whsec_test"
NOW = "2026-01-01T00:00:00Z"
PAID = {
    "id": "evt_1",
    "type": "order.paid",
    "created_at": NOW,
    "data": {
        "object": {
            "id": "ord_1",
            "object": "order",
            "store_id": "str_1",
            "reference": "CMD-1",
            "status": "paid",
            "amount": 5000,
            "currency": "XOF",
            "payments": [],
            "created_at": NOW,
            "updated_at": NOW,
            "some_future_field": 1,
        }
    },
}
BODY = json.dumps(PAID).encode()


def service_signature(body: bytes, secret: str = SECRET, at: int | None = None) -> str:
    return HmacSignatureScheme(secret.encode(), separator=b".").sign(body, at)


def test_a_genuine_delivery_gives_the_typed_event() -> None:
    event = verify_notification(BODY, {"Payments-Signature": service_signature(BODY)}, SECRET)
    assert event.id == "evt_1" and event.type == "order.paid"
    assert isinstance(event.data.object, Order)
    assert event.data.object.status == "paid" and event.data.object.amount == 5000


def test_headers_match_whatever_their_case_and_any_v1_may_match() -> None:
    good = service_signature(BODY)
    t = good.split(",")[0]
    header = f"{t},v1={'0' * 64},{good.split(',')[1]},v0=ignored"
    event = verify_notification(BODY, {"payments-signature": header}, SECRET)
    assert event.id == "evt_1"


def test_a_payment_event() -> None:
    payment = {
        "id": "pay_1", "object": "payment", "order_id": "ord_1", "store_id": "str_1",
        "provider": "sandbox", "status": "succeeded", "amount": 5000, "currency": "XOF",
        "created_at": NOW, "updated_at": NOW,
    }  # fmt: skip
    body = json.dumps({**PAID, "type": "payment.succeeded", "data": {"object": payment}}).encode()
    event = verify_notification(
        body, {"Payments-Signature": sign_notification(body, SECRET)}, SECRET
    )
    assert isinstance(event.data.object, Payment) and event.data.object.status == "succeeded"


@pytest.mark.parametrize(
    ("body", "header", "code"),
    [
        (BODY, None, "missing_signature"),
        (BODY, "", "missing_signature"),
        (BODY, "garbage", "malformed_signature"),
        (BODY, "t=abc,v1=00", "malformed_signature"),
        (BODY, "t=1,t=2,v1=00", "malformed_signature"),
        (BODY, f"t={int(time.time())}", "malformed_signature"),
        (BODY, service_signature(BODY, secret="whsec_other"), "signature_mismatch"),
        (BODY.replace(b"5000", b"50"), service_signature(BODY), "signature_mismatch"),
        (BODY, service_signature(BODY, at=int(time.time()) - 3600), "timestamp_out_of_tolerance"),
        (BODY, service_signature(BODY, at=int(time.time()) + 3600), "timestamp_out_of_tolerance"),
        (b"{}", service_signature(b"{}"), "malformed_body"),
    ],
)
def test_forged_altered_stale_or_unreadable_deliveries_are_refused(
    body: bytes, header: str | None, code: str
) -> None:
    headers = {} if header is None else {"Payments-Signature": header}
    with pytest.raises(InvalidNotification) as raised:
        verify_notification(body, headers, SECRET)
    assert raised.value.code == code


def test_the_tolerance_is_the_callers() -> None:
    old = service_signature(BODY, at=int(time.time()) - 3600)
    assert verify_notification(BODY, {"Payments-Signature": old}, SECRET, tolerance=7200)
    with pytest.raises(InvalidNotification):
        verify_notification(BODY, {"Payments-Signature": old}, SECRET, tolerance=60)
