"""What the container wires that has a lifetime or a choice in it: the database pool, the HTTP
clients, the sandbox operator, and the providers a configuration offers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import httpx
from psycopg_pool import AsyncConnectionPool

from adapters import signing
from adapters.clock import SystemClock
from adapters.outbound import notification_client
from adapters.postgres.embedded import embedded_database_url
from adapters.postgres.pool import close_pool, open_pool
from adapters.providers import catalog
from adapters.providers.contract import ProviderModule
from adapters.providers.deps import ProviderDeps
from adapters.providers.http import CallObserver, LogObserver, provider_client
from adapters.providers.registry import ProviderSet
from adapters.providers.sandbox import (
    SandboxOperator,
    SandboxProvider,
    SandboxWebhookAuthenticator,
)
from adapters.urls import ServiceUrls
from application.payments.ports import PaymentLookup
from entrypoints.settings import Settings

#: Set by `payments serve --with-worker` for the server processes it starts.
IN_PROCESS_WORKER = "PAYMENTS_IN_PROCESS_WORKER"


def database_url(settings: Settings) -> str:
    """DATABASE_URL, or the embedded PostgreSQL under the data directory."""
    return settings.database_url or embedded_database_url(settings.data_dir / "pg")


def secret_bytes(settings: Settings) -> bytes:
    """PAYMENTS_SECRET_KEY as the key of the HMAC signers."""
    return settings.secret_key.encode()


async def pool_resource(settings: Settings) -> AsyncIterator[AsyncConnectionPool]:
    pool = await open_pool(database_url(settings), settings.pool_min_size, settings.pool_max_size)
    yield pool
    await close_pool(pool)


async def http_resource() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0)) as client:
        yield client


async def notification_http_resource(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """Store notifications' own client: production's outbound rules, no redirects."""
    async with notification_client(calls_checked(settings), httpx.Timeout(10.0)) as client:
        yield client


def calls_checked(settings: Settings) -> bool:
    """Outbound calls to stores follow production's rules (no private addresses...)."""
    return not settings.is_sandbox


def api_key_prefix(settings: Settings) -> str:
    """API keys say which mode made them: `sk_live_...` in production, `sk_test_...` in
    sandbox."""
    return signing.TEST_KEY_PREFIX if settings.is_sandbox else signing.LIVE_KEY_PREFIX


async def sandbox_resource(
    pool: AsyncConnectionPool, clock: SystemClock, signer: Any, url: str, http: Any
) -> AsyncIterator[SandboxOperator]:
    operator = SandboxOperator(pool, clock, signer, url, http)
    yield operator
    await operator.close()


async def provider_clients_resource(
    settings: Settings,
) -> AsyncIterator[dict[ProviderModule, httpx.AsyncClient]]:
    """One `httpx.AsyncClient` per configured real provider (keep-alive), closed at shutdown."""
    async with AsyncExitStack() as stack:
        clients = {}
        for module, config in catalog.configured(settings.providers).items():
            client = provider_client(config.base_url, config.timeout)
            clients[module] = await stack.enter_async_context(client)
        yield clients


def providers_for(
    settings: Settings,
    sandbox: SandboxProvider,
    sandbox_auth: SandboxWebhookAuthenticator,
    clients: dict[ProviderModule, httpx.AsyncClient],
    urls: ServiceUrls,
    clock: SystemClock,
    lookup: PaymentLookup,
    observer: CallObserver | None = None,
) -> ProviderSet:
    """The providers this configuration offers: each real provider whose settings are
    complete, and the sandbox only in sandbox mode."""
    offered: dict[str, Any] = {}
    callbacks: dict[str, Any] = {}
    if settings.is_sandbox:
        offered["sandbox"], callbacks["sandbox"] = sandbox, sandbox_auth
    for module, config in catalog.configured(settings.providers).items():
        deps = ProviderDeps(clients[module], urls, clock, observer or LogObserver(), lookup)
        offered[module.NAME], callbacks[module.WEBHOOK] = config.build(deps)
    return ProviderSet(offered, callbacks)
