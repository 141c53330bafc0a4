"""Moov Money in Togo (Flooz e-commerce, reference/providers.md 4.2): `POST
/moov-tg/OnlinePayment`, the SOAP `SendPayment` of `MOOV_MONEY_TG_MERCHANT_NAME` answered with
its `Receipt` (status 1 for another merchant name, 2 for an amount that is not a whole number,
3 for a number that is not Togolese, 6 for a transaction code already used), and the
`sendPaymentDetails` XML-RPC callback POSTed to the service's `/payment/webhook/moov/tg/` from
this machine. One pending request per number: a new one expires the older, whose callback
says `expired=true`. The customer pays on the phone page (`/moov-tg/phone`), or the amount's
scenario decides (scenarios.py). No status query exists."""

from __future__ import annotations

import re
from html import escape
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.response import Redirect

from entrypoints.simulators import pages
from entrypoints.simulators.common import customer_choice, start_delay
from entrypoints.simulators.config import SimulatorConfig
from entrypoints.simulators.ledger import Ledger, State, Transaction
from entrypoints.simulators.scenarios import Outcome, outcome_for

OPERATOR = "moov_tg"
PREFIX = "/moov-tg"
NAMESPACE = "http://service.onlinepayment.tlc.com/"
XML = {"Content-Type": "text/xml; charset=utf-8"}


def payment_details(t: Transaction) -> bytes:
    """The `sendPaymentDetails` XML-RPC call Moov Togo makes when a request ends."""
    values = {
        "amount": f"<i4>{t.amount}</i4>",
        "paid": f"<boolean>{int(t.state is State.SUCCEEDED)}</boolean>",
        "expired": f"<boolean>{int(t.state is State.EXPIRED)}</boolean>",
        "paymentRefCode": f"<string>{escape(t.transaction_id or '')}</string>",
        "referenceCode": f"<string>{escape(t.id)}</string>",
        "msisdn": f"<string>{escape(t.phone or '')}</string>",
    }
    members = "".join(
        f"<member><name>{name}</name><value>{value}</value></member>"
        for name, value in values.items()
    )
    return (
        '<?xml version="1.0"?><methodCall><methodName>sendPaymentDetails</methodName>'
        f"<params><param><value><struct>{members}</struct></value></param></params></methodCall>"
    ).encode()


def receipt(code: str, fields: dict[str, str], status: str, message: str) -> Response[bytes]:
    body = (
        f"<referenceID>{code}</referenceID><status>{status}</status>"
        f"<statusMessage>{message}</statusMessage>"
        f"<subscriberMsisdn>{fields.get('destMobileNumber', '')}</subscriberMsisdn>"
    )
    envelope = (
        '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>'
        f'<ns2:SendPaymentResponse xmlns:ns2="{NAMESPACE}">'
        f"<Receipt>{body}</Receipt></ns2:SendPaymentResponse></S:Body></S:Envelope>"
    )
    return Response(envelope.encode(), media_type="text/xml; charset=utf-8")


def build(config: SimulatorConfig, ledger: Ledger) -> Router:
    merchant = config.get("MOOV_MONEY_TG_MERCHANT_NAME")
    callback_url = f"{config.service_url}/payment/webhook/moov/tg/"

    async def notify(t: Transaction) -> None:
        await ledger.deliver("POST", callback_url, content=payment_details(t), headers=XML)

    ledger.notifier(OPERATOR, notify)

    async def supersede(phone: str) -> None:
        """The number's older pending request expires, and Moov says so."""
        for older in ledger.open(OPERATOR):
            if older.phone == phone and ledger.expire(older):
                await notify(older)

    @post("/OnlinePayment")
    async def send_payment(request: Request[Any, Any, Any]) -> Response[bytes]:
        text = (await request.body()).decode(errors="replace")
        fields = dict(re.findall(r"<(\w+)>([^<]*)</\1>", text))
        code = fields.get("transactionCode", "")
        if fields.get("merchantName") != merchant:
            return receipt(code, fields, "1", "Merchant not recognized")
        if not re.fullmatch(r"\d+", fields.get("amount", "")):
            return receipt(code, fields, "2", "Invalid amount")
        phone = fields.get("destMobileNumber", "")
        if not re.fullmatch(r"228\d{8}", phone):
            return receipt(code, fields, "3", "Subscriber not registered")
        if not code:
            return receipt(code, fields, "5", "Empty field")
        if ledger.get(OPERATOR, code) is not None:
            return receipt(code, fields, "6", "Product already registered")
        amount = int(fields["amount"])
        outcome = outcome_for(amount)
        if outcome is Outcome.START_UNAVAILABLE:
            return Response(b"Service unavailable", status_code=503)
        await supersede(phone)
        ledger.add(Transaction(OPERATOR, code, amount, "XOF", outcome, phone=phone))
        await start_delay(outcome, config.hang_seconds)
        return receipt(code, fields, "0", "Success")

    @get("/phone")
    async def phone_page() -> Response[Any]:
        return pages.phone(OPERATOR, ledger.open(OPERATOR), f"{PREFIX}/phone")

    @post("/phone/{reference:str}/{choice:str}", status_code=303)
    async def decide(request: Request[Any, Any, Any], reference: str, choice: str) -> Any:
        t = ledger.get(OPERATOR, reference)
        if t is not None and choice in ("approve", "decline"):
            await customer_choice(ledger, t, choice, request.query_params.get("callback"))
        return Redirect(f"{PREFIX}/phone", status_code=303)

    return Router(PREFIX, route_handlers=[send_payment, phone_page, decide])
