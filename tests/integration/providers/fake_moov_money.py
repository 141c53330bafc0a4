"""Moov Money Benin's SOAP merchant API as reference/providers.md 4.1 describes it: one POST
URL, the operation is the Body's element (`PushWithPending`, `getTransactionStatus`,
`transferFlooz`); status codes from the SDKs' table. No callback is documented: the service
accepts a hint on a URL signed with its own secret."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from xml.etree import ElementTree

import httpx
import respx
from tests.integration.providers.kit import Callback, ProviderFake

from entrypoints.settings import SANDBOX_SECRET

PATH = "/com.tlc.merchant.api/UssdPush"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
FAULT = (
    f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><soap:Fault><faultcode>soap:Client'
    "</faultcode><faultstring>For input string</faultstring></soap:Fault></soap:Body>"
    "</soap:Envelope>"
)


def envelope(element: str, wrapper: str, **fields: str) -> str:
    body = "".join(f"<{name}>{value}</{name}>" for name, value in fields.items())
    return (
        f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><ns2:{element} '
        f'xmlns:ns2="http://tlc.com.ph/"><{wrapper}>{body}</{wrapper}></ns2:{element}>'
        "</soap:Body></soap:Envelope>"
    )


class FakeMoovMoney(ProviderFake):
    name = "moov_money"
    base_url = "https://moov.test"
    env = {
        "MOOV_MONEY_USERNAME": "myusername",
        "MOOV_MONEY_PASSWORD": "mypassword",
        "MOOV_MONEY_URL": f"{base_url}{PATH}",
    }
    phone = "+2290195901234"
    refunds = "partial"
    refusal_code = "soap_fault"
    refund_refusal_code = "8"

    def __init__(self, router: respx.MockRouter) -> None:
        super().__init__(router)
        self.transactions: dict[str, dict[str, str]] = {}
        router.post(PATH).mock(side_effect=self._answer)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        body = ElementTree.fromstring(request.content).find(f"{{{SOAP}}}Body")
        assert body is not None
        (operation,) = list(body)
        fields = {child.tag: (child.text or "") for child in operation.iter() if not len(child)}
        name = operation.tag.rsplit("}", 1)[-1]
        return getattr(self, f"_{name}")(request, fields)

    @staticmethod
    def _xml(element: str, wrapper: str, **fields: str) -> httpx.Response:
        text = envelope(element, wrapper, **fields)
        return httpx.Response(200, text=text, headers={"Content-Type": "text/xml"})

    def _PushWithPending(self, request: httpx.Request, fields: dict[str, str]) -> httpx.Response:
        self.calls["start"] += 1
        if self.start_mode == "timeout":
            self.start_mode = "ok"
            return self.timeout(request)
        if self.start_mode == "refuse":
            return httpx.Response(400, text=FAULT, headers={"Content-Type": "text/xml"})
        reference = f"7202201200000{len(self.transactions) + 1:02d}"
        self.transactions[reference] = {"status": "100", "referenceid": reference}
        self.transactions[reference]["msisdn"] = fields["msisdn"]
        return self._xml(
            "PushWithPendingResponse",
            "return",
            status="0",
            referenceid=reference,
            transid=fields["externaldata1"],
        )

    def _getTransactionStatus(
        self, request: httpx.Request, fields: dict[str, str]
    ) -> httpx.Response:
        if self.status_down:
            return httpx.Response(503, text="Service Unavailable")
        record = self.transactions.get(fields["transid"], {"status": "94"})
        shown = {k: v for k, v in record.items() if k in ("status", "referenceid", "amount")}
        return self._xml("getTransactionStatusResponse", "response", description="", **shown)

    def _transferFlooz(self, request: httpx.Request, fields: dict[str, str]) -> httpx.Response:
        self.calls["refund"] += 1
        if self.refund_mode == "timeout":
            return self.timeout(request)
        if self.refund_mode == "refuse":
            return self._xml("transferFloozResponse", "return", status="8", message="Balance")
        reference = fields["referenceid"]
        self.transactions[reference] = {**fields, "status": "100", "referenceid": reference}
        return self._xml("transferFloozResponse", "return", status="0", referenceid=reference)

    def settle(self, payment: dict[str, Any], amount: int | None = None) -> None:
        record = self.transactions[payment["provider_reference"]]
        record["status"] = "0"
        if amount is not None:
            record["amount"] = str(amount)

    def settle_refunds(self) -> None:
        for record in self.transactions.values():
            if "destination" in record:
                record["status"] = "0"

    def callback(self, payment: dict[str, Any]) -> Callback:
        return self._hint(payment["id"], _sig(payment["id"]))

    def forged_callback(self, payment: dict[str, Any]) -> Callback:
        return self._hint(payment["id"], _sig(payment["id"], b"not-our-secret"))

    @staticmethod
    def _hint(payment_id: str, sig: str) -> Callback:
        return Callback(f"/payment/webhook/moov/?payment={payment_id}&sig={sig}", b"{}")


def _sig(payment_id: str, secret: bytes = SANDBOX_SECRET.encode()) -> str:
    """HMAC-SHA256 of `moov:<payment id>` with the service's secret (the hint URL's rule)."""
    return hmac.new(secret, f"moov:{payment_id}".encode(), hashlib.sha256).hexdigest()
