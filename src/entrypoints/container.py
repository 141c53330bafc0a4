"""The composition root: one dependency-injector container wiring adapters into use cases,
and nothing else (what it wires lives in `adapters/` and `entrypoints/resources.py`). Tests
override its providers (`container.x.override(...)`)."""

from __future__ import annotations

import inspect
from typing import Any

from dependency_injector import containers, providers

from adapters import signing
from adapters.clock import SystemClock
from adapters.ids import UlidGenerator
from adapters.metrics import MeteredCallObserver, PrometheusMetrics
from adapters.notification_sender import HttpNotificationSender
from adapters.outbound import NotificationUrlPolicy
from adapters.payment_log import StructlogPaymentLog
from adapters.phones import PhonenumbersNormalizer
from adapters.postgres.breakers import PostgresBreakerStore
from adapters.postgres.checkout import PostgresOrderLocator
from adapters.postgres.clearing import PostgresClearingBalances
from adapters.postgres.health_ledger import PostgresHealthLedger
from adapters.postgres.health_recorder import BufferedHealthRecorder
from adapters.postgres.lookup import PostgresPaymentLookup
from adapters.postgres.pending import PostgresPendingAges
from adapters.postgres.phone_archive import PostgresPhoneArchive
from adapters.postgres.probe import PostgresProbe
from adapters.postgres.sessions import PostgresSessionStore
from adapters.postgres.stats import PostgresStatsReader
from adapters.postgres.uow import PostgresUnitOfWorkFactory
from adapters.providers.guarded import GuardedRegistry
from adapters.providers.http import LogObserver
from adapters.providers.sandbox import SandboxProvider, SandboxWebhookAuthenticator
from adapters.providers.sandbox_payouts import SandboxPayouts
from adapters.snapshots import Snapshots
from adapters.urls import ServiceUrls
from application.dispatch import Dispatch
from application.event_handlers import event_handlers
from application.health.provider_gate import GatedInitiatePayment, ProviderGate
from application.health.provider_health import ProviderHealthQuery
from application.health.watch_providers import WatchProviders
from application.ledger.adjust import AdjustBalance
from application.ledger.balance import BalanceQueries
from application.ledger.book import Fees
from application.payments.abandon_payment import AbandonPayment
from application.payments.checkout import CheckoutQueries
from application.payments.expire_orders import ExpireOrders
from application.payments.handle_webhook import HandleWebhook
from application.payments.mask_phones import MaskOldPhones
from application.payments.orders import CancelOrder, CreateOrder
from application.payments.queries import StoreQueries
from application.payments.reconcile_due import ReconcileDue
from application.payments.reconciliation import ReconcilePayment
from application.payments.retry_webhooks import RetryWebhooks
from application.payments.settlement import PaymentSettles
from application.payments.stats import StoreStats
from application.payments.verify_payment import VerifyPayment
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
from application.payouts.where_is_the_money import WhereIsTheMoney
from application.refunds.create_refund import CreateRefund
from application.refunds.desk_refunds import DeskRefunds
from application.refunds.queries import AwaitingAction, RefundQueries
from application.refunds.reconcile_refunds import ReconcileRefunds
from application.refunds.record_manual_refund import RecordManualRefund
from application.refunds.settlement import RefundSettles
from application.refunds.verify_refund import VerifyRefund
from application.shared.idempotency import Idempotency
from application.shared.settlement import Settlement
from application.stores.audit import AuditQueries
from application.stores.notifications import DeliverNotifications, StoreEvents
from application.stores.operators import (
    AuthenticateOperator,
    CreateOperator,
    ListOperators,
    RevokeOperator,
)
from application.stores.review_queue import ResolveItem, ReviewQueueQueries
from application.stores.sign_in_sessions import SignInSessions
from application.stores.store_admin import (
    ChangeFee,
    ChangeNotificationUrl,
    ReactivateStore,
    RotateWebhookSecret,
    SuspendStore,
)
from application.stores.stores import AuthenticateStore, CreateStore, ListStores, RotateApiKey
from entrypoints import limits_store
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


def bootstrap_token(settings: Settings) -> str:
    """`PAYMENTS_ADMIN_TOKEN`, or none at all when `ADMIN_TOKEN_DISABLED` is set."""
    return "" if settings.admin_token_disabled else settings.admin_token


class Container(containers.DeclarativeContainer):
    """Every provider is wired by keyword: a constructor's parameters may be reordered, or
    one added with a default, without the container silently passing the wrong thing."""

    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(UlidGenerator)
    secret = providers.Callable(secret_bytes, settings=settings)
    url_signer = providers.Singleton(signing.UrlSigner, secret=secret)
    urls = providers.Singleton(
        ServiceUrls, base_url=settings.provided.public_base_url, signer=url_signer, clock=clock
    )
    credentials = providers.Singleton(
        signing.StoreCredentials, prefix=providers.Callable(api_key_prefix, settings=settings)
    )
    phones = providers.Singleton(PhonenumbersNormalizer)
    metrics = providers.Singleton(PrometheusMetrics)
    # limits on use (README, Limits on use): buckets in Redis, in the server's shared file, or
    # in this process (entrypoints/limits_store.py)
    rate_limits = providers.Singleton(limits_store.rate_limits, settings=settings)

    pool = providers.Resource(pool_resource, settings=settings)

    # provider health (README, Provider health): breakers, tallies and incidents in Postgres
    breaker_store = providers.Singleton(PostgresBreakerStore, pool=pool)
    provider_gate = providers.Singleton(
        ProviderGate, breakers=breaker_store, clock=clock, policy=settings.provided.breaker
    )
    health_recorder = providers.Singleton(BufferedHealthRecorder, pool=pool, clock=clock)
    health_ledger = providers.Singleton(PostgresHealthLedger, pool=pool, ids=ids)
    provider_health = providers.Singleton(
        ProviderHealthQuery, ledger=health_ledger, gate=provider_gate, clock=clock
    )

    # what follows each change (application/event_handlers.py): the store notifications in
    # the transaction; the payment log, the metrics and provider health after the commit
    payment_log = providers.Singleton(StructlogPaymentLog, log_dir=settings.provided.log_dir)
    dispatch = providers.Singleton(
        Dispatch,
        handlers=providers.Singleton(
            event_handlers, log=payment_log, metrics=metrics, health=health_recorder
        ),
    )
    http_client = providers.Resource(http_resource)
    snapshots = providers.Singleton(Snapshots, urls=urls)
    uow = providers.Singleton(
        PostgresUnitOfWorkFactory,
        pool=pool,
        ids=ids,
        dispatch=dispatch,
        snapshots=snapshots,
        inbox_grace=settings.provided.inbox_grace,
    )
    database_probe = providers.Singleton(PostgresProbe, pool=pool)

    sandbox_signer = providers.Singleton(
        signing.HmacSignatureScheme,
        secret=secret,
        separator=b"",
        tolerance_seconds=300,
        clock=clock,
    )
    sandbox_operator = providers.Resource(
        sandbox_resource,
        pool=pool,
        clock=clock,
        signer=sandbox_signer,
        url=providers.Callable(
            "{}/payment/webhook/sandbox/".format, settings.provided.public_base_url
        ),
        http=http_client,
    )
    sandbox_provider = providers.Singleton(
        SandboxProvider,
        operator=sandbox_operator,
        urls=urls,
        clock=clock,
        observer=providers.Singleton(MeteredCallObserver),
    )
    sandbox_authenticator = providers.Singleton(SandboxWebhookAuthenticator, signer=sandbox_signer)
    provider_clients = providers.Resource(provider_clients_resource, settings=settings)
    payment_lookup = providers.Singleton(PostgresPaymentLookup, uow=uow)
    # the configured providers themselves (refunds use them); GuardedRegistry guards new payments
    configured_providers = providers.Singleton(
        providers_for,
        settings=settings,
        sandbox=sandbox_provider,
        sandbox_auth=sandbox_authenticator,
        clients=provider_clients,
        urls=urls,
        clock=clock,
        lookup=payment_lookup,
        observer=providers.Singleton(MeteredCallObserver, inner=providers.Singleton(LogObserver)),
    )
    provider_registry = providers.Singleton(
        GuardedRegistry,
        inner=configured_providers,
        gate=provider_gate,
        recorder=health_recorder,
        clock=clock,
    )
    watch_providers = providers.Singleton(
        WatchProviders,
        query=provider_health,
        ledger=health_ledger,
        recorder=health_recorder,
        providers=provider_registry,
        clock=clock,
    )

    notification_urls = providers.Singleton(
        NotificationUrlPolicy, production=providers.Callable(calls_checked, settings=settings)
    )
    create_store = providers.Singleton(
        CreateStore, uow=uow, ids=ids, clock=clock, credentials=credentials, urls=notification_urls
    )
    # the hosted pages' sign-in sessions (server-side, revocable)
    sign_in_sessions = providers.Singleton(
        SignInSessions,
        store=providers.Singleton(PostgresSessionStore, pool=pool),
        clock=clock,
        policies=settings.provided.sessions,
    )
    rotate_api_key = providers.Singleton(
        RotateApiKey,
        uow=uow,
        credentials=credentials,
        ids=ids,
        clock=clock,
        sessions=sign_in_sessions,
    )
    authenticate_store = providers.Singleton(AuthenticateStore, uow=uow, credentials=credentials)
    list_stores = providers.Singleton(ListStores, uow=uow)
    create_order = providers.Singleton(
        CreateOrder, uow=uow, ids=ids, clock=clock, ttl=settings.provided.ttl, phones=phones
    )
    cancel_order = providers.Singleton(CancelOrder, uow=uow, clock=clock)
    queries = providers.Singleton(StoreQueries, uow=uow)
    idempotency = providers.Singleton(Idempotency, uow=uow, clock=clock)
    # "ask the provider, then apply what it says" (application/shared/settlement.py); a
    # payment that succeeds has its fee fixed at its store's rate (the ledger books it)
    fees = providers.Singleton(Fees, platform_bps=settings.provided.money.provided.platform_fee_bps)
    settle_payment = providers.Singleton(
        Settlement,
        uow=uow,
        settles=providers.Singleton(PaymentSettles, providers=provider_registry, fees=fees),
        clock=clock,
        log=payment_log,
    )
    initiate_payment = providers.Singleton(
        GatedInitiatePayment,
        uow=uow,
        providers=provider_registry,
        phones=phones,
        ids=ids,
        clock=clock,
        settle=settle_payment,
        ttl=settings.provided.ttl,
        per_order=rate_limits.provided.order_prompts,
        per_phone=rate_limits.provided.phone_prompts,
        gate=provider_gate,
    )
    verify_payment = providers.Singleton(VerifyPayment, settle=settle_payment)
    abandon_payment = providers.Singleton(
        AbandonPayment, uow=uow, providers=configured_providers, verify=verify_payment
    )
    handle_webhook = providers.Singleton(
        HandleWebhook, uow=uow, providers=provider_registry, settle=settle_payment, clock=clock
    )
    after_answer = providers.Singleton(AfterAnswer, inline=settings.provided.settle_webhooks_inline)

    # background work (run by `payments worker`, or in process by `payments serve --with-worker`)
    notification_http = providers.Resource(notification_http_resource, settings=settings)
    notification_sender = providers.Singleton(
        HttpNotificationSender, client=notification_http, clock=clock
    )
    reconcile_payment = providers.Singleton(
        ReconcilePayment,
        uow=uow,
        settle=settle_payment,
        clock=clock,
        log=payment_log,
        metrics=metrics,
    )
    reconcile_due = providers.Singleton(
        ReconcileDue,
        uow=uow,
        reconcile=reconcile_payment,
        clock=clock,
        lease=settings.provided.lease,
    )
    retry_webhooks = providers.Singleton(
        RetryWebhooks, uow=uow, handle=handle_webhook, clock=clock, lease=settings.provided.lease
    )
    expire_orders = providers.Singleton(ExpireOrders, uow=uow, clock=clock)
    deliver_notifications = providers.Singleton(
        DeliverNotifications,
        uow=uow,
        sender=notification_sender,
        clock=clock,
        metrics=metrics,
        first_retry=settings.provided.notification_first_retry,
        lease=settings.provided.lease,
    )
    store_events = providers.Singleton(StoreEvents, uow=uow, clock=clock)

    order_locator = providers.Singleton(PostgresOrderLocator, pool=pool)
    checkout = providers.Singleton(CheckoutQueries, uow=uow, locator=order_locator)
    stats_reader = providers.Singleton(PostgresStatsReader, pool=pool)
    pending_ages = providers.Singleton(PostgresPendingAges, pool=pool)
    store_stats = providers.Singleton(StoreStats, reader=stats_reader, clock=clock)

    # personal data: full phone numbers masked after PHONE_RETENTION_DAYS (a periodic job)
    phone_archive = providers.Singleton(PostgresPhoneArchive, pool=pool)
    mask_phones = providers.Singleton(
        MaskOldPhones,
        archive=phone_archive,
        clock=clock,
        retention=settings.provided.phone_retention,
    )

    # refunds (their own aggregate; the operators' desk calls the same use cases). They reach
    # the configured providers, never the registry that guards new payments.
    settle_refund = providers.Singleton(
        Settlement,
        uow=uow,
        settles=providers.Singleton(RefundSettles, uow=uow, providers=configured_providers),
        clock=clock,
        log=payment_log,
    )
    create_refund = providers.Singleton(
        CreateRefund,
        uow=uow,
        providers=configured_providers,
        ids=ids,
        clock=clock,
        settle=settle_refund,
    )
    verify_refund = providers.Singleton(VerifyRefund, settle=settle_refund)
    reconcile_refunds = providers.Singleton(
        ReconcileRefunds, uow=uow, verify=verify_refund, clock=clock, lease=settings.provided.lease
    )
    record_manual_refund = providers.Singleton(RecordManualRefund, uow=uow, clock=clock)
    refund_queries = providers.Singleton(RefundQueries, uow=uow)
    refunds_awaiting_action = providers.Singleton(AwaitingAction, uow=uow)

    # the operator's desk: operator tokens, store administration, the queue, the audit log
    create_operator = providers.Singleton(
        CreateOperator, uow=uow, ids=ids, clock=clock, credentials=credentials
    )
    revoke_operator = providers.Singleton(
        RevokeOperator, uow=uow, ids=ids, clock=clock, sessions=sign_in_sessions
    )
    list_operators = providers.Singleton(ListOperators, uow=uow)
    authenticate_operator = providers.Singleton(
        AuthenticateOperator,
        uow=uow,
        credentials=credentials,
        bootstrap_token=providers.Callable(bootstrap_token, settings=settings),
    )
    suspend_store = providers.Singleton(SuspendStore, uow=uow, ids=ids, clock=clock)
    reactivate_store = providers.Singleton(ReactivateStore, uow=uow, ids=ids, clock=clock)
    change_notification_url = providers.Singleton(
        ChangeNotificationUrl, uow=uow, ids=ids, clock=clock, urls=notification_urls
    )
    rotate_webhook_secret = providers.Singleton(
        RotateWebhookSecret, uow=uow, ids=ids, clock=clock, credentials=credentials
    )
    review_queue = providers.Singleton(ReviewQueueQueries, uow=uow)
    desk_refunds = providers.Singleton(
        DeskRefunds,
        uow=uow,
        ids=ids,
        clock=clock,
        create_refund=create_refund,
        record_manual_refund=record_manual_refund,
    )
    resolve_item = providers.Singleton(
        ResolveItem, uow=uow, ids=ids, clock=clock, refunds=desk_refunds
    )
    audit_log = providers.Singleton(AuditQueries, uow=uow)

    # payouts (issue 20): a gateway per provider account that can pay out, and their balances
    payout_gateways = providers.Singleton(
        payout_gateways_for,
        settings=settings,
        providers=configured_providers,
        clients=provider_clients,
        sandbox=providers.Singleton(SandboxPayouts, pool=pool, clock=clock),
        observer=providers.Singleton(MeteredCallObserver, inner=providers.Singleton(LogObserver)),
    )
    # where is the money: each provider account's ledger figure beside its operator's
    clearing_balances = providers.Singleton(PostgresClearingBalances, pool=pool)
    where_is_the_money = providers.Singleton(
        WhereIsTheMoney, gateways=payout_gateways, ledger=clearing_balances
    )

    # the marketplace's money: the ledger, balances, fees
    balance_queries = providers.Singleton(
        BalanceQueries,
        uow=uow,
        clock=clock,
        hold=settings.provided.money.provided.balance_hold,
    )
    adjust_balance = providers.Singleton(AdjustBalance, uow=uow, ids=ids, clock=clock)
    change_fee = providers.Singleton(ChangeFee, uow=uow, ids=ids, clock=clock)
    # payouts: destinations, payouts and their follow-up, the daily schedule
    add_destination = providers.Singleton(
        AddDestination,
        uow=uow,
        gateways=payout_gateways,
        phones=phones,
        ids=ids,
        clock=clock,
        hold=settings.provided.money.provided.destination_hold,
    )
    destination_queries = providers.Singleton(DestinationQueries, uow=uow, clock=clock)
    disable_destination = providers.Singleton(DisableDestination, uow=uow, clock=clock)
    approve_destination = providers.Singleton(ApproveDestination, uow=uow, ids=ids, clock=clock)
    settle_payout = providers.Singleton(SettlePayout, uow=uow, clock=clock)
    create_payout = providers.Singleton(
        CreatePayout,
        uow=uow,
        gateways=payout_gateways,
        ids=ids,
        clock=clock,
        settle=settle_payout,
        hold=settings.provided.money.provided.balance_hold,
    )
    verify_payout = providers.Singleton(
        VerifyPayout, uow=uow, gateways=payout_gateways, settle=settle_payout
    )
    reconcile_payouts = providers.Singleton(
        ReconcilePayouts, uow=uow, verify=verify_payout, clock=clock
    )
    record_payout = providers.Singleton(RecordPayout, uow=uow, ids=ids, clock=clock)
    payout_queries = providers.Singleton(PayoutQueries, uow=uow)
    set_schedule = providers.Singleton(SetSchedule, uow=uow, clock=clock)
    daily_payouts = providers.Singleton(
        RunDailyPayouts,
        uow=uow,
        create=create_payout,
        clock=clock,
        hold=settings.provided.money.provided.balance_hold,
    )
