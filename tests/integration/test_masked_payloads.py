"""Provider payloads kept in event data are shown to stores (`/api/v1/payments/{id}/events`,
`/api/v1/events`, the vendor's history page): their phone numbers are masked like the rest
of the API (MTN's status answer carries the payer's full MSISDN in `payer.partyId`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import respx
from tests.integration.conftest import create_store
from tests.integration.provider_app import order_and_payment, payment_state, provider_app
from tests.integration.providers.test_mtn_momo import ENV, MTN, STATUS, status_body, token_answer
from tests.integration.test_pages import sign_in

from entrypoints.settings import Settings

PHONE = "+2250700000156"
MSISDN = PHONE[1:]
MASKED = "+225 07 •• •• •• 56"


@pytest.fixture
def mtn() -> Iterator[respx.Router]:
    with respx.mock(using="stream", base_url=MTN, assert_all_called=False) as router:
        router.post("/collection/token/").mock(return_value=token_answer())
        router.post("/collection/v1_0/requesttopay").respond(202)
        yield router


async def test_the_payers_number_is_masked_wherever_event_data_is_shown(
    settings: Settings, clean_db: None, mtn: respx.Router
) -> None:
    async with provider_app(settings, ENV) as client:
        store = await create_store(client)
        _, started = await order_and_payment(client, store, "mtn_momo", PHONE, country="CI")
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

        await sign_in(client, store)
        page = await client.get(f"/payments/{payment_id}/")
        assert page.status_code == 200

    for shown in (str(state["history"]), events.text, page.text):
        assert MSISDN not in shown and PHONE not in shown
    assert MASKED in page.text
