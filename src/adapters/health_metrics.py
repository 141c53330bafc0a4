"""The providers' health as Prometheus gauges, read from the database when `/metrics` is
scraped (the same figures as `GET /api/v1/providers`, emitted once by the answering process)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from prometheus_client.core import GaugeMetricFamily, Metric

from application.health.provider_health import ProviderHealth

STATUSES = ("operational", "degraded", "down")
BREAKER_STATES = ("closed", "open", "half_open")


def health_gauges(healths: Sequence[ProviderHealth]) -> Iterable[Metric]:
    status = GaugeMetricFamily(
        "payments_provider_status",
        "1 for the provider's current status (operational, degraded, down), else 0",
        labels=["provider", "status"],
    )
    breaker = GaugeMetricFamily(
        "payments_provider_breaker",
        "1 for the state of the provider's circuit breaker (closed, open, half_open), else 0",
        labels=["provider", "state"],
    )
    success = GaugeMetricFamily(
        "payments_provider_success_ratio",
        "Share of provider calls answered over the health window",
        labels=["provider"],
    )
    latency = GaugeMetricFamily(
        "payments_provider_start_latency_ms",
        "Start call latency over the health window, by quantile",
        labels=["provider", "quantile"],
    )
    settle = GaugeMetricFamily(
        "payments_provider_settle_seconds_p50",
        "Median time from start to a final status over the health window",
        labels=["provider"],
    )
    window = GaugeMetricFamily(
        "payments_provider_window_minutes",
        "The window the provider's figures are read over (5 or 60 minutes)",
        labels=["provider"],
    )
    for h in healths:
        for name in STATUSES:
            status.add_metric([h.provider, name], 1.0 if h.status == name else 0.0)
        for name in BREAKER_STATES:
            breaker.add_metric([h.provider, name], 1.0 if h.breaker == name else 0.0)
        if h.success_rate is not None:
            success.add_metric([h.provider], h.success_rate)
        for quantile, value in (("0.5", h.start_latency_p50_ms), ("0.95", h.start_latency_p95_ms)):
            if value is not None:
                latency.add_metric([h.provider, quantile], value)
        if h.settle_seconds_p50 is not None:
            settle.add_metric([h.provider], h.settle_seconds_p50)
        window.add_metric([h.provider], h.window_minutes)
    return [status, breaker, success, latency, settle, window]
