"""Wave payouts and the wallet's balance (payouts-and-countries reference 2.3 to 2.8).

- Send: `POST /v1/payout` `{currency, receive_amount, mobile, name?, client_reference}`
  (the payout id as `client_reference`; `receive_amount` is what the vendor receives, Wave's
  `fee` is charged on top to the wallet and reported as `provider_fee`). The mandatory
  `Idempotency-Key` is derived from the order's reference, and the body is serialised one
  canonical way, so every retry sends the same key with the byte-identical body: Wave then
  never sends the money twice (a different body under that key is `idempotency-mismatch`).
- Answers: `succeeded` succeeded, `failed` failed with `payout_error.error_code`,
  `processing` pending, `reversed` failed (`payout_reversed`: the money came back to the
  wallet). An error answer names its code in `code`, `error` or `error_code`: a timeout, a
  network error, 408, 429 and 5xx are pending (Wave: "retry with the same idempotency key");
  `idempotency-mismatch` stays pending too (a request under that key may have paid: a person
  looks); every other documented error is final.
- Look up: `GET /v1/payout/{id}` when the order carries Wave's `pt-...` id; otherwise
  `GET /v1/payouts/search?client_reference=<payout id>`, and when Wave has no payout for it,
  the same request again (same key, same bytes: safe by Wave's idempotency guarantee).
- Balance: `GET /v1/balance` -> `{"amount", "currency"}`.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import structlog

from adapters.providers.http import ProviderHttp, json_body
from adapters.providers.payout_reports import failed, minor_units, money, pending, succeeded
from adapters.providers.wave_wire import wave_amount
from application.errors import ProviderUnavailable
from application.payouts.gateway import PayoutOrder, PayoutReport
from domain.money import Money

log = structlog.get_logger(__name__)

NAME = "wave"
PAYOUT, SEARCH, BALANCE = "/v1/payout", "/v1/payouts/search", "/v1/balance"
#: Error answers after which the payout may exist, or may still be made by retrying.
RETRY_STATUSES = frozenset({408, 429})
NOT_FINAL_CODES = frozenset({"idempotency-mismatch", "internal-server-error",
                             "service-unavailable", "too-many-requests"})  # fmt: skip
MESSAGES = {
    "country-mismatch": "The recipient is not in the wallet's country",
    "currency-mismatch": "The currency is not the wallet's",
    "insufficient-funds": "The Wave wallet cannot cover the amount and its fee",
    "recipient-minor": "The recipient is a minor",
    "recipient-account-blocked": "The recipient's Wave account is blocked",
    "recipient-account-inactive": "The recipient's Wave account is inactive",
    "recipient-limit-exceeded": "The recipient's monthly limit is reached",
    "payout_reversed": "Wave reversed the payout: the money came back to the wallet",
}


class WavePayouts:
    """`PayoutGateway` and `BalanceGateway` of one Wave business wallet (one API key)."""

    provider = NAME

    def __init__(self, http: ProviderHttp, api_key: str, country: str | None) -> None:
        self._http, self.country = http, country
        self._auth = {"Authorization": f"Bearer {api_key}"}

    async def send(self, order: PayoutOrder) -> PayoutReport:
        headers = {
            **self._auth,
            "Content-Type": "application/json",
            "Idempotency-Key": idempotency_key(order),
        }
        try:
            response = await self._http.request(
                "payout", "POST", PAYOUT, content=payout_body(order), headers=headers
            )
        except ProviderUnavailable as error:
            return pending({"error": str(error)})
        return payout_answer(order, response)

    async def look_up(self, order: PayoutOrder) -> PayoutReport:
        try:
            if order.provider_reference:
                found = await self._get(order.provider_reference)
            else:
                found = await self._search(order.payout_id)
        except ProviderUnavailable as error:
            return pending({"error": str(error)}, order.provider_reference)
        if found is None:
            log.info("wave.payout_resend", payout_id=order.payout_id)
            return await self.send(order)
        return payout_report(order, found)

    async def balance(self) -> list[Money]:
        response = await self._http.request("balance", "GET", BALANCE, headers=self._auth)
        answer = json_body(response)
        found = money(answer.get("amount"), answer.get("currency"))
        if response.status_code != 200 or found is None:
            raise ProviderUnavailable(f"wave balance: HTTP {response.status_code}")
        return [found]

    async def _get(self, payout_id: str) -> dict[str, Any] | None:
        response = await self._http.request(
            "get_payout", "GET", f"{PAYOUT}/{payout_id}", headers=self._auth
        )
        if response.status_code == 404:
            return None
        answer = json_body(response)
        if response.status_code != 200 or not isinstance(answer.get("id"), str):
            raise ProviderUnavailable(f"wave get_payout: HTTP {response.status_code}")
        return answer

    async def _search(self, payout_id: str) -> dict[str, Any] | None:
        """Our payout among those Wave finds by client_reference (the newest when several)."""
        response = await self._http.request(
            "search_payouts", "GET", SEARCH,
            params={"client_reference": payout_id}, headers=self._auth,
        )  # fmt: skip
        if response.status_code != 200:
            raise ProviderUnavailable(f"wave search_payouts: HTTP {response.status_code}")
        found = _items(response)
        ours = [p for p in found if isinstance(p, dict) and p.get("client_reference") == payout_id]
        ours.sort(key=lambda p: str(p.get("timestamp") or ""), reverse=True)
        return ours[0] if ours else None


def idempotency_key(order: PayoutOrder) -> str:
    """The same for every attempt of one payout (Wave allows 255 characters)."""
    return f"payout-{order.reference}"


def payout_body(order: PayoutOrder) -> bytes:
    """One canonical serialisation (sorted keys, no spaces), so retries are byte-identical."""
    body = {
        "currency": str(order.amount.currency),
        "receive_amount": wave_amount(order.amount),
        "mobile": order.phone,
        "client_reference": order.payout_id,
    }
    if order.name:
        body["name"] = order.name[:255]
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def payout_answer(order: PayoutOrder, response: httpx.Response) -> PayoutReport:
    """The answer to `POST /v1/payout`: a payout object, or Wave's error."""
    answer = json_body(response)
    if response.status_code == 200 and isinstance(answer.get("id"), str):
        return payout_report(order, answer)
    code = str(answer.get("code") or answer.get("error") or answer.get("error_code") or "")
    data = {"http": response.status_code, "body": answer}
    if _not_final(response.status_code, code):
        log.warning("wave.payout_unknown", payout_id=order.payout_id, http=response.status_code,
                    code=code)  # fmt: skip
        return pending(data)
    code = code or f"http_{response.status_code}"
    message = str(answer.get("message") or answer.get("error_message") or "") or None
    return failed(code, MESSAGES.get(code, message), data)


def _not_final(status: int, code: str) -> bool:
    return status >= 500 or status in RETRY_STATUSES or code in NOT_FINAL_CODES or status < 400


def payout_report(order: PayoutOrder, payout: dict[str, Any]) -> PayoutReport:
    """A Wave payout object in our words; a payout that is not ours (another
    client_reference, currency or amount) is pending, logged, never a success."""
    reference, data = payout.get("id"), {"payout": payout}
    reference = reference if isinstance(reference, str) else None
    if not _ours(order, payout):
        log.warning("wave.payout_mismatch", payout_id=order.payout_id, wave_id=reference)
        return pending({**data, "error": "mismatch"}, reference)
    fee = minor_units(payout.get("fee"), order.amount.currency)
    status = str(payout.get("status") or "")
    if status == "succeeded":
        return succeeded(data, reference, fee)
    if status in ("failed", "reversed"):
        error = payout.get("payout_error")
        error = error if isinstance(error, dict) else {}
        code = str(error.get("error_code") or "") or "payout_failed"
        if status == "reversed":
            code = "payout_reversed"
        message = MESSAGES.get(code) or str(error.get("error_message") or "") or None
        return failed(code, message, data, reference, fee)
    if status != "processing":
        log.warning("wave.unknown_payout_status", payout_id=order.payout_id, status=status)
    return pending(data, reference)


def _ours(order: PayoutOrder, payout: dict[str, Any]) -> bool:
    if payout.get("client_reference") not in (None, order.payout_id):
        return False
    amount = payout.get("receive_amount")
    return amount is None or money(amount, payout.get("currency")) == order.amount


def _items(response: httpx.Response) -> list[Any]:
    """The search's payouts: `{"result": [...]}` (as Wave's checkout search answers), or
    `{"items": [...]}`, or a bare list [I: the payout search's shape is not documented]."""
    try:
        answer = response.json()
    except ValueError as error:
        raise ProviderUnavailable("wave search_payouts: unreadable answer") from error
    if isinstance(answer, list):
        return answer
    found = answer.get("result", answer.get("items")) if isinstance(answer, dict) else None
    if not isinstance(found, list):
        raise ProviderUnavailable("wave search_payouts: unreadable answer")
    return found
