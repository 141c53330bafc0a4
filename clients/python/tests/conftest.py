"""The client against respx routes (edge cases) and against a real service process
(`payments serve --with-worker`, sandbox, a fresh database on the embedded PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from entrypoints.local_service import LocalService, fresh_database
from payments_client import AsyncPaymentsClient, PaymentsClient, RetryPolicy

FAST = RetryPolicy(attempts=3, backoff=0.01, max_delay=0.05)


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalService]:
    log = tmp_path_factory.mktemp("client-service") / "service.log"
    with fresh_database() as url, LocalService(database_url=url, log_file=log) as running:
        yield running


@pytest.fixture
def store(service: LocalService, request: pytest.FixtureRequest) -> dict[str, Any]:
    return service.create_store(f"Boutique {request.node.name[:40]}")


@pytest.fixture
def client(service: LocalService, store: dict[str, Any]) -> Iterator[PaymentsClient]:
    with PaymentsClient(store["api_key"], service.url, retry=FAST) as payments:
        yield payments


@pytest.fixture
async def aclient(
    service: LocalService, store: dict[str, Any]
) -> AsyncIterator[AsyncPaymentsClient]:
    async with AsyncPaymentsClient(store["api_key"], service.url, retry=FAST) as payments:
        yield payments


@pytest.fixture
def admin(service: LocalService) -> Iterator[PaymentsClient]:
    with PaymentsClient(service.admin_token, service.url, retry=FAST) as payments:
        yield payments
