"""The service's own response time ("API response time"), by route template, method and
status class: what operators watch next to the providers' success rate. Route templates
(`/api/v1/payments/{payment_id}`), never raw paths, so that the series stay few."""

from __future__ import annotations

from prometheus_client import Histogram

from adapters.metric_children import Children

HTTP_REQUEST_SECONDS = Histogram(
    "payments_http_request_seconds",
    "Time to answer an HTTP request, by route template, method and status class",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

_BY_LABELS = Children(HTTP_REQUEST_SECONDS)
_CLASSES = {number: f"{number}xx" for number in range(1, 6)}


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    """One answer into the histogram (its series remembered: this runs on every request)."""
    group = status // 100
    _BY_LABELS(route, method, _CLASSES.get(group) or f"{group}xx").observe(seconds)
