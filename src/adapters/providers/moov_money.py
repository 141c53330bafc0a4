"""Moov Money, Benin merchant push API (reference/providers.md 4.1: SOAP 1.1, [C-sdk]/[3P]).

- Start: `PushWithPending` to MOOV_MONEY_URL with the token (see `moov_money_wire.token`), the
  payer's number without `+`, the amount in whole XOF and our payment id as `externaldata1`.
  Status 0 (done, with a `referenceid`) and 100 (pending, without one) both leave the customer
  to approve on the phone; a known failure code is a refusal with that code.
- Status: `getTransactionStatus` with Moov's `referenceid`. A push left pending without one is
  queried with our payment id (its `externaldata1`) [I]: public sources do not say how such
  a push is correlated; a 94 "does not exist" answer then changes nothing and expiry ends it.
- SOAP faults: on a push, a fault is Moov's answer that the request was refused (the only
  documented one, `soap:Server` "For input string", is a malformed amount), so the payment
  fails with code `soap_fault`; on a status query it means Moov cannot answer now
  (`ProviderUnavailable`). Unreadable or unsafe XML is `ProviderUnavailable` as well.
- Refunds (`refunds = partial`): `transferFlooz` sends the amount back to the payer's
  number (our refund id as `referenceid`, the payment id as `extendeddata`); its status is
  then confirmed with `getTransactionStatus` on the `referenceid` Moov answers (ours when
  it answers none) [I]. A documented failure code is a refusal; a
  timeout, a fault or an unreadable answer leaves it pending, and it is never sent again
  blindly (94 "does not exist" changes nothing: a person checks it after the follow-up).
- No callback is documented: `/payment/webhook/moov/?payment=<id>&sig=<hex>` is accepted as
  a signed hint (like MTN) and the status always comes from `getTransactionStatus`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx
import structlog

from adapters.providers import moov_money_wire
from adapters.providers.deps import ProviderDeps
from application.errors import ProviderRejected, ProviderUnavailable, WebhookRejected
from application.payments.ports import StartResult, WebhookDelivery
from application.refunds.ports import RefundStarted
from domain.money import Currency, Money
from domain.order import Order
from domain.payment import NextAction, Payment
from domain.provider_report import ProviderReport, ReportedStatus
from domain.refund import Refund, RefundSupport

log = structlog.get_logger(__name__)

NAME = "moov_money"
WEBHOOK = "moov"
SANDBOX_HOST = "testapimarchand2.moov-africa.bj"
#: PushWithPending answers at once; 30 s of reading leaves room for a slow operator.
TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=10.0, pool=5.0)
APPROVE = NextAction("approve_on_phone", message="Confirm the payment on your phone")

SUCCESS, PENDING, NOT_FOUND = "0", "100", "94"
#: Moov cannot answer now (credentials refused, internal or database error).
UNAVAILABLE = {"98": "Invalid credentials", "99": "Internal error", "-1": "Internal error"}
#: [C-sdk] status table: every other documented code is a final refusal.
FAILURES = {
    "1": "Not allowed on this method",
    "2": "Not allowed on this transaction",
    "3": "The phone number is not valid",
    "4": "No permission",
    "6": "The account is not allowed to receive",
    "7": "The account is locked",
    "8": "The merchant balance is insufficient",
    "9": "The account is inactive",
    "10": "The customer's balance is too low",
    "11": "The amount is above the maximum",
    "12": "The amount is below the minimum",
    **{str(code): "An amount or count limit was reached" for code in range(13, 21)},
    "91": "Incomplete request",
    "92": "The customer did not confirm in time or cancelled",
    "95": "The transaction failed",
    "555": "The number is not registered with Moov Money",
}


@dataclass(frozen=True, slots=True)
class Config:
    username: str
    password: str = field(repr=False)
    encryption_key: bytes = field(repr=False)
    url: str
    #: the merchant wallet's own number, for its balance (`getBalance`); None: not asked
    merchant_msisdn: str | None = None

    @property
    def base_url(self) -> str:
        return self.url

    @property
    def timeout(self) -> httpx.Timeout:
        return TIMEOUT

    def sandbox_problems(self) -> list[str]:
        problems = []
        if SANDBOX_HOST in self.url:
            problems.append("MOOV_MONEY_URL points at Moov's test server")
        if not self.url.startswith("https://"):
            problems.append("MOOV_MONEY_URL must be an https URL in production")
        default_key = moov_money_wire.encryption_key(moov_money_wire.DEFAULT_ENCRYPTION_KEY)
        if self.encryption_key == default_key:
            problems.append(
                "MOOV_MONEY_ENCRYPTION_KEY is unset or Moov's published default key: "
                "set the key Moov gave you"
            )
        return problems

    def build(self, deps: ProviderDeps) -> tuple[MoovMoneyProvider, MoovMoneyWebhookAuthenticator]:
        """This provider and its callbacks' authenticator, built from this configuration."""
        return build(self, deps)


def configure(env: Mapping[str, str]) -> Config | None:
    values = {
        name: (env.get(f"MOOV_MONEY_{name.upper()}") or "").strip()
        for name in ("username", "password", "url", "encryption_key", "merchant_msisdn")
    }
    if not (values["username"] and values["password"] and values["url"]):
        return None
    key = values["encryption_key"] or moov_money_wire.DEFAULT_ENCRYPTION_KEY
    return Config(
        username=values["username"],
        password=values["password"],
        encryption_key=moov_money_wire.encryption_key(key),
        url=values["url"],
        merchant_msisdn=values["merchant_msisdn"].lstrip("+") or None,
    )


def build(
    config: Config, deps: ProviderDeps
) -> tuple[MoovMoneyProvider, MoovMoneyWebhookAuthenticator]:
    return MoovMoneyProvider(config, deps), MoovMoneyWebhookAuthenticator(config, deps)


class MoovMoneyProvider:
    name = NAME
    requires_phone = True
    refunds = RefundSupport.PARTIAL

    def __init__(self, config: Config, deps: ProviderDeps) -> None:
        self._url, self._http = config.url, deps.http(NAME)
        self._token = moov_money_wire.token(config.username, config.password, config.encryption_key)

    def reference_for(self, payment_id: str) -> str | None:
        return None  # Moov assigns the referenceid (and only when the push is not pending)

    async def start(self, payment: Payment, order: Order) -> StartResult:
        if payment.amount.currency is not Currency.XOF:
            raise ProviderRejected("unsupported_currency", "Moov Money (Benin) takes XOF only")
        if not payment.phone:
            raise ProviderRejected("phone_required", "Moov Money needs the payer's number")
        envelope = moov_money_wire.push_with_pending(
            self._token,
            msisdn=payment.phone.lstrip("+"),
            message=_push_message(payment.amount, order.reference),
            amount=payment.amount.amount,
            externaldata1=payment.id,
        )
        answer = await self._call("push_with_pending", envelope, refusal_fails=True)
        status = answer.get("status", "")
        raw: dict[str, object] = {"push": answer}
        if status in FAILURES:
            raise ProviderRejected(status, FAILURES[status], raw)
        if status in UNAVAILABLE:
            log.error("moov.unavailable", operation="push", status=status)
            raise ProviderUnavailable(f"moov push: {UNAVAILABLE[status]} ({status})")
        if status not in (SUCCESS, PENDING):
            log.warning("moov.unknown_status", payment_id=payment.id, status=status)
        reference = answer.get("referenceid") or None
        data = {"externaldata1": payment.id, **({"referenceid": reference} if reference else {})}
        return StartResult(reference=reference, next_action=APPROVE, provider_data=data, raw=raw)

    async def fetch_status(self, payment: Payment) -> ProviderReport:
        transid = payment.provider_reference or payment.id
        envelope = moov_money_wire.transaction_status(self._token, transid)
        answer = await self._call("get_transaction_status", envelope, refusal_fails=False)
        echo = answer.get("referenceid")
        if payment.provider_reference and echo and echo != payment.provider_reference:
            log.warning("moov.reference_mismatch", payment_id=payment.id, echo=echo)
            return ProviderReport(ReportedStatus.UNKNOWN, raw={"status": answer})
        return status_report(answer, payment.id)

    # -- refunds ---------------------------------------------------------------------------

    def refund_reference_for(self, refund_id: str) -> str | None:
        return None  # Moov answers with its referenceid; ours (the refund id) is sent too

    async def refund(self, refund: Refund, payment: Payment) -> RefundStarted:
        if not payment.phone or not re.fullmatch(r"\+?\d{8,15}", payment.phone):
            # unknown, or masked by the retention pass: nothing can be sent to it
            raise ProviderRejected("payer_number_unavailable", "The payer's number is not kept")
        envelope = moov_money_wire.transfer_flooz(
            self._token,
            destination=payment.phone.lstrip("+"),
            amount=refund.amount.amount,
            referenceid=refund.id,
            extendeddata=payment.id,
        )
        answer = await self._call("transfer_flooz", envelope, refusal_fails=True)
        status = answer.get("status", "")
        if status in FAILURES:
            raise ProviderRejected(status, FAILURES[status], {"transfer": answer})
        if status in UNAVAILABLE:
            raise ProviderUnavailable(f"moov transferFlooz: {UNAVAILABLE[status]} ({status})")
        reference = answer.get("referenceid") or refund.id
        try:
            return RefundStarted(reference, await self._transfer_status(reference, refund.id))
        except ProviderUnavailable:
            pending = ProviderReport(ReportedStatus.PENDING, raw={"transfer": answer})
            return RefundStarted(reference, pending)

    async def fetch_refund(self, refund: Refund, payment: Payment) -> ProviderReport:
        return await self._transfer_status(refund.provider_reference or refund.id, refund.id)

    async def _transfer_status(self, reference: str, refund_id: str) -> ProviderReport:
        envelope = moov_money_wire.transaction_status(self._token, reference)
        answer = await self._call("get_transaction_status", envelope, refusal_fails=False)
        return status_report(answer, refund_id)

    async def _call(self, operation: str, envelope: bytes, refusal_fails: bool) -> dict[str, str]:
        """Moov's answer fields. A refusal (SOAP fault, HTTP 4xx) raises `ProviderRejected`
        when `refusal_fails` (a push), else `ProviderUnavailable`; so do 5xx and bad XML."""
        response = await self._http.request(
            operation, "POST", self._url, content=envelope, headers=moov_money_wire.HEADERS
        )
        try:
            answer = moov_money_wire.read(response.text)
        except moov_money_wire.UnreadableAnswer as error:
            log.warning("moov.unreadable", operation=operation, status=response.status_code,
                        reason=str(error), size=len(response.content))  # fmt: skip
            if refusal_fails and 400 <= response.status_code < 500:
                raise _refused(
                    f"http_{response.status_code}", {"text": response.text[:2000]}
                ) from error
            raise ProviderUnavailable(f"moov {operation}: unreadable answer") from error
        if isinstance(answer, moov_money_wire.SoapFault):
            fault = {"faultcode": answer.code, "faultstring": answer.message}
            log.warning("moov.fault", operation=operation, status=response.status_code, **fault)
            if refusal_fails:
                raise _refused("soap_fault", {"fault": fault, "status": response.status_code})
            raise ProviderUnavailable(f"moov {operation}: SOAP fault {answer.code}")
        if response.status_code >= 400:
            raise ProviderUnavailable(f"moov {operation}: HTTP {response.status_code}")
        return answer


def status_report(answer: Mapping[str, str], payment_id: str) -> ProviderReport:
    """getTransactionStatus in our words: 0 succeeded, 100 pending, a documented failure code
    failed (the code kept), 94 not found (changes nothing), anything else pending, logged."""
    status, raw = answer.get("status", ""), {"status": dict(answer)}
    if status in UNAVAILABLE:
        log.error("moov.unavailable", operation="status", status=status)
        raise ProviderUnavailable(f"moov status: {UNAVAILABLE[status]} ({status})")
    if status == SUCCESS:
        # the documented answer carries no amount; one that does is compared by the domain,
        # and one that cannot be read is never taken as a success
        text = answer.get("amount")
        amount = _xof(text) if text else None
        if text and amount is None:
            return ProviderReport(ReportedStatus.UNKNOWN, raw={**raw, "error": "amount"})
        return ProviderReport(ReportedStatus.SUCCEEDED, amount=amount, raw=raw)
    if status in FAILURES:
        return ProviderReport(
            ReportedStatus.FAILED, failure_code=status, failure_message=FAILURES[status], raw=raw
        )
    if status == NOT_FOUND:
        return ProviderReport(ReportedStatus.UNKNOWN, raw=raw)
    if status != PENDING:
        log.warning("moov.unknown_status", payment_id=payment_id, status=status)
    return ProviderReport(ReportedStatus.PENDING, raw=raw)


def _xof(text: str) -> Money | None:
    if not re.fullmatch(r"[0-9]{1,15}(\.0+)?", text):
        return None
    return Money(int(text.split(".")[0]), Currency.XOF)


def _refused(code: str, raw: dict[str, object]) -> ProviderRejected:
    return ProviderRejected(code, "Moov Money refused the payment request", raw)


def _push_message(amount: Money, reference: str) -> str:
    """The text shown on the phone: ASCII letters, digits and simple punctuation only."""
    text = f"Paiement de {amount.amount} FCFA, commande {reference}"
    return re.sub(r"[^A-Za-z0-9 ,.:_-]", "", text)[:100]


class MoovMoneyWebhookAuthenticator:
    """`?payment=<id>&sig=<hex HMAC(PAYMENTS_SECRET_KEY, "moov:<id>")>`; the body is only a
    hint, de-duplicated on its hash for that payment."""

    def __init__(self, config: Config, deps: ProviderDeps) -> None:
        self._urls = deps.urls

    async def authenticate(
        self, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> WebhookDelivery:
        payment_id, signature = query.get("payment"), query.get("sig")
        if not payment_id or not signature:
            raise WebhookRejected("missing_signature")
        if not self._urls.verify_callback(WEBHOOK, payment_id, signature):
            raise WebhookRejected("signature_mismatch")
        digest = hashlib.sha256(body).hexdigest()
        return WebhookDelivery(
            provider=NAME, event_id=f"{payment_id}:{digest}", payment_id=payment_id, body=body
        )
