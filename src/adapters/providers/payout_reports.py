"""What every payout gateway answers with: a `PayoutReport` built one way, its payload's
phone numbers masked, and the provider's amounts read exactly (never through a float).

Rules: `pending` is the answer whenever the outcome is not known (a timeout, a network
error, a 5xx, a 429, an answer that cannot be read); `failed` only for a refusal the
provider documents as final, with a stable snake_case code."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from adapters.phones import mask_phones_in
from application.payouts.gateway import PayoutReport
from domain.errors import UnsupportedCurrency
from domain.money import Currency, Money


def pending(data: Mapping[str, Any], reference: str | None = None) -> PayoutReport:
    return PayoutReport("pending", reference, None, None, None, mask_phones_in(dict(data)))


def succeeded(
    data: Mapping[str, Any], reference: str | None, fee: int | None = None
) -> PayoutReport:
    return PayoutReport("succeeded", reference, None, None, fee, mask_phones_in(dict(data)))


def failed(
    code: str,
    message: str | None,
    data: Mapping[str, Any],
    reference: str | None = None,
    fee: int | None = None,
) -> PayoutReport:
    masked = mask_phones_in(dict(data))
    return PayoutReport("failed", reference, code, message, fee, masked)


def minor_units(value: object, currency: Currency) -> int | None:
    """A provider's amount in currency units (`"5000"`, `5000`, `"12.50"`) as an integer of
    minor units; None when it is missing, not a number or finer than the minor unit."""
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value).strip()).scaleb(currency.exponent)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount != amount.to_integral_value():
        return None
    return int(amount)


def money(value: object, currency_code: object) -> Money | None:
    """An amount and an ISO code as Money; None when either cannot be read."""
    try:
        currency = Currency.parse(str(currency_code or "").strip().upper())
    except UnsupportedCurrency:
        return None
    amount = minor_units(value, currency)
    return None if amount is None else Money(amount, currency)


def units(money: Money) -> str:
    """Minor units as a decimal string in currency units: `"5000"` XOF, `"12.50"` GHS."""
    exponent = money.currency.exponent
    whole, minor = divmod(money.amount, 10**exponent)
    return f"{whole}.{minor:0{exponent}d}" if exponent else str(whole)
