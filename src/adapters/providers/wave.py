"""Wave Checkout (reference/providers.md section 3).

- Start: `POST /v1/checkout/sessions` (Bearer API key) with the amount as a decimal string in
  currency units, `client_reference` = our payment id and our status page as success/error
  URL; the customer is sent to `wave_launch_url`.
- A create whose answer is lost (timeout, network error, 5xx, unreadable 2xx) is looked up with
  `GET /v1/checkout/sessions/search?client_reference=<payment id>`; a second session is only
  created when the search finds none. The Checkout API documents no idempotency header: the
  payment id is sent as `Idempotency-Key` all the same (harmless if ignored), never relied on.
- Status: `GET /v1/checkout/sessions/{id}` (a search by client_reference when the id was
  never learnt), bounded by a hard deadline so webhook processing never waits more than 5 s.
- Refunds (`refunds = full`): `POST /v1/checkout/sessions/{id}/refund` gives back a whole
  completed session (no amount is documented): an empty 2xx is Wave's confirmation, a 4xx
  (`checkout-refund-failed`) its refusal, a timeout or 5xx an unknown outcome. Wave documents
  no refund status query, so a pending refund is asked again: a session is refunded once at
  most, so sending it again cannot give back twice; a 2xx then confirms it, and a refusal
  then is not taken as a failure (it may mean "already refunded"): the refund stays pending
  until a person checks it.
- Webhooks: `Wave-Signature` (HMAC-SHA256 over `<t>` + raw body, any `v1`, 5 minutes),
  de-duplicated on the event `id`; the body only names the payment, the status is re-fetched.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import structlog

from adapters.providers.deps import ProviderDeps
from adapters.providers.http import error_body, header, json_body
from adapters.providers.wave_wire import (
    FAILURES,
    is_paid,
    is_session,
    session_report,
    wave_amount,
)
from adapters.secret_strength import weakness
from adapters.signing import HmacSignatureScheme
from application.errors import (
    MalformedWebhook,
    ProviderRejected,
    ProviderUnavailable,
    WebhookRejected,
)
from application.payments.ports import StartResult, WebhookDelivery
from application.refunds.ports import RefundStarted
from domain.order import Order
from domain.payment import NextAction, Payment
from domain.provider_report import ProviderReport, ReportedStatus
from domain.refund import Refund, RefundSupport

log = structlog.get_logger(__name__)

NAME = "wave"
WEBHOOK = "wave"
DEFAULT_BASE_URL = "https://api.wave.com"
SIGNATURE_HEADER = "Wave-Signature"
MIN_SECRET_LENGTH = 24
SESSIONS = "/v1/checkout/sessions"

#: Status calls (webhook processing among them): 2 s to connect, 3 s to read, and a hard
#: deadline of STATUS_DEADLINE over the whole call, under Wave's 5 s answer limit.
TIMEOUT = httpx.Timeout(connect=2.0, read=3.0, write=3.0, pool=2.0)
STATUS_DEADLINE = 4.5
#: Creating a session may take longer; a lost answer is recovered by search.
CREATE_TIMEOUT = httpx.Timeout(connect=2.0, read=10.0, write=3.0, pool=2.0)


@dataclass(frozen=True, slots=True)
class Config:
    api_key: str
    webhook_secret: str | None
    base_url: str = DEFAULT_BASE_URL

    @property
    def timeout(self) -> httpx.Timeout:
        return TIMEOUT

    def sandbox_problems(self) -> list[str]:
        problems = []
        if weakness(self.webhook_secret, MIN_SECRET_LENGTH):
            problems.append(
                f"WAVE_WEBHOOK_SECRET must be set to the portal's secret "
                f"(at least {MIN_SECRET_LENGTH} random characters)"
            )
        if not self.base_url.startswith("https://"):
            problems.append("WAVE_BASE_URL must be an https URL in production")
        return problems

    def build(self, deps: ProviderDeps) -> tuple[WaveProvider, WaveWebhookAuthenticator]:
        """This provider and its callbacks' authenticator, built from this configuration."""
        return build(self, deps)


def configure(env: Mapping[str, str]) -> Config | None:
    api_key = (env.get("WAVE_API_KEY") or "").strip()
    if not api_key:
        return None
    return Config(
        api_key=api_key,
        webhook_secret=(env.get("WAVE_WEBHOOK_SECRET") or "").strip() or None,
        base_url=(env.get("WAVE_BASE_URL") or "").strip().rstrip("/") or DEFAULT_BASE_URL,
    )


def build(config: Config, deps: ProviderDeps) -> tuple[WaveProvider, WaveWebhookAuthenticator]:
    return WaveProvider(config, deps), WaveWebhookAuthenticator(config, deps)


# -- the provider ----------------------------------------------------------------------------


class WaveProvider:
    name = NAME
    requires_phone = False
    refunds = RefundSupport.FULL

    def __init__(self, config: Config, deps: ProviderDeps) -> None:
        self._http, self._urls = deps.http(NAME), deps.urls
        self._auth = {"Authorization": f"Bearer {config.api_key}"}

    def reference_for(self, payment_id: str) -> str | None:
        return None  # Wave names the session (`cos-...`); client_reference finds it again

    async def start(self, payment: Payment, order: Order) -> StartResult:
        session = await self._create(payment)
        if session is None:
            session = await self._search(payment.id)
            if session is None:
                log.info("wave.create_retried", payment_id=payment.id)
                session = await self._create(payment)
        if session is None:
            raise ProviderUnavailable("wave create_session: no readable answer")
        launch_url = session.get("wave_launch_url")
        return StartResult(
            reference=str(session["id"]),
            next_action=NextAction("redirect", url=str(launch_url)) if launch_url else None,
            provider_data={"session_id": str(session["id"])},
            raw={"session": session},
        )

    async def _create(self, payment: Payment) -> dict[str, Any] | None:
        """The created session, or None when its answer was lost (unknown outcome)."""
        status_url = self._urls.status(payment.id)
        body = {
            "amount": wave_amount(payment.amount),
            "currency": str(payment.amount.currency),
            "client_reference": payment.id,
            "success_url": status_url,
            "error_url": status_url,
        }
        if payment.phone:
            body["restrict_payer_mobile"] = payment.phone
        headers = {**self._auth, "Idempotency-Key": payment.id}
        try:
            response = await self._http.request(
                "create_session", "POST", SESSIONS, json=body, headers=headers,
                timeout=CREATE_TIMEOUT,
            )  # fmt: skip
        except ProviderUnavailable as error:
            log.warning("wave.create_lost", payment_id=payment.id, error=str(error))
            return None
        if response.status_code >= 500:
            log.warning("wave.create_lost", payment_id=payment.id, status=response.status_code)
            return None
        if response.status_code >= 400:
            raise _refusal(response)
        session = json_body(response)
        if not is_session(session) or not session.get("wave_launch_url"):
            log.warning("wave.create_unreadable", payment_id=payment.id)
            return None
        return session

    async def fetch_status(self, payment: Payment) -> ProviderReport:
        try:
            async with asyncio.timeout(STATUS_DEADLINE):
                if payment.provider_reference:
                    session = await self._get(payment.provider_reference)
                else:
                    session = await self._search(payment.id)
        except TimeoutError:
            raise ProviderUnavailable(f"wave status: no answer in {STATUS_DEADLINE} s") from None
        if session is None:
            return ProviderReport(ReportedStatus.UNKNOWN, raw={"error": "session_not_found"})
        return session_report(session, payment.id)

    async def cancel(self, payment: Payment) -> None:
        """`POST /v1/checkout/sessions/{id}/expire`: the customer chose another way, so the
        open session ends and cannot be paid any more. A session that is unknown or no longer
        open (paid meanwhile, already expired) is not an error: the status query says what
        happened. `ProviderUnavailable` on a timeout or a 5xx."""
        if not payment.provider_reference:
            return
        path = f"{SESSIONS}/{payment.provider_reference}/expire"
        response = await self._http.request("expire_session", "POST", path, headers=self._auth)
        if response.status_code >= 500:
            raise ProviderUnavailable(f"wave expire_session: HTTP {response.status_code}")
        if response.status_code >= 400:
            log.info("wave.expire_refused", payment_id=payment.id, body=error_body(response))

    # -- refunds ---------------------------------------------------------------------------

    def refund_reference_for(self, refund_id: str) -> str | None:
        return None  # Wave refunds the session itself: its id is the payment's reference

    async def refund(self, refund: Refund, payment: Payment) -> RefundStarted:
        """Raises `ProviderRejected` with Wave's code when it refuses."""
        response = await self._post_refund(refund, payment)
        if response.status_code >= 400:
            raise _refusal(response, "Wave refused the refund")
        return RefundStarted(payment.provider_reference, _refunded(response))

    async def fetch_refund(self, refund: Refund, payment: Payment) -> ProviderReport:
        response = await self._post_refund(refund, payment)
        if response.status_code >= 400:
            log.warning("wave.refund_unconfirmed", refund_id=refund.id, body=error_body(response))
            return ProviderReport(ReportedStatus.UNKNOWN, raw=error_body(response))
        return _refunded(response)

    async def _post_refund(self, refund: Refund, payment: Payment) -> httpx.Response:
        """The refund request; `ProviderUnavailable` on a timeout, a network error or a 5xx."""
        if not payment.provider_reference:
            raise ProviderRejected("no_session", "The Wave session of this payment is unknown")
        path = f"{SESSIONS}/{payment.provider_reference}/refund"
        headers = {**self._auth, "Idempotency-Key": refund.id}
        response = await self._http.request(
            "refund", "POST", path, headers=headers, timeout=CREATE_TIMEOUT
        )
        if response.status_code >= 500:
            raise ProviderUnavailable(f"wave refund: HTTP {response.status_code}")
        return response

    async def _get(self, session_id: str) -> dict[str, Any] | None:
        response = await self._http.request(
            "get_session", "GET", f"{SESSIONS}/{session_id}", headers=self._auth
        )
        if response.status_code == 404:
            return None
        _raise_unless_ok(response, "get_session")
        session = json_body(response)
        if not is_session(session):
            raise ProviderUnavailable("wave get_session: unreadable answer")
        return session

    async def _search(self, payment_id: str) -> dict[str, Any] | None:
        """Our session for this payment: a paid one first, else the newest."""
        response = await self._http.request(
            "search_sessions", "GET", f"{SESSIONS}/search",
            params={"client_reference": payment_id}, headers=self._auth,
        )  # fmt: skip
        _raise_unless_ok(response, "search_sessions")
        found = json_body(response).get("result")
        if not isinstance(found, list):
            raise ProviderUnavailable("wave search_sessions: unreadable answer")
        ours = [s for s in found if is_session(s) and s.get("client_reference") == payment_id]
        paid = [s for s in ours if is_paid(s)]
        newest = sorted(ours, key=lambda s: str(s.get("when_created") or ""), reverse=True)
        best: dict[str, Any] | None = (paid or newest or [None])[0]
        return best


def _raise_unless_ok(response: httpx.Response, operation: str) -> None:
    """A status query cannot be "refused": any error answer means Wave cannot answer now."""
    if response.status_code >= 400:
        detail = error_body(response)
        log.warning("wave.error", operation=operation, status=response.status_code, body=detail)
        raise ProviderUnavailable(f"wave {operation}: HTTP {response.status_code}")


def _refunded(response: httpx.Response) -> ProviderReport:
    return ProviderReport(ReportedStatus.SUCCEEDED, raw={"http": response.status_code})


def _refusal(
    response: httpx.Response, default: str = "Wave refused the payment request"
) -> ProviderRejected:
    """A 4xx on create: nothing was created. The provider's code is kept, its text is not
    shown (it stays in the history)."""
    detail = error_body(response)
    body = detail.get("body")
    code = body.get("code") if isinstance(body, dict) else None
    code = str(code) if code else f"http_{response.status_code}"
    if response.status_code in (401, 403):
        log.error("wave.credentials_refused", status=response.status_code, code=code)
    message = FAILURES.get(code, default)
    return ProviderRejected(code, message, detail)


# -- webhooks --------------------------------------------------------------------------------


class WaveWebhookAuthenticator:
    """`Wave-Signature: t=<ts>,v1=<hex>[,v1=...]` over `<ts>` + raw body; 5 minutes."""

    def __init__(self, config: Config, deps: ProviderDeps) -> None:
        secret = config.webhook_secret
        self._signer = (
            HmacSignatureScheme(secret.encode(), b"", 300, deps.clock) if secret else None
        )

    async def authenticate(
        self, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> WebhookDelivery:
        signature = header(headers, SIGNATURE_HEADER)
        if self._signer is None:
            log.error("wave.webhook_secret_missing")
            raise WebhookRejected("webhook_secret_not_configured")
        if signature is None:
            raise WebhookRejected("missing_signature")
        self._signer.verify(signature, body)
        try:
            event = json.loads(body)
            event_id = event["id"]
            data = event.get("data") or {}
            reference = data.get("client_reference")
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise MalformedWebhook("the Wave event cannot be read") from error
        if not isinstance(event_id, str) or not event_id:
            raise MalformedWebhook("the Wave event has no id")
        return WebhookDelivery(
            provider=NAME,
            event_id=event_id,
            payment_id=reference if isinstance(reference, str) and reference else None,
            body=body,
            headers={SIGNATURE_HEADER: signature},
        )
