"""Orange Money WebPay (reference/providers.md, section 2).

- Token: `POST /oauth/v3/token` (form `grant_type=client_credentials`, Basic client id:secret,
  `Accept: application/json`); `expires_in` is a number or a string; kept until shortly
  before it ends; a 401 with code 42 (expired token) gets one new token and one retry.
- Start: `POST /orange-money-webpay/{country}/v1/webpayment` with a unique `order_id` per
  attempt (`reference_for`: our payment id, 30 characters at most), the amount in whole
  units, `OUV` in the `dev` sandbox; `pay_token` and `notif_token` are kept in the payment's
  provider data and the customer is sent to `payment_url`.
- Status: `POST .../transactionstatus` with order_id, amount and pay_token. INITIATED and
  PENDING are pending, SUCCESS succeeded, FAILED failed, EXPIRED failed with `expired` (the
  provider's own expiry; our `expired` status is reconciliation's decision).
- Refunds (`refunds = manual`): WebPay documents no refund API, so every refund is
  `requires_action`: a person refunds from the Orange merchant portal and records the
  transfer's reference; nothing is ever sent to Orange for it.
- Notifications are unsigned: the signed `payment`/`sig` pair of our `notif_url` is checked,
  then the body's `notif_token` against the stored one (constant time); the status is then
  always taken from `transactionstatus`.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import structlog

from adapters.providers import orange_money_wire as wire
from adapters.providers.callback_url import json_object, signed_payment_id
from adapters.providers.deps import ProviderDeps
from adapters.providers.http import (
    DEFAULT_TIMEOUT,
    CredentialsRejected,
    error_body,
    json_body,
    refused_credentials,
)
from adapters.providers.token_cache import Token, TokenCache, lifetime
from application.errors import ProviderRejected, ProviderUnavailable, WebhookRejected
from application.payments.ports import StartResult, WebhookDelivery
from application.refunds.ports import RefundStarted
from domain.order import Order
from domain.payment import NextAction, Payment
from domain.provider_report import ProviderReport, ReportedStatus
from domain.refund import Refund, RefundSupport

log = structlog.get_logger(__name__)

NAME = "orange_money"
WEBHOOK = "orange"

DEFAULT_BASE_URL = "https://api.orange.com"
SANDBOX_COUNTRY = "dev"
ORDER_ID_MAX = 30  # the length limit most often cited [3P]
EXPIRED = (42, "42")  # Orange's 401 code of an expired OAuth token, a number or text

INVALID_NOTIF_TOKEN = "invalid_notif_token"  # noqa: S105 - a rejection reason


@dataclass(frozen=True, slots=True)
class Config:
    client_id: str = field(repr=False)
    client_secret: str = field(repr=False)
    merchant_key: str = field(repr=False)
    country: str
    base_url: str
    timeout: httpx.Timeout = field(default_factory=lambda: DEFAULT_TIMEOUT)
    lang: str = "fr"

    @property
    def is_sandbox(self) -> bool:
        return self.country == SANDBOX_COUNTRY

    @property
    def webpay_path(self) -> str:
        return f"/orange-money-webpay/{self.country}/v1"

    def sandbox_problems(self) -> list[str]:
        problems = []
        if self.is_sandbox:
            problems.append(
                "ORANGE_MONEY_COUNTRY is 'dev' (Orange's sandbox): set your country (ci, sn...)"
            )
        if not self.base_url.startswith("https://"):
            problems.append("ORANGE_MONEY_BASE_URL must be an https URL in production")
        return problems

    def build(
        self, deps: ProviderDeps
    ) -> tuple[OrangeMoneyProvider, OrangeMoneyWebhookAuthenticator]:
        """This provider and its callbacks' authenticator, built from this configuration."""
        return build(self, deps)


def configure(env: Mapping[str, str]) -> Config | None:
    """None unless the client id, client secret and merchant key are all set. The country
    defaults to `dev` (the sandbox), the base URL to `https://api.orange.com`."""

    def get(name: str) -> str:
        return (env.get(name) or "").strip()

    names = ("CLIENT_ID", "CLIENT_SECRET", "MERCHANT_KEY")
    client_id, secret, merchant_key = (get(f"ORANGE_MONEY_{n}") for n in names)
    if not (client_id and secret and merchant_key):
        return None
    country = (get("ORANGE_MONEY_COUNTRY") or SANDBOX_COUNTRY).lower()
    base_url = (get("ORANGE_MONEY_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    return Config(client_id, secret, merchant_key, country, base_url)


def build(
    config: Config, deps: ProviderDeps
) -> tuple[OrangeMoneyProvider, OrangeMoneyWebhookAuthenticator]:
    return OrangeMoneyProvider(config, deps), OrangeMoneyWebhookAuthenticator(config, deps)


def order_id_for(payment_id: str) -> str:
    """Our payment id is unique per attempt; its random end is kept if it is ever too long."""
    return payment_id[-ORDER_ID_MAX:]


class OrangeMoneyProvider:
    """The `PaymentProvider` port over Orange Money WebPay."""

    name = NAME
    requires_phone = False  # the customer types the number on Orange's page
    refunds = RefundSupport.MANUAL

    def __init__(self, config: Config, deps: ProviderDeps) -> None:
        self._config, self._urls = config, deps.urls
        self._http = deps.http(NAME)
        self._tokens = TokenCache(self._new_token, deps.clock)

    def reference_for(self, payment_id: str) -> str | None:
        return order_id_for(payment_id)

    async def start(self, payment: Payment, order: Order) -> StartResult:
        """A lost answer cannot be looked up (its pay_token is in it): a timeout or a 5xx
        raises `ProviderUnavailable` and that session is left to expire on Orange's side."""
        order_id = payment.provider_reference or order_id_for(payment.id)
        status_url = self._urls.status(payment.id)
        body = {
            "merchant_key": self._config.merchant_key,
            "currency": wire.currency(payment.amount, sandbox=self._config.is_sandbox),
            "order_id": order_id,
            "amount": wire.whole_units(payment.amount),
            "return_url": status_url,
            "cancel_url": status_url,
            "notif_url": self._urls.callback(WEBHOOK, payment.id),
            "lang": self._config.lang,
            "reference": order.reference[:64],
        }
        try:
            response = await self._call(
                "webpayment", f"{self._config.webpay_path}/webpayment", body
            )
        except CredentialsRejected as error:
            raise refused_credentials(error) from error
        if response.status_code >= 500:
            raise ProviderUnavailable(f"orange_money webpayment: HTTP {response.status_code}")
        if not response.is_success:
            code, message = wire.error_code(response)
            raise ProviderRejected(code, message, error_body(response))
        answer = json_body(response)
        tokens = {key: answer.get(key) for key in ("pay_token", "notif_token", "payment_url")}
        if not all(isinstance(value, str) and value for value in tokens.values()):
            raise ProviderUnavailable("orange_money webpayment: tokens missing from the answer")
        return StartResult(
            reference=order_id,
            next_action=NextAction("redirect", url=str(tokens["payment_url"])),
            provider_data={
                "pay_token": str(tokens["pay_token"]),
                "notif_token": str(tokens["notif_token"]),
            },
            raw={"http": response.status_code, "message": answer.get("message")},
        )

    async def fetch_status(self, payment: Payment) -> ProviderReport:
        pay_token, order_id = payment.provider_data.get("pay_token"), payment.provider_reference
        if not pay_token or not order_id:
            return ProviderReport(ReportedStatus.UNKNOWN, raw={"error": "no_pay_token"})
        body = {
            "order_id": order_id,
            "amount": wire.whole_units(payment.amount),
            "pay_token": pay_token,
        }
        try:
            response = await self._call(
                "transactionstatus", f"{self._config.webpay_path}/transactionstatus", body
            )
        except CredentialsRejected as error:
            raise ProviderUnavailable(f"orange_money status: {error.message}") from error
        if response.status_code >= 500 or response.status_code == 429:
            raise ProviderUnavailable(f"orange_money status: HTTP {response.status_code}")
        if not response.is_success:
            log.warning(
                "orange_money.status_refused", payment_id=payment.id, http=response.status_code
            )
            return ProviderReport(ReportedStatus.UNKNOWN, raw=error_body(response))
        return wire.report(json_body(response), payment, sandbox=self._config.is_sandbox)

    # -- refunds: none through the API ----------------------------------------------------

    def refund_reference_for(self, refund_id: str) -> str | None:
        return None

    async def refund(self, refund: Refund, payment: Payment) -> RefundStarted:
        raise ProviderRejected("manual_refund_only", "Orange Money refunds are made by hand")

    async def fetch_refund(self, refund: Refund, payment: Payment) -> ProviderReport:
        return ProviderReport(ReportedStatus.UNKNOWN, raw={"error": "manual_refund"})

    # -- authorization ---------------------------------------------------------------------

    async def _call(self, operation: str, path: str, body: dict[str, Any]) -> httpx.Response:
        """One authorized POST: on a 401 code 42 (expired token), one new token, one retry."""
        token = await self._tokens.get()
        response = await self._post(token, operation, path, body)
        if response.status_code == 401 and json_body(response).get("code") in EXPIRED:
            self._tokens.invalidate(token)
            response = await self._post(await self._tokens.get(), operation, path, body)
        if response.status_code == 401:
            raise _credentials_rejected(response)
        return response

    async def _post(
        self, token: str, operation: str, path: str, body: dict[str, Any]
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        return await self._http.request(operation, "POST", path, headers=headers, json=body)

    async def _new_token(self) -> Token:
        response = await self._http.request(
            "token",
            "POST",
            "/oauth/v3/token",
            auth=(self._config.client_id, self._config.client_secret),
            headers={"Accept": "application/json"},
            data={"grant_type": "client_credentials"},
        )
        if response.status_code >= 500 or response.status_code == 429:
            raise ProviderUnavailable(f"orange_money token: HTTP {response.status_code}")
        if response.status_code != 200:
            raise _credentials_rejected(response)
        answer = json_body(response)
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise ProviderUnavailable("orange_money token: no access_token in the answer")
        return Token(token, lifetime(answer.get("expires_in"), timedelta(hours=1)))


class OrangeMoneyWebhookAuthenticator:
    """The `WebhookAuthenticator` of `/payment/webhook/orange/`."""

    def __init__(self, config: Config, deps: ProviderDeps) -> None:
        self._urls, self._payments = deps.urls, deps.payments

    async def authenticate(
        self, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> WebhookDelivery:
        payment_id = signed_payment_id(self._urls, WEBHOOK, query)
        notice = json_object(body, NAME)
        token = notice.get("notif_token")
        payment = await self._payments(payment_id)
        expected = payment.provider_data.get("notif_token") if payment else None
        if not (isinstance(token, str) and expected and _same(token, expected)):
            raise WebhookRejected(INVALID_NOTIF_TOKEN)
        status = str(notice.get("status") or "unknown").upper()
        transaction = str(notice.get("txnid") or "")
        return WebhookDelivery(
            provider=NAME,
            event_id=f"{payment_id}:{status}:{transaction}",
            payment_id=payment_id,
            body=body,
        )


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _credentials_rejected(response: httpx.Response) -> CredentialsRejected:
    log.error("orange_money.credentials_rejected", http=response.status_code)
    message = "Orange Money refused ORANGE_MONEY_CLIENT_ID / ORANGE_MONEY_CLIENT_SECRET"
    return CredentialsRejected(message, error_body(response))
