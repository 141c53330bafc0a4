"""CPU per call of what runs on every request and after every change (issue 18's "guards"
and "dispatch" rows): the payment log line, the request log line, the latency histogram, the
final-status and webhook counters, the provider-health tally, the request-id, request-log and
latency middlewares, and the shared rate limiter's take + give_back.

Prometheus runs in multi-process mode, as `payments serve` sets it up (a fresh
`PROMETHEUS_MULTIPROC_DIR` before `prometheus_client` is imported); the rate limiter maps a
file as `payments serve` does. Each figure: `time.process_time` around `--calls` calls (10,000)
after 500 of warm-up, the best of `--repeat` (3). `python -m bench.effects_micro`
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="effects-micro-"))
if "prometheus_client" in sys.modules:
    raise RuntimeError("prometheus_client must be imported after PROMETHEUS_MULTIPROC_DIR is set")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_TMP / "metrics")
(_TMP / "metrics").mkdir()

import structlog  # noqa: E402

from adapters.clock import SystemClock  # noqa: E402
from adapters.http_metrics import observe_request  # noqa: E402
from adapters.logging_setup import configure_logging  # noqa: E402
from adapters.metrics import MeteredCallObserver, PrometheusMetrics  # noqa: E402
from adapters.payment_log import StructlogPaymentLog  # noqa: E402
from adapters.postgres.health_recorder import BufferedHealthRecorder  # noqa: E402
from adapters.providers.http import LogObserver  # noqa: E402
from adapters.request_log import RequestLog  # noqa: E402
from adapters.shared_buckets import SharedTable, SharedTokenBuckets  # noqa: E402
from application.event_handlers import CountOutcome, LogChange  # noqa: E402
from application.health.settlements import RecordSettlement  # noqa: E402
from application.shared.ports import Change  # noqa: E402
from domain.events import Source  # noqa: E402
from domain.money import Money  # noqa: E402
from domain.payment import Payment  # noqa: E402
from entrypoints.http.latency import latency_middleware  # noqa: E402
from entrypoints.http.request_id import request_id_middleware  # noqa: E402
from entrypoints.http.request_log import request_log_middleware  # noqa: E402

AT = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


def settled_change(phone: str = "+2250712345656") -> Change:
    """A Wave payment settled by a webhook: the change a settled webhook dispatches."""
    payment = Payment.create(
        id="pay_01JBENCH000000000000000000",
        order_id="ord_01JBENCH000000000000000000",
        store_id="str_01JBENCH000000000000000000",
        provider="wave",
        amount=Money.of(5000, "XOF"),
        at=AT,
        phone=phone,
        expires_at=AT + timedelta(minutes=15),
        country="SN",
    )
    payment.mark_pending(AT, Source.API, reference="cos-18qq25rgr100a", data={})
    payment.mark_succeeded(AT + timedelta(seconds=3), Source.WEBHOOK, data={"token": "x"})
    return Change("evt_01JBENCH", payment.events[-1], payment)


def cycling(changes: list[Change], handler: Callable[[Change], object]) -> Callable[[], object]:
    """`handler` on each of `changes` in turn."""
    position = iter(range(10**9))
    return lambda: handler(changes[next(position) % len(changes)])


def per_call(call: Callable[[], object], calls: int, repeat: int) -> float:
    """µs of this process's CPU per call, the best of `repeat` rounds."""
    for _ in range(500):
        call()
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for _ in range(calls):
            call()
        best = min(best, time.process_time() - started)
    return best / calls * 1e6


def asgi_call(app: Callable[..., object]) -> Callable[[], None]:
    """One request through `app`, driven without an event loop (nothing in it suspends)."""
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/webhooks/wave",
        "path_template": "/api/v1/webhooks/{provider}",
        "headers": [(b"content-type", b"application/json"), (b"x-request-id", b"bench-1")],
    }

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        return None

    def call() -> None:
        coroutine = app(dict(scope), receive, send)
        try:
            coroutine.send(None)  # type: ignore[attr-defined]
        except StopIteration:
            return
        raise RuntimeError("the app suspended")

    return call


async def bare_app(scope: object, receive: object, send: Callable[..., object]) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[misc]
    await send({"type": "http.response.body", "body": b"{}"})  # type: ignore[misc]


def measurements(calls: int, repeat: int) -> dict[str, float]:
    change = settled_change()
    payment = change.subject
    assert isinstance(payment, Payment)
    payment_log = StructlogPaymentLog(_TMP / "logs")
    request_log = RequestLog(_TMP / "logs")
    metrics = PrometheusMetrics()
    health = RecordSettlement(BufferedHealthRecorder(None, SystemClock()))  # type: ignore[arg-type]
    table = SharedTable(_TMP / "limits.bin")
    buckets = SharedTokenBuckets(table, "bad_webhooks", 60, 60.0)
    log_change, count = LogChange(payment_log), CountOutcome(metrics)
    #: More phones than a process remembers masked: each line masks its phone afresh.
    strangers = [settled_change(f"+22507{number:08}") for number in range(5_000)]

    def take_and_give_back() -> None:
        buckets.take("127.0.0.1")
        buckets.give_back("127.0.0.1")

    stderr = (_TMP / "stderr.log").open("w", encoding="utf-8")
    configure_logging("INFO", stream=stderr, fmt="json")  # as `payments serve` off a terminal
    observer = MeteredCallObserver(LogObserver())
    bare = per_call(asgi_call(bare_app), calls, repeat)
    structlog.contextvars.bind_contextvars(request_id="bench-1")
    try:
        figures = {
            "payment log: one change (LogChange)": per_call(
                lambda: log_change(change), calls, repeat
            ),
            "payment log: one change, a phone not seen before": per_call(
                cycling(strangers, log_change), calls, repeat
            ),
            "metrics: final status (CountOutcome)": per_call(lambda: count(change), calls, repeat),
            "metrics: PrometheusMetrics.webhook_delivery": per_call(
                lambda: metrics.webhook_delivery("wave", "accepted"), calls, repeat
            ),
            "metrics: observe_request (latency histogram)": per_call(
                lambda: observe_request("/api/v1/webhooks/{provider}", "POST", 200, 0.004),
                calls,
                repeat,
            ),
            "health: RecordSettlement + tally": per_call(lambda: health(change), calls, repeat),
            "request log: RequestLog.answered": per_call(
                lambda: request_log.answered("POST", "/api/v1/webhooks/wave", 200, 0.004, "r1"),
                calls,
                repeat,
            ),
            "limits: shared take + give_back": per_call(take_and_give_back, calls, repeat),
            "provider call: histogram, counter and its JSON log line": per_call(
                lambda: observer.observe("wave", "status", 0.004, "200"), calls, repeat
            ),
        }
    finally:
        structlog.contextvars.clear_contextvars()
    for name, middleware in (
        ("middleware: request id", request_id_middleware(bare_app)),
        ("middleware: request log", request_log_middleware(request_log)(bare_app)),
        ("middleware: latency", latency_middleware(bare_app)),
    ):
        figures[name] = per_call(asgi_call(middleware), calls, repeat) - bare
    payment_log.close()
    request_log.close()
    table.close()
    stderr.close()
    shutil.rmtree(_TMP, ignore_errors=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    figures = measurements(args.calls, args.repeat)
    width = max(map(len, figures))
    print(f"{'what':<{width}}  µs per call (process CPU, best of {args.repeat})")
    for name, micros in figures.items():
        print(f"{name:<{width}}  {micros:8.1f}")
    print(f"(load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
