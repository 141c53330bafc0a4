"""A labelled Prometheus metric's children, looked up once per label values.

`metric.labels(...)` converts its values, takes the metric's lock and looks the child up on
every call (about a microsecond and a half, in the path of every request and every change);
`Children(metric)(...)` returns the same child from a dictionary. Children are never removed
from the metric (the service never calls `remove` or `clear`), so a remembered child is the
metric's own; label values are as few as the series they make."""

from __future__ import annotations

from typing import Generic, TypeVar

from prometheus_client.metrics import MetricWrapperBase

M = TypeVar("M", bound=MetricWrapperBase)


class Children(Generic[M]):
    def __init__(self, metric: M) -> None:
        self.metric = metric
        self._known: dict[tuple[str, ...], M] = {}

    def __call__(self, *values: str) -> M:
        """`metric.labels(*values)` (values are strings, as the metric would make them)."""
        child = self._known.get(values)
        if child is None:
            child = self._known[values] = self.metric.labels(*values)
        return child
