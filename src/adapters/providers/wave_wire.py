"""Wave checkout sessions in our words: amounts both ways, and a session's status as a
`ProviderReport` (the mapping table of reference/providers.md 3.2, marked [I] there).

- `complete` + `succeeded` -> succeeded, with the session's amount as Money;
- `expired` -> failed, code `expired`;
- `open` -> pending, even with a `last_payment_error` (a failed attempt; the customer may still
  pay until the session expires): the error stays in `raw`;
- anything else -> pending, logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import structlog

from domain.errors import UnsupportedCurrency
from domain.money import Currency, Money
from domain.provider_report import ProviderReport, ReportedStatus

log = structlog.get_logger(__name__)

FAILURES = {
    "expired": "The Wave checkout session expired before it was paid",
    "insufficient-funds": "The customer's Wave balance is too low",
    "payer-mobile-mismatch": "The payment came from another Wave account than the one given",
}


def wave_amount(money: Money) -> str:
    """Minor units to Wave's decimal string in currency units (`5000` XOF -> `"5000"`)."""
    exponent = money.currency.exponent
    units, minor = divmod(money.amount, 10**exponent)
    return f"{units}.{minor:0{exponent}d}" if exponent else str(units)


def reported_amount(session: Mapping[str, Any]) -> Money | None:
    """The session's amount and currency as Money; None when they cannot be read exactly."""
    try:
        value = Decimal(str(session["amount"]))
        currency = Currency.parse(str(session["currency"]))
    except (KeyError, InvalidOperation, UnsupportedCurrency):
        return None
    if not value.is_finite():
        return None
    minor = value.scaleb(currency.exponent)
    if minor != minor.to_integral_value():
        return None
    return Money(int(minor), currency)


def is_session(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("id"), str) and bool(value["id"])


def status_of(session: Mapping[str, Any]) -> tuple[str, str]:
    return str(session.get("checkout_status")), str(session.get("payment_status"))


def is_paid(session: Mapping[str, Any]) -> bool:
    return status_of(session) == ("complete", "succeeded")


def session_report(session: Mapping[str, Any], payment_id: str) -> ProviderReport:
    raw = {"session": dict(session)}
    reference = session.get("client_reference")
    if reference not in (None, payment_id):
        log.warning("wave.foreign_session", payment_id=payment_id, session_id=session.get("id"))
        return ProviderReport(ReportedStatus.UNKNOWN, raw={**raw, "error": "reference_mismatch"})
    checkout, paid = status_of(session)
    if is_paid(session):
        amount = reported_amount(session)
        if amount is None:
            # never a success without an amount the domain can compare
            log.warning("wave.unreadable_amount", payment_id=payment_id)
            return ProviderReport(ReportedStatus.UNKNOWN, raw={**raw, "error": "amount"})
        return ProviderReport(ReportedStatus.SUCCEEDED, amount=amount, raw=raw)
    if checkout == "expired":
        return ProviderReport(
            ReportedStatus.FAILED,
            amount=reported_amount(session),
            failure_code="expired",
            failure_message=FAILURES["expired"],
            raw=raw,
        )
    if checkout != "open":
        log.warning("wave.unknown_status", payment_id=payment_id, checkout=checkout, paid=paid)
    return ProviderReport(ReportedStatus.PENDING, raw=raw)
