"""The database restarts under a running service: a request in flight fails with a 503
problem+json (`database_unavailable`), nothing committed is lost, and the server and the worker
carry on without being restarted. Only on the embedded server (it is ours to restart)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from tests.integration.reliability.conftest import Cluster, Vendor, store_api

from tests.conftest import EMBEDDED_DATA_DIR

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="restarts the embedded PostgreSQL; TEST_DATABASE_URL points to a server not ours",
)


def restart_embedded_server(data_dir: Path) -> None:
    """`pg_ctl restart -m immediate` of the embedded server, as pgserver runs it (user
    `pgserver` as root; the socket directory is kept in postmaster.opts). Immediate: every
    backend quits at once, as in a crash, and the server recovers from its WAL on start."""
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

    user = "pgserver" if os.geteuid() == 0 else None
    log = str(data_dir / "log")
    pg_ctl(["-w", "-m", "immediate", "-l", log, "restart"], pgdata=data_dir, user=user, timeout=60)


def test_a_database_restart_fails_requests_in_flight_and_loses_nothing(
    cluster: Cluster, vendor: Vendor, database_url: str
) -> None:
    data_dir = EMBEDDED_DATA_DIR.resolve()
    if str(data_dir) not in database_url:
        pytest.skip("the session's database is not the embedded server")
    server = cluster.server()
    cluster.worker()
    api = store_api(server.url or "", vendor.url)
    before = api.order()  # committed before the restart

    answers: list[httpx.Response] = []
    blocker = psycopg.connect(database_url)
    blocker.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE")
    in_flight = threading.Thread(target=lambda: answers.append(api.http.get("/api/v1/orders")))
    in_flight.start()
    time.sleep(1)  # the request now waits in the database, on the lock
    assert answers == []

    restart_embedded_server(data_dir)
    in_flight.join(timeout=30)
    blocker.close()
    [failed] = answers
    assert failed.status_code == 503, failed.text
    assert failed.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = failed.json()
    assert body["code"] == "database_unavailable" and body["status"] == 503
    assert "psycopg" not in failed.text and "SELECT" not in failed.text

    # The same processes carry on: reads, writes, and the worker's jobs.
    assert _eventually(lambda: api.http.get("/ready").status_code == 200)
    kept = api.http.get(f"/api/v1/orders/{before['id']}")
    assert kept.status_code == 200 and kept.json()["reference"] == before["reference"]
    after = api.order()
    cancel = api.http.post(f"/api/v1/orders/{after['id']}/cancel")
    assert cancel.status_code == 200, cancel.text
    [note] = vendor.wait_for("order.cancelled", seconds=30)
    assert note.event["data"]["object"]["id"] == after["id"]


def _eventually(check: Any, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    return False
