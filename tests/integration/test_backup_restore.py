"""deploy/backup.sh and deploy/restore.sh on the test database: a backup in pg_dump's custom
format, restored into a fresh database, reads the same payments and histories back."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from litestar.testing import AsyncTestClient
from pgserver.postgres_server import POSTGRES_BIN_PATH
from tests.integration.conftest import StoreKeys
from tests.integration.helpers import ORDER

from adapters.postgres.embedded import create_database, drop_database

DEPLOY = Path(__file__).parents[2] / "deploy"
PAYMENTS = "SELECT id, order_id, status, amount, currency, phone FROM payments ORDER BY id"
EVENTS = "SELECT id, type, to_status, data FROM payment_events ORDER BY seq"


def rows(url: str, query: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchall()


def run(script: str, url: str, *args: str) -> None:
    # the embedded server's own client tools (pg_dump of its major version)
    env = {**os.environ, "DATABASE_URL": url, "PATH": f"{POSTGRES_BIN_PATH}:{os.environ['PATH']}"}
    subprocess.run(["sh", str(DEPLOY / script), *args], env=env, check=True, capture_output=True)


@pytest.mark.usefixtures("clean_db")
async def test_a_backup_restores_the_same_payments(
    client: AsyncTestClient[Any], store: StoreKeys, database_url: str, tmp_path: Path
) -> None:
    for reference in ("CMD-1", "CMD-2"):
        order = await client.post(
            "/api/v1/orders", json={**ORDER, "reference": reference}, headers=store.headers
        )
        payment = await client.post(
            f"/api/v1/orders/{order.json()['id']}/payments",
            json={"provider": "sandbox", "phone": "+2250700000099"},
            headers=store.headers,
        )
        assert payment.status_code == 201
    dump = tmp_path / "payments.dump"

    run("backup.sh", database_url, str(dump))
    assert dump.read_bytes()[:5] == b"PGDMP"  # the custom format

    name = f"restored_{uuid.uuid4().hex[:8]}"
    restored = create_database(database_url, name)
    try:
        run("restore.sh", restored, str(dump))
        assert len(rows(restored, PAYMENTS)) == 2
        assert rows(restored, PAYMENTS) == rows(database_url, PAYMENTS)
        assert rows(restored, EVENTS) == rows(database_url, EVENTS)
    finally:
        drop_database(database_url, name)
