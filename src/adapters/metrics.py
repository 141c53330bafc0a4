"""Prometheus metrics: counters fed by the use cases (the `Metrics` port), provider call
durations, webhook outcomes, and the exposition served on `/metrics`.

Multi-process mode: with `PROMETHEUS_MULTIPROC_DIR` set before `prometheus_client` is first
imported (`payments serve --workers N` does it), every process writes its counters and
histograms to files in that directory and `exposition()` merges them. The pending payments by
age are not kept in any process: they are counted in Postgres when `/metrics` is scraped and
emitted once by the process that answers, so they are never multiplied by the worker count.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.registry import Collector

from adapters.metric_children import Children
from adapters.providers.http import CallObserver

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
#: `country`: the country of the provider account a payment went through ("" for a
#: provider's default account), so that a marketplace in several countries sees each.
FINAL_PAYMENTS = Counter(
    "payments_final_total",
    "Payments that reached a final status",
    ["provider", "status", "country"],
)
FINAL_REFUNDS = Counter(
    "payments_refunds_final_total",
    "Refunds that reached a final status",
    ["provider", "status"],
)
FAILED_PAYMENTS = Counter(
    "payments_failed_total",
    "Failed payments by provider, failure code and country",
    ["provider", "failure_code", "country"],
)
PROVIDER_CALL_SECONDS = Histogram(
    "payments_provider_call_seconds",
    "Duration of calls to the providers' APIs",
    ["provider", "operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0),
)
PROVIDER_CALLS = Counter(
    "payments_provider_calls_total",
    "Calls to the providers' APIs by outcome (HTTP status, timeout, network_error)",
    ["provider", "operation", "outcome"],
)
WEBHOOK_DELIVERIES = Counter(
    "payments_webhook_deliveries_total",
    "Provider callbacks received, by outcome (accepted, duplicate, rejected) and the reason "
    "of a rejection",
    ["provider", "outcome", "reason"],
)

#: The content type of `exposition()` (the text format 0.0.4 that `generate_latest` writes).
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4

#: The age buckets of open payments (created or pending), upper bounds in seconds.
PENDING_AGE_BUCKETS: tuple[tuple[str, float | None], ...] = (
    ("lt_1m", 60),
    ("1m_5m", 300),
    ("5m_15m", 900),
    ("15m_1h", 3600),
    ("1h_24h", 86400),
    ("gt_24h", None),
)


#: The children of the counters fed after every change and every callback, remembered.
_FINAL_PAYMENTS = Children(FINAL_PAYMENTS)
_FAILED_PAYMENTS = Children(FAILED_PAYMENTS)
_FINAL_REFUNDS = Children(FINAL_REFUNDS)
_WEBHOOK_DELIVERIES = Children(WEBHOOK_DELIVERIES)
_PROVIDER_CALL_SECONDS = Children(PROVIDER_CALL_SECONDS)
_PROVIDER_CALLS = Children(PROVIDER_CALLS)

_FINAL = frozenset({"succeeded", "failed", "expired", "cancelled"})
_NOTIFICATION_OUTCOMES = ("delivered", "retry", "failed", "no_endpoint")


class PrometheusMetrics:
    def announce(self, providers: Iterable[str]) -> None:
        """Series at zero for the label values known in advance, so that they are on
        `/metrics` (and rates can be taken) before the first event. Failure codes are not
        known in advance: their series appear with the first failure."""
        for provider in providers:
            DOUBLE_PAYMENTS.labels(provider)
            RECONCILIATION_ERRORS.labels(provider)
            for status in sorted(_FINAL):
                FINAL_PAYMENTS.labels(provider, status, "")
            for outcome in ("accepted", "duplicate"):
                WEBHOOK_DELIVERIES.labels(provider, outcome, "")
        for outcome in _NOTIFICATION_OUTCOMES:
            NOTIFICATION_DELIVERIES.labels(outcome)

    def double_payment(self, provider: str) -> None:
        DOUBLE_PAYMENTS.labels(provider).inc()

    def reconciliation_error(self, provider: str) -> None:
        RECONCILIATION_ERRORS.labels(provider).inc()

    def notification_delivery(self, outcome: str) -> None:
        NOTIFICATION_DELIVERIES.labels(outcome).inc()

    def payment_final(
        self, provider: str, status: str, failure_code: str | None, country: str | None = None
    ) -> None:
        _FINAL_PAYMENTS(provider, status, country or "").inc()
        if status == "failed":
            _FAILED_PAYMENTS(provider, failure_code or "unknown", country or "").inc()

    def refund_final(self, provider: str, status: str) -> None:
        _FINAL_REFUNDS(provider, status).inc()

    def webhook_delivery(self, provider: str, outcome: str, reason: str = "") -> None:
        """`outcome`: accepted, duplicate or rejected (then `reason` says why)."""
        _WEBHOOK_DELIVERIES(provider, outcome, reason).inc()


class MeteredCallObserver:
    """A `CallObserver` feeding the provider call histogram, then the next observer (logs)."""

    def __init__(self, inner: CallObserver | None = None) -> None:
        self._inner = inner

    def observe(self, provider: str, operation: str, seconds: float, outcome: str) -> None:
        _PROVIDER_CALL_SECONDS(provider, operation).observe(seconds)
        _PROVIDER_CALLS(provider, operation, outcome).inc()
        if self._inner is not None:
            self._inner.observe(provider, operation, seconds, outcome)


class _Gauges(Collector):
    def __init__(self, families: Iterable[Metric]) -> None:
        self._families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self._families


def pending_by_age(counts: Mapping[str, int]) -> GaugeMetricFamily:
    """Open payments by age bucket (every bucket present, zero when empty)."""
    family = GaugeMetricFamily(
        "payments_pending",
        "Payments not settled yet (created or pending), by age since creation",
        labels=["age"],
    )
    for bucket, _ in PENDING_AGE_BUCKETS:
        family.add_metric([bucket], counts.get(bucket, 0))
    return family


def exposition(pending: Mapping[str, int], extra: Iterable[Metric] = ()) -> bytes:
    """The text served on `/metrics`: this process's metrics, or all processes' in
    multi-process mode, then the gauges read from the database at scrape time (`extra`:
    more of them, such as the providers' health)."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    scraped = CollectorRegistry(auto_describe=False)
    scraped.register(_Gauges([pending_by_age(pending), *extra]))
    return generate_latest(registry) + generate_latest(scraped)
