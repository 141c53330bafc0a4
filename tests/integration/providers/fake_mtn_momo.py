"""MTN MoMo as reference/providers.md section 1 documents it: Collection (token,
requesttopay with the client's X-Reference-Id, its status) and Disbursement refunds (their
own token and subscription key, `referenceIdToRefund`, `GET /refund/{id}`); 404 for an
unknown reference, unsigned callbacks to the X-Callback-Url."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import respx
from tests.integration.conftest import BASE_URL
from tests.integration.providers.kit import Callback, ProviderFake

COLLECTION_KEY, DISBURSEMENT_KEY = "collection-key-123", "disbursement-key-456"
REFERENCE = r"(?P<reference>[0-9a-f-]{36})"
APIM_401 = {"statusCode": 401, "message": "Access denied due to invalid subscription key."}


class FakeMtnMomo(ProviderFake):
    name = "mtn_momo"
    base_url = "https://mtn.test"
    env = {
        "MTN_MOMO_SUBSCRIPTION_KEY": COLLECTION_KEY,
        "MTN_MOMO_API_USER": "0f1e2d3c-4b5a-4978-8877-665544332211",
        "MTN_MOMO_API_KEY": "collection-secret",
        "MTN_MOMO_DISBURSEMENT_SUBSCRIPTION_KEY": DISBURSEMENT_KEY,
        "MTN_MOMO_DISBURSEMENT_API_USER": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        "MTN_MOMO_DISBURSEMENT_API_KEY": "disbursement-secret",
        "MTN_MOMO_TARGET_ENVIRONMENT": "mtnivorycoast",
        "MTN_MOMO_BASE_URL": base_url,
    }
    phone = "+2250700000001"
    refunds = "partial"
    refusal_code = "validation_error"
    refund_refusal_code = "not_enough_funds"

    def __init__(self, router: respx.MockRouter) -> None:
        super().__init__(router)
        self.transactions: dict[str, dict[str, Any]] = {}
        self.callback_urls: dict[str, str] = {}
        self.refund_records: dict[str, dict[str, Any]] = {}
        self.refund_requests: list[httpx.Request] = []
        for product, key in (("collection", COLLECTION_KEY), ("disbursement", DISBURSEMENT_KEY)):
            router.post(f"/{product}/token/").mock(side_effect=self._token(product, key))
        router.post("/collection/v1_0/requesttopay").mock(side_effect=self._request_to_pay)
        router.get(path__regex=f"^/collection/v1_0/requesttopay/{REFERENCE}$").mock(
            side_effect=self._status
        )
        router.post("/disbursement/v1_0/refund").mock(side_effect=self._refund)
        router.get(path__regex=f"^/disbursement/v1_0/refund/{REFERENCE}$").mock(
            side_effect=self._refund_status
        )

    @staticmethod
    def _token(product: str, key: str) -> Any:
        def answer(request: httpx.Request) -> httpx.Response:
            if request.headers.get("Ocp-Apim-Subscription-Key") != key:
                return httpx.Response(401, json=APIM_401)
            return httpx.Response(200, json={"access_token": f"jwt-{product}", "expires_in": 3600})

        return answer

    @staticmethod
    def _refused_key(request: httpx.Request, product: str, key: str) -> httpx.Response | None:
        if request.headers.get("Authorization") != f"Bearer jwt-{product}":
            return httpx.Response(401, json={"error": "invalid token"})
        if request.headers.get("Ocp-Apim-Subscription-Key") != key:
            return httpx.Response(401, json=APIM_401)
        return None

    def _request_to_pay(self, request: httpx.Request) -> httpx.Response:
        self.calls["start"] += 1
        if refused := self._refused_key(request, "collection", COLLECTION_KEY):
            return refused
        if self.start_mode == "timeout":
            self.start_mode = "ok"
            return self.timeout(request)  # lost before MTN created anything
        if self.start_mode == "refuse":
            return httpx.Response(400, json={"code": "VALIDATION_ERROR", "message": "bad"})
        reference = request.headers["X-Reference-Id"]
        uuid.UUID(reference, version=4)
        if reference in self.transactions:
            return httpx.Response(409, json={"code": "RESOURCE_ALREADY_EXIST"})
        body = json.loads(request.content)
        self.transactions[reference] = {**body, "status": "PENDING"}
        self.callback_urls[body["externalId"]] = request.headers["X-Callback-Url"]
        return httpx.Response(202)

    def _status(self, request: httpx.Request, reference: str) -> httpx.Response:
        if self.status_down:
            return httpx.Response(500, json={"code": "INTERNAL_PROCESSING_ERROR"})
        if reference not in self.transactions:
            return httpx.Response(404, json={"code": "RESOURCE_NOT_FOUND"})
        return httpx.Response(200, json=self.transactions[reference])

    def _refund(self, request: httpx.Request) -> httpx.Response:
        self.calls["refund"] += 1
        self.refund_requests.append(request)
        if refused := self._refused_key(request, "disbursement", DISBURSEMENT_KEY):
            return refused
        if self.refund_mode in ("timeout", "timeout_once"):
            self.refund_mode = "ok" if self.refund_mode == "timeout_once" else "timeout"
            return self.timeout(request)  # lost before MTN created anything
        if self.refund_mode == "refuse":
            return httpx.Response(500, json={"code": "NOT_ENOUGH_FUNDS", "message": "balance"})
        body = json.loads(request.content)
        original = self.transactions.get(body["referenceIdToRefund"])
        if original is None or original["status"] != "SUCCESSFUL":
            return httpx.Response(400, json={"code": "RESOURCE_NOT_FOUND"})
        reference = request.headers["X-Reference-Id"]
        if reference in self.refund_records or reference in self.transactions:
            return httpx.Response(409, json={"code": "RESOURCE_ALREADY_EXIST"})
        self.refund_records[reference] = {**body, "status": "PENDING"}
        if self.refund_mode == "lost_once":
            self.refund_mode = "ok"
            return self.timeout(request)  # created, but its answer was lost
        return httpx.Response(202)

    def _refund_status(self, request: httpx.Request, reference: str) -> httpx.Response:
        if refused := self._refused_key(request, "disbursement", DISBURSEMENT_KEY):
            return refused
        if reference not in self.refund_records:
            return httpx.Response(404, json={"code": "RESOURCE_NOT_FOUND"})
        return httpx.Response(200, json=self.refund_records[reference])

    def settle(self, payment: dict[str, Any], amount: int | None = None) -> None:
        record = self.transactions[payment["provider_reference"]]
        record.update(status="SUCCESSFUL", financialTransactionId="23503452")
        if amount is not None:
            record["amount"] = str(amount)

    def settle_refunds(self) -> None:
        for record in self.refund_records.values():
            record["status"] = "SUCCESSFUL"

    def callback(self, payment: dict[str, Any]) -> Callback:
        url = self.callback_urls[payment["id"]]
        body = json.dumps(self.transactions[payment["provider_reference"]]).encode()
        return Callback(url.removeprefix(BASE_URL), body, method="PUT")

    def forged_callback(self, payment: dict[str, Any]) -> Callback:
        real = self.callback(payment)
        return Callback(real.path.rsplit("&sig=", 1)[0] + "&sig=00ff", real.body)
