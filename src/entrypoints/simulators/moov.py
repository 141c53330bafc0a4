"""Moov Money Benin's merchant API (SOAP 1.1 at `/com.tlc.merchant.api/UssdPush`): `Push`,
`PushWithPending`, `getTransactionStatus`, `transferFlooz` (refunds and payouts: 02 fails, 03
stays pending) and `getBalance` (the merchant wallet), each carrying the token
base64(AES-256-CBC("0:<username>:<password>", key, zero IV, PKCS#7)); a wrong token is status
98, an unknown transaction 94, a malformed amount a SOAP fault ("For input string").

`PushWithPending` answers at once with status 100 "IN PENDING STATE" and no referenceid; the
status query takes Moov's referenceid or the push's `externaldata1`. No callback exists: the
service learns the outcome by asking."""

from __future__ import annotations

import base64
import re
import secrets
from typing import Any
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from litestar import Request, Response, Router, get, post
from litestar.response import Redirect

from entrypoints.simulators import pages
from entrypoints.simulators.common import customer_choice, start_delay
from entrypoints.simulators.config import MOOV_PATH, SimulatorConfig
from entrypoints.simulators.ledger import Ledger, State, Transaction
from entrypoints.simulators.payouts import holdings
from entrypoints.simulators.scenarios import Outcome, outcome_for

OPERATOR = "moov"
TRANSFERS = "moov_transfer"
ENVELOPE = "http://schemas.xmlsoap.org/soap/envelope/"
#: The status codes the simulator gives ([C-sdk] status table).
DONE, NO_BALANCE, TIMED_OUT, NOT_FOUND, BAD_CREDENTIALS, PENDING = (
    "0",
    "10",
    "92",
    "94",
    "98",
    "100",
)


def expected_token(username: str, password: str, key: bytes) -> str:
    padder = padding.PKCS7(128).padder()
    data = padder.update(f"0:{username}:{password}".encode()) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(bytes(16))).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode()


def answer(
    operation: str, element: str, fields: dict[str, str], status: int = 200
) -> Response[bytes]:
    inner = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in fields.items())
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{ENVELOPE}">'
        f'<soap:Body><ns2:{operation}Response xmlns:ns2="http://tlc.com.ph/">'
        f"<{element}>{inner}</{element}></ns2:{operation}Response></soap:Body></soap:Envelope>"
    )
    return Response(xml.encode(), status_code=status, media_type="text/xml; charset=utf-8")


def fault(message: str) -> Response[bytes]:
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="{ENVELOPE}"><soap:Body>'
        f"<soap:Fault><faultcode>soap:Server</faultcode><faultstring>{escape(message)}"
        "</faultstring></soap:Fault></soap:Body></soap:Envelope>"
    )
    return Response(xml.encode(), status_code=500, media_type="text/xml; charset=utf-8")


def parse(raw: bytes) -> tuple[str, dict[str, str]] | None:
    """The operation's local name and its fields (nested `<request>` fields flattened)."""
    try:
        root = SafeET.fromstring(raw, forbid_dtd=True)
    except Exception:  # anything unreadable is a fault
        return None
    body = next((e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "Body"), None)
    if body is None or len(body) == 0:
        return None
    operation = body[0]
    fields = {e.tag.rsplit("}", 1)[-1]: (e.text or "").strip() for e in operation.iter()}
    return operation.tag.rsplit("}", 1)[-1], fields


def status_code(t: Transaction) -> str:
    if t.state is State.SUCCEEDED:
        return DONE
    if t.state is State.PENDING:
        return PENDING
    return NO_BALANCE if t.failure == "insufficient_funds" else TIMED_OUT


def build(config: SimulatorConfig, ledger: Ledger) -> Router:
    token = expected_token(
        config.get("MOOV_MONEY_USERNAME"), config.get("MOOV_MONEY_PASSWORD"), config.moov_key
    )

    def transaction(transid: str) -> Transaction | None:
        found = ledger.get(OPERATOR, transid) or ledger.get(TRANSFERS, transid)
        if found is None:
            matches = ledger.find(OPERATOR, externaldata1=transid)
            found = matches[-1] if matches else None
        return found

    async def push(operation: str, fields: dict[str, str]) -> Response[bytes]:
        if not re.fullmatch(r"\d+", fields.get("amount", "")):
            return fault('For input string: "' + fields.get("amount", "") + '"')
        if not re.fullmatch(r"229\d{8,10}", fields.get("msisdn", "")):
            return answer(operation, "return", {"status": "3", "description": "NUMBER NOT VALID"})
        amount = int(fields["amount"])
        outcome = outcome_for(amount)
        if outcome is Outcome.START_UNAVAILABLE:
            return answer(operation, "return", {"status": "99", "description": "INTERNAL ERROR"})
        reference = "7" + "".join(secrets.choice("0123456789") for _ in range(14))
        t = Transaction(OPERATOR, reference, amount, "XOF", outcome, phone=fields["msisdn"])
        t.data.update(externaldata1=fields.get("externaldata1"), message=fields.get("message"))
        ledger.add(t)
        await start_delay(outcome, config.hang_seconds)
        return answer(
            operation,
            "return",
            {
                "status": PENDING,
                "description": "IN PENDING STATE",
                "transid": fields.get("externaldata1", ""),
            },
        )

    def status(fields: dict[str, str]) -> Response[bytes]:
        t = transaction(fields.get("transid", ""))
        if t is None:
            return answer(
                "getTransactionStatus",
                "response",
                {"status": NOT_FOUND, "description": "TRANSACTION DOES NOT EXIST"},
            )
        code = status_code(t)
        words = {DONE: "SUCCESS", PENDING: "IN PENDING STATE"}.get(code, "FAILED")
        return answer(
            "getTransactionStatus",
            "response",
            {"description": words, "referenceid": t.id, "status": code},
        )

    def transfer(fields: dict[str, str]) -> Response[bytes]:
        if not re.fullmatch(r"\d+", fields.get("amount", "")):
            return fault('For input string: "' + fields.get("amount", "") + '"')
        amount = int(fields["amount"])
        reference = "8" + "".join(secrets.choice("0123456789") for _ in range(14))
        t = Transaction(
            TRANSFERS, reference, amount, "XOF", Outcome.SUCCEEDS, phone=fields.get("destination")
        )
        if amount % 100 == 2:
            t.state, t.failure = State.FAILED, "insufficient_funds"
        elif amount % 100 != 3:
            t.state, t.transaction_id = State.SUCCEEDED, reference
        else:
            t.outcome = Outcome.NEVER_RESOLVES
        ledger.add(t)
        return answer(
            "transferFlooz",
            "return",
            {"status": status_code(t), "referenceid": reference, "description": "TRANSFER"},
        )

    @post(MOOV_PATH)
    async def soap(request: Request[Any, Any, Any]) -> Response[bytes]:
        parsed = parse(await request.body())
        if parsed is None:
            return fault("Unreadable SOAP request")
        operation, fields = parsed
        given = str(fields.get("token") or "").encode()
        if not secrets.compare_digest(given, token.encode()):
            return answer(
                operation,
                "return",
                {"status": BAD_CREDENTIALS, "description": "INVALID CREDENTIALS"},
            )
        if operation in ("Push", "PushWithPending"):
            return await push(operation, fields)
        if operation == "getTransactionStatus":
            return status(fields)
        if operation == "transferFlooz":
            return transfer(fields)
        if operation == "getBalance":  # the merchant wallet: payments less transfers out
            held = holdings(ledger, "XOF", OPERATOR, (TRANSFERS,))
            return answer(operation, "return", {"balance": str(held), "status": DONE})
        return fault(f"Unknown operation {operation}")

    @get("/phone")
    async def phone() -> Response[Any]:
        return pages.phone(OPERATOR, ledger.open(OPERATOR), "/moov/phone")

    @post("/phone/{reference:str}/{choice:str}", status_code=303)
    async def decide(request: Request[Any, Any, Any], reference: str, choice: str) -> Any:
        t = ledger.get(OPERATOR, reference)
        if t is not None and choice in ("approve", "decline"):
            await customer_choice(ledger, t, choice, request.query_params.get("callback"))
        return Redirect("/moov/phone", status_code=303)

    return Router("/moov", route_handlers=[soap, phone, decide])
