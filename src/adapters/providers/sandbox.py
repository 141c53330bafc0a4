"""The sandbox provider: a simulated mobile-money operator, so the whole flow can be tried
with no provider account.

The operator decides by the phone number's last two digits, like test card numbers:
`01` succeeds after about 2 s; `02` fails (`insufficient_funds`); `03` never resolves;
`04` succeeds but its webhook is never sent; `05` succeeds and its webhook arrives twice;
anything else (or no phone) waits on the `/sandbox/pay/{id}` page for approve or decline.

Its state lives in Postgres (`sandbox_transactions`), so any server process can answer a
status query or a decision. Webhooks are signed with `Sandbox-Signature` and really POSTed to
the service's own `/payment/webhook/sandbox/` over HTTP.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import psycopg
import structlog
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from adapters.providers.http import CallObserver, header
from adapters.providers.sandbox_refunds import SandboxRefunds
from adapters.signing import HmacSignatureScheme
from adapters.urls import ServiceUrls
from application.errors import MalformedWebhook, ProviderUnavailable, WebhookRejected
from application.payments.ports import StartResult, WebhookDelivery
from application.refunds.ports import RefundStarted
from application.shared.ports import Clock
from domain.money import Money
from domain.order import Order
from domain.payment import NextAction, Payment
from domain.provider_report import ProviderReport, ReportedStatus
from domain.refund import Refund, RefundSupport

log = structlog.get_logger(__name__)

SIGNATURE_HEADER = "Sandbox-Signature"


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    final_status: str | None
    failure_code: str | None
    delay: timedelta | None
    webhooks: int


SCENARIOS = {
    "01": Scenario("succeeds", "succeeded", None, timedelta(seconds=2), 1),
    "02": Scenario("fails", "failed", "insufficient_funds", timedelta(seconds=1), 1),
    "03": Scenario("never_resolves", None, None, None, 0),
    "04": Scenario("webhook_lost", "succeeded", None, timedelta(seconds=2), 0),
    "05": Scenario("webhook_twice", "succeeded", None, timedelta(seconds=2), 2),
}
MANUAL = Scenario("manual", None, None, None, 1)


def scenario_for(phone: str | None) -> Scenario:
    return SCENARIOS.get((phone or "")[-2:], MANUAL) if phone else MANUAL


_INSERT = """
INSERT INTO sandbox_transactions
    (payment_id, phone, amount, currency, scenario, final_status, failure_code, settles_at,
     webhooks_to_send, created_at)
VALUES (%(payment_id)s, %(phone)s, %(amount)s, %(currency)s, %(scenario)s, %(final_status)s,
        %(failure_code)s, %(settles_at)s, %(webhooks)s, %(at)s)
ON CONFLICT (payment_id) DO NOTHING
"""
_SELECT = """
SELECT payment_id, amount, currency, scenario, final_status, failure_code, settles_at,
       webhooks_to_send
FROM sandbox_transactions WHERE payment_id = %(payment_id)s
"""
_DECIDE = """
UPDATE sandbox_transactions
SET final_status = %(final_status)s, failure_code = %(failure_code)s, settles_at = %(at)s
WHERE payment_id = %(payment_id)s AND scenario IN ('manual', 'never_resolves')
  AND final_status IS NULL
"""


@dataclass(frozen=True, slots=True)
class SandboxPage:
    """What the operator's page shows of one payment (rows never leave this module)."""

    amount: Money
    decided: str | None  # the final status once decided
    manual: bool  # waits for a tester's click


class SandboxOperator:
    """The simulated operator's own records and its outgoing callbacks."""

    def __init__(
        self,
        pool: AsyncConnectionPool,
        clock: Clock,
        signer: HmacSignatureScheme,
        webhook_url: str,
        http: httpx.AsyncClient,
    ) -> None:
        self._pool, self._clock, self._signer = pool, clock, signer
        self._webhook_url, self._http = webhook_url, http
        self._tasks: set[asyncio.Task[None]] = set()

    async def open(self, payment: Payment) -> Scenario:
        scenario = scenario_for(payment.phone)
        now = self._clock.now()
        async with self._autocommit() as conn:
            await conn.execute(
                _INSERT,
                {
                    "payment_id": payment.id,
                    "phone": payment.phone,
                    "amount": payment.amount.amount,
                    "currency": str(payment.amount.currency),
                    "scenario": scenario.name,
                    "final_status": scenario.final_status,
                    "failure_code": scenario.failure_code,
                    "settles_at": now + scenario.delay if scenario.delay else None,
                    "webhooks": scenario.webhooks,
                    "at": now,
                },
            )
        if scenario.delay is not None and scenario.webhooks:
            self._later(payment.id, scenario.delay.total_seconds(), scenario.webhooks)
        return scenario

    def refunds(self) -> SandboxRefunds:
        return SandboxRefunds(self._pool, self._clock)

    async def page(self, payment_id: str) -> SandboxPage | None:
        """The payment as the operator's page shows it; None when the operator has no such
        payment."""
        record = await self.record(payment_id)
        if record is None:
            return None
        amount = Money.of(record["amount"], record["currency"].strip())
        return SandboxPage(amount, record["final_status"], record["scenario"] == "manual")

    async def record(self, payment_id: str) -> dict[str, Any] | None:
        async with self._autocommit() as conn:
            cursor = await conn.cursor(row_factory=dict_row).execute(
                _SELECT, {"payment_id": payment_id}
            )
            return await cursor.fetchone()

    async def decide(self, payment_id: str, approve: bool) -> bool:
        """The tester's click on the sandbox page (for a `manual` payment, or a `never_resolves`
        one that the customer finally settles late). Returns False when already decided."""
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                _DECIDE,
                {
                    "payment_id": payment_id,
                    "final_status": "succeeded" if approve else "failed",
                    "failure_code": None if approve else "declined_by_customer",
                    "at": self._clock.now(),
                },
            )
            decided = cursor.rowcount == 1
        if decided:
            self._later(payment_id, 0, 1)
        return decided

    @asynccontextmanager
    async def _autocommit(self) -> AsyncIterator[AsyncConnection[Any]]:
        """A pool connection for one statement: in autocommit, one round trip instead of
        three (BEGIN, the statement, COMMIT); given back to the pool as it was taken."""
        async with self._pool.connection() as conn:
            await conn.set_autocommit(True)
            try:
                yield conn
            finally:
                await conn.set_autocommit(False)

    def _later(self, payment_id: str, delay: float, times: int) -> None:
        task = asyncio.create_task(self._send(payment_id, delay, times))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, payment_id: str, delay: float, times: int) -> None:
        await asyncio.sleep(delay)
        record = await self.record(payment_id)
        if record is None or record["final_status"] is None:
            return
        body = _event_body(record, self._clock.now())
        for _ in range(times):
            await self._post(payment_id, body)

    async def _post(self, payment_id: str, body: bytes) -> None:
        headers = {SIGNATURE_HEADER: self._signer.sign(body), "Content-Type": "application/json"}
        try:
            response = await self._http.post(self._webhook_url, content=body, headers=headers)
            log.info("sandbox.webhook_sent", payment_id=payment_id, status=response.status_code)
        except httpx.HTTPError as error:
            log.warning("sandbox.webhook_failed", payment_id=payment_id, error=str(error))

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def _event_body(record: Mapping[str, Any], at: datetime) -> bytes:
    status = record["final_status"]
    event = {
        "id": f"evt_sbx_{record['payment_id']}_{status}",
        "type": f"payment.{status}",
        "created_at": at.isoformat(),
        "data": {
            "payment_id": record["payment_id"],
            "status": status,
            "amount": record["amount"],
            "currency": record["currency"].strip(),
            "failure_code": record["failure_code"],
        },
    }
    return json.dumps(event, separators=(",", ":")).encode()


class SandboxProvider:
    """The `PaymentProvider` port over the simulated operator. Its calls (`start`, `status`)
    are timed like a real provider's HTTP calls."""

    name = "sandbox"
    requires_phone = False
    refunds = RefundSupport.PARTIAL

    def __init__(
        self,
        operator: SandboxOperator,
        urls: ServiceUrls,
        clock: Clock,
        observer: CallObserver | None = None,
    ) -> None:
        self._operator, self._urls, self._clock = operator, urls, clock
        self._observer = observer
        self._refunds = operator.refunds()

    def reference_for(self, payment_id: str) -> str | None:
        return payment_id

    def _observe(self, operation: str, started: float, outcome: str) -> None:
        if self._observer is not None:
            elapsed = time.perf_counter() - started
            self._observer.observe(self.name, operation, elapsed, outcome)

    async def start(self, payment: Payment, order: Order) -> StartResult:
        started = time.perf_counter()
        scenario = await self._operator.open(payment)
        self._observe("start", started, "ok")
        if scenario is MANUAL:
            action = NextAction("redirect", url=self._urls.sandbox_page(payment.id))
        else:
            action = NextAction("approve_on_phone", message="Confirm the payment on your phone")
        return StartResult(
            reference=payment.id, next_action=action, raw={"scenario": scenario.name}
        )

    async def fetch_status(self, payment: Payment) -> ProviderReport:
        started = time.perf_counter()
        try:
            record = await self._operator.record(payment.id)
        except psycopg.Error as error:
            self._observe("status", started, "network_error")
            raise ProviderUnavailable("sandbox operator unreachable") from error
        self._observe("status", started, "ok")
        if record is None:
            return ProviderReport(ReportedStatus.UNKNOWN, raw={"error": "not_found"})
        raw = {"scenario": record["scenario"], "status": record["final_status"] or "pending"}
        settles_at = record["settles_at"]
        if record["final_status"] is None or settles_at is None or settles_at > self._clock.now():
            return ProviderReport(ReportedStatus.PENDING, raw=raw)
        amount = Money.of(record["amount"], record["currency"].strip())
        if record["final_status"] == "succeeded":
            return ProviderReport(ReportedStatus.SUCCEEDED, amount=amount, raw=raw)
        return ProviderReport(
            ReportedStatus.FAILED,
            amount=amount,
            failure_code=record["failure_code"],
            failure_message=_FAILURE_MESSAGES.get(record["failure_code"] or ""),
            raw=raw,
        )

    async def cancel(self, payment: Payment) -> None:
        """The customer chose another way: an undecided payment ends as declined (one already
        decided keeps its outcome, which the status query then gives)."""
        await self._operator.decide(payment.id, approve=False)

    def refund_reference_for(self, refund_id: str) -> str | None:
        return refund_id

    async def refund(self, refund: Refund, payment: Payment) -> RefundStarted:
        started = time.perf_counter()
        answer = await self._refunds.open(refund)
        self._observe("refund", started, "ok")
        return answer

    async def fetch_refund(self, refund: Refund, payment: Payment) -> ProviderReport:
        started = time.perf_counter()
        report = await self._refunds.report(refund)
        self._observe("refund_status", started, "ok")
        return report


_FAILURE_MESSAGES = {
    "insufficient_funds": "The customer's balance is too low",
    "declined_by_customer": "The customer declined the payment",
}


class SandboxWebhookAuthenticator:
    """`Sandbox-Signature: t=<ts>,v1=<hex>` over `<ts>` + raw body, 5 minutes' tolerance."""

    def __init__(self, signer: HmacSignatureScheme) -> None:
        self._signer = signer

    async def authenticate(
        self, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> WebhookDelivery:
        signature = header(headers, SIGNATURE_HEADER)
        if signature is None:
            raise WebhookRejected("missing_signature")
        self._signer.verify(signature, body)
        try:
            event = json.loads(body)
            event_id, payment_id = str(event["id"]), str(event["data"]["payment_id"])
        except (ValueError, KeyError, TypeError) as error:
            raise MalformedWebhook("the sandbox event cannot be read") from error
        return WebhookDelivery(
            provider="sandbox",
            event_id=event_id,
            payment_id=payment_id,
            body=body,
            headers={SIGNATURE_HEADER: signature},
        )
