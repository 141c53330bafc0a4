"""Observability against `payments serve --workers 2` (two server processes, so the metrics
are merged in Prometheus multi-process mode): the README's curl flow, then `/metrics`, the
request id and `logs/payments.log`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from tests.integration.conftest import ROOT, _free_port, _wait_until_up
from tests.integration.helpers import ORDER
from tests.limits import HIGH_LIMITS_ENV

from adapters.signing import HmacSignatureScheme
from entrypoints.settings import SANDBOX_ADMIN_TOKEN, SANDBOX_SECRET

pytestmark = pytest.mark.usefixtures("clean_db")

WEBHOOK = "/payment/webhook/sandbox/"
PHONE = "+2250700000001"
REQUEST_ID = "req-metrics-test-42"


@dataclass(frozen=True)
class Server:
    url: str
    log_dir: Path


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_dir = tmp_path_factory.mktemp("metrics-logs")
    env = {
        **{k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"},
        "PAYMENT_ENVIRONMENT": "sandbox",
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "PUBLIC_BASE_URL": url,
        "LOG_DIR": str(log_dir),
        "DATA_DIR": str(tmp_path_factory.mktemp("metrics-data")),
        **HIGH_LIMITS_ENV,
    }
    output = (tmp_path_factory.mktemp("metrics-server") / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", "serve", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(url, process)
        yield Server(url, log_dir)
    finally:
        process.terminate()
        process.wait(timeout=15)
        output.close()


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(metrics: dict[Any, float], name: str, **labels: str) -> float:
    return metrics.get((name, frozenset(labels.items())), 0.0)


def curl_flow(api: httpx.Client) -> tuple[dict[str, Any], httpx.Response]:
    """The README's flow: a store, an order, a sandbox payment to a number ending in 01."""
    store = api.post(
        "/api/v1/admin/stores",
        json={"name": "Boutique Awa"},
        headers={"Authorization": f"Bearer {SANDBOX_ADMIN_TOKEN}"},
    ).json()
    api.headers["Authorization"] = f"Bearer {store['api_key']}"
    order = api.post("/api/v1/orders", json=ORDER).json()
    started = api.post(
        f"/api/v1/orders/{order['id']}/payments",
        json={"provider": "sandbox", "phone": PHONE},
        headers={"X-Request-ID": REQUEST_ID},
    )
    assert started.status_code == 201, started.text
    return store, started


def wait_until_settled(api: httpx.Client, payment_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 15
    while True:
        payment: dict[str, Any] = api.get(f"/api/v1/payments/{payment_id}").json()
        if payment["status"] != "pending" or time.monotonic() > deadline:
            return payment
        time.sleep(0.2)


def test_metrics_request_ids_and_the_payment_log(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as api:
        before = samples(api.get("/metrics").text)
        store, started = curl_flow(api)
        payment = started.json()
        assert started.headers["x-request-id"] == REQUEST_ID
        order = api.post("/api/v1/orders", json={**ORDER, "reference": "CMD-3"}).json()
        failing = api.post(
            f"/api/v1/orders/{order['id']}/payments",
            json={"provider": "sandbox", "phone": "+2250700000002"},
        ).json()
        assert wait_until_settled(api, payment["id"])["status"] == "succeeded"
        assert wait_until_settled(api, failing["id"])["status"] == "failed"
        # a payment that never resolves stays pending: the gauge counts it
        order = api.post("/api/v1/orders", json={**ORDER, "reference": "CMD-2"}).json()
        open_payment = api.post(
            f"/api/v1/orders/{order['id']}/payments",
            json={"provider": "sandbox", "phone": "+2250700000003"},
        )
        assert open_payment.status_code == 201
        made = open_payment.headers["x-request-id"]
        assert len(made) == 32 and made != REQUEST_ID
        # forged webhooks, spread over both server processes
        body = json.dumps({"id": "evt_forged", "data": {"payment_id": payment["id"]}}).encode()
        forged = HmacSignatureScheme(b"not-the-secret").sign(body)
        for _ in range(6):
            rejected = api.post(WEBHOOK, content=body, headers={"Sandbox-Signature": forged})
            assert rejected.status_code == 401
            assert "x-request-id" in rejected.headers
        scrape = api.get("/metrics")

    assert scrape.status_code == 200
    assert scrape.headers["content-type"].startswith("text/plain")
    after = samples(scrape.text)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    webhooks, calls = "payments_webhook_deliveries_total", "payments_provider_call_seconds_count"
    final, failed = "payments_final_total", "payments_failed_total"
    assert grew(final, provider="sandbox", status="succeeded", country="") == 1
    assert grew(failed, provider="sandbox", failure_code="insufficient_funds", country="") == 1
    assert grew(calls, provider="sandbox", operation="start") == 3
    assert grew(calls, provider="sandbox", operation="status") >= 2
    assert grew(webhooks, provider="sandbox", outcome="accepted", reason="") == 2
    assert grew(webhooks, provider="sandbox", outcome="rejected", reason="signature_mismatch") == 6
    assert value(after, "payments_pending", age="lt_1m") == 1
    assert value(after, "payments_pending", age="gt_24h") == 0
    assert ("payments_double_payments_total", frozenset({("provider", "sandbox")})) in after
    assert (
        "payments_notification_deliveries_total",
        frozenset({("outcome", "delivered")}),
    ) in after

    log = (server.log_dir / "payments.log").read_text()
    lines = [json.loads(line) for line in log.splitlines()]
    mine = [line for line in lines if line.get("payment_id") == payment["id"]]
    assert [line["new_status"] for line in mine] == ["created", "pending", "succeeded"]
    by_api = [line for line in mine if line["source"] == "api"]
    assert by_api and all(line["request_id"] == REQUEST_ID for line in by_api)
    by_webhook = [line for line in mine if line["source"] == "webhook"]
    assert len(by_webhook) == 1 and by_webhook[0]["request_id"] not in (None, REQUEST_ID)
    assert mine[0]["phone"] != PHONE and mine[0]["phone"].endswith("01")
    for secret in ("0700000001", SANDBOX_SECRET, store["api_key"], store["webhook_secret"]):
        assert secret not in log
