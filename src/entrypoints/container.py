"""The composition root: one dependency-injector container wiring adapters into use cases,
and nothing else (what it wires lives in `adapters/` and `entrypoints/resources.py`). Tests
override its providers (`container.x.override(...)`)."""

from __future__ import annotations

import inspect
from typing import Any

from dependency_injector import containers, providers

from adapters import signing
from adapters.clock import SystemClock
from adapters.health_payment_log import HealthPaymentLog
from adapters.ids import UlidGenerator
from adapters.metrics import MeteredCallObserver, MeteredPaymentLog, PrometheusMetrics
from adapters.notification_sender import HttpNotificationSender
from adapters.outbound import NotificationUrlPolicy
from adapters.payment_log import StructlogPaymentLog
from adapters.phones import PhonenumbersNormalizer
from adapters.postgres.breakers import PostgresBreakerStore
from adapters.postgres.checkout import PostgresOrderLocator
from adapters.postgres.health_ledger import PostgresHealthLedger
from adapters.postgres.health_recorder import BufferedHealthRecorder
from adapters.postgres.lookup import PostgresPaymentLookup
from adapters.postgres.pending import PostgresPendingAges
from adapters.postgres.phone_archive import PostgresPhoneArchive
from adapters.postgres.probe import PostgresProbe
from adapters.postgres.stats import PostgresStatsReader
from adapters.postgres.uow import PostgresUnitOfWorkFactory
from adapters.providers.guarded import GuardedRegistry
from adapters.providers.http import LogObserver
from adapters.providers.sandbox import SandboxProvider, SandboxWebhookAuthenticator
from adapters.providers.sandbox_payouts import SandboxPayouts
from adapters.rate_limits import RateLimits
from adapters.snapshots import Snapshots
from adapters.urls import ServiceUrls
from application.apply_report import ApplyReport
from application.audit import AuditQueries
from application.checkout import CheckoutQueries
from application.desk_refunds import DeskRefunds
from application.expire_orders import ExpireOrders
from application.handle_webhook import HandleWebhook
from application.idempotency import Idempotency
from application.ledger.adjust import AdjustBalance
from application.ledger.balance import BalanceQueries
from application.ledger.book import Fees
from application.mask_phones import MaskOldPhones
from application.notifications import DeliverNotifications, StoreEvents
from application.operators import (
    AuthenticateOperator,
    CreateOperator,
    ListOperators,
    RevokeOperator,
)
from application.orders import CancelOrder, CreateOrder
from application.payouts.create_payout import CreatePayout
from application.payouts.destinations import (
    AddDestination,
    ApproveDestination,
    DestinationQueries,
    DisableDestination,
)
from application.payouts.follow import ReconcilePayouts, RecordPayout, VerifyPayout
from application.payouts.queries import PayoutQueries
from application.payouts.schedule import RunDailyPayouts, SetSchedule
from application.payouts.settle import SettlePayout
from application.provider_gate import GatedInitiatePayment, ProviderGate
from application.provider_health import ProviderHealthQuery
from application.queries import StoreQueries
from application.reconcile_due import ReconcileDue
from application.reconciliation import ReconcilePayment
from application.refunds.apply_refund_report import ApplyRefundReport
from application.refunds.create_refund import CreateRefund
from application.refunds.queries import AwaitingAction, RefundQueries
from application.refunds.reconcile_refunds import ReconcileRefunds
from application.refunds.record_manual_refund import RecordManualRefund
from application.refunds.verify_refund import VerifyRefund
from application.retry_webhooks import RetryWebhooks
from application.review_queue import ResolveItem, ReviewQueueQueries
from application.stats import StoreStats
from application.store_admin import (
    ChangeFee,
    ChangeNotificationUrl,
    ReactivateStore,
    RotateWebhookSecret,
    SuspendStore,
)
from application.stores import AuthenticateStore, CreateStore, ListStores, RotateApiKey
from application.verify_payment import VerifyPayment
from application.watch_providers import WatchProviders
from entrypoints.http.after_answer import AfterAnswer
from entrypoints.resources import (
    api_key_prefix,
    calls_checked,
    http_resource,
    notification_http_resource,
    payout_gateways_for,
    pool_resource,
    provider_clients_resource,
    providers_for,
    sandbox_resource,
    secret_bytes,
)
from entrypoints.settings import Settings


async def resolve(provider: providers.Provider[Any]) -> Any:
    """The provider's object; providers that depend on async resources answer awaitables."""
    value = provider()
    return await value if inspect.isawaitable(value) else value


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(UlidGenerator)
    secret = providers.Callable(secret_bytes, settings)
    url_signer = providers.Singleton(signing.UrlSigner, secret)
    urls = providers.Singleton(ServiceUrls, settings.provided.public_base_url, url_signer)
    credentials = providers.Singleton(
        signing.StoreCredentials, providers.Callable(api_key_prefix, settings)
    )
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
    database_probe = providers.Singleton(PostgresProbe, pool)

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
    payment_lookup = providers.Singleton(PostgresPaymentLookup, uow)
    # the configured providers themselves (refunds use them); GuardedRegistry guards new payments
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
        NotificationUrlPolicy, providers.Callable(calls_checked, settings)
    )
    create_store = providers.Singleton(
        CreateStore, uow, ids, clock, credentials, urls=notification_urls
    )
    rotate_api_key = providers.Singleton(RotateApiKey, uow, credentials, ids, clock)
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
    fees = providers.Singleton(Fees, settings.provided.money.provided.platform_fee_bps)
    apply_report = providers.Singleton(ApplyReport, uow, clock, payment_log, fees)
    verify_payment = providers.Singleton(VerifyPayment, uow, provider_registry, apply_report)
    handle_webhook = providers.Singleton(HandleWebhook, uow, provider_registry, apply_report, clock)
    after_answer = providers.Singleton(AfterAnswer, inline=settings.provided.settle_webhooks_inline)

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

    # personal data: full phone numbers masked after PHONE_RETENTION_DAYS (a periodic job)
    phone_archive = providers.Singleton(PostgresPhoneArchive, pool)
    mask_phones = providers.Singleton(
        MaskOldPhones, phone_archive, clock, settings.provided.phone_retention
    )

    # refunds (their own aggregate; the operators' desk calls the same use cases). They reach
    # the configured providers, never the registry that guards new payments.
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

    # the operator's desk: operator tokens, store administration, the queue, the audit log
    create_operator = providers.Singleton(CreateOperator, uow, ids, clock, credentials)
    revoke_operator = providers.Singleton(RevokeOperator, uow, ids, clock)
    list_operators = providers.Singleton(ListOperators, uow)
    authenticate_operator = providers.Singleton(
        AuthenticateOperator, uow, credentials, settings.provided.admin_token
    )
    suspend_store = providers.Singleton(SuspendStore, uow, ids, clock)
    reactivate_store = providers.Singleton(ReactivateStore, uow, ids, clock)
    change_notification_url = providers.Singleton(
        ChangeNotificationUrl, uow, ids, clock, urls=notification_urls
    )
    rotate_webhook_secret = providers.Singleton(RotateWebhookSecret, uow, ids, clock, credentials)
    review_queue = providers.Singleton(ReviewQueueQueries, uow)
    desk_refunds = providers.Singleton(
        DeskRefunds, uow, ids, clock, create_refund, record_manual_refund
    )
    resolve_item = providers.Singleton(ResolveItem, uow, ids, clock, desk_refunds)
    audit_log = providers.Singleton(AuditQueries, uow)

    # payouts (issue 20): a gateway per provider account that can pay out, and their balances
    payout_gateways = providers.Singleton(
        payout_gateways_for,
        settings=settings,
        providers=configured_providers,
        clients=provider_clients,
        sandbox=providers.Singleton(SandboxPayouts, pool, clock),
        observer=providers.Singleton(MeteredCallObserver, providers.Singleton(LogObserver)),
    )

    # the marketplace's money: the ledger, balances, fees
    balance_queries = providers.Singleton(
        BalanceQueries, uow, clock, settings.provided.money.provided.balance_hold
    )
    adjust_balance = providers.Singleton(AdjustBalance, uow, ids, clock)
    change_fee = providers.Singleton(ChangeFee, uow, ids, clock)
    # payouts: destinations, payouts and their follow-up, the daily schedule
    money = settings.provided.money
    add_destination = providers.Singleton(
        AddDestination, uow, payout_gateways, phones, ids, clock, money.provided.destination_hold
    )
    destination_queries = providers.Singleton(DestinationQueries, uow, clock)
    disable_destination = providers.Singleton(DisableDestination, uow, clock)
    approve_destination = providers.Singleton(ApproveDestination, uow, ids, clock)
    settle_payout = providers.Singleton(SettlePayout, uow, clock)
    create_payout = providers.Singleton(
        CreatePayout, uow, payout_gateways, ids, clock, settle_payout, money.provided.balance_hold
    )
    verify_payout = providers.Singleton(VerifyPayout, uow, payout_gateways, settle_payout)
    reconcile_payouts = providers.Singleton(ReconcilePayouts, uow, verify_payout, clock)
    record_payout = providers.Singleton(RecordPayout, uow, ids, clock)
    payout_queries = providers.Singleton(PayoutQueries, uow)
    set_schedule = providers.Singleton(SetSchedule, uow, clock)
    daily_payouts = providers.Singleton(
        RunDailyPayouts, uow, create_payout, clock, money.provided.balance_hold
    )
