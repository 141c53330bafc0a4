"""The service's own response time ("API response time"), by route template, method and
status class: what operators watch next to the providers' success rate. Route templates
(`/api/v1/payments/{payment_id}`), never raw paths, so that the series stay few."""

from __future__ import annotations

from prometheus_client import Histogram

HTTP_REQUEST_SECONDS = Histogram(
    "payments_http_request_seconds",
    "Time to answer an HTTP request, by route template, method and status class",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    HTTP_REQUEST_SECONDS.labels(route, method, f"{status // 100}xx").observe(seconds)
