"""Every provider wrapped so that what the service sees of it feeds its health and its
circuit breaker: each start is timed and classed (accepted, refused, timeout, error), each
status query counted. The wrapper never refuses anything itself: status queries always go
through, and new payments are refused before they reach it (`GatedInitiatePayment`)."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable, Sequence

import httpx
import structlog

from adapters.providers.http import CREDENTIALS_REJECTED
from application.errors import ProviderRejected, ProviderUnavailable
from application.health.ports import HealthRecorder
from application.health.provider_gate import ProviderGate
from application.payments.ports import (
    CallbackReports,
    PaymentProvider,
    ProviderRegistry,
    StartResult,
    WebhookAuthenticator,
)
from application.shared.ports import Clock
from domain.accounts import Account, AccountId
from domain.order import Order
from domain.payment import Payment
from domain.provider_health import LATENCY_BOUNDS_MS, Tally, bucket_of, minute_of
from domain.provider_report import ProviderReport

log = structlog.get_logger(__name__)

_TIMED_OUT = re.compile(r"timed out|timeout|no answer in", re.I)


def failure_kind(error: ProviderUnavailable) -> str:
    """`starts_timeout` for a timeout, else `starts_error` (5xx, network, unreadable)."""
    if isinstance(error.__cause__, httpx.TimeoutException) or _TIMED_OUT.search(str(error)):
        return "starts_timeout"
    return "starts_error"


class GuardedProvider:
    """`key`: the account's health key (`mtn_momo`, or `mtn_momo:CM` for a country's
    account): its tallies and its breaker are its own, so MTN down in Ghana leaves MTN in
    Cameroon alone."""

    def __init__(
        self,
        inner: PaymentProvider,
        gate: ProviderGate,
        recorder: HealthRecorder,
        clock: Clock,
        key: str | None = None,
    ) -> None:
        self._inner, self._gate, self._recorder, self._clock = inner, gate, recorder, clock
        self.name = inner.name
        self.key = key or inner.name
        self.requires_phone = inner.requires_phone

    def reference_for(self, payment_id: str) -> str | None:
        return self._inner.reference_for(payment_id)

    async def start(self, payment: Payment, order: Order) -> StartResult:
        started = time.perf_counter()
        try:
            result = await self._inner.start(payment, order)
        except ProviderRejected as refusal:
            if refusal.code == CREDENTIALS_REJECTED:
                await self._failed("starts_error")
            else:
                await self._answered("starts_rejected", started)
            raise
        except ProviderUnavailable as error:
            await self._failed(failure_kind(error))
            raise
        await self._answered("starts_ok", started)
        return result

    def callback_report(self, body: bytes, payment: Payment) -> ProviderReport | None:
        """The inner provider's, when its callback is its word (`CallbackReports`)."""
        if isinstance(self._inner, CallbackReports):
            return self._inner.callback_report(body, payment)
        return None

    async def fetch_status(self, payment: Payment) -> ProviderReport:
        try:
            report = await self._inner.fetch_status(payment)
        except ProviderUnavailable:
            await self._count(self._tally(status_error=1))
            raise
        await self._count(self._tally(status_ok=1))
        return report

    async def _answered(self, kind: str, started: float) -> None:
        elapsed_ms = (time.perf_counter() - started) * 1000
        latency = [0] * (len(LATENCY_BOUNDS_MS) + 1)
        latency[bucket_of(elapsed_ms, LATENCY_BOUNDS_MS)] = 1
        self._recorder.record(self._tally(**{kind: 1}, start_latency=tuple(latency)))
        await self._safely(self._gate.succeeded)

    async def _failed(self, kind: str) -> None:
        self._recorder.record(self._tally(**{kind: 1}))
        await self._safely(self._gate.failed)

    async def _count(self, tally: Tally) -> None:
        self._recorder.record(tally)
        await self._safely(None)

    def _tally(self, **counts: object) -> Tally:
        return Tally(self.key, minute_of(self._clock.now()), **counts)  # type: ignore[arg-type]

    async def _safely(self, breaker_step: Callable[[str], Awaitable[None]] | None) -> None:
        """Health bookkeeping never turns a payment's outcome into an error."""
        try:
            if breaker_step is not None:
                await breaker_step(self.key)
            await self._recorder.flush()
        except Exception as error:
            log.warning("provider_health.bookkeeping_failed", error=type(error).__name__)


class GuardedRegistry:
    """A `ProviderRegistry` whose accounts' providers are wrapped in `GuardedProvider`."""

    def __init__(
        self, inner: ProviderRegistry, gate: ProviderGate, recorder: HealthRecorder, clock: Clock
    ) -> None:
        self._inner = inner
        self._wrapped = {
            account.id: GuardedProvider(
                inner.get(account.id.provider, account.id.country),
                gate,
                recorder,
                clock,
                account.id.key,
            )
            for account in inner.accounts()
        }

    def get(self, name: str, country: str | None = None) -> PaymentProvider:
        inner = self._inner.get(name, country)  # ProviderNotAvailable when not configured
        return self._wrapped.get(AccountId(name, country)) or inner

    def choose(self, name: str, country: str | None) -> tuple[Account, PaymentProvider]:
        account, inner = self._inner.choose(name, country)
        return account, self._wrapped.get(account.id) or inner

    def webhook_authenticator(self, name: str) -> WebhookAuthenticator:
        return self._inner.webhook_authenticator(name)

    def available(self) -> Sequence[str]:
        return self._inner.available()

    def accounts(self) -> Sequence[Account]:
        return self._inner.accounts()
