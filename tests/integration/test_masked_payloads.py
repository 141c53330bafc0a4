"""Provider payloads kept in event data are shown to stores (`/api/v1/payments/{id}/events`,
`/api/v1/events`, the vendor's history page): their phone numbers are masked like the rest
of the API (MTN's status answer carries the payer's full MSISDN in `payer.partyId`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import respx
from tests.integration.conftest import ADMIN, StoreKeys
from tests.integration.provider_app import payment_state, provider_app
from tests.integration.test_provider_mtn_momo import ENV, MTN, STATUS, status_body, token_answer

from entrypoints.settings import Settings

PHONE = "+2250700000156"
MSISDN = PHONE[1:]
MASKED = "+225 07 •• •• •• 56"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
def mtn() -> Iterator[respx.Router]:
    with respx.mock(base_url=MTN, assert_all_called=False) as router:
        router.post("/collection/token/").mock(return_value=token_answer())
        router.post("/collection/v1_0/requesttopay").respond(202)
        yield router


async def test_the_payers_number_is_masked_wherever_event_data_is_shown(
    settings: Settings, clean_db: None, mtn: respx.Router
) -> None:
    async with provider_app(settings, ENV) as client:
        body = (await client.post("/api/v1/admin/stores", json={"name": "A"}, headers=ADMIN)).json()
        store = StoreKeys(body["id"], body["api_key"], body["webhook_secret"])
        order = await client.post(
            "/api/v1/orders",
            json={"reference": "R", "amount": 5000, "currency": "XOF", "country": "CI"},
            headers=store.headers,
        )
        started = await client.post(
            f"/api/v1/orders/{order.json()['id']}/payments",
            json={"provider": "mtn_momo", "phone": PHONE},
            headers=store.headers,
        )
        payment_id = started.json()["id"]
        answer: dict[str, Any] = status_body("SUCCESSFUL", payment_id)
        answer["payer"]["partyId"] = MSISDN
        mtn.get(path__regex=STATUS).respond(200, json=answer)
        verified = await client.post(f"/api/v1/payments/{payment_id}/verify", headers=store.headers)
        assert verified.json()["status"] == "succeeded"

        state = await payment_state(client, store, payment_id)
        succeeded = next(e for e in state["history"] if e["type"] == "payment.succeeded")
        assert succeeded["data"]["provider"]["payer"] == {
            "partyIdType": "MSISDN",
            "partyId": MASKED,
        }
        assert succeeded["data"]["provider"]["financialTransactionId"] == "23503452"
        events = await client.get("/api/v1/events", headers=store.headers)

        login = await client.get("/store/login/")
        token = CSRF.search(login.text)
        assert token
        await client.post(
            "/store/login/", data={"api_key": store.api_key, "_csrf_token": token.group(1)}
        )
        page = await client.get(f"/payments/{payment_id}/")
        assert page.status_code == 200

    for shown in (str(state["history"]), events.text, page.text):
        assert MSISDN not in shown and PHONE not in shown
    assert MASKED in page.text
