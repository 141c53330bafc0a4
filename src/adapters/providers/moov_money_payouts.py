"""Moov Money (Benin) payouts and the merchant wallet's balance (payouts-and-countries
reference 4.1, 4.2; [C-sdk] and [I]).

- Send: `transferFlooz` (merchant wallet -> subscriber) with the destination's number
  without `+`, the amount in whole XOF, the order's reference as `referenceid` and the
  payout id as `extendeddata`. Its answer is final: 0 succeeded, a documented failure code
  failed (named: `merchant_balance_insufficient`, `invalid_number`...), 100 pending.
- A timeout, a SOAP fault, an unreadable answer or Moov's "cannot answer now" codes (98, 99,
  -1) leave the outcome unknown: pending. The transfer is never sent again: Moov documents no
  duplicate-reference protection, so a lost answer is only looked up.
- Look up: `getTransactionStatus` with the `referenceid` Moov answered (ours when none was
  learnt): 0 succeeded, a failure code failed, 94 "does not exist", 100 or anything else
  pending (a person settles a payout still unconfirmed after the follow-up).
- Balance: `getBalance` with the merchant's own number (`MOOV_MONEY_MERCHANT_MSISDN`);
  without it, Moov's balance is not asked.
"""

from __future__ import annotations

from collections.abc import Mapping

import structlog

from adapters.providers import moov_money_wire as wire
from adapters.providers.http import ProviderHttp
from adapters.providers.payout_reports import failed, pending, succeeded
from application.errors import ProviderUnavailable
from application.payouts.gateway import PayoutOrder, PayoutReport
from domain.money import Currency, Money

log = structlog.get_logger(__name__)

NAME = "moov_money"
SUCCESS, PENDING = "0", "100"
#: Moov's documented failure codes, named (13 to 20: amount or count limits).
FAILURES = {
    "1": "not_allowed",
    "2": "not_allowed",
    "3": "invalid_number",
    "4": "not_allowed",
    "6": "recipient_not_allowed",
    "7": "recipient_locked",
    "8": "merchant_balance_insufficient",
    "9": "recipient_inactive",
    "10": "merchant_balance_insufficient",
    "11": "amount_above_maximum",
    "12": "amount_below_minimum",
    **{str(code): "limit_reached" for code in range(13, 21)},
    "91": "incomplete_request",
    "95": "transfer_failed",
    "555": "recipient_not_registered",
}


class MoovPayouts:
    """`PayoutGateway` and `BalanceGateway` of one Moov merchant account."""

    provider = NAME

    def __init__(
        self, http: ProviderHttp, url: str, token: str, msisdn: str | None, country: str | None
    ) -> None:
        self._http, self._url, self._token = http, url, token
        self._msisdn, self.country = msisdn, country

    @property
    def tells_balance(self) -> bool:
        return self._msisdn is not None

    async def send(self, order: PayoutOrder) -> PayoutReport:
        if order.amount.currency is not Currency.XOF:
            return failed("unsupported_currency", "Moov Money (Benin) pays XOF only", {})
        envelope = wire.transfer_flooz(
            self._token,
            destination=order.phone.lstrip("+"),
            amount=order.amount.amount,
            referenceid=order.reference,
            extendeddata=order.payout_id,
        )
        try:
            answer = await self._call("payout_transfer", envelope)
        except ProviderUnavailable as error:
            return pending({"error": str(error)}, order.provider_reference)
        reference = answer.get("referenceid") or answer.get("transactionid") or order.reference
        return report(answer, reference, "transfer")

    async def look_up(self, order: PayoutOrder) -> PayoutReport:
        reference = order.provider_reference or order.reference
        try:
            answer = await self._call(
                "payout_status", wire.transaction_status(self._token, reference)
            )
        except ProviderUnavailable as error:
            return pending({"error": str(error)}, reference)
        return report(answer, reference, "status")

    async def balance(self) -> list[Money]:
        if self._msisdn is None:
            raise ProviderUnavailable("moov balance: MOOV_MONEY_MERCHANT_MSISDN is not set")
        answer = await self._call("balance", wire.get_balance(self._token, self._msisdn))
        text = answer.get("balance", "")
        if answer.get("status") != SUCCESS or not text.isdigit():
            raise ProviderUnavailable(f"moov balance: status {answer.get('status')}")
        return [Money(int(text), Currency.XOF)]

    async def _call(self, operation: str, envelope: bytes) -> dict[str, str]:
        """Moov's answer fields; `ProviderUnavailable` for a fault, an HTTP error or XML
        that cannot be read (the outcome of a transfer is then unknown)."""
        response = await self._http.request(
            operation, "POST", self._url, content=envelope, headers=wire.HEADERS
        )
        try:
            answer = wire.read(response.text)
        except wire.UnreadableAnswer as error:
            raise ProviderUnavailable(f"moov {operation}: unreadable answer") from error
        if isinstance(answer, wire.SoapFault):
            log.warning("moov.payout_fault", operation=operation, code=answer.code)
            raise ProviderUnavailable(f"moov {operation}: SOAP fault {answer.code}")
        if response.status_code >= 400:
            raise ProviderUnavailable(f"moov {operation}: HTTP {response.status_code}")
        return answer


def report(answer: Mapping[str, str], reference: str, kind: str) -> PayoutReport:
    """A transferFlooz or getTransactionStatus answer in our words."""
    status, data = answer.get("status", ""), {kind: dict(answer)}
    if status == SUCCESS:
        return succeeded(data, reference)
    if status in FAILURES:
        message = answer.get("message") or answer.get("description") or None
        return failed(FAILURES[status], message, data, reference)
    if status != PENDING:
        log.warning("moov.payout_not_settled", status=status, kind=kind)
    return pending(data, reference)
