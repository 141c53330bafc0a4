"""Orange Money WebPay as reference/providers.md section 2 documents it: OAuth token,
`webpayment` (pay_token, notif_token), `transactionstatus`, notifications to our signed
notif_url carrying the notif_token. No refund API is documented: none is faked."""

from __future__ import annotations

import json
from typing import Any

import httpx
import respx
from tests.integration.conftest import BASE_URL
from tests.integration.providers.kit import Callback, ProviderFake

WEBPAY = "/orange-money-webpay/dev/v1"


class FakeOrangeMoney(ProviderFake):
    name = "orange_money"
    base_url = "https://orange.test"
    env = {
        "ORANGE_MONEY_CLIENT_ID": "orange-client",
        "ORANGE_MONEY_CLIENT_SECRET": "orange-secret",
        "ORANGE_MONEY_MERCHANT_KEY": "merchant-key-1",
        "ORANGE_MONEY_COUNTRY": "dev",
        "ORANGE_MONEY_BASE_URL": base_url,
    }
    refunds = "manual"
    refusal_code = "2"

    def __init__(self, router: respx.MockRouter) -> None:
        super().__init__(router)
        self.orders: dict[str, dict[str, Any]] = {}
        token = {"token_type": "Bearer", "access_token": "orange-token", "expires_in": "7776000"}
        router.post("/oauth/v3/token").respond(200, json=token)
        router.post(f"{WEBPAY}/webpayment").mock(side_effect=self._webpayment)
        router.post(f"{WEBPAY}/transactionstatus").mock(side_effect=self._status)

    def _webpayment(self, request: httpx.Request) -> httpx.Response:
        self.calls["start"] += 1
        if self.start_mode == "timeout":
            self.start_mode = "ok"
            return self.timeout(request)
        if self.start_mode == "refuse":
            return httpx.Response(400, json={"code": 2, "message": "Bad request"})
        body = json.loads(request.content)
        number = len(self.orders) + 1
        self.orders[body["order_id"]] = {
            "request": body,
            "pay_token": f"pay-token-{number}",
            "notif_token": f"notif-token-{number}",
            "status": "INITIATED",
            "amount": None,
        }
        answer = {
            "status": 201,
            "message": "OK",
            "pay_token": f"pay-token-{number}",
            "payment_url": f"https://webpayment.orange-money.test/pay/{number}",
            "notif_token": f"notif-token-{number}",
        }
        return httpx.Response(201, json=answer)

    def _status(self, request: httpx.Request) -> httpx.Response:
        if self.status_down:
            return httpx.Response(503, json={"code": 5000, "message": "Service unavailable"})
        body = json.loads(request.content)
        order = self.orders.get(body["order_id"])
        if order is None or order["pay_token"] != body["pay_token"]:
            return httpx.Response(404, json={"code": 404, "message": "not found"})
        answer = {"status": order["status"], "order_id": body["order_id"]}
        if order["amount"] is not None:
            answer["amount"] = order["amount"]
        if order["status"] == "SUCCESS":
            answer["txnid"] = "MP150709.1341.A00073"
        return httpx.Response(201, json=answer)

    def settle(self, payment: dict[str, Any], amount: int | None = None) -> None:
        order = self.orders[payment["provider_reference"]]
        order.update(status="SUCCESS", amount=amount)

    def callback(self, payment: dict[str, Any]) -> Callback:
        order = self.orders[payment["provider_reference"]]
        return self._notify(order, order["notif_token"])

    def forged_callback(self, payment: dict[str, Any]) -> Callback:
        return self._notify(self.orders[payment["provider_reference"]], "not-the-notif-token")

    @staticmethod
    def _notify(order: dict[str, Any], token: str) -> Callback:
        body = {"status": order["status"], "notif_token": token, "txnid": "MP150709.1341.A00073"}
        path = str(order["request"]["notif_url"]).removeprefix(BASE_URL)
        return Callback(path, json.dumps(body).encode())
