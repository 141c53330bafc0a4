"""When each background pass last finished without error: the alert "jobs not running" fires
when a pass has not succeeded for several of its periods (no worker, a stuck queue, a pass
that fails every time)."""

from __future__ import annotations

from prometheus_client import Gauge

JOB_LAST_SUCCESS = Gauge(
    "payments_job_last_success_timestamp_seconds",
    "Unix time at which each periodic pass last finished without error",
    # labelled `pass`: `job` is the label Prometheus gives each scrape target
    ["pass"],
    multiprocess_mode="max",
)


def job_succeeded(name: str) -> None:
    JOB_LAST_SUCCESS.labels(name).set_to_current_time()
