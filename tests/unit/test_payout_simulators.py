"""The simulated operators' payout endpoints refuse what the operators document refusing:
MTN's transfer without the Disbursement token or with a reused reference, Wave's payout
without an Idempotency-Key or with another body under the same key (in process)."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from entrypoints.simulators.app import create_simulator_app
from entrypoints.simulators.config import ACCOUNT_DEFAULTS, DEFAULTS, SimulatorConfig

TRANSFER = "/mtn/disbursement/v1_0/transfer"
BODY = {
    "amount": "5000",
    "currency": "XOF",
    "externalId": "po_1",
    "payee": {"partyIdType": "MSISDN", "partyId": "2250701020304"},
}
WAVE = {"Authorization": f"Bearer {DEFAULTS['WAVE_API_KEY']}"}
PAYOUT = {"currency": "XOF", "receive_amount": "5000", "mobile": "+2250701020304"}


@pytest.fixture
def sim() -> Iterator[TestClient[Any]]:
    config = SimulatorConfig.from_env({}, "http://sim.test", approve_delay=60)
    with TestClient(create_simulator_app(config)) as client:
        yield client


def disbursement(sim: TestClient[Any], product: str = "DISBURSEMENT_") -> dict[str, str]:
    user, key = DEFAULTS[f"MTN_MOMO_{product}API_USER"], DEFAULTS[f"MTN_MOMO_{product}API_KEY"]
    subscription = DEFAULTS[f"MTN_MOMO_{product}SUBSCRIPTION_KEY"]
    basic = "Basic " + base64.b64encode(f"{user}:{key}".encode()).decode()
    path = "/mtn/disbursement/token/" if product else "/mtn/collection/token/"
    answer = sim.post(path, headers={"Authorization": basic,
                                     "Ocp-Apim-Subscription-Key": subscription})  # fmt: skip
    return {
        "Authorization": f"Bearer {answer.json()['access_token']}",
        "Ocp-Apim-Subscription-Key": DEFAULTS["MTN_MOMO_DISBURSEMENT_SUBSCRIPTION_KEY"],
        "X-Target-Environment": DEFAULTS["MTN_MOMO_TARGET_ENVIRONMENT"],
    }


def test_mtn_transfer_contract(sim: TestClient[Any]) -> None:
    headers = disbursement(sim)
    reference = str(uuid.uuid4())
    sent = sim.post(TRANSFER, json=BODY, headers={**headers, "X-Reference-Id": reference})
    assert (sent.status_code, sent.content) == (202, b"")
    again = sim.post(TRANSFER, json=BODY, headers={**headers, "X-Reference-Id": reference})
    assert (again.status_code, again.json()["code"]) == (409, "RESOURCE_ALREADY_EXIST")
    status = sim.get(f"{TRANSFER}/{reference}", headers=headers).json()
    assert (status["status"], status["externalId"], status["amount"]) == ("PENDING", "po_1", "5000")
    assert status["payee"]["partyId"] == "2250701020304"
    unknown = sim.get(f"{TRANSFER}/{uuid.uuid4()}", headers=headers)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "RESOURCE_NOT_FOUND")
    bad = sim.post(TRANSFER, json=BODY, headers={**headers, "X-Reference-Id": "po_1"})
    assert bad.status_code == 400
    balance = sim.get("/mtn/disbursement/v1_0/account/balance", headers=headers).json()
    assert balance == {"availableBalance": "0", "currency": "XOF"}


def test_mtn_transfers_need_the_disbursement_token(sim: TestClient[Any]) -> None:
    headers = disbursement(sim, product="")  # a Collection token
    sent = sim.post(TRANSFER, json=BODY, headers={**headers, "X-Reference-Id": str(uuid.uuid4())})
    assert sent.status_code == 401


def test_wave_payout_contract(sim: TestClient[Any]) -> None:
    raw = json.dumps(PAYOUT).encode()
    keyless = sim.post("/wave/v1/payout", content=raw, headers=WAVE)
    assert (keyless.status_code, keyless.json()["code"]) == (400, "request-validation-error")
    headers = {**WAVE, "Idempotency-Key": "payout-1", "Content-Type": "application/json"}
    first = sim.post("/wave/v1/payout", content=raw, headers=headers).json()
    assert (first["status"], first["fee"], first["id"][:3]) == ("succeeded", "50", "pt-")
    again = sim.post("/wave/v1/payout", content=raw, headers=headers).json()
    assert again["id"] == first["id"]
    other = json.dumps({**PAYOUT, "receive_amount": "6000"}).encode()
    mismatch = sim.post("/wave/v1/payout", content=other, headers=headers)
    assert (mismatch.status_code, mismatch.json()["code"]) == (409, "idempotency-mismatch")
    assert sim.get(f"/wave/v1/payout/{first['id']}", headers=WAVE).json() == first
    assert sim.get("/wave/v1/payout/pt-unknown", headers=WAVE).status_code == 404
    assert sim.get("/wave/v1/balance", headers=WAVE).json() == {
        "amount": "-5050",
        "currency": "XOF",
    }
    assert sim.get("/wave/v1/balance").status_code == 401


def test_each_wave_wallet_has_its_own_balance(sim: TestClient[Any]) -> None:
    """A payout from the default wallet is not taken from the Côte d'Ivoire wallet's balance
    (the demo's "Where is the money" showed the default wallet's money on the CI account)."""
    session = {"amount": "7000", "currency": "XOF", "success_url": "https://s.example/ok",
               "error_url": "https://s.example/ko"}  # fmt: skip
    paid = sim.post("/wave/v1/checkout/sessions", json=session, headers=WAVE).json()
    sim.post(f"/wave/pay/{paid['id']}/approve", follow_redirects=False)
    headers = {**WAVE, "Idempotency-Key": "payout-w", "Content-Type": "application/json"}
    sim.post("/wave/v1/payout", content=json.dumps(PAYOUT).encode(), headers=headers)
    ivorian = {"Authorization": f"Bearer {ACCOUNT_DEFAULTS['WAVE_CI_API_KEY']}"}
    assert sim.get("/wave/v1/balance", headers=ivorian).json()["amount"] == "0"
    assert sim.get("/wave/v1/balance", headers=WAVE).json()["amount"] == "1950"  # 7000 - 5050
