"""MTN MoMo Disbursement transfers (payouts) and the Disbursement account's balance, behind
the same Disbursement token as refunds.

- `POST /disbursement/v1_0/transfer`: `X-Reference-Id` a UUID v4 (400 otherwise, 409
  `RESOURCE_ALREADY_EXIST` when reused), string amount (`EUR` only in `sandbox`), `payee
  {partyIdType: MSISDN, partyId}`, notes as for payments; 202, empty body. The amount decides:
  `02` fails after the approval delay (`PAYEE_NOT_ALLOWED_TO_RECEIVE`), `03` stays PENDING,
  anything else succeeds after the delay.
- `GET /disbursement/v1_0/transfer/{ref}`: 200 PENDING | SUCCESSFUL | FAILED (`reason`), 404
  `RESOURCE_NOT_FOUND`.
- `GET /disbursement/v1_0/account/balance`: `{"availableBalance": "<string>", "currency"}`,
  what the simulated wallet holds (payouts.py)."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, Response, get, post
from litestar.handlers import HTTPRouteHandler

from entrypoints.simulators.common import empty, json_answer, json_body
from entrypoints.simulators.ledger import Ledger, Transaction
from entrypoints.simulators.mtn import (
    BAD_NOTE,
    OPERATOR,
    Product,
    failure,
    is_uuid4,
    status_body,
)
from entrypoints.simulators.payouts import holdings, payout_outcome

TRANSFERS = "mtn_transfer"
#: The currency of a target environment's wallet (the sandbox's is EUR).
CURRENCIES = {
    "sandbox": "EUR",
    "mtncameroon": "XAF",
    "mtncongo": "XAF",
    "mtnghana": "GHS",
    "mtnuganda": "UGX",
    "mtnzambia": "ZMW",
    "mtnguineaconakry": "GNF",
    "mtnrwanda": "RWF",
    "mtnnigeria": "NGN",
}


def transfer_problem(body: Any, sandbox: bool) -> str | None:
    """Why MTN refuses a transfer body with 400, or None."""
    if not isinstance(body, dict):
        return "Request body is not valid JSON"
    payee = body.get("payee")
    if not isinstance(body.get("amount"), str) or not re.fullmatch(r"\d+", body["amount"]):
        return "Invalid amount"
    if sandbox and body.get("currency") != "EUR":
        return "Currency not supported."
    if not isinstance(payee, dict) or payee.get("partyIdType") != "MSISDN":
        return "Invalid payee"
    if not re.fullmatch(r"\d{8,15}", str(payee.get("partyId", ""))):
        return "Invalid MSISDN"
    for note in ("payerMessage", "payeeNote"):
        text = body.get(note) or ""
        if not isinstance(text, str) or len(text) > 160 or BAD_NOTE.search(text):
            return f"Invalid {note}"
    return None


def transfer_handlers(
    disbursement: Product, environment: str, ledger: Ledger
) -> list[HTTPRouteHandler]:
    currency = CURRENCIES.get(environment, "XOF")

    @post("/disbursement/v1_0/transfer")
    async def transfer(request: Request[Any, Any, Any]) -> Response[Any]:
        if (refusal := disbursement.refused(request, environment)) is not None:
            return refusal
        reference = request.headers.get("x-reference-id")
        if not is_uuid4(reference):
            return failure("BAD_REQUEST", "X-Reference-Id must be a UUID v4", 400)
        assert reference is not None
        if ledger.get(TRANSFERS, reference):
            return failure("RESOURCE_ALREADY_EXIST", "Duplicated reference id", 409)
        body = await json_body(request)
        if problem := transfer_problem(body, environment == "sandbox"):
            return failure("BAD_REQUEST", problem, 400)
        amount, phone = int(body["amount"]), str(body["payee"]["partyId"])
        t = Transaction(TRANSFERS, reference, amount, str(body["currency"]),
                        payout_outcome(amount), phone=phone)  # fmt: skip
        t.data.update(
            externalId=body.get("externalId"),
            payerMessage=body.get("payerMessage"),
            payeeNote=body.get("payeeNote"),
            reason="PAYEE_NOT_ALLOWED_TO_RECEIVE",
        )
        ledger.add(t)
        return empty(202)

    @get("/disbursement/v1_0/transfer/{reference:str}")
    async def transfer_status(request: Request[Any, Any, Any], reference: str) -> Response[Any]:
        if (refusal := disbursement.refused(request, environment)) is not None:
            return refusal
        if (t := ledger.get(TRANSFERS, reference)) is None:
            return failure("RESOURCE_NOT_FOUND", "Requested resource was not found.", 404)
        body = status_body(t)
        body["payee"] = body.pop("payer")
        return json_answer(body)

    @get("/disbursement/v1_0/account/balance")
    async def balance(request: Request[Any, Any, Any]) -> Response[Any]:
        if (refusal := disbursement.refused(request, environment)) is not None:
            return refusal
        held = holdings(ledger, currency, OPERATOR, (TRANSFERS,))  # refunds: `refunded`
        return json_answer({"availableBalance": str(held), "currency": currency})

    return [transfer, transfer_status, balance]
