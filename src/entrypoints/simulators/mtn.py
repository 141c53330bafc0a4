"""MTN MoMo: Collection (`/collection/token/`, `requesttopay` POST and GET) and Disbursement
refunds (`/disbursement/token/`, `refund` POST and GET) and transfers (payouts and the
balance: mtn_transfers.py), each product with its own
subscription key and API user, behind Azure APIM.

- Tokens: Basic `apiUser:apiKey` plus `Ocp-Apim-Subscription-Key`; a bad subscription key is
  the APIM 401 with `statusCode`, a bad user or key `{"error": "login_failed"}`; tokens last
  `token_seconds`, after which calls answer 401 without `statusCode`.
- `requesttopay`: `X-Reference-Id` a UUID v4 (400 otherwise, 409 `RESOURCE_ALREADY_EXIST` when
  reused), the target environment (500 `NOT_ALLOWED_TARGET_ENVIRONMENT`), string amount,
  `EUR` only in `sandbox`, notes of at most 160 characters without `'` or `&`, and an
  `X-Callback-Url` on the service's host (500 `INVALID_CALLBACK_URL_HOST`); 202, empty body.
- Status: 200 for PENDING, SUCCESSFUL and FAILED (`reason` a bare string), 404
  `RESOURCE_NOT_FOUND`; the callback is POSTed to `X-Callback-Url` with the same body (PUT
  for the duplicate of the 05 scenario).
- Several environments at once, one per country account (`MTN_MOMO_<CC>_*`, e.g. Cameroon's
  `mtncameroon`): a request is served by the environment whose subscription key it carries,
  with that environment's token and `X-Target-Environment` only, and in its currency (400
  `INVALID_CURRENCY` otherwise, as MTN answers); a reference of one environment is not found
  in another.
- MTN's own sandbox test numbers also decide: 46733123450 fails, ...451 is rejected,
  ...452 never resolves, ...453 succeeds, ...454 stays pending."""

from __future__ import annotations

import base64
import hmac
import re
import secrets
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

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

OPERATOR = "mtn"
REFUNDS = "mtn_refund"
APIM_DENIED = {
    "statusCode": 401,
    "message": "Access denied due to invalid subscription key. "
    "Make sure to provide a valid key for an active subscription.",
}
TEST_NUMBERS = {
    "46733123450": (Outcome.FAILS, "INTERNAL_PROCESSING_ERROR"),
    "46733123451": (Outcome.FAILS, "APPROVAL_REJECTED"),
    "46733123452": (Outcome.NEVER_RESOLVES, None),
    "46733123453": (Outcome.SUCCEEDS, None),
    "46733123454": (Outcome.NEVER_RESOLVES, None),
}
BAD_NOTE = re.compile(r"['&]")
#: The simulators' failure words in MTN's vocabulary.
REASONS = {"insufficient_funds": "NOT_ENOUGH_FUNDS", "declined": "APPROVAL_REJECTED"}


def failure(code: str, message: str, status: int) -> Response[Any]:
    return json_answer({"code": code, "message": message}, status)


def is_uuid4(value: str | None) -> bool:
    try:
        return (
            value is not None
            and uuid.UUID(value).version == 4
            and str(uuid.UUID(value)) == value.lower()
        )
    except ValueError:
        return False


class Tokens:
    """Access tokens of one product, each valid `seconds`."""

    def __init__(self, seconds: int) -> None:
        self._expiry: dict[str, float] = {}
        self.seconds = seconds

    def issue(self) -> dict[str, Any]:
        token = secrets.token_urlsafe(32)
        self._expiry[token] = time.monotonic() + self.seconds
        return {"access_token": token, "token_type": "Bearer", "expires_in": self.seconds}

    def valid(self, header: str | None) -> bool:
        token = (header or "").removeprefix("Bearer ")
        return self._expiry.get(token, 0.0) > time.monotonic()


class Product:
    """One MTN product's credentials check (Collection or Disbursement)."""

    def __init__(self, config: SimulatorConfig, prefix: str) -> None:
        self.key = config.get(f"MTN_MOMO_{prefix}SUBSCRIPTION_KEY")
        user, secret = (
            config.get(f"MTN_MOMO_{prefix}API_USER"),
            config.get(f"MTN_MOMO_{prefix}API_KEY"),
        )
        self.basic = "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()
        self.tokens = Tokens(config.token_seconds)

    def token(self, request: Request[Any, Any, Any]) -> Response[Any]:
        if not hmac.compare_digest(request.headers.get("ocp-apim-subscription-key", ""), self.key):
            return json_answer(APIM_DENIED, 401)
        if not hmac.compare_digest(request.headers.get("authorization", ""), self.basic):
            return json_answer({"error": "login_failed"}, 401)
        return json_answer(self.tokens.issue())

    def refused(self, request: Request[Any, Any, Any], environment: str) -> Response[Any] | None:
        if not hmac.compare_digest(request.headers.get("ocp-apim-subscription-key", ""), self.key):
            return json_answer(APIM_DENIED, 401)
        if not self.tokens.valid(request.headers.get("authorization")):
            return json_answer({}, 401)
        if request.headers.get("x-target-environment") != environment:
            return failure(
                "NOT_ALLOWED_TARGET_ENVIRONMENT", "Access to target environment is forbidden", 500
            )
        return None


#: The currency of each target environment (payouts-and-countries.md 1.1).
CURRENCIES = {
    "mtnivorycoast": "XOF",
    "mtnbenin": "XOF",
    "mtncameroon": "XAF",
    "mtncongo": "XAF",
    "mtnghana": "GHS",
    "mtnuganda": "UGX",
    "mtnzambia": "ZMW",
    "mtnguineaconakry": "GNF",
    "mtnrwanda": "RWF",
}


class Environment:
    """One target environment (a country's account): its products and its currency."""

    def __init__(self, config: SimulatorConfig, prefix: str) -> None:
        self.name = config.get(f"MTN_MOMO_{prefix}TARGET_ENVIRONMENT")
        self.collection = Product(config, prefix)
        self.currency = CURRENCIES.get(self.name)


def environments(config: SimulatorConfig) -> list[Environment]:
    """The default environment first, then each country account's."""
    countries = config.country_accounts("MTN_MOMO_")
    return [Environment(config, ""), *(Environment(config, f"{c}_") for c in countries)]


def status_body(t: Transaction) -> dict[str, Any]:
    body: dict[str, Any] = {
        "amount": str(t.amount),
        "currency": t.currency,
        "externalId": t.data.get("externalId", ""),
        "payer": {"partyIdType": "MSISDN", "partyId": t.phone},
        "payerMessage": t.data.get("payerMessage", ""),
        "payeeNote": t.data.get("payeeNote", ""),
        "status": {State.SUCCEEDED: "SUCCESSFUL", State.PENDING: "PENDING"}.get(t.state, "FAILED"),
    }
    if t.transaction_id:
        body["financialTransactionId"] = t.transaction_id
    if t.state is State.FAILED:
        body["reason"] = t.data.get("reason") or REASONS.get(
            t.failure or "", "INTERNAL_PROCESSING_ERROR"
        )
    return body


def payment_problem(body: Any, sandbox: bool) -> str | None:
    """Why MTN refuses a requesttopay body with 400, or None."""
    if not isinstance(body, dict):
        return "Request body is not valid JSON"
    payer = body.get("payer")
    if not isinstance(body.get("amount"), str) or not re.fullmatch(r"\d+(\.\d+)?", body["amount"]):
        return "Invalid amount"
    if sandbox and body.get("currency") != "EUR":
        return "Currency not supported."
    if not isinstance(payer, dict) or payer.get("partyIdType") != "MSISDN":
        return "Invalid payer"
    if not re.fullmatch(r"\d{8,15}", str(payer.get("partyId", ""))):
        return "Invalid MSISDN"
    for note in ("payerMessage", "payeeNote"):
        text = body.get(note) or ""
        if not isinstance(text, str) or len(text) > 160 or BAD_NOTE.search(text):
            return f"Invalid {note}"
    return None


def build(config: SimulatorConfig, ledger: Ledger) -> Router:
    served = environments(config)
    environment = served[0].name
    disbursement = Product(config, "DISBURSEMENT_")
    callback_host = urlsplit(config.service_url).hostname

    def environment_of(request: Request[Any, Any, Any]) -> Environment:
        """The environment whose subscription key the request carries (else the default's,
        which then refuses the key)."""
        key = request.headers.get("ocp-apim-subscription-key", "")
        found = (e for e in served if hmac.compare_digest(key, e.collection.key))
        return next(found, served[0])

    async def notify(t: Transaction) -> None:
        url = t.data.get("callback_url")
        if not url:
            return
        delivered = t.data.setdefault("callbacks_sent", 0)
        t.data["callbacks_sent"] = delivered + 1
        method = "PUT" if delivered else "POST"  # MTN calls with either; a duplicate uses the other
        await ledger.deliver(method, url, json=status_body(t))

    ledger.notifier(OPERATOR, notify)

    @post("/collection/token/")
    async def collection_token(request: Request[Any, Any, Any]) -> Response[Any]:
        return environment_of(request).collection.token(request)

    @post("/disbursement/token/")
    async def disbursement_token(request: Request[Any, Any, Any]) -> Response[Any]:
        return disbursement.token(request)

    @post("/collection/v1_0/requesttopay")
    async def request_to_pay(request: Request[Any, Any, Any]) -> Response[Any]:
        account = environment_of(request)
        if (refusal := account.collection.refused(request, account.name)) is not None:
            return refusal
        reference = request.headers.get("x-reference-id")
        if not is_uuid4(reference):
            return failure("BAD_REQUEST", "X-Reference-Id must be a UUID v4", 400)
        callback = request.headers.get("x-callback-url")
        if callback is not None and not callback:
            return failure("BAD_REQUEST", "X-Callback-Url must not be empty", 400)
        if callback and callback_host and urlsplit(callback).hostname != callback_host:
            return failure("INVALID_CALLBACK_URL_HOST", "Callback URL host is not registered", 500)
        body = await json_body(request)
        if problem := payment_problem(body, account.name == "sandbox"):
            return failure("BAD_REQUEST", problem, 400)
        if account.currency and body.get("currency") != account.currency:
            message = "Invalid currency - needs to match the target environment currency"
            return failure("INVALID_CURRENCY", message, 400)
        assert reference is not None
        if ledger.get(OPERATOR, reference):
            return failure("RESOURCE_ALREADY_EXIST", "Duplicated reference id", 409)
        phone = str(body["payer"]["partyId"])
        outcome, reason = TEST_NUMBERS.get(phone, (outcome_for(int(float(body["amount"]))), None))
        if outcome is Outcome.START_UNAVAILABLE:
            return failure("SERVICE_UNAVAILABLE", "Service unavailable", 503)
        t = Transaction(
            OPERATOR,
            reference,
            int(float(body["amount"])),
            str(body.get("currency")),
            outcome,
            phone=phone,
        )
        t.data.update(
            externalId=body.get("externalId"),
            payerMessage=body.get("payerMessage"),
            payeeNote=body.get("payeeNote"),
            callback_url=callback,
            reason=reason,
            environment=account.name,
        )
        ledger.add(t)
        await start_delay(outcome, config.hang_seconds)
        return empty(202)

    @get("/collection/v1_0/requesttopay/{reference:str}")
    async def payment_status(request: Request[Any, Any, Any], reference: str) -> Response[Any]:
        account = environment_of(request)
        if (refusal := account.collection.refused(request, account.name)) is not None:
            return refusal
        t = ledger.get(OPERATOR, reference)
        if t is None or t.data.get("environment", environment) != account.name:
            return failure("RESOURCE_NOT_FOUND", "Requested resource was not found.", 404)
        return json_answer(status_body(t))

    @post("/disbursement/v1_0/refund")
    async def refund(request: Request[Any, Any, Any]) -> Response[Any]:
        if (refusal := disbursement.refused(request, environment)) is not None:
            return refusal
        reference = request.headers.get("x-reference-id")
        if not is_uuid4(reference):
            return failure("BAD_REQUEST", "X-Reference-Id must be a UUID v4", 400)
        assert reference is not None
        if ledger.get(REFUNDS, reference):
            return failure("RESOURCE_ALREADY_EXIST", "Duplicated reference id", 409)
        body = await json_body(request)
        if not isinstance(body, dict) or not re.fullmatch(r"\d+", str(body.get("amount", ""))):
            return failure("BAD_REQUEST", "Invalid amount", 400)
        original = ledger.get(OPERATOR, str(body.get("referenceIdToRefund")))
        amount = int(body["amount"])
        refund = Transaction(
            REFUNDS,
            reference,
            amount,
            str(body.get("currency")),
            Outcome.SUCCEEDS,
            phone=original.phone if original else None,
        )
        refund.data.update(
            externalId=body.get("externalId"),
            payerMessage=body.get("payerMessage"),
            payeeNote=body.get("payeeNote"),
        )
        if original is None or original.state is not State.SUCCEEDED:
            refund.state, refund.data["reason"] = State.FAILED, "PAYEE_NOT_FOUND"
        elif original.refunded + amount > original.amount or amount % 100 == 2:
            refund.state, refund.data["reason"] = State.FAILED, "NOT_ENOUGH_FUNDS"
        elif amount % 100 == 3:
            refund.outcome = Outcome.NEVER_RESOLVES
        else:
            original.refunded += amount
            refund.state, refund.transaction_id = State.SUCCEEDED, "SIM" + secrets.token_hex(5)
        ledger.add(refund)
        return empty(202)

    @get("/disbursement/v1_0/refund/{reference:str}")
    async def refund_status(request: Request[Any, Any, Any], reference: str) -> Response[Any]:
        if (refusal := disbursement.refused(request, environment)) is not None:
            return refusal
        if (t := ledger.get(REFUNDS, reference)) is None:
            return failure("RESOURCE_NOT_FOUND", "Requested resource was not found.", 404)
        body = status_body(t)
        body["payee"] = body.pop("payer")
        return json_answer(body)

    @get("/phone")
    async def phone() -> Response[Any]:
        return pages.phone(OPERATOR, ledger.open(OPERATOR), "/mtn/phone")

    @post("/phone/{reference:str}/{choice:str}", status_code=303)
    async def decide(request: Request[Any, Any, Any], reference: str, choice: str) -> Any:
        t = ledger.get(OPERATOR, reference)
        if t is not None and choice in ("approve", "decline"):
            await customer_choice(ledger, t, choice, request.query_params.get("callback"))
        return Redirect("/mtn/phone", status_code=303)

    from entrypoints.simulators.mtn_transfers import transfer_handlers  # payouts

    return Router(
        "/mtn",
        route_handlers=[
            collection_token,
            disbursement_token,
            request_to_pay,
            payment_status,
            refund,
            refund_status,
            phone,
            decide,
            *transfer_handlers(disbursement, environment, ledger),
        ],
    )
