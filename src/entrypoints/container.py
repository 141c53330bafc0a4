"""The composition root: one dependency-injector container wiring adapters into use cases.
Tests override its providers (`container.x.override(...)`)."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import httpx
from dependency_injector import containers, providers
from psycopg_pool import AsyncConnectionPool

from adapters import signing
from adapters.clock import SystemClock
from adapters.health_payment_log import HealthPaymentLog
from adapters.ids import UlidGenerator
from adapters.metrics import MeteredCallObserver, MeteredPaymentLog, PrometheusMetrics
from adapters.notification_sender import HttpNotificationSender
from adapters.outbound import NotificationUrlPolicy, notification_client
from adapters.payment_log import StructlogPaymentLog
from adapters.phones import PhonenumbersNormalizer
from adapters.postgres.breakers import PostgresBreakerStore
from adapters.postgres.checkout import PostgresOrderLocator
from adapters.postgres.embedded import embedded_database_url
from adapters.postgres.health_ledger import PostgresHealthLedger
from adapters.postgres.health_recorder import BufferedHealthRecorder
from adapters.postgres.pending import PostgresPendingAges
from adapters.postgres.phone_archive import PostgresPhoneArchive
from adapters.postgres.pool import close_pool, open_pool
from adapters.postgres.stats import PostgresStatsReader
from adapters.postgres.uow import PostgresUnitOfWorkFactory
from adapters.providers import catalog
from adapters.providers.contract import ProviderModule
from adapters.providers.deps import ProviderDeps
from adapters.providers.guarded import GuardedRegistry
from adapters.providers.http import CallObserver, LogObserver, provider_client
from adapters.providers.registry import ProviderSet
from adapters.providers.sandbox import (
    SandboxOperator,
    SandboxProvider,
    SandboxWebhookAuthenticator,
)
from adapters.rate_limits import RateLimits
from adapters.snapshots import Snapshots
from adapters.urls import ServiceUrls
from application.checkout import CheckoutQueries
from application.expire_orders import ExpireOrders
from application.handle_webhook import HandleWebhook, RetryWebhooks
from application.idempotency import Idempotency
from application.mask_phones import MaskOldPhones
from application.notifications import DeliverNotifications, StoreEvents
from application.orders import CancelOrder, CreateOrder
from application.provider_gate import GatedInitiatePayment, ProviderGate
from application.provider_health import ProviderHealthQuery
from application.queries import StoreQueries
from application.reconciliation import ReconcileDue, ReconcilePayment
from application.refunds.apply_refund_report import ApplyRefundReport
from application.refunds.create_refund import CreateRefund
from application.refunds.queries import AwaitingAction, RefundQueries
from application.refunds.reconcile_refunds import ReconcileRefunds
from application.refunds.record_manual_refund import RecordManualRefund
from application.refunds.verify_refund import VerifyRefund
from application.stats import StoreStats
from application.stores import AuthenticateStore, CreateStore, ListStores, RotateApiKey
from application.verify_payment import ApplyReport, VerifyPayment
from application.watch_providers import WatchProviders
from domain.payment import Payment
from entrypoints.settings import Settings


async def resolve(provider: providers.Provider[Any]) -> Any:
    """The provider's object; providers that depend on async resources answer awaitables."""
    value = provider()
    return await value if inspect.isawaitable(value) else value


#: Set by `payments serve --with-worker` for the server processes it starts.
IN_PROCESS_WORKER = "PAYMENTS_IN_PROCESS_WORKER"


def database_url(settings: Settings) -> str:
    """DATABASE_URL, or the embedded PostgreSQL under the data directory."""
    return settings.database_url or embedded_database_url(settings.data_dir / "pg")


async def pool_resource(settings: Settings) -> AsyncIterator[AsyncConnectionPool]:
    pool = await open_pool(database_url(settings), settings.pool_min_size, settings.pool_max_size)
    yield pool
    await close_pool(pool)


async def http_resource() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0)) as client:
        yield client


async def notification_http_resource(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """Store notifications' own client: production's outbound rules, no redirects."""
    async with notification_client(not settings.is_sandbox, httpx.Timeout(10.0)) as client:
        yield client


async def sandbox_resource(
    pool: AsyncConnectionPool, clock: SystemClock, signer: Any, url: str, http: Any
) -> AsyncIterator[SandboxOperator]:
    operator = SandboxOperator(pool, clock, signer, url, http)
    yield operator
    await operator.close()


async def provider_clients_resource(
    settings: Settings,
) -> AsyncIterator[dict[ProviderModule, httpx.AsyncClient]]:
    """One `httpx.AsyncClient` per configured real provider, closed at shutdown."""
    async with AsyncExitStack() as stack:
        clients = {}
        for module, config in catalog.configured(settings.providers).items():
            client = provider_client(config.base_url, config.timeout)
            clients[module] = await stack.enter_async_context(client)
        yield clients


class PaymentLookup:
    """Loads a payment by id in its own short transaction (for callback checks)."""

    def __init__(self, uow: PostgresUnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, payment_id: str) -> Payment | None:
        async with self._uow(read_only=True) as uow:
            return await uow.payments.get(payment_id)


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
        offered[module.NAME], callbacks[module.WEBHOOK] = module.build(config, deps)
    return ProviderSet(offered, callbacks)


class DatabaseProbe:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def __call__(self) -> bool:
        try:
            async with self._pool.connection(timeout=2.0) as conn:
                await conn.execute("SELECT 1")
            return True
        except Exception:
            return False


class Credentials:
    """Store secrets. API keys say which mode made them: `sk_live_...` in production,
    `sk_test_...` in sandbox."""

    def __init__(self, settings: Settings) -> None:
        self._prefix = signing.TEST_KEY_PREFIX if settings.is_sandbox else signing.LIVE_KEY_PREFIX

    def new_api_key(self) -> str:
        return signing.new_api_key(self._prefix)

    hash_api_key = staticmethod(signing.hash_api_key)
    new_webhook_secret = staticmethod(signing.new_webhook_secret)


def _secret(settings: Settings) -> bytes:
    return settings.secret_key.encode()


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(UlidGenerator)
    secret = providers.Callable(_secret, settings)
    url_signer = providers.Singleton(signing.UrlSigner, secret)
    urls = providers.Singleton(ServiceUrls, settings.provided.public_base_url, url_signer)
    credentials = providers.Singleton(Credentials, settings)
    phones = providers.Singleton(PhonenumbersNormalizer)
    metrics = providers.Singleton(PrometheusMetrics)
    # limits on use: this process's rate limits (README, Limits on use)
    rate_limits = providers.Singleton(RateLimits, settings.provided.limits)

    pool = providers.Resource(pool_resource, settings)

    # provider health (README, Provider health): breakers, tallies and incidents in Postgres
    breaker_store = providers.Singleton(PostgresBreakerStore, pool)
    provider_gate = providers.Singleton(
        ProviderGate, breaker_store, clock, settings.provided.breaker
    )
    health_recorder = providers.Singleton(BufferedHealthRecorder, pool, clock)
    health_ledger = providers.Singleton(PostgresHealthLedger, pool, ids)
    provider_health = providers.Singleton(ProviderHealthQuery, health_ledger, provider_gate, clock)

    payment_log = providers.Singleton(
        HealthPaymentLog,
        providers.Singleton(
            MeteredPaymentLog,
            providers.Singleton(StructlogPaymentLog, settings.provided.log_dir),
            metrics,
        ),
        health_recorder,
    )
    http_client = providers.Resource(http_resource)
    snapshots = providers.Singleton(Snapshots, urls)
    uow = providers.Singleton(
        PostgresUnitOfWorkFactory, pool, ids, snapshots, settings.provided.lease
    )
    database_probe = providers.Singleton(DatabaseProbe, pool)

    sandbox_signer = providers.Singleton(signing.HmacSignatureScheme, secret, b"", 300, clock)
    sandbox_operator = providers.Resource(
        sandbox_resource,
        pool,
        clock,
        sandbox_signer,
        providers.Callable("{}/payment/webhook/sandbox/".format, settings.provided.public_base_url),
        http_client,
    )
    sandbox_provider = providers.Singleton(
        SandboxProvider, sandbox_operator, urls, clock, providers.Singleton(MeteredCallObserver)
    )
    sandbox_authenticator = providers.Singleton(SandboxWebhookAuthenticator, sandbox_signer)
    provider_clients = providers.Resource(provider_clients_resource, settings)
    payment_lookup = providers.Singleton(PaymentLookup, uow)
    # the configured providers themselves; what guards new payments wraps them further down
    configured_providers = providers.Singleton(
        providers_for,
        settings,
        sandbox_provider,
        sandbox_authenticator,
        provider_clients,
        urls,
        clock,
        payment_lookup,
        providers.Singleton(MeteredCallObserver, providers.Singleton(LogObserver)),
    )
    provider_registry = providers.Singleton(
        GuardedRegistry, configured_providers, provider_gate, health_recorder, clock
    )
    watch_providers = providers.Singleton(
        WatchProviders, provider_health, health_ledger, health_recorder, provider_registry, clock
    )

    notification_urls = providers.Singleton(
        NotificationUrlPolicy, providers.Callable(lambda s: not s.is_sandbox, settings)
    )

    create_store = providers.Singleton(
        CreateStore, uow, ids, clock, credentials, urls=notification_urls
    )
    rotate_api_key = providers.Singleton(RotateApiKey, uow, credentials)
    authenticate_store = providers.Singleton(AuthenticateStore, uow, credentials)
    list_stores = providers.Singleton(ListStores, uow)
    create_order = providers.Singleton(
        CreateOrder, uow, ids, clock, settings.provided.ttl, phones=phones
    )
    cancel_order = providers.Singleton(CancelOrder, uow, clock)
    queries = providers.Singleton(StoreQueries, uow)
    idempotency = providers.Singleton(Idempotency, uow, clock)
    initiate_payment = providers.Singleton(
        GatedInitiatePayment,
        uow,
        provider_registry,
        phones,
        ids,
        clock,
        payment_log,
        settings.provided.ttl,
        per_order=rate_limits.provided.order_prompts,
        per_phone=rate_limits.provided.phone_prompts,
        gate=provider_gate,
    )
    apply_report = providers.Singleton(ApplyReport, uow, clock, payment_log)
    verify_payment = providers.Singleton(VerifyPayment, uow, provider_registry, apply_report)
    handle_webhook = providers.Singleton(
        HandleWebhook, uow, provider_registry, verify_payment, clock
    )

    # background work (run by `payments worker`, or in process by `payments serve --with-worker`)
    notification_http = providers.Resource(notification_http_resource, settings)
    notification_sender = providers.Singleton(HttpNotificationSender, notification_http, clock)
    reconcile_payment = providers.Singleton(
        ReconcilePayment, uow, provider_registry, apply_report, clock, payment_log, metrics
    )
    reconcile_due = providers.Singleton(
        ReconcileDue, uow, reconcile_payment, clock, lease=settings.provided.lease
    )
    retry_webhooks = providers.Singleton(
        RetryWebhooks, uow, handle_webhook, clock, lease=settings.provided.lease
    )
    expire_orders = providers.Singleton(ExpireOrders, uow, clock)
    deliver_notifications = providers.Singleton(
        DeliverNotifications,
        uow,
        notification_sender,
        clock,
        metrics,
        first_retry=settings.provided.notification_first_retry,
        lease=settings.provided.lease,
    )
    store_events = providers.Singleton(StoreEvents, uow, clock)

    order_locator = providers.Singleton(PostgresOrderLocator, pool)
    checkout = providers.Singleton(CheckoutQueries, uow, order_locator)
    stats_reader = providers.Singleton(PostgresStatsReader, pool)
    pending_ages = providers.Singleton(PostgresPendingAges, pool)
    store_stats = providers.Singleton(StoreStats, stats_reader, clock)

    # refunds (their own aggregate; the operators' desk calls the same use cases)
    apply_refund_report = providers.Singleton(ApplyRefundReport, uow, clock)
    create_refund = providers.Singleton(
        CreateRefund, uow, configured_providers, ids, clock, apply_refund_report
    )
    verify_refund = providers.Singleton(
        VerifyRefund, uow, configured_providers, apply_refund_report
    )
    reconcile_refunds = providers.Singleton(
        ReconcileRefunds, uow, verify_refund, clock, lease=settings.provided.lease
    )
    record_manual_refund = providers.Singleton(RecordManualRefund, uow, clock)
    refund_queries = providers.Singleton(RefundQueries, uow)
    refunds_awaiting_action = providers.Singleton(AwaitingAction, uow)

    # personal data: full phone numbers masked after PHONE_RETENTION_DAYS (a periodic job)
    phone_archive = providers.Singleton(PostgresPhoneArchive, pool)
    mask_phones = providers.Singleton(
        MaskOldPhones, phone_archive, clock, settings.provided.phone_retention
    )
