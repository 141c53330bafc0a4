"""Litestar dependencies: the one way in from a route to the container. Every dependency a
route names is listed once in `dependencies`, by the container's own attribute (checked by
mypy), and asked of the container when a request needs it, so that a test's
`container.x.override(...)` is seen by the next request."""

from __future__ import annotations

import hmac
from typing import Any, cast

from dependency_injector import providers
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.handlers import BaseRouteHandler

from application.errors import Unauthorized
from domain.store import Store
from entrypoints.container import Container, resolve


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
        "handle_webhook": use(container.handle_webhook),
        "after_answer": use(container.after_answer),
        "store_events": use(container.store_events),
        "checkout": use(container.checkout),
        "store_stats": use(container.store_stats),
        "provider_registry": use(container.provider_registry),
        "sandbox_operator": use(container.sandbox_operator),
        "urls": use(container.urls),
        "metrics": use(container.metrics),
        "database_probe": use(container.database_probe),
        "pending_ages": use(container.pending_ages),
        "clock": use(container.clock),
    }


def bearer(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def provide_store(request: Request[Any, Any, Any]) -> Store:
    """The store whose API key signs this request (401 otherwise)."""
    authenticate = await resolve(container_of(request).authenticate_store)
    store: Store = await authenticate(bearer(request))
    return store


def admin_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Operator routes carry `Authorization: Bearer <PAYMENTS_ADMIN_TOKEN>`."""
    expected = container_of(connection).settings().admin_token
    token = bearer(connection) or ""
    if not hmac.compare_digest(token.encode(), expected.encode()):
        raise Unauthorized("invalid admin token")
