"""Orange Money WebPay's wire format: amounts, the `transactionstatus` answer in our words,
and the `{code, message, description}` error envelope (reference/providers.md 2.2 to 2.6).
Pure functions, no I/O."""

from __future__ import annotations

from typing import Any

import httpx
import structlog

from adapters.providers.http import json_body
from application.errors import ProviderRejected
from domain.errors import UnsupportedCurrency
from domain.money import Currency, Money
from domain.payment import Payment
from domain.provider_report import ProviderReport, ReportedStatus

log = structlog.get_logger(__name__)

SANDBOX_CURRENCY = "OUV"

STATUSES = {
    "INITIATED": (ReportedStatus.PENDING, None),
    "PENDING": (ReportedStatus.PENDING, None),
    "SUCCESS": (ReportedStatus.SUCCEEDED, None),
    "FAILED": (ReportedStatus.FAILED, "failed"),
    "EXPIRED": (ReportedStatus.FAILED, "expired"),
}
FAILURE_MESSAGES = {
    "failed": "Orange Money reported the payment as failed",
    "expired": "The Orange Money payment page expired before the payment was confirmed",
}


def currency(amount: Money, *, sandbox: bool) -> str:
    """`OUV` in the `dev` sandbox, the real ISO code elsewhere."""
    return SANDBOX_CURRENCY if sandbox else str(amount.currency)


def whole_units(amount: Money) -> int:
    """WebPay takes whole currency units; a fraction is refused before Orange is called."""
    units, minor = divmod(amount.amount, 10**amount.currency.exponent)
    if minor:
        raise ProviderRejected("amount_not_whole", "Orange Money takes whole currency units only")
    return int(units)


def report(answer: dict[str, Any], payment: Payment, *, sandbox: bool) -> ProviderReport:
    """A `transactionstatus` answer in our words; an unknown status is still pending."""
    status = str(answer.get("status") or "").upper()
    if answer.get("order_id") not in (None, payment.provider_reference):
        log.warning("orange_money.other_order_id", payment_id=payment.id)
        return ProviderReport(ReportedStatus.UNKNOWN, raw=answer)
    reported, code = STATUSES.get(status, (ReportedStatus.PENDING, None))
    if status not in STATUSES:
        log.warning("orange_money.unknown_status", payment_id=payment.id, status=status)
    amount = reported_amount(answer, payment, sandbox=sandbox)
    if "amount" in answer and amount is None and reported is ReportedStatus.SUCCEEDED:
        log.warning("orange_money.unreadable_amount", payment_id=payment.id)
        return ProviderReport(ReportedStatus.UNKNOWN, raw=answer)
    return ProviderReport(
        reported,
        amount=amount,
        failure_code=code,
        failure_message=FAILURE_MESSAGES.get(code or ""),
        raw=answer,
    )


def reported_amount(answer: dict[str, Any], payment: Payment, *, sandbox: bool) -> Money | None:
    """The documented answer carries no amount (Orange checks the one we send with the
    order_id and pay_token). When one is there [I], it is read in whole units, in the
    answer's `currency` (`OUV` in the sandbox stands for ours) or else the payment's."""
    raw_amount = answer.get("amount")
    if raw_amount is None or isinstance(raw_amount, bool):
        return None
    code = str(answer.get("currency") or payment.amount.currency).strip().upper()
    if sandbox and code == SANDBOX_CURRENCY:
        code = str(payment.amount.currency)
    try:
        parsed = Currency.parse(code)
        units = int(str(raw_amount).strip())
    except (UnsupportedCurrency, ValueError):
        return None
    return Money(units * 10**parsed.exponent, parsed)


def error_code(response: httpx.Response) -> tuple[str, str]:
    """Orange's `{code, message, description}`: its code as text (`http_<status>` without)."""
    body = json_body(response)
    code = body.get("code")
    message = str(body.get("description") or body.get("message") or "")
    text = message or f"Orange Money refused the request (HTTP {response.status_code})"
    return (str(code).lower() if code not in (None, "") else f"http_{response.status_code}"), text
