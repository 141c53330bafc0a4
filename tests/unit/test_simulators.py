"""The simulators' answers to what the operators' documented contracts refuse: credentials,
malformed requests, duplicates, unknown ids, expired tokens (in process, no network)."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from entrypoints.simulators.app import create_simulator_app
from entrypoints.simulators.config import ACCOUNT_DEFAULTS, DEFAULTS, MOOV_PATH, SimulatorConfig
from entrypoints.simulators.moov import expected_token
from entrypoints.simulators.scenarios import Outcome, outcome_for

SERVICE = "http://shop.example:8000"


def client_for(**options: Any) -> TestClient[Any]:
    config = SimulatorConfig.from_env({"PUBLIC_BASE_URL": SERVICE}, "http://sim.test", **options)
    return TestClient(create_simulator_app(config))


@pytest.fixture
def sim() -> Iterator[TestClient[Any]]:
    with client_for(approve_delay=60) as client:
        yield client


def basic(user: str, key: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{key}".encode()).decode()


def mtn_token(sim: TestClient[Any]) -> str:
    answer = sim.post(
        "/mtn/collection/token/",
        headers={
            "Authorization": basic(DEFAULTS["MTN_MOMO_API_USER"], DEFAULTS["MTN_MOMO_API_KEY"]),
            "Ocp-Apim-Subscription-Key": DEFAULTS["MTN_MOMO_SUBSCRIPTION_KEY"],
        },
    )
    assert answer.status_code == 200
    assert answer.json()["expires_in"] == 3600
    return str(answer.json()["access_token"])


def mtn_headers(token: str, **extra: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Ocp-Apim-Subscription-Key": DEFAULTS["MTN_MOMO_SUBSCRIPTION_KEY"],
        "X-Target-Environment": DEFAULTS["MTN_MOMO_TARGET_ENVIRONMENT"],
        "X-Reference-Id": str(uuid.uuid4()),
        "X-Callback-Url": f"{SERVICE}/payment/webhook/mtn/?payment=pay_1&sig=x",
        **extra,
    }


MTN_BODY = {
    "amount": "5000",
    "currency": "XOF",
    "externalId": "pay_1",
    "payer": {"partyIdType": "MSISDN", "partyId": "2250701020304"},
    "payerMessage": "Commande 1",
    "payeeNote": "Commande 1",
}


def test_amount_endings_choose_the_scenario() -> None:
    assert outcome_for(5001) is Outcome.SUCCEEDS
    assert outcome_for(1002) is Outcome.FAILS
    assert outcome_for(5004) is Outcome.CALLBACK_LOST
    assert outcome_for(5005).callbacks == 2
    assert outcome_for(5000) is Outcome.CUSTOMER_DECIDES
    assert not Outcome.NEVER_RESOLVES.resolves_alone


def test_mtn_tells_a_bad_subscription_key_from_bad_credentials(sim: TestClient[Any]) -> None:
    wrong_key = sim.post("/mtn/collection/token/", headers={"Ocp-Apim-Subscription-Key": "no"})
    assert wrong_key.status_code == 401
    assert wrong_key.json()["statusCode"] == 401
    wrong_user = sim.post(
        "/mtn/collection/token/",
        headers={
            "Authorization": basic("someone", "else"),
            "Ocp-Apim-Subscription-Key": DEFAULTS["MTN_MOMO_SUBSCRIPTION_KEY"],
        },
    )
    assert wrong_user.status_code == 401
    assert "statusCode" not in wrong_user.json()


def test_mtn_request_to_pay_contract(sim: TestClient[Any]) -> None:
    token = mtn_token(sim)
    headers = mtn_headers(token)
    created = sim.post("/mtn/collection/v1_0/requesttopay", json=MTN_BODY, headers=headers)
    assert created.status_code == 202
    assert created.content == b""
    again = sim.post("/mtn/collection/v1_0/requesttopay", json=MTN_BODY, headers=headers)
    assert (again.status_code, again.json()["code"]) == (409, "RESOURCE_ALREADY_EXIST")
    status = sim.get(
        f"/mtn/collection/v1_0/requesttopay/{headers['X-Reference-Id']}", headers=mtn_headers(token)
    )
    assert status.status_code == 200
    assert status.json()["status"] == "PENDING"
    assert "referenceId" not in status.json()
    unknown = sim.get(f"/mtn/collection/v1_0/requesttopay/{uuid.uuid4()}", headers=headers)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "RESOURCE_NOT_FOUND")


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"X-Reference-Id": "not-a-uuid"}, 400, "BAD_REQUEST"),
        ({"X-Reference-Id": str(uuid.uuid1())}, 400, "BAD_REQUEST"),
        ({"X-Callback-Url": "http://elsewhere.example/cb"}, 500, "INVALID_CALLBACK_URL_HOST"),
        ({"X-Target-Environment": "mtnghana"}, 500, "NOT_ALLOWED_TARGET_ENVIRONMENT"),
    ],
)
def test_mtn_refuses_what_mtn_refuses(
    sim: TestClient[Any], change: dict[str, str], status: int, code: str
) -> None:
    answer = sim.post(
        "/mtn/collection/v1_0/requesttopay",
        json=MTN_BODY,
        headers=mtn_headers(mtn_token(sim), **change),
    )
    assert (answer.status_code, answer.json()["code"]) == (status, code)


def test_mtn_refuses_an_apostrophe_in_a_note(sim: TestClient[Any]) -> None:
    body = {**MTN_BODY, "payerMessage": "Commande d'Awa"}
    answer = sim.post(
        "/mtn/collection/v1_0/requesttopay", json=body, headers=mtn_headers(mtn_token(sim))
    )
    assert answer.status_code == 400


def test_an_expired_mtn_token_is_a_401_without_status_code() -> None:
    with client_for(token_seconds=0) as sim:
        token = mtn_token_expiring(sim)
        answer = sim.post(
            "/mtn/collection/v1_0/requesttopay", json=MTN_BODY, headers=mtn_headers(token)
        )
    assert answer.status_code == 401
    assert "statusCode" not in answer.json()


def mtn_token_expiring(sim: TestClient[Any]) -> str:
    answer = sim.post(
        "/mtn/collection/token/",
        headers={
            "Authorization": basic(DEFAULTS["MTN_MOMO_API_USER"], DEFAULTS["MTN_MOMO_API_KEY"]),
            "Ocp-Apim-Subscription-Key": DEFAULTS["MTN_MOMO_SUBSCRIPTION_KEY"],
        },
    )
    return str(answer.json()["access_token"])


def wave_auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {DEFAULTS['WAVE_API_KEY']}"}


def test_wave_sessions_contract(sim: TestClient[Any]) -> None:
    assert sim.post("/wave/v1/checkout/sessions", json={}).json()["code"] == "missing-auth-header"
    body = {
        "amount": "5000",
        "currency": "XOF",
        "client_reference": "pay_9",
        "success_url": "https://shop/ok",
        "error_url": "https://shop/ko",
    }
    created = sim.post("/wave/v1/checkout/sessions", json=body, headers=wave_auth())
    assert created.status_code == 200
    session = created.json()
    assert session["id"].startswith("cos-")
    assert (session["checkout_status"], session["payment_status"]) == ("open", "processing")
    assert session["wave_launch_url"] == f"http://sim.test/wave/pay/{session['id']}"
    found = sim.get("/wave/v1/checkout/sessions/search?client_reference=pay_9", headers=wave_auth())
    assert [s["id"] for s in found.json()["result"]] == [session["id"]]
    missing = sim.get("/wave/v1/checkout/sessions/cos-unknown", headers=wave_auth())
    assert (missing.status_code, missing.json()["code"]) == (404, "checkout-session-not-found")
    refund = sim.post(f"/wave/v1/checkout/sessions/{session['id']}/refund", headers=wave_auth())
    assert (refund.status_code, refund.json()["code"]) == (400, "checkout-refund-failed")
    decimal = sim.post(
        "/wave/v1/checkout/sessions", json={**body, "amount": "50.5"}, headers=wave_auth()
    )
    assert (decimal.status_code, decimal.json()["code"]) == (422, "request-validation-error")


def orange_token(sim: TestClient[Any]) -> str:
    client = basic(DEFAULTS["ORANGE_MONEY_CLIENT_ID"], DEFAULTS["ORANGE_MONEY_CLIENT_SECRET"])
    no_accept = sim.post(
        "/orange/oauth/v3/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": client},
    )
    assert no_accept.status_code == 406
    answer = sim.post(
        "/orange/oauth/v3/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": client, "Accept": "application/json"},
    )
    assert answer.status_code == 200
    assert isinstance(answer.json()["expires_in"], str)
    return str(answer.json()["access_token"])


def test_orange_webpay_contract(sim: TestClient[Any]) -> None:
    headers = {"Authorization": f"Bearer {orange_token(sim)}", "Accept": "application/json"}
    body = {
        "merchant_key": DEFAULTS["ORANGE_MONEY_MERCHANT_KEY"],
        "currency": "XOF",
        "order_id": "pay_1",
        "amount": 5000,
        "return_url": "http://s/ok",
        "cancel_url": "http://s/ko",
        "notif_url": "http://s/n",
        "lang": "fr",
    }
    created = sim.post("/orange/orange-money-webpay/ci/v1/webpayment", json=body, headers=headers)
    assert created.status_code == 201
    tokens = created.json()
    assert {"pay_token", "payment_url", "notif_token"} <= tokens.keys()
    reused = sim.post("/orange/orange-money-webpay/ci/v1/webpayment", json=body, headers=headers)
    assert reused.status_code == 403
    missing = sim.post(
        "/orange/orange-money-webpay/ci/v1/transactionstatus",
        json={"order_id": "pay_1"},
        headers=headers,
    )
    assert (missing.status_code, missing.json()["code"]) == (400, 23)
    status = sim.post(
        "/orange/orange-money-webpay/ci/v1/transactionstatus",
        json={"order_id": "pay_1", "amount": 5000, "pay_token": tokens["pay_token"]},
        headers=headers,
    )
    assert status.json() == {"status": "INITIATED", "order_id": "pay_1"}
    expired = sim.post(
        "/orange/orange-money-webpay/ci/v1/webpayment",
        json=body,
        headers={"Authorization": "Bearer stale", "Accept": "application/json"},
    )
    assert (expired.status_code, expired.json()["code"]) == (401, 42)


def soap(operation: str, fields: str) -> bytes:
    return (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:api="http://api.merchant.tlc.com/"><soapenv:Body>'
        f"<api:{operation}>{fields}</api:{operation}></soapenv:Body></soapenv:Envelope>"
    ).encode()


def moov_token() -> str:
    key = DEFAULTS["MOOV_MONEY_ENCRYPTION_KEY"].encode()
    return expected_token(DEFAULTS["MOOV_MONEY_USERNAME"], DEFAULTS["MOOV_MONEY_PASSWORD"], key)


def test_moov_soap_contract(sim: TestClient[Any]) -> None:
    url = f"/moov{MOOV_PATH}"
    push = "<token>{}</token><msisdn>2290195901234</msisdn><amount>{}</amount>" + (
        "<externaldata1>pay_7</externaldata1>"
    )
    pending = sim.post(url, content=soap("PushWithPending", push.format(moov_token(), 5000)))
    assert "<status>100</status>" in pending.text
    assert "referenceid" not in pending.text
    by_ours = sim.post(
        url,
        content=soap(
            "getTransactionStatus",
            f"<token>{moov_token()}</token><request><transid>pay_7</transid></request>",
        ),
    )
    assert "<status>100</status>" in by_ours.text
    unknown = sim.post(
        url,
        content=soap(
            "getTransactionStatus",
            f"<token>{moov_token()}</token><request><transid>1</transid></request>",
        ),
    )
    assert "<status>94</status>" in unknown.text
    forged = sim.post(url, content=soap("PushWithPending", push.format("forged", 5000)))
    assert "<status>98</status>" in forged.text
    fault = sim.post(url, content=soap("PushWithPending", push.format(moov_token(), "5e3")))
    assert fault.status_code == 500
    assert "For input string" in fault.text


# -- several accounts at once ----------------------------------------------------------------


def test_mtn_serves_each_environment_with_its_own_keys_and_currency(
    sim: TestClient[Any],
) -> None:
    cm = {k.removeprefix("MTN_MOMO_CM_"): v for k, v in ACCOUNT_DEFAULTS.items() if "_CM_" in k}
    token = sim.post(
        "/mtn/collection/token/",
        headers={
            "Authorization": basic(cm["API_USER"], cm["API_KEY"]),
            "Ocp-Apim-Subscription-Key": cm["SUBSCRIPTION_KEY"],
        },
    ).json()["access_token"]
    headers = mtn_headers(
        token, **{"Ocp-Apim-Subscription-Key": cm["SUBSCRIPTION_KEY"]}
    )  # the default's environment: refused for a Cameroon key
    body = {"amount": "5000", "currency": "XAF", "externalId": "pay_1",
            "payer": {"partyIdType": "MSISDN", "partyId": "237671234567"}}  # fmt: skip
    refused = sim.post("/mtn/collection/v1_0/requesttopay", json=body, headers=headers)
    assert refused.json()["code"] == "NOT_ALLOWED_TARGET_ENVIRONMENT"
    headers["X-Target-Environment"] = "mtncameroon"
    wrong = sim.post(
        "/mtn/collection/v1_0/requesttopay", json={**body, "currency": "XOF"}, headers=headers
    )
    assert (wrong.status_code, wrong.json()["code"]) == (400, "INVALID_CURRENCY")
    accepted = sim.post("/mtn/collection/v1_0/requesttopay", json=body, headers=headers)
    assert accepted.status_code == 202
    reference = headers["X-Reference-Id"]
    status = sim.get(f"/mtn/collection/v1_0/requesttopay/{reference}", headers=headers)
    assert status.json()["currency"] == "XAF"
    elsewhere = sim.get(
        f"/mtn/collection/v1_0/requesttopay/{reference}", headers=mtn_headers(mtn_token(sim))
    )
    assert elsewhere.status_code == 404  # the default environment does not know it


def test_wave_wallets_keep_their_sessions_and_refuse_another_countrys_payer(
    sim: TestClient[Any],
) -> None:
    ivorian = {"Authorization": f"Bearer {ACCOUNT_DEFAULTS['WAVE_CI_API_KEY']}"}
    session = {"amount": "5000", "currency": "XOF", "success_url": "https://s.example/ok",
               "error_url": "https://s.example/ko"}  # fmt: skip
    mismatch = sim.post(
        "/wave/v1/checkout/sessions",
        json={**session, "restrict_payer_mobile": "+221771234567"},
        headers=ivorian,
    )
    assert (mismatch.status_code, mismatch.json()["code"]) == (400, "country-mismatch")
    created = sim.post(
        "/wave/v1/checkout/sessions",
        json={**session, "restrict_payer_mobile": "+2250700000001"},
        headers=ivorian,
    )
    assert created.status_code == 200, created.text
    sid = created.json()["id"]
    assert sim.get(f"/wave/v1/checkout/sessions/{sid}", headers=ivorian).status_code == 200
    senegalese = {"Authorization": f"Bearer {DEFAULTS['WAVE_API_KEY']}"}
    assert sim.get(f"/wave/v1/checkout/sessions/{sid}", headers=senegalese).status_code == 404


def test_moov_togo_receipt_codes_and_one_pending_request_per_number(
    sim: TestClient[Any],
) -> None:
    def send(code: str, msisdn: str = "22899123456", merchant: str = "SIMULATED-MERCHANT") -> str:
        envelope = (
            "<Envelope><Body><SendPayment>"
            f"<merchantName>{merchant}</merchantName><transactionCode>{code}</transactionCode>"
            f"<destMobileNumber>{msisdn}</destMobileNumber><amount>5000</amount>"
            "<extraData>CMD-1</extraData></SendPayment></Body></Envelope>"
        )
        answer = sim.post("/moov-tg/OnlinePayment", content=envelope)
        return answer.text.split("<status>")[1].split("<")[0]

    assert send("pay_1", merchant="SOMEONE") == "1"
    assert send("pay_1", msisdn="22997000000") == "3"
    assert send("pay_1") == "0"
    assert send("pay_1") == "6"
    assert send("pay_2") == "0"  # the same number: pay_1 expires
    ledger = sim.app.state.ledger
    assert ledger.get("moov_tg", "pay_1").state.value == "expired"
    assert ledger.get("moov_tg", "pay_2").is_open
    assert any("/payment/webhook/moov/tg/" in d["url"] for d in ledger.deliveries)


@pytest.mark.parametrize(
    ("amount", "back_to"), [("1002", "https://shop/ko"), ("1001", "https://shop/ok")]
)
def test_confirming_a_payment_whose_amount_fails_still_fails(
    sim: TestClient[Any], amount: str, back_to: str
) -> None:
    """A person on the operator's page who confirms a `…02` amount before the simulator settles
    it is refused for insufficient funds, as the scenario says; a `…01` one succeeds."""
    body = {"amount": amount, "currency": "XOF", "success_url": "https://shop/ok",
            "error_url": "https://shop/ko"}  # fmt: skip
    session = sim.post("/wave/v1/checkout/sessions", json=body, headers=wave_auth()).json()
    confirmed = sim.post(f"/wave/pay/{session['id']}/approve", follow_redirects=False)
    assert (confirmed.status_code, confirmed.headers["location"]) == (303, back_to)
    read = sim.get(f"/wave/v1/checkout/sessions/{session['id']}", headers=wave_auth()).json()
    assert (read["payment_status"] == "succeeded") is (amount == "1001")
