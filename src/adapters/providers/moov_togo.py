"""Moov Money in Togo (Flooz e-commerce, reference/providers.md 4.2 [3P]): another dialect than
Benin's, used for the `moov_money` account of country TG (`MOOV_MONEY_TG_*`).

- Start: the SOAP `SendPayment` to `MOOV_MONEY_TG_URL` with `MOOV_MONEY_TG_MERCHANT_NAME`, our
  payment id as `transactionCode` (so it is the reference, stored before the call), the payer's
  number without `+` and the whole amount in XOF. `Receipt.status` 0 is a request received (the
  customer gets an SMS and pays by USSD); 1 to 6 are refusals with their code. Moov keeps one
  pending request per number: a new one expires the older, whose callback then says
  `expired=true`.
- There is no status query in this API: the `sendPaymentDetails` XML-RPC callback is the only
  word. It is accepted only from the addresses of `MOOV_MONEY_TG_CALLBACK_IPS` (the caller's
  address as `TRUSTED_PROXIES` allow it to be read), and only when its `referenceCode`,
  `amount` and `msisdn` match a Togo payment; otherwise it is refused and stores nothing.
  It is de-duplicated per payment and outcome (`paid`, `expired`), so it counts once; `paid`
  succeeds the payment (the domain compares the amount), `expired` fails it with code
  `expired`. Moov gets the XML-RPC `methodResponse` `{status: 200, message: "OK"}`.
- Status queries answer "unknown" (nothing changes): a payment without a callback expires at
  the end of its time-to-live.
- Refunds are `requires_action`: no refund operation is known; a person refunds by hand.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx
import structlog

from adapters.providers import moov_togo_wire as wire
from adapters.providers.callback_url import CLIENT_ADDRESS_HEADER
from adapters.providers.deps import ProviderDeps
from application.errors import (
    MalformedWebhook,
    ProviderRejected,
    ProviderUnavailable,
    WebhookRejected,
)
from application.payments.ports import PaymentLookup, StartResult, WebhookDelivery
from application.refunds.ports import RefundStarted
from domain.money import Currency, Money
from domain.order import Order
from domain.payment import NextAction, Payment
from domain.provider_report import ProviderReport, ReportedStatus
from domain.refund import Refund, RefundSupport

log = structlog.get_logger(__name__)

NAME = "moov_money"
WEBHOOK = "moov"
COUNTRY = "TG"
#: The merchant name, the service's URL and the addresses Moov calls back from.
REQUIRED = ("MERCHANT_NAME", "URL", "CALLBACK_IPS")
TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=10.0, pool=5.0)
PAY_BY_USSD = NextAction(
    "approve_on_phone", message="Dial the Flooz USSD code and confirm with your PIN"
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class Config:
    merchant_name: str
    url: str
    callback_networks: tuple[Network, ...] = field(default=())

    @property
    def base_url(self) -> str:
        return self.url

    @property
    def timeout(self) -> httpx.Timeout:
        return TIMEOUT

    def sandbox_problems(self) -> list[str]:
        if not self.url.startswith("https://"):
            return ["MOOV_MONEY_URL must be an https URL in production"]
        return []

    def build(self, deps: ProviderDeps) -> tuple[MoovTogoProvider, MoovTogoAuthenticator]:
        """This provider and its callbacks' authenticator, built from this configuration."""
        return build(self, deps)


def configure(env: Mapping[str, str]) -> Config | None:
    """None unless the merchant name, the URL and the callback addresses are all set (and the
    addresses readable)."""
    name, url, ips = (
        (env.get(f"MOOV_MONEY_{n}") or "").strip() for n in ("MERCHANT_NAME", "URL", "CALLBACK_IPS")
    )
    if not (name and url and ips):
        return None
    try:
        networks = tuple(
            ipaddress.ip_network(item.strip(), strict=False) for item in ips.split(",") if item
        )
    except ValueError:
        return None
    return Config(name, url, networks)


def build(config: Config, deps: ProviderDeps) -> tuple[MoovTogoProvider, MoovTogoAuthenticator]:
    return MoovTogoProvider(config, deps), MoovTogoAuthenticator(config, deps)


class MoovTogoProvider:
    name = NAME
    requires_phone = True
    refunds = RefundSupport.MANUAL

    def __init__(self, config: Config, deps: ProviderDeps) -> None:
        self._config, self._http = config, deps.http(NAME)

    def reference_for(self, payment_id: str) -> str | None:
        return payment_id  # our transactionCode; Moov echoes it as referenceID

    async def start(self, payment: Payment, order: Order) -> StartResult:
        if payment.amount.currency is not Currency.XOF:
            raise ProviderRejected("unsupported_currency", "Moov Money (Togo) takes XOF only")
        if not payment.phone:
            raise ProviderRejected("phone_required", "Moov Money needs the payer's number")
        envelope = wire.send_payment(
            self._config.merchant_name,
            payment.id,
            payment.phone.lstrip("+"),
            payment.amount.amount,
            order.reference,
        )
        response = await self._http.request(
            "send_payment", "POST", self._config.url, content=envelope, headers=wire.HEADERS
        )
        if response.status_code >= 500:
            raise ProviderUnavailable(f"moov togo SendPayment: HTTP {response.status_code}")
        try:
            answer = wire.receipt(response.text)
        except wire.UnreadableXml as error:
            raise ProviderUnavailable("moov togo SendPayment: unreadable answer") from error
        status = answer.get("status", "")
        if status in wire.REFUSALS:
            code, message = wire.REFUSALS[status]
            raise ProviderRejected(code, message, {"receipt": answer})
        if status != wire.RECEIVED:
            raise ProviderUnavailable(f"moov togo SendPayment: status {status!r}")
        return StartResult(payment.id, PAY_BY_USSD, raw={"receipt": answer})

    async def fetch_status(self, payment: Payment) -> ProviderReport:
        """No status query exists: unknown, so nothing changes (the callback is the word)."""
        return ProviderReport(ReportedStatus.UNKNOWN, raw={"error": "no_status_query"})

    def callback_report(self, body: bytes, payment: Payment) -> ProviderReport | None:
        """The callback's word about `payment` (its body was authenticated when received)."""
        try:
            details = wire.payment_details(body)
        except wire.UnreadableXml:
            return ProviderReport(ReportedStatus.UNKNOWN, raw={"error": "unreadable"})
        raw = {"callback": _raw(details)}
        if details.reference != payment.id:
            return ProviderReport(ReportedStatus.UNKNOWN, raw=raw)
        if details.expired:
            message = "A newer request to the same number replaced it"
            return ProviderReport(
                ReportedStatus.FAILED, failure_code="expired", failure_message=message, raw=raw
            )
        if details.paid and details.amount is not None:
            amount = Money(details.amount, Currency.XOF)
            return ProviderReport(ReportedStatus.SUCCEEDED, amount=amount, raw=raw)
        return ProviderReport(ReportedStatus.UNKNOWN, raw=raw)

    def refund_reference_for(self, refund_id: str) -> str | None:
        return None

    async def refund(self, refund: Refund, payment: Payment) -> RefundStarted:
        raise ProviderRejected("refunds_not_supported", "Moov Money Togo refunds are made by hand")

    async def fetch_refund(self, refund: Refund, payment: Payment) -> ProviderReport:
        return ProviderReport(ReportedStatus.UNKNOWN, raw={"error": "manual_refund"})


class MoovTogoAuthenticator:
    """The `sendPaymentDetails` callback on `/payment/webhook/moov/tg/` (see the module)."""

    def __init__(self, config: Config, deps: ProviderDeps) -> None:
        self._networks, self._payments = config.callback_networks, deps.payments

    async def authenticate(
        self, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> WebhookDelivery:
        if not _allowed(headers.get(CLIENT_ADDRESS_HEADER), self._networks):
            raise WebhookRejected("address_not_allowed")
        try:
            details = wire.payment_details(body)
        except wire.UnreadableXml as error:
            raise MalformedWebhook(
                "the Moov Togo callback is not a sendPaymentDetails call"
            ) from error
        payment = await _matching(self._payments, details)
        outcome = "expired" if details.expired else "paid" if details.paid else "other"
        return WebhookDelivery(
            provider=NAME, event_id=f"{payment.id}:{outcome}", payment_id=payment.id, body=body
        )


async def _matching(payments: PaymentLookup, details: wire.PaymentDetails) -> Payment:
    """The Togo payment the callback names, when its amount and number are the payment's;
    `WebhookRejected` otherwise (nothing is stored). A payment already settled takes it too:
    it changes nothing then, and a paid one we had expired is a late success."""
    payment = await payments(details.reference)
    if (
        payment is None
        or payment.provider != NAME
        or payment.country != COUNTRY
        or details.amount != payment.amount.amount
        or (payment.phone or "").lstrip("+") != details.msisdn
    ):
        log.warning("moov_togo.callback_mismatch", reference=details.reference)
        raise WebhookRejected("callback_mismatch")
    return payment


def _allowed(address: str | None, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _raw(details: wire.PaymentDetails) -> dict[str, object]:
    return {
        "referenceCode": details.reference,
        "paymentRefCode": details.flooz_reference,
        "amount": details.amount,
        "paid": details.paid,
        "expired": details.expired,
    }
