"""The service's database role owns nothing: as that role, the event histories and the audit
log cannot be truncated, altered, updated, deleted, nor rewritten through the masking session
setting; the service still works as that role (orders, payments, their events, the masking
pass). The owner runs the migrations and grants the role (`payments migrate`)."""

from __future__ import annotations

import io
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from litestar.testing import AsyncTestClient
from psycopg import errors, sql
from psycopg.types.json import Jsonb
from tests.integration.conftest import BASE_URL, create_store
from tests.integration.helpers import ORDER

from adapters.postgres.phone_archive import PostgresPhoneArchive
from adapters.postgres.pool import close_pool, open_pool
from adapters.postgres.roles import create_role, with_role
from entrypoints.check import run_check
from entrypoints.container import Container
from entrypoints.database import MigrationsPending, migrate, prepare
from entrypoints.http.app import create_app
from entrypoints.settings import Settings

pytestmark = pytest.mark.usefixtures("clean_db")

APPEND_ONLY = [
    "payment_events",
    "order_events",
    "refund_events",
    "audit_log",
    "ledger_entries",
    "ledger_transactions",
    "payout_events",
]
REFUSED = (errors.InsufficientPrivilege, errors.RestrictViolation)


@pytest.fixture(scope="module")
def service_url(database_url: str) -> Iterator[str]:
    """A role that owns nothing, granted by `payments migrate` run as the owner."""
    role = f"svc_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    url = with_role(database_url, role)
    migrate(Settings(database_url=url, migration_database_url=database_url))
    yield url
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


@pytest.fixture
async def as_service(settings: Settings, service_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    """The app connected as the service's role."""
    app = create_app(Container(settings=replace(settings, database_url=service_url)))
    async with AsyncTestClient(app, base_url=BASE_URL) as client:
        yield client


async def _a_payment(client: AsyncTestClient[Any]) -> str:
    store = await create_store(client)
    order = await client.post("/api/v1/orders", json=ORDER, headers=store.headers)
    assert order.status_code == 201, order.text
    payment = await client.post(
        f"/api/v1/orders/{order.json()['id']}/payments",
        json={"provider": "sandbox", "phone": "+2250700000099"},
        headers=store.headers,
    )
    assert payment.status_code == 201, payment.text
    events = await client.get(
        f"/api/v1/payments/{payment.json()['id']}/events", headers=store.headers
    )
    assert events.status_code == 200 and events.json()["data"], events.text
    return str(payment.json()["id"])


def _refused(url: str, *statements: str) -> None:
    """Each statement, in its own transaction, is refused."""
    for statement in statements:
        with psycopg.connect(url) as conn, pytest.raises(REFUSED):
            conn.execute(statement)  # type: ignore[arg-type]


async def test_the_service_works_as_its_own_role(as_service: AsyncTestClient[Any]) -> None:
    await _a_payment(as_service)


@pytest.mark.parametrize("table", APPEND_ONLY)
async def test_as_the_service_history_cannot_be_erased_or_rewritten(
    as_service: AsyncTestClient[Any], service_url: str, table: str
) -> None:
    await _a_payment(as_service)
    _refused(
        service_url,
        f"TRUNCATE {table}",
        f"TRUNCATE {table} CASCADE",
        f"DELETE FROM {table}",
        f"UPDATE {table} SET created_at = now()",
        f"ALTER TABLE {table} DISABLE TRIGGER ALL",
        f"ALTER TABLE {table} DISABLE TRIGGER USER",
        f"DROP TABLE {table}",
        "SET session_replication_role = replica",
    )


async def test_the_masking_setting_cannot_rewrite_an_event(
    as_service: AsyncTestClient[Any], service_url: str
) -> None:
    payment_id = await _a_payment(as_service)
    where = f"WHERE payment_id = '{payment_id}'"
    masking = "SET LOCAL payments.masking_personal_data = 'on'"
    for rewrite in (
        """'{"status": "succeeded"}'""",
        "data || '{\"forged\": true}'",
        "'{}'",
        "jsonb_set(data, '{amount}', '1')",
    ):
        with psycopg.connect(service_url) as conn, pytest.raises(REFUSED):
            conn.execute(masking)
            conn.execute(f"UPDATE payment_events SET data = {rewrite} {where}")  # type: ignore[arg-type]
    with psycopg.connect(service_url) as conn, pytest.raises(REFUSED):
        conn.execute(masking)
        conn.execute(f"UPDATE payment_events SET type = 'forged' {where}")  # type: ignore[arg-type]


async def test_the_masking_pass_still_masks_as_the_service(
    as_service: AsyncTestClient[Any], service_url: str
) -> None:
    payment_id = await _a_payment(as_service)
    pool = await open_pool(service_url, min_size=1, max_size=1)
    try:
        masked = await PostgresPhoneArchive(pool).mask_payments_before(
            datetime.now(UTC) + timedelta(days=1), limit=10
        )
    finally:
        await close_pool(pool)
    assert masked >= 1
    with psycopg.connect(service_url) as conn:
        rows = conn.execute(
            "SELECT data::text FROM payment_events WHERE payment_id = %s", [payment_id]
        ).fetchall()
    assert rows and not any("0700000099" in text for (text,) in rows)


async def test_the_payout_retention_pass_masks_as_the_service(
    as_service: AsyncTestClient[Any], service_url: str, database_url: str
) -> None:
    store = await create_store(as_service)
    added = await as_service.post(
        "/api/v1/payout-destinations",
        json={"provider": "sandbox", "phone": "+2250701112233", "name": "Moussa Traoré"},
        headers=store.headers,
    )
    destination = added.json()["id"]
    assert (await as_service.delete(
        f"/api/v1/payout-destinations/{destination}", headers=store.headers
    )).status_code == 200  # fmt: skip
    with psycopg.connect(database_url) as conn:  # a settled payout, a payload naming the payee
        conn.execute(
            "INSERT INTO payouts (id, store_id, destination_id, provider, phone, name, status,"
            " amount, currency, reference, created_at, updated_at) VALUES ('po_svc', %s, %s,"
            " 'sandbox', '+2250701112233', 'Moussa Traoré', 'failed', 100, 'XOF', 'ref-svc',"
            " now(), now())",
            [store.id, destination],
        )
        conn.execute(
            "INSERT INTO payout_events (id, payout_id, type, source, data, created_at) VALUES"
            " ('evt_svc', 'po_svc', 'payout.failed', 'system', %s, now())",
            [Jsonb({"payee": {"partyId": "2250701112233"}})],
        )
    pool = await open_pool(service_url, min_size=1, max_size=1)
    try:
        archive, later = PostgresPhoneArchive(pool), datetime.now(UTC) + timedelta(days=1)
        assert await archive.mask_payouts_before(later, limit=10) == 1
        assert await archive.mask_destinations_disabled_before(later, limit=10) == 1
    finally:
        await close_pool(pool)
    with psycopg.connect(service_url) as conn:
        rows = conn.execute(
            "SELECT data::text FROM payout_events UNION ALL SELECT phone || name FROM payouts"
            " UNION ALL SELECT phone || name FROM payout_destinations"
        ).fetchall()
    assert len(rows) == 3
    assert not any("1112233" in text or "Moussa" in text for (text,) in rows), rows


def test_the_owner_cannot_truncate_the_history_either(database_url: str) -> None:
    _refused(database_url, *(f"TRUNCATE {table} CASCADE" for table in APPEND_ONLY))


@pytest.mark.parametrize("table", ["ledger_entries", "ledger_transactions"])
def test_no_session_setting_lets_the_ledger_be_truncated(database_url: str, table: str) -> None:
    """(The ledger once let a transaction that set `ledger.allow_truncate` empty it.)"""
    with psycopg.connect(database_url) as conn, pytest.raises(REFUSED):
        conn.execute("SET LOCAL ledger.allow_truncate = 'on'")
        conn.execute(f"TRUNCATE {table} CASCADE")  # type: ignore[arg-type]


def test_the_grants_follow_the_append_only_triggers(service_url: str) -> None:
    """A table added later with its own `refuse_..._change()` trigger is append-only too."""
    with psycopg.connect(service_url) as conn:
        for table in APPEND_ONLY:
            may = conn.execute(
                "SELECT has_table_privilege(%(t)s, 'INSERT'), has_table_privilege(%(t)s, 'UPDATE'),"
                " has_table_privilege(%(t)s, 'DELETE'), has_table_privilege(%(t)s, 'TRUNCATE')",
                {"t": table},
            ).fetchone()
            assert may == (True, False, False, False), table


def test_a_service_role_with_migrations_pending_is_told_to_run_migrate(
    database_url: str, service_url: str
) -> None:
    forget = "DELETE FROM _yoyo_migration WHERE migration_id = %s"
    with psycopg.connect(database_url, autocommit=True) as conn:
        last = conn.execute(
            "SELECT migration_hash, migration_id, applied_at_utc FROM _yoyo_migration"
            " ORDER BY applied_at_utc DESC LIMIT 1"
        ).fetchone()
        assert last is not None
        conn.execute(forget, [last[1]])  # as if the newest migration were pending
    try:
        with pytest.raises(MigrationsPending, match="MIGRATION_DATABASE_URL"):
            prepare(Settings(database_url=service_url))
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(
                "INSERT INTO _yoyo_migration (migration_hash, migration_id, applied_at_utc)"
                " VALUES (%s, %s, %s)",
                last,
            )


def test_payments_check_says_which_role_the_service_uses(
    database_url: str, service_url: str, tmp_path: Path
) -> None:
    def role_line(url: str) -> str:
        out = io.StringIO()
        run_check(Settings(database_url=url, log_dir=tmp_path), out)
        return next(line for line in out.getvalue().splitlines() if "database role" in line)

    assert "owns no table" in role_line(service_url)
    as_owner = role_line(database_url)
    assert "could rewrite the history" in as_owner and "docs/production.md" in as_owner


def test_the_embedded_service_role_is_made_once_and_owns_nothing(database_url: str) -> None:
    role = f"svc_{uuid.uuid4().hex[:10]}"
    try:
        create_role(database_url, role)
        create_role(database_url, role)  # a second start finds it
        with psycopg.connect(with_role(database_url, role)) as conn:
            row = conn.execute(
                "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles"
                " WHERE rolname = current_user"
            ).fetchone()
            owned = conn.execute(
                "SELECT count(*) FROM pg_tables WHERE tableowner = current_user"
            ).fetchone()
        assert row == (False, False, False) and owned == (0,)
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
