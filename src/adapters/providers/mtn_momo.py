"""MTN Mobile Money, Collection product (reference/providers.md, section 1).

- Token: `POST /collection/token/` (Basic api user:key + subscription key), kept until shortly
  before `expires_in`; a 401 without `statusCode` (expired token) gets one new token and one
  retry; a 401 with `statusCode` (Azure APIM: bad subscription key) is never retried.
- Start: `POST /collection/v1_0/requesttopay` with the UUID4 `X-Reference-Id` that
  `reference_for` chose and the use case stored on the payment before the call. A timeout or
  a 5xx leaves the outcome unknown: the same reference is looked up, and sent again (same
  reference, once) only when MTN answers 404. A 409 means it already exists: started.
- Status: `GET /collection/v1_0/requesttopay/{reference}`; `reason` is a string or
  `{code, message}`; failure codes are kept lower-cased (`not_enough_funds`).
- Refunds: the Disbursement product (`mtn_momo_refunds.py`), with its own credentials and
  token; without them, refunds are `requires_action` (a person refunds by hand).
- Callbacks are unsigned: the signed `payment`/`sig` pair of our `X-Callback-Url` is checked,
  the body is only a hint, and the status always comes from the GET above.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import httpx
import structlog

from adapters.providers import mtn_momo_wire as wire
from adapters.providers.callback_url import json_object, signed_payment_id
from adapters.providers.deps import ProviderDeps
from adapters.providers.http import (
    DEFAULT_TIMEOUT,
    CredentialsRejected,
    error_body,
    json_body,
    refused_credentials,
)
from adapters.providers.mtn_momo_auth import MtnProduct, ProductKeys
from adapters.providers.mtn_momo_refunds import MtnRefunds
from application.errors import ProviderRejected, ProviderUnavailable
from application.payments.ports import StartResult, WebhookDelivery
from application.refunds.ports import RefundStarted
from domain.order import Order
from domain.payment import NextAction, Payment
from domain.provider_report import ProviderReport, ReportedStatus
from domain.refund import Refund, RefundSupport

log = structlog.get_logger(__name__)

NAME = "mtn_momo"
WEBHOOK = "mtn"

SANDBOX_ENVIRONMENT = "sandbox"
SANDBOX_BASE_URL = "https://sandbox.momodeveloper.mtn.com"
PRODUCTION_BASE_URL = "https://proxy.momoapi.mtn.com"
SANDBOX_HOSTS = frozenset({"sandbox.momodeveloper.mtn.com", "ericssonbasicapi2.azure-api.net"})

#: A callback waits on the status query, and MTN gives up on a callback after 2 s (docs/api.md):
#: each phase of the GET is short, and the whole query (a token fetch included) has a deadline.
STATUS_TIMEOUT = httpx.Timeout(connect=1.0, read=1.5, write=1.0, pool=1.0)
STATUS_DEADLINE = 1.8

KEY_NAMES = ("SUBSCRIPTION_KEY", "API_USER", "API_KEY")
APPROVE = NextAction("approve_on_phone", message="Confirm the payment on your phone")


@dataclass(frozen=True, slots=True)
class Config:
    subscription_key: str = field(repr=False)
    api_user: str = field(repr=False)
    api_key: str = field(repr=False)
    target_environment: str
    base_url: str
    timeout: httpx.Timeout = field(default_factory=lambda: DEFAULT_TIMEOUT)
    #: The Disbursement product's credentials (refunds); None: refunds are made by hand.
    disbursement: ProductKeys | None = None
    #: The prefix of its variables, named when MTN refuses them (`MTN_MOMO_CM_` for an account)
    variables: str = "MTN_MOMO_"

    @property
    def collection(self) -> ProductKeys:
        return ProductKeys(self.subscription_key, self.api_user, self.api_key, self.variables)

    def named(self, prefix: str) -> Config:
        """The same settings, read from the variables of `prefix` (a country's account)."""
        keys = self.disbursement
        disbursement = replace(keys, variables=f"{prefix}DISBURSEMENT_") if keys else None
        return replace(self, variables=prefix, disbursement=disbursement)

    @property
    def is_sandbox(self) -> bool:
        return self.target_environment == SANDBOX_ENVIRONMENT

    def sandbox_problems(self) -> list[str]:
        problems = []
        if self.is_sandbox:
            problems.append(
                "MTN_MOMO_TARGET_ENVIRONMENT is 'sandbox': set your market's value "
                "(mtnivorycoast, mtncameroon, ...)"
            )
        host = urlsplit(self.base_url).hostname
        if host in SANDBOX_HOSTS:
            problems.append(f"MTN_MOMO_BASE_URL points at MTN's sandbox host {host}")
        if not self.base_url.startswith("https://"):
            problems.append("MTN_MOMO_BASE_URL must be an https URL in production")
        return problems

    def build(self, deps: ProviderDeps) -> tuple[MtnMomoProvider, MtnMomoWebhookAuthenticator]:
        """This provider and its callbacks' authenticator, built from this configuration."""
        return build(self, deps)


def configure(env: Mapping[str, str]) -> Config | None:
    """None unless the subscription key, API user and API key are all set. The target
    environment defaults to `sandbox`, the base URL to the host of that environment. The
    Disbursement credentials (`MTN_MOMO_DISBURSEMENT_*`) are optional: without them all
    three, refunds are `requires_action` (made by hand)."""

    def get(name: str) -> str:
        return (env.get(name) or "").strip()

    key, user, secret = (get(f"MTN_MOMO_{n}") for n in KEY_NAMES)
    if not (key and user and secret):
        return None
    target = get("MTN_MOMO_TARGET_ENVIRONMENT") or SANDBOX_ENVIRONMENT
    default_url = SANDBOX_BASE_URL if target == SANDBOX_ENVIRONMENT else PRODUCTION_BASE_URL
    base_url = (get("MTN_MOMO_BASE_URL") or default_url).rstrip("/")
    prefix = "MTN_MOMO_DISBURSEMENT_"
    d_key, d_user, d_secret = (
        get(f"{prefix}{n}") for n in ("SUBSCRIPTION_KEY", "API_USER", "API_KEY")
    )
    complete = d_key and d_user and d_secret
    disbursement = ProductKeys(d_key, d_user, d_secret, prefix) if complete else None
    return Config(key, user, secret, target, base_url, disbursement=disbursement)


def build(
    config: Config, deps: ProviderDeps
) -> tuple[MtnMomoProvider, MtnMomoWebhookAuthenticator]:
    return MtnMomoProvider(config, deps), MtnMomoWebhookAuthenticator(config, deps)


class MtnMomoProvider:
    """The `PaymentProvider` port over MTN MoMo Collection; refunds through Disbursement."""

    name = NAME
    requires_phone = True

    def __init__(self, config: Config, deps: ProviderDeps) -> None:
        self._config, self._urls = config, deps.urls
        http, target = deps.http(NAME), config.target_environment
        self._collection = MtnProduct("collection", config.collection, target, http, deps.clock)
        keys = config.disbursement
        #: the Disbursement product (refunds and payouts share its token), None without keys
        self.disbursement = (
            MtnProduct("disbursement", keys, target, http, deps.clock) if keys else None
        )
        self._refunds = (
            MtnRefunds(self.disbursement, config.is_sandbox) if self.disbursement else None
        )
        self.refunds = RefundSupport.PARTIAL if keys else RefundSupport.MANUAL

    def reference_for(self, payment_id: str) -> str | None:
        return str(uuid.uuid4())

    async def start(self, payment: Payment, order: Order) -> StartResult:
        """`ProviderRejected` with MTN's code when it refuses, or with
        `provider_credentials_rejected` when it refuses our keys (nothing was created, and
        no retry can succeed until an operator fixes them); `ProviderUnavailable` when the
        outcome stays unknown after the lookup by reference."""
        body = wire.request_body(payment, order, sandbox=self._config.is_sandbox)
        try:
            return await self._request_to_pay(_reference(payment), payment.id, body)
        except CredentialsRejected as error:
            raise refused_credentials(error) from error

    async def fetch_status(self, payment: Payment) -> ProviderReport:
        """Rejected credentials are `ProviderUnavailable` here: the status cannot be known,
        so nothing changes and callbacks stay in the inbox until the keys are fixed."""
        try:
            response = await self._get_status(_reference(payment))
        except CredentialsRejected as error:
            raise ProviderUnavailable(f"mtn_momo status: {error.message}") from error
        if response.status_code >= 500:
            raise ProviderUnavailable(f"mtn_momo status: HTTP {response.status_code}")
        if response.status_code != 200:  # 404: unknown reference (e.g. a silent reject)
            log.warning("mtn_momo.status_refused", payment_id=payment.id, http=response.status_code)
            return ProviderReport(ReportedStatus.UNKNOWN, raw=error_body(response))
        return wire.report(json_body(response), payment, sandbox=self._config.is_sandbox)

    # -- request to pay, with the lookup of a lost answer ----------------------------------

    async def _request_to_pay(
        self, reference: str, payment_id: str, body: dict[str, Any]
    ) -> StartResult:
        try:
            response = await self._post(reference, payment_id, body)
        except ProviderUnavailable as error:
            lost: dict[str, Any] = {"error": str(error)}
        else:
            if not wire.outcome_unknown(response):
                return _accepted(reference, response)
            lost = error_body(response)
        try:
            return await self._recover(reference, payment_id, body, lost)
        except CredentialsRejected as error:  # the first request may have gone through
            raise ProviderUnavailable(f"mtn_momo requesttopay: {error.message}") from error

    async def _recover(
        self, reference: str, payment_id: str, body: dict[str, Any], lost: dict[str, Any]
    ) -> StartResult:
        """The answer was lost: look the reference up, and send again only if MTN has none."""
        existing = await self._get_status(reference)
        if existing.status_code == 200:
            return StartResult(reference, APPROVE, raw={"lost_answer": lost, "found": True})
        if existing.status_code != 404:
            raise ProviderUnavailable(f"mtn_momo requesttopay: outcome unknown ({lost})")
        log.info("mtn_momo.resend", payment_id=payment_id, reference=reference)
        response = await self._post(reference, payment_id, body)
        if wire.outcome_unknown(response):
            raise ProviderUnavailable(f"mtn_momo requesttopay: HTTP {response.status_code} twice")
        return _accepted(reference, response, {"lost_answer": lost, "resent": True})

    async def _post(self, reference: str, payment_id: str, body: dict[str, Any]) -> httpx.Response:
        headers = {
            "X-Reference-Id": reference,
            "X-Callback-Url": self._urls.callback(WEBHOOK, payment_id),
        }
        return await self._collection.call(
            "requesttopay", "POST", "/collection/v1_0/requesttopay", headers=headers, json=body
        )

    async def _get_status(self, reference: str) -> httpx.Response:
        """Answered within MTN's patience for a callback, token included, or unavailable."""
        path = f"/collection/v1_0/requesttopay/{reference}"
        try:
            async with asyncio.timeout(STATUS_DEADLINE):
                return await self._collection.call("status", "GET", path, timeout=STATUS_TIMEOUT)
        except TimeoutError as error:
            raise ProviderUnavailable(
                f"mtn_momo status: no answer in {STATUS_DEADLINE} s"
            ) from error

    # -- refunds (Disbursement) -------------------------------------------------------------

    def refund_reference_for(self, refund_id: str) -> str | None:
        return str(uuid.uuid4()) if self._refunds else None

    async def refund(self, refund: Refund, payment: Payment) -> RefundStarted:
        if self._refunds is None:
            raise ProviderRejected("refunds_not_configured", "MTN MoMo refunds need Disbursement")
        return await self._refunds.refund(refund, payment)

    async def fetch_refund(self, refund: Refund, payment: Payment) -> ProviderReport:
        if self._refunds is None:
            return ProviderReport(ReportedStatus.UNKNOWN, raw={"error": "manual_refund"})
        return await self._refunds.fetch(refund, payment)


class MtnMomoWebhookAuthenticator:
    """The `WebhookAuthenticator` of `/payment/webhook/mtn/` (POST or PUT)."""

    def __init__(self, config: Config, deps: ProviderDeps) -> None:
        self._urls = deps.urls

    async def authenticate(
        self, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> WebhookDelivery:
        payment_id = signed_payment_id(self._urls, WEBHOOK, query)
        hint = json_object(body, NAME)
        status = str(hint.get("status") or "unknown").upper()
        transaction = str(hint.get("financialTransactionId") or "")
        return WebhookDelivery(
            provider=NAME,
            event_id=f"{payment_id}:{status}:{transaction}",
            payment_id=payment_id,
            body=body,
        )


def _reference(payment: Payment) -> str:
    if not payment.provider_reference:
        raise ValueError(f"payment {payment.id} has no X-Reference-Id stored")
    return payment.provider_reference


def _accepted(
    reference: str, response: httpx.Response, raw: dict[str, Any] | None = None
) -> StartResult:
    """202 (or 409: that reference already exists) is a started request; anything else that
    reached here is MTN's refusal."""
    if response.is_success or response.status_code == 409:
        return StartResult(reference, APPROVE, raw={"http": response.status_code, **(raw or {})})
    code, message = wire.error_code(response)
    raise ProviderRejected(code, message, error_body(response))
