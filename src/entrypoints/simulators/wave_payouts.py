"""Wave's Payout and Balance APIs: `POST /v1/payout` (mandatory `Idempotency-Key`: the same
key with the same bytes answers the first payout again, with other bytes 409
`idempotency-mismatch`), `GET /v1/payout/{id}`, `GET /v1/payouts/search?client_reference=`,
`GET /v1/balance`.

Execution is synchronous: the answer carries the outcome. The amount decides: `02` fails
(`payout_error.error_code` `recipient-account-inactive`), `03` stays `processing`, anything
else `succeeded`. Wave's fee (1 %, rounded down) is charged to the wallet on top of
`receive_amount`; a failed payout charges none."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from litestar import Request, Response, get, post
from litestar.handlers import HTTPRouteHandler

from entrypoints.simulators.common import json_answer, json_body
from entrypoints.simulators.ledger import Ledger, State, Transaction
from entrypoints.simulators.payouts import holdings, payout_outcome
from entrypoints.simulators.scenarios import Outcome

PAYOUTS = "wave_payout"
MOBILE = re.compile(r"\+\d{8,15}")
Refusal = Callable[[Request[Any, Any, Any]], Response[Any] | None]
WalletKey = Callable[[Request[Any, Any, Any]], str]
Mine = Callable[[Request[Any, Any, Any], Transaction], bool]


def error(status: int, code: str, message: str) -> Response[Any]:
    return json_answer({"code": code, "message": message}, status)


def payout_object(t: Transaction) -> dict[str, Any]:
    status = {State.SUCCEEDED: "succeeded", State.FAILED: "failed"}.get(t.state, "processing")
    body: dict[str, Any] = {
        **t.data["request"],
        "id": t.id,
        "fee": str(t.data["fee"]) if t.state is State.SUCCEEDED else "0",
        "status": status,
        "timestamp": t.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if t.state is State.FAILED:
        body["payout_error"] = {
            "error_code": "recipient-account-inactive",
            "error_message": "Le compte Wave du destinataire est inactif",
        }
    return body


def payout_problem(body: Any, currencies: set[str]) -> str | None:
    if not isinstance(body, dict):
        return "body"
    if not isinstance(body.get("receive_amount"), str) or not re.fullmatch(
        r"[1-9]\d*", body["receive_amount"]
    ):
        return "receive_amount"
    if body.get("currency") not in currencies:
        return "currency"
    if not isinstance(body.get("mobile"), str) or not MOBILE.fullmatch(body["mobile"]):
        return "mobile"
    return None


def payout_handlers(
    refused: Refusal,
    ledger: Ledger,
    currencies: set[str],
    received: str,
    wallet_key: WalletKey,
    mine: Mine,
) -> list[HTTPRouteHandler]:
    """`received`: the ledger name of the wallet's checkout payments (its balance);
    `wallet_key`: the key of the calling wallet, `mine`: whether a transaction is the calling
    wallet's. Each wallet's balance holds its own checkout payments and payouts only (a
    country's wallet never shows the default one's money)."""
    by_key: dict[str, tuple[bytes, str]] = {}

    @post("/v1/payout")
    async def create(request: Request[Any, Any, Any]) -> Response[Any]:
        if (refusal := refused(request)) is not None:
            return refusal
        key = request.headers.get("idempotency-key")
        if not key or len(key) > 255:
            return error(400, "request-validation-error",
                         "An 'Idempotency-Key' header is required for POST requests")  # fmt: skip
        raw = await request.body()
        if key in by_key:
            first, payout_id = by_key[key]
            if first != raw:
                return error(409, "idempotency-mismatch", "Key reused with another request")
            return json_answer(payout_object(_get(ledger, payout_id)))
        body = await json_body(request)
        if problem := payout_problem(body, currencies):
            return error(400, "request-validation-error", f"Invalid {problem}")
        t = _record(ledger, body, wallet_key(request))
        by_key[key] = (raw, t.id)
        return json_answer(payout_object(t))

    @get("/v1/payout/{payout_id:str}")
    async def read(request: Request[Any, Any, Any], payout_id: str) -> Response[Any]:
        if (refusal := refused(request)) is not None:
            return refusal
        if (t := ledger.get(PAYOUTS, payout_id)) is None:
            return error(404, "not-found", "No payout with this id")
        return json_answer(payout_object(t))

    @get("/v1/payouts/search")
    async def search(request: Request[Any, Any, Any]) -> Response[Any]:
        if (refusal := refused(request)) is not None:
            return refusal
        wanted = request.query_params.get("client_reference")
        found = [payout_object(t) for t in ledger.find(PAYOUTS, client_reference=wanted)]
        return json_answer({"result": found})

    @get("/v1/balance")
    async def balance(request: Request[Any, Any, Any]) -> Response[Any]:
        if (refusal := refused(request)) is not None:
            return refusal
        held = holdings(ledger, "XOF", received, (PAYOUTS,), lambda t: mine(request, t))
        return json_answer({"amount": str(held), "currency": "XOF"})

    return [create, read, search, balance]


def _record(ledger: Ledger, body: dict[str, Any], wallet: str) -> Transaction:
    amount = int(body["receive_amount"])
    outcome = payout_outcome(amount)
    payout_id = "pt-" + secrets.token_hex(6)
    t = Transaction(PAYOUTS, payout_id, amount, str(body["currency"]), Outcome.NEVER_RESOLVES,
                    phone=body["mobile"])  # fmt: skip
    t.data.update(request=body, client_reference=body.get("client_reference"), fee=amount // 100,
                  wallet=wallet)  # fmt: skip
    if outcome is not Outcome.NEVER_RESOLVES:  # synchronous: decided in the answer
        t.state = State.SUCCEEDED if outcome is Outcome.SUCCEEDS else State.FAILED
        t.completed_at = datetime.now(UTC)
    return ledger.add(t)


def _get(ledger: Ledger, payout_id: str) -> Transaction:
    t = ledger.get(PAYOUTS, payout_id)
    assert t is not None
    return t
