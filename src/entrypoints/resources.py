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
from adapters.postgres.pool import close_pool, open_pool
from adapters.providers import catalog
from adapters.providers.deps import ProviderDeps
from adapters.providers.http import CallObserver, LogObserver, ProviderHttp, provider_client
from adapters.providers.payout_gateways import PayoutGatewaySet, RealProvider, gateway_set
from adapters.providers.registry import ConfiguredAccount, ProviderSet
from adapters.providers.sandbox import (
    SandboxOperator,
    SandboxProvider,
    SandboxWebhookAuthenticator,
)
from adapters.providers.sandbox_payouts import SandboxPayouts
from adapters.urls import ServiceUrls
from application.payments.ports import PaymentLookup
from domain.accounts import Account, AccountId
from entrypoints.database import database_url as service_database_url
from entrypoints.settings import Settings

#: Set by `payments serve --with-worker` for the server processes it starts.
IN_PROCESS_WORKER = "PAYMENTS_IN_PROCESS_WORKER"


def database_url(settings: Settings) -> str:
    """DATABASE_URL, or the embedded PostgreSQL as the service's role (entrypoints/database.py)."""
    return service_database_url(settings)


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
) -> AsyncIterator[dict[AccountId, httpx.AsyncClient]]:
    """One `httpx.AsyncClient` per configured provider account (keep-alive), closed at
    shutdown."""
    async with AsyncExitStack() as stack:
        clients = {}
        for account in catalog.accounts(settings.providers):
            own = settings.provider_transport == "stream"
            client = provider_client(
                account.config.base_url, account.config.timeout, own_transport=own
            )
            clients[account.id] = await stack.enter_async_context(client)
        yield clients


def providers_for(
    settings: Settings,
    sandbox: SandboxProvider,
    sandbox_auth: SandboxWebhookAuthenticator,
    clients: dict[AccountId, httpx.AsyncClient],
    urls: ServiceUrls,
    clock: SystemClock,
    lookup: PaymentLookup,
    observer: CallObserver | None = None,
) -> ProviderSet:
    """The accounts this configuration offers: each real provider account whose settings are
    complete (its own client, callback paths and credentials), and the sandbox only in
    sandbox mode."""
    offered: list[ConfiguredAccount] = []
    if settings.is_sandbox:
        sandbox_account = Account(AccountId(sandbox.name), None)
        offered.append(ConfiguredAccount(sandbox_account, sandbox, sandbox_auth, "sandbox"))
    for account in catalog.accounts(settings.providers):
        account_urls = urls.for_account(account.country)
        deps = ProviderDeps(
            clients[account.id], account_urls, clock, observer or LogObserver(), lookup
        )
        provider, authenticator = account.config.build(deps)
        route = account_urls.callback_route(account.module.WEBHOOK)
        offered.append(ConfiguredAccount(account.account, provider, authenticator, route))
    return ProviderSet(offered)


def payout_gateways_for(
    *,
    settings: Settings,
    providers: ProviderSet,
    clients: dict[AccountId, httpx.AsyncClient],
    sandbox: SandboxPayouts,
    observer: CallObserver | None = None,
) -> PayoutGatewaySet:
    """The payout and balance gateways of the configured provider accounts (the sandbox
    operator's only in sandbox mode); MTN's share the Disbursement token of its refunds."""
    real = [
        RealProvider(
            account.config,
            providers.refunder(account.module.NAME, account.country),
            ProviderHttp(account.module.NAME, clients[account.id], observer or LogObserver()),
            account.country,
        )
        for account in catalog.accounts(settings.providers)
    ]
    return gateway_set(real, sandbox if settings.is_sandbox else None)
