"""Litestar dependencies: the one way in from a route to the container. Every dependency a
route names is listed once in `dependencies`, by the container's own attribute (checked by
mypy), and asked of the container when a request needs it, so that a test's
`container.x.override(...)` is seen by the next request."""

from __future__ import annotations

from typing import Any, cast

from dependency_injector import providers
from litestar.connection import ASGIConnection
from litestar.di import Provide

from entrypoints.container import Container, resolve
from entrypoints.http.authentication import admin_guard, provide_operator, provide_store

__all__ = ["admin_guard", "container_of", "dependencies", "use"]  # admin_guard: where it was


def container_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Container:
    return cast(Container, connection.app.state.container)


def use(provider: providers.Provider[Any]) -> Provide:
    """A Litestar dependency asking the container for `provider`."""

    async def provide() -> Any:
        return await resolve(provider)

    return Provide(provide)


def dependencies(container: Container) -> dict[str, Provide]:
    """Every dependency of the routes and pages, by the name their handlers give it."""
    return {
        "store": Provide(provide_store),
        "create_store": use(container.create_store),
        "rotate_api_key": use(container.rotate_api_key),
        "list_stores": use(container.list_stores),
        "authenticate_store": use(container.authenticate_store),
        "create_order": use(container.create_order),
        "cancel_order": use(container.cancel_order),
        "queries": use(container.queries),
        "idempotency": use(container.idempotency),
        "initiate_payment": use(container.initiate_payment),
        "verify_payment": use(container.verify_payment),
        "abandon_payment": use(container.abandon_payment),
        "handle_webhook": use(container.handle_webhook),
        "after_answer": use(container.after_answer),
        "store_events": use(container.store_events),
        "checkout": use(container.checkout),
        "store_stats": use(container.store_stats),
        "provider_registry": use(container.provider_registry),
        "provider_health": use(container.provider_health),
        "sandbox_operator": use(container.sandbox_operator),
        "urls": use(container.urls),
        "metrics": use(container.metrics),
        "database_probe": use(container.database_probe),
        "pending_ages": use(container.pending_ages),
        "clock": use(container.clock),
        # the operator's desk
        "operator": Provide(provide_operator),
        "authenticate_operator": use(container.authenticate_operator),
        "suspend_store": use(container.suspend_store),
        "reactivate_store": use(container.reactivate_store),
        "change_notification_url": use(container.change_notification_url),
        "rotate_webhook_secret": use(container.rotate_webhook_secret),
        "review_queue": use(container.review_queue),
        "resolve_item": use(container.resolve_item),
        "audit_log": use(container.audit_log),
        # refunds
        "create_refund": use(container.create_refund),
        "verify_refund": use(container.verify_refund),
        "refund_queries": use(container.refund_queries),
        "refund_providers": use(container.configured_providers),
        # the marketplace's money
        "balance_queries": use(container.balance_queries),
        "adjust_balance": use(container.adjust_balance),
        "change_fee": use(container.change_fee),
        "add_destination": use(container.add_destination),
        "destination_queries": use(container.destination_queries),
        "disable_destination": use(container.disable_destination),
        "approve_destination": use(container.approve_destination),
        "create_payout": use(container.create_payout),
        "verify_payout": use(container.verify_payout),
        "record_payout": use(container.record_payout),
        "payout_queries": use(container.payout_queries),
        "set_schedule": use(container.set_schedule),
        # payouts: where is the money (the desk's comparison)
        "where_is_the_money": use(container.where_is_the_money),
    }
