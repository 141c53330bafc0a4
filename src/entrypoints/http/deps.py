"""Litestar dependencies: the one way in from a route to the container. Every dependency a
route names is listed once in `dependencies`, by the container's own attribute (checked by
mypy), and asked of the container when a request needs it, so that a test's
`container.x.override(...)` is seen by the next request."""

from __future__ import annotations

from typing import Any, cast

import structlog
from dependency_injector import providers
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.handlers import BaseRouteHandler

from application.errors import Unauthorized
from domain.operator import Actor
from domain.store import Store
from entrypoints.container import Container, resolve
from entrypoints.http import throttle

log = structlog.get_logger(__name__)


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


def bearer(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def provide_store(request: Request[Any, Any, Any]) -> Store:
    """The store whose API key signs this request (401 otherwise). Rate limited per API key,
    and per client address for wrong keys: an address that guessed too many is refused (429)
    whatever key it sends, until its room is back."""
    limits, client = throttle.limits_of(request), throttle.address_of(request)
    throttle.refuse_while_blocked(limits.login, client, "key guesses per address", client)
    authenticate = await resolve(container_of(request).authenticate_store)
    try:
        store: Store = await authenticate(bearer(request))
    except Unauthorized:
        log.warning("api.unauthorized", client=client)
        limits.login.take(client)
        raise
    throttle.take(limits.api, store.id, "API requests per key")
    return store


async def admin_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Operator routes carry `Authorization: Bearer <token>`: an operator's named token, or
    the bootstrap `PAYMENTS_ADMIN_TOKEN` (401 otherwise; wrong tokens count as key guesses of
    the client's address, like wrong API keys). The operator is kept for the route
    (`operator`), so that its actions are audited under its name."""
    limits, client = throttle.limits_of(connection), throttle.address_of(connection)
    throttle.refuse_while_blocked(limits.login, client, "key guesses per address", client)
    authenticate = await resolve(container_of(connection).authenticate_operator)
    try:
        signed_in = await authenticate(bearer(connection))
    except Unauthorized:
        log.warning("admin.unauthorized", client=client)
        limits.login.take(client)
        raise
    connection.state.operator = signed_in.actor


async def provide_operator(request: Request[Any, Any, Any]) -> Actor:
    """The operator `admin_guard` signed in."""
    actor: Actor = request.state.operator
    return actor
