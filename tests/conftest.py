"""Shared fixtures. Database tests get a fresh database for the session (TEST_DATABASE_URL's
server, else a Docker Postgres, else the embedded one), migrated once, emptied before
each test that asks for `clean_db` (or `uow_factory`)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from psycopg_pool import AsyncConnectionPool
from tests.builders import SequentialIds

from adapters.postgres.embedded import create_database, drop_database, embedded_database_url
from adapters.postgres.migrate import apply_migrations
from adapters.postgres.pool import close_pool, open_pool
from adapters.postgres.uow import PostgresUnitOfWorkFactory
from adapters.providers.transport import StreamTransport
from tests import respx_stream  # registers respx.mock(using="stream")

EMBEDDED_DATA_DIR = Path(__file__).parent.parent / ".data" / "test-pg"

# The append-only tables refuse TRUNCATE by trigger, whoever asks (migration 0013): the tests'
# superuser empties them in replica mode, where ordinary triggers do not fire (a mode no other
# role may set).
TRUNCATE_APP_TABLES = """
DO $$
BEGIN
    PERFORM set_config('session_replication_role', 'replica', true);
    EXECUTE (
        SELECT 'TRUNCATE ' || string_agg(quote_ident(tablename), ', ') || ' CASCADE'
        FROM pg_tables
        WHERE schemaname = current_schema()
          AND tablename NOT LIKE '\\_yoyo%' AND tablename <> 'yoyo_lock'
    );
END
$$
"""


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with _postgres_server() as server_url:
        name = f"test_{uuid.uuid4().hex[:12]}"
        url = create_database(server_url, name)
        apply_migrations(url)
        yield url
        drop_database(server_url, name)


@pytest.fixture(scope="session")
async def pool(database_url: str) -> AsyncIterator[AsyncConnectionPool[Any]]:
    pool = await open_pool(database_url, min_size=1, max_size=4)
    yield pool
    await close_pool(pool)


@pytest.fixture
async def clean_db(pool: AsyncConnectionPool[Any]) -> None:
    async with pool.connection() as conn:
        await conn.execute(TRUNCATE_APP_TABLES)


@pytest.fixture
def uow_factory(pool: AsyncConnectionPool[Any], clean_db: None) -> PostgresUnitOfWorkFactory:
    return PostgresUnitOfWorkFactory(pool, SequentialIds())


@contextmanager
def _postgres_server() -> Iterator[str]:
    if url := os.environ.get("TEST_DATABASE_URL"):
        yield url
    elif _docker_answers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver=None) as container:
            yield container.get_connection_url()
    else:
        yield embedded_database_url(EMBEDDED_DATA_DIR)


def _docker_answers() -> bool:
    try:
        import docker

        return bool(docker.from_env(timeout=2).ping())
    except Exception:
        return False


#: The only hosts a provider client may connect to in tests: this machine (the simulators).
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})

assert respx_stream.StreamTransportMocker.name == "stream"


class NetworkRefused(ConnectionRefusedError):
    """A provider client tried to leave the machine during a test."""


@pytest.fixture(autouse=True)
def no_provider_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every provider client goes through `StreamTransport`; in tests it may open connections
    to this machine only (the simulators): anything respx does not answer fails here instead
    of reaching a real provider (tests/integration/providers/test_no_network.py)."""
    connect = StreamTransport._connect

    async def guarded(self: StreamTransport, origin: Any, request: Any, timeouts: Any) -> Any:
        host = origin[1].decode("ascii")
        if host not in LOOPBACK:
            raise NetworkRefused(f"a test tried to reach {host}")
        return await connect(self, origin, request, timeouts)

    monkeypatch.setattr(StreamTransport, "_connect", guarded)
