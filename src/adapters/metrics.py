"""Prometheus counters fed by the use cases (the `Metrics` port)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prometheus_client import Counter

from application.ports import PaymentLog
from domain.events import DomainEvent
from domain.payment import Payment

DOUBLE_PAYMENTS = Counter(
    "payments_double_payments_total",
    "Payments that succeeded on an order already settled (to refund)",
    ["provider"],
)
RECONCILIATION_ERRORS = Counter(
    "payments_reconciliation_errors_total",
    "Verifications of open payments that the provider could not answer",
    ["provider"],
)
NOTIFICATION_DELIVERIES = Counter(
    "payments_notification_deliveries_total",
    "Attempts to deliver notifications to stores, by outcome",
    ["outcome"],
)
FINAL_PAYMENTS = Counter(
    "payments_final_total",
    "Payments that reached a final status",
    ["provider", "status"],
)
FAILED_PAYMENTS = Counter(
    "payments_failed_total",
    "Failed payments by provider and failure code",
    ["provider", "failure_code"],
)


class PrometheusMetrics:
    def double_payment(self, provider: str) -> None:
        DOUBLE_PAYMENTS.labels(provider).inc()

    def reconciliation_error(self, provider: str) -> None:
        RECONCILIATION_ERRORS.labels(provider).inc()

    def notification_delivery(self, outcome: str) -> None:
        NOTIFICATION_DELIVERIES.labels(outcome).inc()

    def payment_final(self, provider: str, status: str, failure_code: str | None) -> None:
        FINAL_PAYMENTS.labels(provider, status).inc()
        if status == "failed":
            FAILED_PAYMENTS.labels(provider, failure_code or "unknown").inc()


_FINAL = frozenset({"succeeded", "failed", "expired", "cancelled"})


class MeteredPaymentLog:
    """A `PaymentLog` that also counts what the changes mean: final statuses by provider,
    failures by code, double payments."""

    def __init__(self, inner: PaymentLog, metrics: PrometheusMetrics) -> None:
        self._inner, self._metrics = inner, metrics

    def changed(self, payment: Payment, event: DomainEvent) -> None:
        self._inner.changed(payment, event)
        if event.type == "payment.needs_refund":
            self._metrics.double_payment(payment.provider)
        elif event.from_status != event.to_status and event.to_status in _FINAL:
            self._metrics.payment_final(payment.provider, event.to_status, payment.failure_code)

    def anomaly(self, payment: Payment, what: str, detail: Mapping[str, Any]) -> None:
        self._inner.anomaly(payment, what, detail)
