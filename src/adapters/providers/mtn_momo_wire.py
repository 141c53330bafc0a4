"""MTN MoMo's wire format: the request-to-pay body, its status answer in our words, and its
error shapes (reference/providers.md 1.4 to 1.9). Pure functions, no I/O."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx
import structlog

from adapters.providers.http import json_body
from application.errors import ProviderRejected
from domain.errors import UnsupportedCurrency
from domain.money import Currency, Money
from domain.order import Order
from domain.payment import Payment
from domain.provider_report import ProviderReport, ReportedStatus
from domain.refund import Refund

log = structlog.get_logger(__name__)

#: The sandbox takes EUR only (1.4); what it reports in EUR is what we asked in our currency.
SANDBOX_CURRENCY = "EUR"
NOTE_MAX = 160
#: What is kept of a note: MTN refuses apostrophes, `&` and other "special characters" (1.4),
#: so anything but ASCII letters, digits and a little punctuation becomes a space [I].
_NOT_ALLOWED_IN_NOTES = re.compile(r"[^A-Za-z0-9 .,:_#/()-]+")

#: Codes of a 5xx answer that are MTN's refusal, not an outage (1.4, 1.8): nothing was created.
REFUSED_ON_5XX = frozenset(
    {
        "PAYER_NOT_FOUND",
        "PAYEE_NOT_FOUND",
        "NOT_ALLOWED",
        "NOT_ALLOWED_TARGET_ENVIRONMENT",
        "INVALID_CALLBACK_URL_HOST",
        "INVALID_CURRENCY",
        "PAYEE_NOT_ALLOWED_TO_RECEIVE",
        "NOT_ENOUGH_FUNDS",
        "PAYER_LIMIT_REACHED",
        "SENDER_ACCOUNT_NOT_ACTIVE",
        "VALIDATION_ERROR",
    }
)

FAILURE_MESSAGES = {
    "not_enough_funds": "The payer's balance is too low",
    "payer_limit_reached": "The payer's transaction limit is reached",
    "payer_not_found": "This number has no MTN Mobile Money account",
    "could_not_perform_transaction": "The payer did not approve in time",
    "approval_rejected": "The payer declined the payment",
    "sender_account_not_active": "The payer's account is blocked",
    "expired": "The request expired",
    "transaction_canceled": "The request was cancelled",
}


# -- the request ---------------------------------------------------------------------------


def request_body(payment: Payment, order: Order, *, sandbox: bool) -> dict[str, Any]:
    """Every field a string; the MSISDN in E.164 digits without '+'; notes cleaned."""
    if not payment.phone:
        raise ProviderRejected("phone_required", "MTN MoMo needs the payer's phone number")
    body: dict[str, Any] = {
        "amount": amount_text(payment.amount),
        "currency": SANDBOX_CURRENCY if sandbox else str(payment.amount.currency),
        "externalId": payment.id,
        "payer": {"partyIdType": "MSISDN", "partyId": payment.phone.lstrip("+")},
    }
    message = note(order.description or f"Order {order.reference}")
    if message:
        body["payerMessage"] = message
    if payee_note := note(f"{order.reference} {payment.id}"):
        body["payeeNote"] = payee_note
    return body


def amount_text(money: Money) -> str:
    """Minor units as MTN's string: `"5000"` for 5000 XOF; `"12"` for 1200 GHS pesewas,
    `"12.50"` for 1250 (MTN documents integers only; decimals are our reading [I])."""
    exponent = money.currency.exponent
    units, minor = divmod(money.amount, 10**exponent)
    return f"{units}.{minor:0{exponent}d}" if minor else str(units)


def note(text: str) -> str:
    """Accents dropped (`é` -> `e`), characters MTN refuses removed, at most 160 characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(_NOT_ALLOWED_IN_NOTES.sub(" ", ascii_text).split())[:NOTE_MAX].rstrip()


def refund_body(refund: Refund, payment: Payment, *, sandbox: bool) -> dict[str, Any]:
    """`POST /disbursement/v1_0/refund`: the amount back, the collection's X-Reference-Id as
    `referenceIdToRefund`, our refund id as `externalId`."""
    body: dict[str, Any] = {
        "amount": amount_text(refund.amount),
        "currency": SANDBOX_CURRENCY if sandbox else str(refund.amount.currency),
        "externalId": refund.id,
        "referenceIdToRefund": payment.provider_reference,
    }
    if message := note(f"Remboursement {refund.order_id}"):
        body["payerMessage"] = body["payeeNote"] = message
    return body


def refund_report(body: dict[str, Any]) -> ProviderReport:
    """`GET /disbursement/v1_0/refund/{id}`: SUCCESSFUL, FAILED (with its reason) or
    PENDING, like a request to pay; anything else is pending, logged."""
    status = str(body.get("status") or "").upper()
    if status == "SUCCESSFUL":
        return ProviderReport(ReportedStatus.SUCCEEDED, raw=body)
    if status == "FAILED":
        code, message = reason(body.get("reason"))
        return ProviderReport(
            ReportedStatus.FAILED, failure_code=code, failure_message=message, raw=body
        )
    if status != "PENDING":
        log.warning("mtn_momo.unknown_refund_status", status=status)
    return ProviderReport(ReportedStatus.PENDING, raw=body)


# -- answers -------------------------------------------------------------------------------


def report(body: dict[str, Any], payment: Payment, *, sandbox: bool) -> ProviderReport:
    """A `GET requesttopay/{ref}` answer in our words. A success is only reported with the
    amount and currency MTN states, so that the domain can compare them with the payment's."""
    status = str(body.get("status") or "").upper()
    external_id = body.get("externalId")
    if external_id not in (None, "", payment.id):
        log.warning("mtn_momo.other_external_id", payment_id=payment.id, external_id=external_id)
        return ProviderReport(ReportedStatus.UNKNOWN, raw=body)
    amount = reported_amount(body, payment, sandbox=sandbox)
    if status == "SUCCESSFUL":
        if amount is None:
            log.warning("mtn_momo.unreadable_amount", payment_id=payment.id)
            return ProviderReport(ReportedStatus.UNKNOWN, raw=body)
        return ProviderReport(ReportedStatus.SUCCEEDED, amount=amount, raw=body)
    if status == "FAILED":
        code, message = reason(body.get("reason"))
        return ProviderReport(
            ReportedStatus.FAILED,
            amount=amount,
            failure_code=code,
            failure_message=message,
            raw=body,
        )
    if status != "PENDING":
        log.warning("mtn_momo.unknown_status", payment_id=payment.id, status=status)
    return ProviderReport(ReportedStatus.PENDING, amount=amount, raw=body)


def reason(raw: object) -> tuple[str, str | None]:
    """`"NOT_ENOUGH_FUNDS"` (since 2024) or `{"code": ..., "message": ...}` (before): the
    code lower-cased, and MTN's message or ours."""
    code, message = (raw.get("code"), raw.get("message")) if isinstance(raw, dict) else (raw, None)
    failure_code = str(code).strip().lower() if code else "failed"
    text = str(message) if message else FAILURE_MESSAGES.get(failure_code)
    return failure_code, text


def reported_amount(body: dict[str, Any], payment: Payment, *, sandbox: bool) -> Money | None:
    """MTN's `amount` string and `currency` as Money; None when they cannot be read."""
    code = str(body.get("currency") or "").strip().upper()
    if sandbox and code == SANDBOX_CURRENCY:
        code = str(payment.amount.currency)
    try:
        currency = Currency.parse(code)
        minor = Decimal(str(body.get("amount")).strip()).scaleb(currency.exponent)
    except (UnsupportedCurrency, InvalidOperation):
        return None
    if not minor.is_finite() or minor != minor.to_integral_value():
        return None
    return Money(int(minor), currency)


def outcome_unknown(response: httpx.Response) -> bool:
    """A 5xx that is not one of MTN's business refusals: the request may exist."""
    return response.status_code >= 500 and error_code(response)[0].upper() not in REFUSED_ON_5XX


def error_code(response: httpx.Response) -> tuple[str, str]:
    """MTN's error code (lower-cased; `http_<status>` when it gives none) and message, from
    `{code, message}`, `{errorCode, errorDescription}` or a message ending in the code."""
    body = json_body(response)
    code = body.get("code") or body.get("errorCode")
    message = str(body.get("message") or body.get("errorDescription") or "")
    if not code:
        code = next((c for c in REFUSED_ON_5XX if message.endswith(c)), None)
    text = message or f"MTN MoMo refused the request (HTTP {response.status_code})"
    return (str(code).lower() if code else f"http_{response.status_code}"), text


def subscription_key_refused(response: httpx.Response) -> bool:
    """Azure APIM's 401 carries `statusCode` (bad subscription key); a token 401 does not."""
    return response.status_code == 401 and "statusCode" in json_body(response)
