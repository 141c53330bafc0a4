"""Moov Money Benin's `transferFlooz`, `getTransactionStatus` and `getBalance` as the payouts
reference shows them (4.1, 4.2: the SDK's mock answers), written from the reference: one
POST URL, the operation is the Body's element, answers in `<return>` or `<response>`.

`mode`: `ok` | `pending` (status 100) | `timeout` | `fault` (a SOAP fault) | a failure status
code (`"8"`: the merchant's balance is too low)."""

from __future__ import annotations

from xml.etree import ElementTree

import httpx
import respx

BASE_URL = "https://moov.test"
PATH = "/com.tlc.merchant.api/UssdPush"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
ENV = {
    "MOOV_MONEY_USERNAME": "myusername",
    "MOOV_MONEY_PASSWORD": "mypassword",
    "MOOV_MONEY_URL": f"{BASE_URL}{PATH}",
    "MOOV_MONEY_MERCHANT_MSISDN": "+22995000000",
}
FAULT = (
    f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><soap:Fault><faultcode>soap:Server'
    "</faultcode><faultstring>Internal</faultstring></soap:Fault></soap:Body></soap:Envelope>"
)


def xml(element: str, wrapper: str, **fields: str) -> httpx.Response:
    body = "".join(f"<{name}>{value}</{name}>" for name, value in fields.items())
    text = (
        f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><ns2:{element} '
        f'xmlns:ns2="http://api.merchant.tlc.com/"><{wrapper}>{body}</{wrapper}></ns2:{element}>'
        "</soap:Body></soap:Envelope>"
    )
    return httpx.Response(200, text=text, headers={"Content-Type": "text/xml"})


class FakeMoovPayouts:
    def __init__(self, router: respx.MockRouter, host: str | None = None) -> None:
        """`host`: Moov's host when `router` serves several providers (no base URL)."""
        on = {"host": host} if host else {}
        self.transfers: dict[str, dict[str, str]] = {}
        self.calls: list[dict[str, str]] = []
        self.mode = "ok"
        router.post(path=PATH, **on).mock(side_effect=self._answer)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        body = ElementTree.fromstring(request.content).find(f"{{{SOAP}}}Body")
        assert body is not None
        (operation,) = list(body)
        fields = {child.tag: (child.text or "") for child in operation.iter() if not len(child)}
        name = operation.tag.rsplit("}", 1)[-1]
        self.calls.append({"operation": name, **fields})
        if self.mode == "timeout":
            raise httpx.ReadTimeout("lost", request=request)
        if self.mode == "fault":
            return httpx.Response(500, text=FAULT)
        if name == "transferFlooz":
            return self._transfer(fields)
        if name == "getTransactionStatus":
            found = self.transfers.get(fields["transid"])
            status = found["status"] if found else "94"
            return xml("getTransactionStatusResponse", "response", status=status)
        assert name == "getBalance" and fields["msisdn"] == "22995000000"
        return xml("getBalanceResponse", "return", balance="382222", status="0")

    def _transfer(self, fields: dict[str, str]) -> httpx.Response:
        reference = f"9201906{len(self.transfers):08d}"
        status = {"ok": "0", "pending": "100"}.get(self.mode, self.mode)
        self.transfers[reference] = {**fields, "status": status}
        return xml(
            "transferFloozResponse", "return",
            transactionid="1234567890", status=status, message="message", referenceid=reference,
            senderbalancebefore="16819", senderbalanceafter="16809",
        )  # fmt: skip

    def settle(self, status: str = "0") -> None:
        for transfer in self.transfers.values():
            transfer["status"] = status
