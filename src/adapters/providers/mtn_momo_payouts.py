"""MTN MoMo payouts and the Disbursement balance: the Disbursement product, with its own
credentials (`MTN_MOMO_DISBURSEMENT_*`) and the token cache refunds use (payouts-and-countries
reference 1.2 to 1.9).

- Send: `POST /disbursement/v1_0/transfer` with the order's reference as `X-Reference-Id`
  (a UUID4 stored before the call), the payout id as `externalId` and
  `payee {partyIdType: MSISDN, partyId}` (E.164 digits without `+`). 202 (or 409: that
  reference exists already) is pending. A 4xx, or a 5xx carrying one of MTN's business codes,
  is MTN's refusal: failed with its code lower-cased (`payee_not_found`).
- A timeout, a network error, a 429 or another 5xx leaves the outcome unknown: the reference
  is looked up (`GET /disbursement/v1_0/transfer/{ref}`); MTN's 404 there means it never
  received the transfer, so it is sent again with the same reference (MTN refuses a second
  transfer with it: 409). Anything else stays pending.
- Look up: the same GET; SUCCESSFUL succeeded, FAILED failed with its reason (a string or
  `{code, message}`), PENDING or anything unreadable pending; a 404 resends as above.
- Balance: `GET /disbursement/v1_0/account/balance` -> `{"availableBalance", "currency"}`,
  the amount a string or a number.
- MTN's sandbox takes EUR only: amounts are sent as EUR there and its balance, in EUR,
  cannot be shown in our currencies (ProviderUnavailable).
"""

from __future__ import annotations

from typing import Any

import httpx
import structlog

from adapters.providers import mtn_momo_wire as wire
from adapters.providers.http import CREDENTIALS_REJECTED, CredentialsRejected, error_body, json_body
from adapters.providers.mtn_momo_auth import MtnProduct
from adapters.providers.payout_reports import failed, money, pending, succeeded
from application.errors import ProviderUnavailable
from application.payouts.gateway import PayoutOrder, PayoutReport
from domain.money import Money

log = structlog.get_logger(__name__)

NAME = "mtn_momo"
TRANSFER = "/disbursement/v1_0/transfer"
BALANCE = "/disbursement/v1_0/account/balance"


class MtnPayouts:
    """`PayoutGateway` and `BalanceGateway` of one MTN Disbursement account."""

    provider = NAME

    def __init__(self, disbursement: MtnProduct, *, sandbox: bool, country: str | None) -> None:
        self._api, self._sandbox, self.country = disbursement, sandbox, country

    async def send(self, order: PayoutOrder) -> PayoutReport:
        body = transfer_body(order, sandbox=self._sandbox)
        try:
            response = await self._post(order.reference, body)
        except CredentialsRejected as error:  # nothing was created: no retry can help
            return failed(CREDENTIALS_REJECTED, error.message, error.raw, order.reference)
        except ProviderUnavailable as error:
            lost: dict[str, Any] = {"error": str(error)}
        else:
            if not _unknown(response):
                return _answer(order.reference, response)
            lost = error_body(response)
        return await self._recover(order, body, {"lost_answer": lost})

    async def look_up(self, order: PayoutOrder) -> PayoutReport:
        return await self._recover(order, transfer_body(order, sandbox=self._sandbox), {})

    async def balance(self) -> list[Money]:
        try:
            response = await self._api.call("disbursement_balance", "GET", BALANCE)
        except CredentialsRejected as error:
            raise ProviderUnavailable(f"mtn_momo balance: {error.message}") from error
        answer = json_body(response)
        found = money(answer.get("availableBalance"), answer.get("currency"))
        if response.status_code != 200 or found is None:
            raise ProviderUnavailable(f"mtn_momo balance: HTTP {response.status_code} {answer}")
        return [found]

    async def _recover(
        self, order: PayoutOrder, body: dict[str, Any], context: dict[str, Any]
    ) -> PayoutReport:
        """Where the transfer stands; sent again (same reference) only when MTN has none."""
        try:
            existing = await self._get(order.reference)
            if existing.status_code == 404:
                log.info("mtn_momo.payout_resend", payout_id=order.payout_id)
                response = await self._post(order.reference, body)
                resent = {**context, "resent": True}
                if _unknown(response):
                    return pending({**resent, **error_body(response)}, order.reference)
                return _answer(order.reference, response, resent)
        except (ProviderUnavailable, CredentialsRejected) as error:
            return pending({**context, "error": str(error)}, order.reference)
        if existing.status_code != 200:
            return pending({**context, **error_body(existing)}, order.reference)
        return transfer_report(order, json_body(existing), context)

    async def _post(self, reference: str, body: dict[str, Any]) -> httpx.Response:
        headers = {"X-Reference-Id": reference}
        return await self._api.call("transfer", "POST", TRANSFER, headers=headers, json=body)

    async def _get(self, reference: str) -> httpx.Response:
        return await self._api.call("transfer_status", "GET", f"{TRANSFER}/{reference}")


def transfer_body(order: PayoutOrder, *, sandbox: bool) -> dict[str, Any]:
    """Every field a string; the MSISDN without '+'; a note MTN accepts."""
    body: dict[str, Any] = {
        "amount": wire.amount_text(order.amount),
        "currency": wire.SANDBOX_CURRENCY if sandbox else str(order.amount.currency),
        "externalId": order.payout_id,
        "payee": {"partyIdType": "MSISDN", "partyId": order.phone.lstrip("+")},
    }
    if note := wire.note(f"Payout {order.payout_id}"):
        body["payerMessage"] = body["payeeNote"] = note
    return body


def transfer_report(
    order: PayoutOrder, answer: dict[str, Any], context: dict[str, Any]
) -> PayoutReport:
    """`GET transfer/{ref}` in our words. A success is taken only for our payout (its
    `externalId`) and, when MTN states one, our amount; otherwise it stays pending, logged."""
    data, reference = {**context, "transfer": answer}, order.reference
    status = str(answer.get("status") or "").upper()
    if answer.get("externalId") not in (None, "", order.payout_id) or not _same_amount(
        order, answer
    ):
        log.warning("mtn_momo.payout_mismatch", payout_id=order.payout_id, status=status)
        return pending({**data, "error": "mismatch"}, reference)
    if status == "SUCCESSFUL":
        return succeeded(data, reference)
    if status == "FAILED":
        code, message = wire.reason(answer.get("reason"))
        return failed(code, message, data, reference)
    if status != "PENDING":
        log.warning("mtn_momo.unknown_payout_status", payout_id=order.payout_id, status=status)
    return pending(data, reference)


def _same_amount(order: PayoutOrder, answer: dict[str, Any]) -> bool:
    """MTN's amount (when it states one) is the order's; the sandbox's EUR is ours."""
    if answer.get("amount") in (None, ""):
        return True
    code = answer.get("currency") or order.amount.currency
    if str(code).upper() == wire.SANDBOX_CURRENCY:
        code = order.amount.currency
    return money(answer.get("amount"), code) == order.amount


def _unknown(response: httpx.Response) -> bool:
    """A 429, or a 5xx that is not one of MTN's business refusals: the transfer may exist."""
    return response.status_code == 429 or wire.outcome_unknown(response)


def _answer(
    reference: str, response: httpx.Response, context: dict[str, Any] | None = None
) -> PayoutReport:
    """202 (or 409: MTN has that reference) is an accepted transfer; anything else that
    reached here is MTN's refusal: nothing was created."""
    data = {**(context or {}), "http": response.status_code}
    if response.is_success or response.status_code == 409:
        return pending(data, reference)
    code, message = wire.error_code(response)
    return failed(code, message, {**data, **error_body(response)}, reference)
