"""Wave Checkout: `POST/GET /v1/checkout/sessions`, search by `client_reference`, lookup by
`transaction_id`, `expire`, `refund` (full only), payouts and the balance (wave_payouts.py),
Bearer API key, the `{code, message}` error
envelope, and `checkout.session.*` events signed with `Wave-Signature: t=<ts>,v1=<hex>`
(HMAC-SHA256 of the timestamp followed by the raw body) sent to the registered webhook URL.

Several wallets at once, one per country account (`WAVE_<CC>_API_KEY` and
`WAVE_<CC>_WEBHOOK_SECRET`, e.g. Côte d'Ivoire's): a session belongs to the wallet whose key
created it, is seen only with that key, and its events are signed with that wallet's secret
and sent to that account's webhook (`/payment/webhook/wave/<cc>/`). A country wallet refuses a
payer's number of another country (400 `country-mismatch`).

A failed attempt does not end a session: it stays `open` (payment_status `cancelled`, with a
`last_payment_error`) until it expires; the 02 scenario fails the attempt and expires it."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.response import Redirect

from entrypoints.simulators import pages
from entrypoints.simulators.common import (
    customer_choice,
    empty,
    json_answer,
    json_body,
    start_delay,
)
from entrypoints.simulators.config import SimulatorConfig
from entrypoints.simulators.ledger import Ledger, State, Transaction
from entrypoints.simulators.scenarios import Outcome, outcome_for

OPERATOR = "wave"
CURRENCIES = {"XOF", "GHS", "SLL", "USD"}
SESSION_TTL = timedelta(minutes=30)


def error(status: int, code: str, message: str) -> Response[Any]:
    return json_answer({"code": code, "message": message}, status)


def session(t: Transaction) -> dict[str, Any]:
    """The session object as Wave shows it."""
    checkout = {State.PENDING: "open", State.SUCCEEDED: "complete"}.get(t.state, "expired")
    if t.state is State.SUCCEEDED:
        payment = "succeeded"
    elif t.data.get("attempt_failed"):
        payment = "cancelled"
    else:
        payment = "processing"
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    return {
        "id": t.id,
        "amount": str(t.amount),
        "currency": t.currency,
        "business_name": "Boutique simulée",
        "checkout_status": checkout,
        "payment_status": payment,
        "client_reference": t.data.get("client_reference"),
        "last_payment_error": t.data.get("attempt_failed"),
        "transaction_id": t.transaction_id,
        "success_url": t.data["success_url"],
        "error_url": t.data["error_url"],
        "wave_launch_url": t.data["launch_url"],
        "when_created": t.created_at.strftime(stamp),
        "when_expires": (t.created_at + SESSION_TTL).strftime(stamp),
        "when_completed": t.completed_at.strftime(stamp) if t.completed_at else None,
        **({"restrict_payer_mobile": t.phone} if t.phone else {}),
    }


def validation_problems(body: Any) -> list[str]:
    if not isinstance(body, dict):
        return ["body"]
    problems = []
    if not isinstance(body.get("amount"), str) or not re.fullmatch(r"\d+", body["amount"]):
        problems.append("amount")
    if body.get("currency") not in CURRENCIES:
        problems.append("currency")
    for name in ("success_url", "error_url"):
        if not isinstance(body.get(name), str) or not body[name].startswith(("https://", "http")):
            problems.append(name)
    return problems


#: The calling code of each country a wallet may be in.
CALLING_CODES = {"SN": "+221", "CI": "+225", "ML": "+223", "BF": "+226", "UG": "+256"}


@dataclass(frozen=True, slots=True)
class Wallet:
    """A business wallet: its key, its signing secret, where its events go, and its country
    (None: the default account's wallet, which takes any number)."""

    key: str
    secret: str
    webhook_url: str
    country: str | None = None


def wallets(config: SimulatorConfig) -> list[Wallet]:
    default = Wallet(
        config.get("WAVE_API_KEY"), config.get("WAVE_WEBHOOK_SECRET"), config.wave_webhook_url
    )
    countries = [
        Wallet(
            config.get(f"WAVE_{cc}_API_KEY"),
            config.get(f"WAVE_{cc}_WEBHOOK_SECRET"),
            f"{config.service_url}/payment/webhook/wave/{cc.lower()}/",
            cc,
        )
        for cc in config.country_accounts("WAVE_")
    ]
    return [default, *countries]


def build(config: SimulatorConfig, ledger: Ledger) -> Router:
    served = wallets(config)

    def wallet_of(request: Request[Any, Any, Any]) -> Wallet | None:
        header = request.headers.get("authorization") or ""
        return next((w for w in served if hmac.compare_digest(header, f"Bearer {w.key}")), None)

    def refused(request: Request[Any, Any, Any]) -> Response[Any] | None:
        header = request.headers.get("authorization")
        if not header:
            return error(401, "missing-auth-header", "Authorization header is missing")
        if wallet_of(request) is None:
            return error(401, "no-matching-api-key", "No API key matches")
        return None

    def mine(request: Request[Any, Any, Any], t: Transaction) -> bool:
        wallet = wallet_of(request)
        return wallet is not None and t.data.get("wallet", served[0].key) == wallet.key

    async def send_event(t: Transaction) -> None:
        kind = (
            "checkout.session.completed"
            if t.state is State.SUCCEEDED
            else ("checkout.session.payment_failed")
        )
        event = {"id": "AE_sim_" + secrets.token_hex(8), "type": kind, "data": session(t)}
        raw = json.dumps(event).encode()
        stamp = str(int(time.time()))
        wallet = next((w for w in served if w.key == t.data.get("wallet")), served[0])
        digest = hmac.new(wallet.secret.encode(), stamp.encode() + raw, hashlib.sha256)
        signature = f"t={stamp},v1={digest.hexdigest()}"
        headers = {"Wave-Signature": signature, "Content-Type": "application/json"}
        await ledger.deliver("POST", wallet.webhook_url, content=raw, headers=headers)

    async def notify(t: Transaction) -> None:
        if t.state is State.FAILED:
            # a failed attempt: announced, the session stays open until it expires
            t.data["attempt_failed"] = {
                "code": "insufficient-funds",
                "message": "Solde insuffisant",
            }
            t.state = State.PENDING
            await send_event(t)
            if t.outcome is Outcome.FAILS:
                ledger.expire(t)
            return
        await send_event(t)

    ledger.notifier(OPERATOR, notify)

    @post("/v1/checkout/sessions")
    async def create(request: Request[Any, Any, Any]) -> Response[Any]:
        if (refusal := refused(request)) is not None:
            return refusal
        body = await json_body(request)
        if body is None:
            return error(400, "request-not-json", "The body is not JSON")
        if problems := validation_problems(body):
            return error(422, "request-validation-error", f"Invalid fields: {', '.join(problems)}")
        wallet = wallet_of(request)
        assert wallet is not None
        payer = str(body.get("restrict_payer_mobile") or "")
        code = CALLING_CODES.get(wallet.country or "")
        if payer and code and not payer.startswith(code):
            message = "the payer must be in the same country as your business"
            return error(400, "country-mismatch", message)
        outcome = outcome_for(int(body["amount"]))
        if outcome is Outcome.START_UNAVAILABLE:
            return error(503, "service-unavailable", "Service temporarily unavailable")
        session_id = "cos-" + secrets.token_hex(7)
        t = Transaction(
            OPERATOR,
            session_id,
            int(body["amount"]),
            body["currency"],
            outcome,
            phone=body.get("restrict_payer_mobile"),
        )
        t.data.update(
            client_reference=body.get("client_reference"),
            success_url=body["success_url"],
            error_url=body["error_url"],
            launch_url=f"{config.public_url}/wave/pay/{session_id}",
            wallet=wallet.key,
        )
        ledger.add(t)
        await start_delay(outcome, config.hang_seconds)
        return json_answer(session(t))

    @get("/v1/checkout/sessions/search")
    async def search(request: Request[Any, Any, Any]) -> Response[Any]:
        if (refusal := refused(request)) is not None:
            return refusal
        reference = request.query_params.get("client_reference")
        found = ledger.find(OPERATOR, client_reference=reference)
        return json_answer({"result": [session(t) for t in found if mine(request, t)]})

    @get("/v1/checkout/sessions")
    async def by_transaction(request: Request[Any, Any, Any]) -> Response[Any]:
        if (refusal := refused(request)) is not None:
            return refusal
        wanted = request.query_params.get("transaction_id")
        found = [
            t for t in ledger.find(OPERATOR) if t.transaction_id and t.transaction_id == wanted
        ]
        if not found:
            return error(404, "checkout-session-not-found", "No session has this transaction")
        return json_answer(session(found[0]))

    def lookup(session_id: str) -> Transaction | None:
        return ledger.get(OPERATOR, session_id)

    @get("/v1/checkout/sessions/{session_id:str}")
    async def read(request: Request[Any, Any, Any], session_id: str) -> Response[Any]:
        if (refusal := refused(request)) is not None:
            return refusal
        if (t := lookup(session_id)) is None or not mine(request, t):
            return error(404, "checkout-session-not-found", "Checkout session not found")
        return json_answer(session(t))

    @post("/v1/checkout/sessions/{session_id:str}/expire")
    async def expire(request: Request[Any, Any, Any], session_id: str) -> Response[Any]:
        if (refusal := refused(request)) is not None:
            return refusal
        if (t := lookup(session_id)) is None:
            return error(404, "checkout-session-not-found", "Checkout session not found")
        if not ledger.expire(t):
            return error(409, "checkout-session-not-open", "Only an open session can expire")
        return empty(200)

    @post("/v1/checkout/sessions/{session_id:str}/refund")
    async def refund(request: Request[Any, Any, Any], session_id: str) -> Response[Any]:
        if (refusal := refused(request)) is not None:
            return refusal
        if (t := lookup(session_id)) is None:
            return error(404, "checkout-session-not-found", "Checkout session not found")
        if t.state is not State.SUCCEEDED or t.refunded or t.amount % 100 == 8:
            return error(400, "checkout-refund-failed", "This session cannot be refunded")
        t.refunded = t.amount
        return empty(200)

    @get("/pay/{session_id:str}")
    async def page(session_id: str) -> Response[Any]:
        if (t := lookup(session_id)) is None:
            return pages.html("Wave", pages.banner(OPERATOR, "Session inconnue"), 404)
        body = pages.banner(OPERATOR, "Payer avec Wave") + pages.amount(t)
        if t.is_open:
            if t.data.get("attempt_failed"):
                body += "<p id='attempt-failed'>Le dernier essai n'a pas abouti.</p>"
            body += pages.decision_buttons(f"/wave/pay/{session_id}")
            body += pages.back_link(t.data["error_url"], "Annuler et revenir au marchand")
        else:  # paid, refused or expired: back to the merchant, as Wave's page does
            body += pages.settled(t)
            succeeded = t.state is State.SUCCEEDED
            body += pages.back_link(t.data["success_url" if succeeded else "error_url"])
        return pages.html("Payer avec Wave", body)

    @post("/pay/{session_id:str}/{choice:str}", status_code=303)
    async def decide(request: Request[Any, Any, Any], session_id: str, choice: str) -> Any:
        if (t := lookup(session_id)) is None or choice not in ("approve", "decline"):
            return pages.html("Wave", pages.banner(OPERATOR, "Session inconnue"), 404)
        await customer_choice(ledger, t, choice, request.query_params.get("callback"))
        target = t.data["success_url"] if t.state is State.SUCCEEDED else t.data["error_url"]
        return Redirect(target, status_code=303)

    from entrypoints.simulators.wave_payouts import payout_handlers  # payouts, balance

    def wallet_key(request: Request[Any, Any, Any]) -> str:
        return (wallet_of(request) or served[0]).key

    payouts = payout_handlers(refused, ledger, CURRENCIES, OPERATOR, wallet_key, mine)
    return Router(
        "/wave",
        route_handlers=[create, search, by_transaction, read, expire, refund, page, decide,
                        *payouts],
    )  # fmt: skip
