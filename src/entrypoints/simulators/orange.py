"""Orange Money WebPay: `/oauth/v3/token` (Basic client id:secret, form
`grant_type=client_credentials`, `Accept: application/json` or 406; `expires_in` a string),
`/orange-money-webpay/{country}/v1/webpayment` (merchant key, `OUV` in `dev` and a real
currency elsewhere, integer amount, `order_id` unique per attempt or 403) answering 201 with
`pay_token`, `payment_url` and `notif_token`, and `/transactionstatus` (order_id, amount and
pay_token all required, else 400 code 23) with INITIATED, PENDING, SUCCESS, FAILED, EXPIRED.
Errors use Orange's `{code, message, description}` envelope (401 code 41 for bad credentials,
42 for an expired token). The notification is a POST of `{status, notif_token, txnid}` to
`notif_url`.

One WebPay path per country account (`ORANGE_MONEY_<CC>_*`: `/orange-money-webpay/sn/v1`
with Senegal's merchant key), beside the default account's; a transaction is found only on the
path it was made on."""

from __future__ import annotations

import base64
import hmac
import secrets
from typing import Any

from litestar import Request, Response, Router, post
from litestar import get as get_route
from litestar.response import Redirect

from entrypoints.simulators import pages
from entrypoints.simulators.common import (
    customer_choice,
    json_answer,
    json_body,
    start_delay,
)
from entrypoints.simulators.config import SimulatorConfig
from entrypoints.simulators.ledger import Ledger, State, Transaction
from entrypoints.simulators.mtn import Tokens
from entrypoints.simulators.scenarios import Outcome, outcome_for

OPERATOR = "orange"


def error(status: int, code: int, message: str, description: str) -> Response[Any]:
    return json_answer({"code": code, "message": message, "description": description}, status)


def status_word(t: Transaction) -> str:
    if t.state is State.PENDING:
        return "PENDING" if t.approved else "INITIATED"
    return {State.SUCCEEDED: "SUCCESS", State.FAILED: "FAILED"}.get(t.state, "EXPIRED")


def payment_problem(body: Any, country: str, merchant_key: str) -> str | None:
    if not isinstance(body, dict):
        return "body"
    if not hmac.compare_digest(str(body.get("merchant_key", "")), merchant_key):
        return "merchant_key"
    expected = "OUV" if country == "dev" else None
    currency = body.get("currency")
    if (
        not isinstance(currency, str)
        or (expected and currency != expected)
        or (not expected and currency == "OUV")
    ):
        return "currency"
    if (
        not isinstance(body.get("amount"), int)
        or isinstance(body["amount"], bool)
        or body["amount"] <= 0
    ):
        return "amount"
    order_id = body.get("order_id")
    if not isinstance(order_id, str) or not 0 < len(order_id) <= 30:
        return "order_id"
    for url in ("return_url", "cancel_url", "notif_url"):
        if not isinstance(body.get(url), str) or not body[url].startswith("http"):
            return url
    return None


def _basic(config: SimulatorConfig, prefix: str) -> str:
    client = f"{config.get(prefix + 'CLIENT_ID')}:{config.get(prefix + 'CLIENT_SECRET')}"
    return "Basic " + base64.b64encode(client.encode()).decode()


def build(config: SimulatorConfig, ledger: Ledger) -> Router:
    accounts = [""] + [f"{cc}_" for cc in config.country_accounts("ORANGE_MONEY_")]
    #: each account's path country (`ci`; `sn` for ORANGE_MONEY_SN_*) and its merchant key
    merchant_keys = {
        (config.credentials.get(f"ORANGE_MONEY_{a}COUNTRY") or a[:2].lower()): config.get(
            f"ORANGE_MONEY_{a}MERCHANT_KEY"
        )
        for a in accounts
    }
    basics = {_basic(config, f"ORANGE_MONEY_{a}") for a in accounts}
    tokens = Tokens(config.token_seconds)
    webpay = "/orange-money-webpay/{country:str}/v1"

    def refused(request: Request[Any, Any, Any]) -> Response[Any] | None:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return error(401, 40, "Missing credentials", "The Authorization header is missing")
        if not tokens.valid(header):
            return error(401, 42, "Expired credentials", "The access token is expired or invalid")
        return None

    async def notify(t: Transaction) -> None:
        body = {"status": status_word(t), "notif_token": t.data["notif_token"]}
        if t.transaction_id:
            body["txnid"] = t.transaction_id
        await ledger.deliver("POST", t.data["notif_url"], json=body)

    ledger.notifier(OPERATOR, notify)

    @post("/oauth/v3/token")
    async def token(request: Request[Any, Any, Any]) -> Response[Any]:
        if "application/json" not in request.headers.get("accept", ""):
            return error(406, 406, "Not Acceptable", "Accept: application/json is required")
        given = request.headers.get("authorization", "")
        if not any(hmac.compare_digest(given, basic) for basic in basics):
            return error(401, 41, "Invalid credentials", "Invalid client id or secret")
        form = await request.form()
        if form.get("grant_type") != "client_credentials":
            return error(400, 1, "Invalid grant type", "grant_type must be client_credentials")
        issued = tokens.issue()
        return json_answer(
            {
                "token_type": "Bearer",
                "access_token": issued["access_token"],
                "expires_in": str(config.token_seconds),
            }
        )

    @post(f"{webpay}/webpayment")
    async def webpayment(request: Request[Any, Any, Any], country: str) -> Response[Any]:
        if (refusal := refused(request)) is not None:
            return refusal
        if country not in merchant_keys:
            return error(404, 404, "Not found", f"No WebPay product for {country}")
        body = await json_body(request)
        if problem := payment_problem(body, country, merchant_keys[country]):
            return error(400, 22, "Invalid body field", f"The field {problem} is invalid")
        if ledger.find(OPERATOR, order_id=body["order_id"]):
            return error(403, 60, "Forbidden", "This order_id has already been used")
        outcome = outcome_for(body["amount"])
        if outcome is Outcome.START_UNAVAILABLE:
            return error(503, 5, "Service unavailable", "Please retry later")
        pay_token = secrets.token_hex(32)
        t = Transaction(OPERATOR, pay_token, body["amount"], body["currency"], outcome)
        t.data.update(
            order_id=body["order_id"],
            notif_token=secrets.token_hex(16),
            return_url=body["return_url"],
            cancel_url=body["cancel_url"],
            notif_url=body["notif_url"],
            country=country,
        )
        ledger.add(t)
        await start_delay(outcome, config.hang_seconds)
        return json_answer(
            {
                "status": 201,
                "message": "OK",
                "pay_token": pay_token,
                "payment_url": f"{config.public_url}/orange/payment/pay_token/{pay_token}",
                "notif_token": t.data["notif_token"],
            },
            201,
        )

    @post(f"{webpay}/transactionstatus")
    async def transaction_status(request: Request[Any, Any, Any], country: str) -> Response[Any]:
        if (refusal := refused(request)) is not None:
            return refusal
        body = await json_body(request)
        missing = [
            k
            for k in ("order_id", "amount", "pay_token")
            if not isinstance(body, dict) or k not in body
        ]
        if missing:
            return error(
                400, 23, "Missing body field", f"Key: '{missing[0]}' Error:Field validation"
            )
        t = ledger.get(OPERATOR, str(body["pay_token"]))
        if (
            t is None
            or t.data["order_id"] != body["order_id"]
            or t.amount != body["amount"]
            or t.data["country"] != country
        ):
            return error(404, 24, "Transaction not found", "No transaction matches these fields")
        answer = {"status": status_word(t), "order_id": t.data["order_id"]}
        if t.transaction_id:
            answer["txnid"] = t.transaction_id
        return json_answer(answer)

    @get_route("/payment/pay_token/{pay_token:str}")
    async def page(pay_token: str) -> Response[Any]:
        if (t := ledger.get(OPERATOR, pay_token)) is None:
            return pages.html("Orange Money", pages.banner(OPERATOR, "Paiement inconnu"), 404)
        body = pages.banner(OPERATOR, "Paiement marchand") + pages.amount(t)
        if t.is_open:
            body += "<p class='muted'>Saisissez le code reçu par USSD, puis confirmez.</p>"
            body += pages.decision_buttons(f"/orange/payment/pay_token/{pay_token}")
            body += pages.back_link(t.data["cancel_url"], "Annuler et revenir au marchand")
        else:  # paid, refused or expired: back to the merchant, as Orange's page does
            body += pages.settled(t)
            succeeded = t.state is State.SUCCEEDED
            body += pages.back_link(t.data["return_url" if succeeded else "cancel_url"])
        return pages.html("Orange Money", body)

    @post("/payment/pay_token/{pay_token:str}/{choice:str}", status_code=303)
    async def decide(request: Request[Any, Any, Any], pay_token: str, choice: str) -> Any:
        t = ledger.get(OPERATOR, pay_token)
        if t is None or choice not in ("approve", "decline"):
            return pages.html("Orange Money", pages.banner(OPERATOR, "Paiement inconnu"), 404)
        t.approved = True
        await customer_choice(ledger, t, choice, request.query_params.get("callback"))
        target = t.data["return_url"] if t.state is State.SUCCEEDED else t.data["cancel_url"]
        return Redirect(target, status_code=303)

    return Router("/orange", route_handlers=[token, webpayment, transaction_status, page, decide])
