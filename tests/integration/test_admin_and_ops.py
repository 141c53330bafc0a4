"""Operator routes, the command line, and the operations endpoints."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from typing import Any

import httpx
from tests.integration.conftest import ADMIN, ROOT, StoreKeys, create_store
from tests.integration.helpers import ORDER, problem


async def test_admin_routes_need_the_admin_token(client: Any) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = await client.post("/api/v1/admin/stores", json={"name": "X"}, headers=headers)
        problem(response, 401, "unauthorized")
        problem(await client.get("/api/v1/admin/stores", headers=headers), 401, "unauthorized")


async def test_a_store_key_is_not_an_admin_token(client: Any, store: StoreKeys) -> None:
    problem(await client.get("/api/v1/admin/stores", headers=store.headers), 401, "unauthorized")


async def test_stores_are_listed_without_their_secrets(client: Any) -> None:
    await create_store(client, "A")
    await create_store(client, "B")
    listed = (await client.get("/api/v1/admin/stores", headers=ADMIN)).json()
    assert [s["name"] for s in listed["data"]] == ["B", "A"]
    assert all("api_key" not in s and "webhook_secret" not in s for s in listed["data"])


async def test_a_rotated_key_replaces_the_old_one(client: Any, store: StoreKeys) -> None:
    rotated = await client.post(f"/api/v1/admin/stores/{store.id}/rotate-key", headers=ADMIN)
    assert rotated.status_code == 200
    new_key = rotated.json()["api_key"]
    assert new_key != store.api_key and new_key.startswith("sk_test_")
    assert "webhook_secret" not in rotated.json()
    assert store.webhook_secret not in rotated.text
    old = await client.get("/api/v1/orders", headers=store.headers)
    problem(old, 401, "unauthorized")
    new = await client.get("/api/v1/orders", headers={"Authorization": f"Bearer {new_key}"})
    assert new.status_code == 200
    missing = await client.post("/api/v1/admin/stores/str_nope/rotate-key", headers=ADMIN)
    problem(missing, 404, "not_found")


async def test_a_bad_store_request_is_refused(client: Any, pool: Any) -> None:
    bad = {"name": "X", "notification_url": "ftp://nope"}
    response = await client.post("/api/v1/admin/stores", json=bad, headers=ADMIN)
    problem(response, 422, "validation_failed")


async def test_health_ready_and_schema(client: Any) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    assert (await client.get("/ready")).json() == {"status": "ready"}
    schema = (await client.get("/schema/openapi.json")).json()
    for path in ("/api/v1/orders", "/api/v1/orders/{order_id}/payments", "/api/v1/payments"):
        assert path in schema["paths"]
    bodies = {
        "/api/v1/orders": "CreateOrderIn",
        "/api/v1/orders/{order_id}/payments": "CreatePaymentIn",
        "/api/v1/admin/stores": "CreateStoreIn",
    }
    for path, name in bodies.items():
        body = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        assert body["schema"] == {"$ref": f"#/components/schemas/{name}"}
        assert name in schema["components"]["schemas"]
    order_body = schema["components"]["schemas"]["CreateOrderIn"]
    assert set(order_body["required"]) == {"reference", "amount", "currency"}
    assert (await client.get("/schema")).status_code == 200


async def test_the_command_line_creates_a_store(
    client: Any, database_url: str, tmp_path: Any
) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "stores", "create", "--name", "Boutique Awa"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    created = json.loads(result.stdout)
    assert created["id"].startswith("str_") and created["api_key"].startswith("sk_")
    headers = {"Authorization": f"Bearer {created['api_key']}"}
    order = await client.post("/api/v1/orders", json=ORDER, headers=headers)
    assert order.status_code == 201
    assert order.json()["store_id"] == created["id"]


def test_a_standalone_worker_serves_its_own_metrics(database_url: str, tmp_path: Any) -> None:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_DIR": str(tmp_path)}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [sys.executable, "-m", "entrypoints.cli", "worker", "--metrics-port", str(port)]
    worker = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        text = _wait_for_metrics(f"http://127.0.0.1:{port}/metrics")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert "payments_reconciliation_errors_total" in text
    assert "payments_notification_deliveries_total" in text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_metrics(url: str) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            return httpx.get(url, timeout=1).text
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("the worker did not serve its metrics in 30 s")
